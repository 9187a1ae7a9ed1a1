package io.laminar.state;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Timing harness, run by hand (not a test): streams one 256 MB state file into a checkpoint several
 * times and prints write and restore-verification throughput. Usage:
 * {@code java -cp <test classpath> io.laminar.state.CheckpointWriteThroughput [dir] [MB] [rounds]}.
 */
public final class CheckpointWriteThroughput {
  private CheckpointWriteThroughput() {
  }

  /** Runs the measurement; prints one line per round and the median. */
  public static void main(String[] args) throws Exception {
    Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("laminar-ckpt-bench");
    int megabytes = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    byte[] chunk = new byte[1 << 20];
    new Random(1).nextBytes(chunk); // incompressible, so no filesystem shortcut helps
    double[] writeRates = new double[rounds];
    double[] verifyRates = new double[rounds];
    try (CheckpointStore store = new CheckpointStore(base, 1, "bench")) {
      for (int round = 0; round < rounds; round++) {
        long start = System.nanoTime();
        CompletedCheckpoint done;
        try (CheckpointWriter writer = store.begin(store.nextId())) {
          try (OutputStream out = writer.open("state")) {
            for (int i = 0; i < megabytes; i++) {
              out.write(chunk);
            }
          }
          done = writer.commit(Map.of());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        writeRates[round] = megabytes / seconds;
        long verifyStart = System.nanoTime();
        store.latestValid().orElseThrow();
        verifyRates[round] = megabytes / ((System.nanoTime() - verifyStart) / 1e9);
        System.out.printf("round %d: write+fsync+commit %.0f MB/s (%.2f s, commit %d ms), "
            + "verify %.0f MB/s%n", round, writeRates[round], seconds, done.commitMillis(),
            verifyRates[round]);
      }
    }
    java.util.Arrays.sort(writeRates);
    java.util.Arrays.sort(verifyRates);
    System.out.printf("median of %d rounds, %d MB: write %.0f MB/s (min %.0f, max %.0f), "
        + "verify %.0f MB/s%n", rounds, megabytes, writeRates[rounds / 2], writeRates[0],
        writeRates[rounds - 1], verifyRates[rounds / 2]);
    if (args.length == 0) {
      Durable.deleteRecursively(base);
    }
  }
}
