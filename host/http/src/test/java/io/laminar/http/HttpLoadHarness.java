package io.laminar.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load harness (not a unit test; prints figures, asserts no timings). Against a real engine and API
 * on loopback: {@code /health} latency p50/p99 and requests/s with 64 concurrent keep-alive clients
 * for 10 s, then 1000 connections held open at once, each served.
 *
 * <p>Run: {@code mvn -o -q -f host/http/pom.xml test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test} then {@code java
 * --add-opens=java.base/java.nio=ALL-UNNAMED -cp target/classes:target/test-classes:$(cat target/cp.txt)
 * io.laminar.http.HttpLoadHarness [clients] [seconds]}.
 */
public final class HttpLoadHarness {
  private static final int MAX_SAMPLES_PER_CLIENT = 2_000_000;

  private HttpLoadHarness() {
  }

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Path dir = Files.createTempDirectory("laminar-http-load");
    try (LaminarFixture fx = LaminarFixture.start(dir, Optional.empty(), null)) {
      int port = fx.api.port();
      System.out.printf("engine running, API on 127.0.0.1:%d; %d cores%n", port,
          Runtime.getRuntime().availableProcessors());
      run(port, clients, 2, false); // warm-up: JIT, pool threads
      run(port, clients, seconds, true);
      thousandConnections(port, ConcurrentConnectionsTest.CONNECTIONS);
    } finally {
      deleteTree(dir);
    }
  }

  private static void run(int port, int clients, int seconds, boolean report) throws Exception {
    long[][] latencies = new long[clients][];
    int[] counts = new int[clients];
    AtomicLong errors = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    long[] window = new long[2];
    for (int c = 0; c < clients; c++) {
      int id = c;
      Thread t = new Thread(() -> {
        long[] mine = new long[1 << 16];
        int n = 0;
        try (RawHttpConnection conn = new RawHttpConnection(port)) {
          start.await();
          long end = window[1];
          while (n < MAX_SAMPLES_PER_CLIENT) {
            long t0 = System.nanoTime();
            if (t0 >= end) {
              break;
            }
            int status = conn.get("/health");
            long took = System.nanoTime() - t0;
            if (status != 200) {
              errors.incrementAndGet();
            }
            if (n == mine.length) {
              mine = Arrays.copyOf(mine, mine.length * 2);
            }
            mine[n++] = took;
          }
        } catch (Exception e) {
          errors.incrementAndGet();
        }
        latencies[id] = mine;
        counts[id] = n;
      }, "load-client-" + c);
      t.start();
      threads.add(t);
    }
    Thread.sleep(200); // let every client connect first
    window[0] = System.nanoTime();
    window[1] = window[0] + seconds * 1_000_000_000L;
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - window[0]) / 1e9;
    if (!report) {
      return;
    }
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int at = 0;
    for (int c = 0; c < clients; c++) {
      System.arraycopy(latencies[c], 0, all, at, counts[c]);
      at += counts[c];
    }
    Arrays.sort(all);
    System.out.printf("/health, %d keep-alive clients, %.1f s: %d requests, %.0f req/s, p50 %.3f ms, p99 %.3f ms, "
            + "p99.9 %.3f ms, max %.3f ms, errors %d%n", clients, elapsed, total, total / elapsed,
        pct(all, 0.50), pct(all, 0.99), pct(all, 0.999), all.length == 0 ? 0 : all[all.length - 1] / 1e6,
        errors.get());
  }

  private static double pct(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  private static void thousandConnections(int port, int n) throws Exception {
    List<RawHttpConnection> open = new ArrayList<>(n);
    try {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        open.add(new RawHttpConnection(port));
      }
      long connected = System.nanoTime();
      int ok = 0;
      for (RawHttpConnection c : open) {
        ok += c.get("/health") == 200 ? 1 : 0;
      }
      long served = System.nanoTime();
      System.out.printf("%d concurrent connections: all open in %.0f ms; %d/%d answered 200 in %.0f ms%n", n,
          (connected - t0) / 1e6, ok, n, (served - connected) / 1e6);
    } finally {
      for (RawHttpConnection c : open) {
        c.close();
      }
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
