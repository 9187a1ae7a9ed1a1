package io.laminar.kafka;

import static io.laminar.kafka.Fixtures.BIGINT;
import static io.laminar.kafka.Fixtures.DOUBLE;
import static io.laminar.kafka.Fixtures.TIMESTAMP;
import static io.laminar.kafka.Fixtures.VARCHAR;
import static io.laminar.kafka.Fixtures.col;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorKind;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import io.laminar.api.Source;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Throughput harness (not a test): source-only read rate and sink write rate against the embedded
 * broker: first the source alone next to a plain consumer on {@link ServerThroughput}'s 4-partition
 * trades topic, then a four-column JSON row (~90 bytes). Run by {@code CONNECTOR_ALONE=1
 * bench/run-kafka.sh}; argument: number of rows (default 1000000).
 */
public final class KafkaThroughput {
  private static final Schema SCHEMA = Fixtures.schema(col("id", BIGINT), col("name", VARCHAR), col("ts", TIMESTAMP),
      col("price", DOUBLE));
  private static final int BATCH = 8192;

  private KafkaThroughput() {
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(); BufferAllocator allocator = new RootAllocator()) {
      String trades = kafka.createTopic("bench-trades", 4);
      ServerThroughput.produce(kafka, trades, rows);
      Map<String, Object> tuned = ServerThroughput.largeFetches();
      for (int run = 1; run <= 3; run++) {
        double plain = ServerThroughput.plain(kafka, trades, rows, tuned)[0];
        long nanos = readAll(kafka, allocator, trades, rows, ServerThroughput.TRADES);
        System.out.printf(Locale.ROOT, "run %d: plain consumer %,.0f records/s, kafka source alone %,.0f rows/s"
            + " (%.2f×); load %s%n", run, plain, rows / (nanos / 1e9), rows / (nanos / 1e9) / plain,
            ServerThroughput.load());
      }
      String in = kafka.createTopic("bench-in", 3);
      for (int p = 0; p < 3; p++) {
        List<String> values = new ArrayList<>();
        for (int i = p; i < rows; i += 3) {
          values.add("{\"id\":" + i + ",\"name\":\"user-" + (i % 1000) + "\",\"ts\":\"2026-01-01T00:00:00.123Z\","
              + "\"price\":" + (i % 100) + ".25}");
        }
        kafka.sendAll(in, p, values);
      }
      for (int run = 1; run <= 2; run++) {
        report("source read (run " + run + ")", rows, readAll(kafka, allocator, in, rows, SCHEMA));
      }
      for (DeliveryGuarantee g : List.of(DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE)) {
        for (int run = 1; run <= 2; run++) {
          String out = kafka.createTopic("bench-out", 3);
          report("sink write " + g.label() + " (run " + run + ")", rows, writeAll(kafka, allocator, out, rows, g));
        }
      }
      if (allocator.getAllocatedMemory() != 0) {
        throw new IllegalStateException("leaked " + allocator.getAllocatedMemory() + " bytes");
      }
    }
  }

  private static long readAll(EmbeddedKafka kafka, BufferAllocator allocator, String topic, int rows, Schema schema)
      throws Exception {
    Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers(), "topic", topic);
    try (Source source = new KafkaSourceFactory().create(Fixtures.context("bench", ConnectorKind.SOURCE,
        new KafkaSourceFactory().spec(), props, schema, allocator, null))) {
      try (io.laminar.api.SplitReader reader = Fixtures.readerOfAll(source, null)) {
        long start = System.nanoTime();
        long seen = 0;
        while (seen < rows) {
          io.laminar.api.SplitBatch polled = reader.poll(BATCH, Duration.ofSeconds(1));
          if (polled != null) {
            try (Batch b = polled.batch()) {
              seen += b.rowCount();
            }
          }
        }
        return System.nanoTime() - start;
      }
    }
  }

  private static long writeAll(EmbeddedKafka kafka, BufferAllocator allocator, String topic, int rows,
      DeliveryGuarantee guarantee) throws Exception {
    Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers(), "topic", topic,
        "kafka.linger.ms", "5", "kafka.batch.size", "262144");
    try (Sink sink = new KafkaSinkFactory().create(Fixtures.context("bench-" + topic, ConnectorKind.SINK,
        new KafkaSinkFactory().spec(), props, SCHEMA, allocator, guarantee))) {
      sink.open(0);
      long start = System.nanoTime();
      long epoch = 0;
      for (int from = 0; from < rows; from += BATCH) {
        try (Batch b = Batch.of(batch(allocator, from, Math.min(BATCH, rows - from)))) {
          sink.write(b);
        }
        if ((from / BATCH) % 16 == 15) { // a checkpoint every 16 batches (~131k rows)
          sink.prepareCommit(++epoch);
          sink.commit(epoch);
        }
      }
      sink.prepareCommit(++epoch);
      sink.commit(epoch);
      return System.nanoTime() - start;
    }
  }

  private static VectorSchemaRoot batch(BufferAllocator allocator, int from, int n) {
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    root.allocateNew();
    BigIntVector id = (BigIntVector) root.getVector("id");
    VarCharVector name = (VarCharVector) root.getVector("name");
    TimeStampMilliVector ts = (TimeStampMilliVector) root.getVector("ts");
    Float8Vector price = (Float8Vector) root.getVector("price");
    for (int i = 0; i < n; i++) {
      id.setSafe(i, from + i);
      name.setSafe(i, ("user-" + ((from + i) % 1000)).getBytes(StandardCharsets.UTF_8));
      ts.setSafe(i, 1_767_225_600_123L);
      price.setSafe(i, (from + i) % 100 + 0.25);
    }
    root.setRowCount(n);
    return root;
  }

  private static void report(String what, int rows, long nanos) {
    System.out.printf(Locale.ROOT, "%-34s %,10d rows in %6.2f s = %,12.0f rows/s%n", what, rows, nanos / 1e9,
        rows / (nanos / 1e9));
  }
}
