package io.laminar.kafka;

import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.Source;
import io.laminar.api.SplitReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;

/**
 * A running {@code kafka} source: one split per topic-partition, id {@code <topic>-<partition>}
 * ({@link #splitId}). {@link #splits()} lists the partitions of the configured topics (an admin
 * client's {@code describeTopics}; the host calls it again every {@code partition.discovery.interval}
 * and reads a new partition from its beginning); each reader the host makes ({@link #createReader})
 * is a {@link KafkaSplitReader} with a consumer and fetch thread of its own that assigns exactly its
 * partitions. A split's offsets are the partition's next offset as decimal text
 * ({@link #encodeOffset}); offsets are never committed to Kafka.
 *
 * <p>A checkpoint written before partitions were splits holds the whole topic's offsets (the
 * {@link Offsets} JSON) under the default split; {@link #remapOffsets} hands each partition's
 * offset to that partition's split, so such a checkpoint restores exactly.
 *
 * <p>The consumer reads with {@code isolation.level = read_committed} unless overridden, so rows of
 * aborted or still-open transactions (such as an exactly-once kafka sink's) are never read.
 *
 * <p>Gauges: {@code lag_records} per partition (registered by its reader) and in total (no tag: the
 * sum over the readers).
 */
final class KafkaSource implements Source {
  static final String LAG_DESCRIPTION = "Records in the assigned partitions not yet handed out (with the"
      + " partition tag: of that partition; read_committed: up to the last stable offset)";
  /** How long the first listing of the partitions may take (Kafka's {@code default.api.timeout.ms}). */
  private static final Duration FIRST_LISTING = Duration.ofSeconds(60);

