package io.laminar.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.laminar.api.ConnectorException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The end-to-end scenario's data: trades as JSON records (ISO timestamps, slightly out of order),
 * the per-symbol 1-second window aggregates they must produce, the output rows the kafka sink writes,
 * and the server configuration that joins them.
 */
final class Trades {
  static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  static final String FLUSH_SYMBOL = "~flush";
  private static final String[] SYMBOLS = {"AAPL", "MSFT", "GOOG", "NVDA"};
  private static final ObjectMapper JSON = new ObjectMapper();

  private Trades() {
  }

  /** One input record. */
  record Trade(String symbol, double price, int qty, long ts) {
    String json() {
      return String.format(Locale.ROOT, "{\"symbol\":\"%s\",\"price\":%.2f,\"qty\":%d,\"ts\":\"%s\"}", symbol, price, qty,
          Instant.ofEpochMilli(ts));
    }

    long windowStart() {
      return Math.floorDiv(ts, 1000) * 1000;
    }
  }

  /** A window's key: symbol and window start (epoch ms). */
  record Key(String symbol, long windowStart) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = Long.compare(windowStart, o.windowStart);
      return c != 0 ? c : symbol.compareTo(o.symbol);
    }
  }

  /** A window's aggregates. */
  record Agg(long trades, long volume, double avgPrice) {
  }

  /**
   * {@code n} trades, trade {@code i} at {@code T0 + i * stepMillis} minus up to {@code jitterMillis}
   * (so records arrive out of order, by less than the watermark delay).
   */
  static List<Trade> generate(long seed, int n, int stepMillis, int jitterMillis) {
    Random r = new Random(seed);
    List<Trade> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long ts = T0 + (long) i * stepMillis - r.nextInt(jitterMillis + 1);
      out.add(new Trade(SYMBOLS[r.nextInt(SYMBOLS.length)], 10 + r.nextInt(49_000) / 100.0, 1 + r.nextInt(100),
          Math.max(T0, ts)));
    }
    return out;
  }

  /** The aggregates a 1-second TUMBLE per symbol must produce, computed here from the input. */
  static Map<Key, Agg> expected(List<Trade> trades) {
    Map<Key, long[]> counts = new TreeMap<>();
    Map<Key, Double> prices = new TreeMap<>();
    for (Trade t : trades) {
      Key k = new Key(t.symbol(), t.windowStart());
      long[] c = counts.computeIfAbsent(k, x -> new long[2]);
      c[0]++;
      c[1] += t.qty();
      prices.merge(k, t.price(), Double::sum);
    }
    Map<Key, Agg> out = new TreeMap<>();
    counts.forEach((k, c) -> out.put(k, new Agg(c[0], c[1], prices.get(k) / c[0])));
    return out;
  }

  /** Sends trade {@code i} to partition {@code i % partitions}; {@code flush()} is left to the caller. */
  static void send(KafkaProducer<byte[], byte[]> producer, String topic, int partitions, List<Trade> trades, int from,
      int to) {
    for (int i = from; i < to; i++) {
      producer.send(new ProducerRecord<>(topic, i % partitions, null,
          trades.get(i).json().getBytes(StandardCharsets.UTF_8)));
    }
  }

  /**
   * A trade far in event-time future on every partition: it moves the watermark past every real
   * window, and the pipeline filters it out.
   */
  static void sendFlush(KafkaProducer<byte[], byte[]> producer, String topic, int partitions) {
    Trade flush = new Trade(FLUSH_SYMBOL, 1, 1, T0 + 3_600_000);
    for (int p = 0; p < partitions; p++) {
      producer.send(new ProducerRecord<>(topic, p, null, flush.json().getBytes(StandardCharsets.UTF_8)));
    }
    producer.flush();
  }

  /** The output records as a list of (key, aggregates): duplicates are kept, for the caller to find. */
  static List<Map.Entry<Key, Agg>> parse(List<ConsumerRecord<String, String>> records) {
    List<Map.Entry<Key, Agg>> out = new ArrayList<>();
    for (ConsumerRecord<String, String> r : records) {
      try {
        JsonNode n = JSON.readTree(r.value());
        long start = Instant.parse(n.get("window_start").asText()).toEpochMilli();
        long end = Instant.parse(n.get("window_end").asText()).toEpochMilli();
        if (end - start != 1000) {
          throw new AssertionError("not a 1-second window: " + r.value());
        }
        out.add(Map.entry(new Key(n.get("symbol").asText(), start),
            new Agg(n.get("trades").asLong(), n.get("volume").asLong(), n.get("avg_price").asDouble())));
      } catch (IOException e) {
        throw new UncheckedIOException("output record is not JSON: " + r.value(), e);
      }
    }
    return out;
  }

  /**
   * The source offsets in the latest checkpoint under {@code checkpointPath}, if any: equal to the
   * input's end offsets once the server has read everything.
   */
  static Optional<Map<TopicPartition, Long>> checkpointedOffsets(Path checkpointPath, String source) {
    Path dir = checkpointPath.resolve("checkpoints");
    try {
      Path latest = dir.resolve("latest");
      if (!Files.exists(latest)) {
        return Optional.empty();
      }
      long id = Long.parseLong(Files.readString(latest).trim());
      Path offsets = dir.resolve(String.format(Locale.ROOT, "%020d", id)).resolve("source-" + source + ".offsets");
      return Files.exists(offsets) ? Optional.of(decodeOffsetsFile(Files.readAllBytes(offsets))) : Optional.empty();
    } catch (IOException | ConnectorException | RuntimeException e) {
      return Optional.empty(); // a checkpoint being rotated while read: try again
    }
  }

  /**
   * The offsets the single-reader kafka source checkpointed before partitions were splits (the JSON
   * {@link Offsets#decode} reads): topics and partitions in sorted order.
   */
  static byte[] singleReaderOffsets(Map<TopicPartition, Long> next) {
    Map<String, Map<Integer, Long>> byTopic = new TreeMap<>();
    next.forEach((tp, offset) -> byTopic.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), offset));
    com.fasterxml.jackson.databind.node.ObjectNode root = JSON.createObjectNode();
    byTopic.forEach((topic, partitions) -> {
      com.fasterxml.jackson.databind.node.ObjectNode node = root.putObject(topic);
      partitions.forEach((p, o) -> node.put(Integer.toString(p), o));
    });
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The host's mark of an offsets file with offsets per split (the engine's {@code SplitOffsets}). */
  static final byte[] SPLIT_OFFSETS_MAGIC = "LMNSPLT1".getBytes(StandardCharsets.US_ASCII);

  /**
   * A kafka source's offsets file in a checkpoint, as next offset per partition: offsets per split
   * (the host's format: magic, count, then per split a short-prefixed id and an int-prefixed value,
   * here the partition's next offset as decimal text), or the {@link Offsets} JSON that the
   * single-reader kafka source wrote before partitions were splits.
   */
  static Map<TopicPartition, Long> decodeOffsetsFile(byte[] file) throws ConnectorException {
    if (file.length < SPLIT_OFFSETS_MAGIC.length
        || !java.util.Arrays.equals(file, 0, SPLIT_OFFSETS_MAGIC.length, SPLIT_OFFSETS_MAGIC, 0,
        SPLIT_OFFSETS_MAGIC.length)) {
      return Offsets.decode(file);
    }
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(file, SPLIT_OFFSETS_MAGIC.length,
        file.length - SPLIT_OFFSETS_MAGIC.length);
    Map<TopicPartition, Long> out = new java.util.HashMap<>();
    int count = in.getInt();
    for (int i = 0; i < count; i++) {
      byte[] id = new byte[Short.toUnsignedInt(in.getShort())];
      in.get(id);
      byte[] value = new byte[in.getInt()];
      in.get(value);
      String split = new String(id, StandardCharsets.UTF_8);
      int dash = split.lastIndexOf('-');
      out.put(new TopicPartition(split.substring(0, dash), Integer.parseInt(split.substring(dash + 1))),
          KafkaSource.decodeOffset(split, value));
    }
    return out;
  }

  /**
   * The server configuration: kafka source {@code trades} → TUMBLE 1 s COUNT/SUM/AVG per symbol →
   * kafka sink {@code out} with the given delivery, with a small per-partition fetch (the consumer
   * alternates between partitions in small steps, as it had to while the watermark was per topic).
   */
  static String config(String server, Path checkpoints, String bootstrap, String inTopic, String outTopic,
      String delivery) {
    return config(server, checkpoints, bootstrap, inTopic, outTopic, delivery, 0, true);
  }

  /**
   * As {@link #config(String, Path, String, String, String, String)}, with {@code [server] workers}
   * (0: the default) and without the small per-partition fetch when {@code smallFetches} is false
   * (partitions are splits with watermarks of their own, so large fetches make no row late).
   */
  static String config(String server, Path checkpoints, String bootstrap, String inTopic, String outTopic,
      String delivery, int workers, boolean smallFetches) {
    String text = """
        [server]
        name = "%s"
        bind = "127.0.0.1:0"
        shutdown_timeout = "20s"

        [checkpoint]
        path = "%s"
        interval = "300ms"
        retain = 3

        [[source]]
        name = "trades"
        connector = "kafka"
        [source.properties]
        "bootstrap.servers" = "%s"
        topic = "%s"
        "kafka.max.partition.fetch.bytes" = "8192"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "price"
        type = "DOUBLE"
        [[source.schema]]
        name = "qty"
        type = "INT"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        [source.watermark]
        column = "ts"
        max_out_of_orderness = "2s"

        [[pipeline]]
        name = "stats"
        sql = \"\"\"
        SELECT symbol, window_start, window_end, COUNT(*) AS trades, SUM(qty) AS volume, AVG(price) AS avg_price
        FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
        WHERE symbol <> '%s'
        GROUP BY symbol, window_start, window_end
        \"\"\"

        [[sink]]
        name = "out"
        pipeline = "stats"
        connector = "kafka"
        delivery = "%s"
        [sink.properties]
        "bootstrap.servers" = "%s"
        topic = "%s"
        """.formatted(server, checkpoints, bootstrap, inTopic, FLUSH_SYMBOL, delivery, bootstrap, outTopic);
    if (workers > 0) {
      text = text.replace("shutdown_timeout = \"20s\"\n", "shutdown_timeout = \"20s\"\nworkers = " + workers + "\n");
    }
    if (!smallFetches) {
      text = text.replace("\"kafka.max.partition.fetch.bytes\" = \"8192\"\n", "");
    }
    return text;
  }

  /**
   * Asserts that the output records hold every expected window exactly once with its aggregates, and
   * nothing else.
   */
  static void assertExactly(Map<Key, Agg> expected, List<ConsumerRecord<String, String>> records) {
    List<Map.Entry<Key, Agg>> rows = parse(records);
    Map<Key, Agg> actual = new TreeMap<>();
    List<Key> duplicates = new ArrayList<>();
    for (Map.Entry<Key, Agg> r : rows) {
      if (actual.put(r.getKey(), r.getValue()) != null) {
        duplicates.add(r.getKey());
      }
    }
    assertEquals(List.of(), duplicates, "windows written more than once");
    List<Key> missing = expected.keySet().stream().filter(k -> !actual.containsKey(k)).toList();
    List<Key> extra = actual.keySet().stream().filter(k -> !expected.containsKey(k)).toList();
    assertEquals(List.of(), missing, "windows missing from the output");
    assertEquals(List.of(), extra, "windows in the output that the input does not have");
    expected.forEach((k, e) -> {
      Agg a = actual.get(k);
      assertEquals(e.trades(), a.trades(), () -> "COUNT of " + k);
      assertEquals(e.volume(), a.volume(), () -> "SUM(qty) of " + k);
      assertEquals(e.avgPrice(), a.avgPrice(), 1e-9, () -> "AVG(price) of " + k);
    });
  }
}
