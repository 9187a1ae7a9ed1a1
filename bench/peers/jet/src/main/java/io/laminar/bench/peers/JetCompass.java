package io.laminar.bench.peers;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.jet.Job;
import com.hazelcast.jet.aggregate.AggregateOperations;
import com.hazelcast.jet.core.Processor;
import com.hazelcast.jet.datamodel.Tuple2;
import com.hazelcast.jet.datamodel.Tuple3;
import com.hazelcast.jet.pipeline.BatchSource;
import com.hazelcast.jet.pipeline.Pipeline;
import com.hazelcast.jet.pipeline.Sinks;
import com.hazelcast.jet.pipeline.SourceBuilder;
import com.hazelcast.jet.pipeline.StreamStage;
import com.hazelcast.jet.pipeline.WindowDefinition;

/**
 * The issue-20 compass workloads on Hazelcast Jet, the fastest peer the targets are set against,
 * so that laminar and the peer can be measured on the same machine in one run: a generator of
 * {@code rows} trades ({@code id} sequence, {@code price} uniform 0-100, 1000 rows per event-time
 * millisecond, watermark lag 1 s) read by {@code threads} source processors in interleaved 8192-row
 * blocks (as laminar's generator splits), on {@code threads} cooperative threads, into a no-op sink.
 * Prints the set-up time (member start) and the job time (submit to completion) separately.
 *
 * <p>Usage: {@code JetCompass pass|filter|tumble ROWS THREADS}
 */
public final class JetCompass {
  private static final long START_MS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final int BLOCK = 8192;
  private static final int PER_CALL = 1024;

  /** One generated row; a plain object, as Jet passes items. */
  public static final class Trade implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final long id;
    final double price;

    Trade(long id, double price) {
      this.id = id;
      this.price = price;
    }
  }

  /** One source processor's share of the rows: blocks index, index + total, ... */
  static final class Generator {
    private final long rows;
    private final int index;
    private final int total;
    private long block;
    private long next;

    Generator(long rows, int index, int total) {
      this.rows = rows;
      this.index = index;
      this.total = total;
      this.block = index;
      this.next = block * BLOCK;
    }

    void fill(SourceBuilder.SourceBuffer<Trade> buffer) {
      for (int n = 0; n < PER_CALL; n++) {
        if (next >= rows || next >= (block + 1) * BLOCK) {
          block += total;
          next = block * BLOCK;
          if (next >= rows) {
            buffer.close();
            return;
          }
        }
        long row = next++;
        buffer.add(new Trade(row, unit(mix(row * 0x94D049BB133111EBL + 0x2545F4914F6CDD1DL)) * 100.0));
      }
    }
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static double unit(long h) {
    return (h >>> 11) * 0x1.0p-53;
  }

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: JetCompass pass|filter|tumble ROWS THREADS");
      System.exit(2);
    }
    String workload = args[0];
    long rows = Long.parseLong(args[1]);
    int threads = Integer.parseInt(args[2]);

    long t0 = System.nanoTime();
    Config config = new Config();
    config.setClusterName("laminar-bench-" + ProcessHandle.current().pid());
    config.setProperty("hazelcast.logging.type", "none");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    config.getJetConfig().setEnabled(true).setCooperativeThreadCount(threads);
    HazelcastInstance hz = Hazelcast.newHazelcastInstance(config);
    try {
      long t1 = System.nanoTime();
      Pipeline p = Pipeline.create();
      BatchSource<Trade> source = SourceBuilder
          .batch("trades", (Processor.Context c) -> new Generator(rows, c.globalProcessorIndex(),
              c.totalParallelism()))
          .fillBufferFn(Generator::fill)
          .distributed(threads)
          .build();
      // a bounded source: Jet's stream sources cannot end, so event times are added to a batch source
      StreamStage<Trade> trades = p.readFrom(source).addTimestamps(t -> START_MS + t.id / 1000, 1000);
      switch (workload) {
        case "pass" -> trades.map(t -> Tuple2.tuple2(t.id, t.price)).writeTo(Sinks.noop());
        case "filter" -> trades.filter(t -> t.price > 50)
            .map(t -> Tuple3.tuple3(t.id, "S" + (t.id % 1000), t.price * 2)).writeTo(Sinks.noop());
        case "tumble" -> trades.window(WindowDefinition.tumbling(1000))
            .groupingKey(t -> "S" + (t.id % 1000))
            .aggregate(AggregateOperations.allOf(AggregateOperations.counting(),
                AggregateOperations.averagingDouble(t -> t.price)))
            .writeTo(Sinks.noop());
        default -> throw new IllegalArgumentException("unknown workload " + workload);
      }
      Job job = hz.getJet().newJob(p);
      job.join();
      long t2 = System.nanoTime();
      double jobSeconds = (t2 - t1) / 1e9;
      System.out.printf("jet %s (threads %d): %d rows, set-up %d ms, job %d ms = %.1f M rows/s (job time)%n",
          workload, threads, rows, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, rows / jobSeconds / 1e6);
    } finally {
      hz.shutdown();
    }
  }
}