  private final ConnectorContext ctx;
  private final KafkaSourceSettings settings;
  private final Logger log;
  private final ConnectorMetrics.Counter skipped;
  private final String clientId;
  /** The readers made and not closed yet (the total lag gauge sums them). */
  private final List<KafkaSplitReader> readers = new CopyOnWriteArrayList<>();
  /** Readers made so far, for their client ids. */
  private int made;
  /** The partitions listed so far, by topic then partition. */
  private final TreeSet<TopicPartition> listed = new TreeSet<>(
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
  private Admin admin;
  /** A discovery started by {@link #splits()} and not answered yet. */
  private Map<String, KafkaFuture<TopicDescription>> discovery;
  /**
   * Whether this start resumes from a checkpoint (set by {@link #remapOffsets}; null until then):
   * a partition without offsets is then read from its beginning, on a fresh start where
   * {@code startup.mode} says.
   */
  private volatile Boolean resuming;
  private boolean closed;

  KafkaSource(ConnectorContext ctx, KafkaSourceSettings settings) {
    this.ctx = ctx;
    this.settings = settings;
    this.log = ctx.logger();
    this.skipped = ctx.metrics().counter("records_skipped_total", "Kafka records that could not be decoded and were skipped");
    ctx.metrics().gauge("lag_records", LAG_DESCRIPTION, this::totalLag);
    this.clientId = ClientConfig.clientId(ctx.serverName(), ctx.name());
  }

  private double totalLag() {
    double total = Double.NaN;
    for (KafkaSplitReader r : readers) {
      double lag = r.lag();
      if (!Double.isNaN(lag)) {
        total = Double.isNaN(total) ? lag : total + lag;
      }
    }
    return total;
  }

  @Override
  public ChangelogMode changelogMode() {
    return settings.format() == RowDecoder.Format.DEBEZIUM_JSON ? ChangelogMode.ALL : ChangelogMode.APPEND_ONLY;
  }

  @Override
  public void check() throws ConnectorException {
    KafkaCheck.check(settings.bootstrapServers(), settings.topics(), settings.checkTimeout(),
        settings.clientProperties(), clientId);
  }

  /**
   * The partitions of the configured topics as splits. The first call waits for the brokers' answer
   * (a topic that does not exist, or no answer, fails it as a failed connection); later calls — the
   * host's discovery, every {@code partition.discovery.interval} — never wait longer than
   * {@code poll.timeout}: a lookup not answered by then is kept and its partitions are listed by a
   * later call, and a failed one is logged and tried again at the next.
   */
  @Override
  public List<String> splits() throws ConnectorException {
    if (closed) {
      throw new IllegalStateException("kafka source '" + ctx.name() + "' is closed");
    }
    try {
      if (admin == null) {
        admin = ClientConfig.withPluginLoader(() -> Admin.create(adminConfig()));
      }
      if (listed.isEmpty()) {
        listFirst();
      } else {
        discover();
      }
    } catch (KafkaException e) {
      throw ConnectorException.runtime("kafka source cannot list the partitions of " + settings.topics() + ": "
          + e.getMessage(), e);
    }
    return listed.stream().map(KafkaSource::splitId).toList();
  }

  private void listFirst() throws ConnectorException {
    String target = "kafka at " + settings.bootstrapServers();
    Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(settings.topics()).topicNameValues();
    long deadline = System.nanoTime() + FIRST_LISTING.toNanos();
    for (String topic : settings.topics()) {
      try {
        add(futures.get(topic).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          throw ConnectorException.connectionFailed(target + ", topic " + topic,
              new KafkaCheck.Problem("topic '" + topic + "' does not exist"));
        }
        throw ConnectorException.connectionFailed(target + ", topic " + topic, e.getCause());
      } catch (java.util.concurrent.TimeoutException e) {
        throw ConnectorException.connectionFailed(target + ", topic " + topic, new KafkaCheck.Problem(
            "no broker described the topic within " + KafkaCheck.describe(FIRST_LISTING)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ConnectorException.connectionFailed(target, new KafkaCheck.Problem("interrupted while listing partitions"));
      }
    }
    log.info("Kafka source '{}': {} partitions of {}", ctx.name(), listed.size(), settings.topics());
  }

  /** Starts a lookup unless one is under way, waits for it at most {@code poll.timeout}, applies it if answered. */
  private void discover() {
    if (discovery == null) {
      discovery = admin.describeTopics(settings.topics()).topicNameValues();
    }
    long deadline = System.nanoTime() + settings.pollTimeout().toNanos();
    for (Map.Entry<String, KafkaFuture<TopicDescription>> e : discovery.entrySet()) {
      try {
        e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException notYet) {
        return; // answered at a later call
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException failed) {
        // done: reported below
      }
    }
    Map<String, KafkaFuture<TopicDescription>> done = discovery;
    discovery = null;
    int before = listed.size();
    for (Map.Entry<String, KafkaFuture<TopicDescription>> e : done.entrySet()) {
      try {
        add(e.getValue().get());
      } catch (ExecutionException failed) {
        log.warn("Cannot look for new partitions of {}: {}", e.getKey(), failed.getCause().getMessage());
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (listed.size() > before) {
      log.info("Kafka source '{}' found {} new partitions of {}", ctx.name(), listed.size() - before, settings.topics());
    }
  }

  private void add(TopicDescription d) {
    for (TopicPartitionInfo p : d.partitions()) {
      listed.add(new TopicPartition(d.name(), p.partition()));
    }
  }

  @Override
  public Duration splitDiscoveryInterval() {
    return settings.discoveryInterval();
  }

  /**
   * Offsets checkpointed by the single-reader kafka source (before partitions were splits) sit under
   * the default split as the whole topics' {@link Offsets} JSON: each partition's offset goes to its
   * split (a partition the source no longer lists is then dropped by the host with a warning, as the
   * single reader ignored it). Also notes whether this start resumes at all.
   */
  @Override
  public Map<String, byte[]> remapOffsets(Map<String, byte[]> saved, List<String> splits) throws ConnectorException {
    resuming = !saved.isEmpty();
    byte[] old = saved.get(DEFAULT_SPLIT);
    if (old == null) {
      return saved;
    }
    Map<String, byte[]> out = new LinkedHashMap<>(saved);
    out.remove(DEFAULT_SPLIT);
    Map<TopicPartition, Long> offsets = Offsets.decode(old);
    List<TopicPartition> sorted = new ArrayList<>(offsets.keySet());
    sorted.sort(listed.comparator());
    for (TopicPartition tp : sorted) {
      out.putIfAbsent(splitId(tp), encodeOffset(offsets.get(tp)));
    }
    log.info("Kafka source '{}' restores offsets of {} partitions checkpointed by the single-reader kafka source",
        ctx.name(), offsets.size());
    return out;
  }

  @Override
  public SplitReader createReader(Map<String, byte[]> splits) throws ConnectorException {
    if (closed) {
      throw new IllegalStateException("kafka source '" + ctx.name() + "' is closed");
    }
    Map<TopicPartition, Long> partitions = new LinkedHashMap<>();
    boolean anyOffsets = false;
    for (Map.Entry<String, byte[]> e : splits.entrySet()) {
      Long offset = e.getValue() == null ? null : decodeOffset(e.getKey(), e.getValue());
      anyOffsets |= offset != null;
      partitions.put(partitionOf(e.getKey(), settings.topics()), offset);
    }
    Boolean known = resuming;
    boolean resume = known != null ? known : anyOffsets;
    String id = made == 0 ? clientId : clientId + "-" + made;
    made++;
    KafkaSplitReader[] reader = new KafkaSplitReader[1];
    reader[0] = new KafkaSplitReader(ctx, settings, skipped, id, () -> readers.remove(reader[0]));
    readers.add(reader[0]);
    try {
      reader[0].start(partitions, resume);
    } catch (ConnectorException | RuntimeException e) {
      reader[0].close();
      throw e;
    }
    return reader[0];
  }

  /** The consumer settings of this source's readers (each adds its own {@code client.id}). */
  Map<String, Object> consumerConfig() {
    return consumerConfig(settings);
  }

  /** The consumer settings every reader shares: the connector's, {@link #FETCH_DEFAULTS}, then the user's. */
  static Map<String, Object> consumerConfig(KafkaSourceSettings settings) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    c.putAll(FETCH_DEFAULTS);
    c.putAll(settings.clientProperties());
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.groupId().ifPresent(g -> c.put(ConsumerConfig.GROUP_ID_CONFIG, g));
    return c;
  }

  /**
   * Fetch and poll sizes for throughput (each overridable with its {@code kafka.*} property): a
   * poll hands out 12,000 records (Kafka's default 500 makes batches small, and every poll runs the
   * consumer's per-poll bookkeeping: a third as many polls as with 4,000 cut the server's CPU per
   * record by a sixth), a fetch brings up to 1 MiB per partition (Kafka's default, set here so it is
   * visible), and the socket buffers a fetch response whole; the broker still answers a fetch as soon
   * as it has a byte ({@code fetch.min.bytes} stays 1), so a quiet topic's rows are not delayed. The
   * fetch not larger: every record fetched but not yet decoded is ~600 bytes of consumer objects on
   * the heap, and each young collection copies all of them while the whole server stands still — with
   * 4 MiB per partition (and 10,000 records per poll) the collector's pauses cost a sixth of the
   * server's CPU (docs/BENCHMARKS.md).
   */
  static final Map<String, Object> FETCH_DEFAULTS = Map.of(
      ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 12_000,
      ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024 * 1024,
      ConsumerConfig.RECEIVE_BUFFER_CONFIG, 1024 * 1024);

  private Map<String, Object> adminConfig() {
    Map<String, Object> c = new HashMap<>();
    settings.clientProperties().forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k)) {
        c.put(k, v);
      }
    });
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-discovery");
    return c;
  }

