package io.laminar.kafka;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The kafka connector's per-record codec costs, on one thread, without a broker (not a test;
 * prints only; run by {@code bench/run-kafka.sh} with {@code CODEC=1}): the bench's trades
 * ({@link ServerThroughput#trade}) decoded into batches of 10,000 rows by {@code decodeInto} (the
 * short path) and by Jackson's path ({@code decode} + {@code writeTo}, what every record took
 * before the short path), then encoded by the sink's {@link RowEncoder} and by its previous,
 * Jackson-based one ({@link JacksonRowEncoder}). Figures are thread CPU nanoseconds per record, the
 * best of several rounds after a warm-up: far less exposed to the machine's load than wall time.
 */
public final class CodecThroughput {
  private static final int BATCH = 10_000;

  private CodecThroughput() {
  }

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    byte[][] values = new byte[records][];
    for (int i = 0; i < records; i++) {
      values[i] = ServerThroughput.trade(i);
    }
    List<ColumnKind> kinds = ServerThroughput.TRADES.getFields().stream()
        .map(f -> ColumnKind.of(f.getType()).orElseThrow()).toList();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(ServerThroughput.TRADES, allocator)) {
      root.allocateNew();
      RowDecoder decoder = new RowDecoder(RowDecoder.Format.JSON, ServerThroughput.TRADES.getFields(), kinds,
          new RowDecoder.TimestampTarget.None());
      RowEncoder encoder = new RowEncoder();
      JacksonRowEncoder jackson = new JacksonRowEncoder();
      double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
      long sink = 0;
      for (int round = 0; round < 8; round++) {
        for (int way = 0; way < 4; way++) {
          long t0 = threads.getCurrentThreadCpuTime();
          for (int from = 0; from < records; from += BATCH) {
            int n = Math.min(BATCH, records - from);
            for (int r = 0; r < n; r++) {
              if (way == 1) {
                decoder.decode(values[from + r], 0);
                decoder.writeTo(root, r);
              } else if (way == 0 || from == 0) {
                decoder.decodeInto(values[from + r], 0, root, r); // the encoders' input: the first batch
              }
            }
            root.setRowCount(n);
            if (way >= 2) {
              for (int r = 0; r < n; r++) {
                sink += (way == 2 ? encoder.json(root, r) : jackson.json(root, r)).length;
              }
            }
          }
          double ns = (threads.getCurrentThreadCpuTime() - t0) / (double) records;
          if (round >= 3) {
            best[way] = Math.min(best[way], ns);
          }
        }
      }
      System.out.printf(Locale.ROOT, "codec, %,d trades, thread CPU ns per record (best of 5 rounds): decode short path"
          + " %.0f, Jackson path %.0f (%.2f×); encode RowEncoder %.0f, Jackson generator %.0f (%.2f×) [%d]; load %s%n",
          records, best[0], best[1], best[1] / best[0], best[2], best[3], best[3] / best[2], sink % 10,
          ServerThroughput.load());
    }
  }
}