  /** The split id of a partition: {@code <topic>-<partition>} (as Kafka prints a {@link TopicPartition}). */
  static String splitId(TopicPartition tp) {
    return tp.topic() + "-" + tp.partition();
  }

  /**
   * The partition of a split id (topic names cannot hold a character that would make the last
   * {@code -} ambiguous: the partition number follows it); the topic must be one of {@code topics}.
   */
  static TopicPartition partitionOf(String split, List<String> topics) {
    int dash = split.lastIndexOf('-');
    if (dash > 0 && dash < split.length() - 1 && topics.contains(split.substring(0, dash))) {
      try {
        return new TopicPartition(split.substring(0, dash), Integer.parseInt(split.substring(dash + 1)));
      } catch (NumberFormatException e) {
        // not a partition number: refused below
      }
    }
    throw new IllegalArgumentException("'" + split + "' is not a partition of " + topics + " (<topic>-<partition>)");
  }

  /** A split's offsets: the partition's next offset, as decimal text. */
  static byte[] encodeOffset(long next) {
    return Long.toString(next).getBytes(StandardCharsets.US_ASCII);
  }

  /** Decodes {@link #encodeOffset}; anything else is a run-time error naming the split. */
  static long decodeOffset(String split, byte[] offsets) throws ConnectorException {
    String text = new String(offsets, StandardCharsets.US_ASCII);
    try {
      long next = Long.parseLong(text);
      if (next >= 0) {
        return next;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ConnectorException.runtime("the checkpointed kafka offset of split '" + split
        + "' is unusable: expected a non-negative integer, not '" + (text.length() > 40 ? text.substring(0, 40) + "…"
        : text) + "'", null);
  }

  /** Closes what readers are still open (the host closes them first) and the admin client. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (KafkaSplitReader r : List.copyOf(readers)) {
      r.close();
    }
    if (admin != null) {
      admin.close(Duration.ZERO);
    }
  }
}
