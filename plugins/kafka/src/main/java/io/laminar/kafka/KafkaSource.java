package io.laminar.kafka;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;

/**
 * A running {@code kafka} source. It assigns every partition of its topics to one consumer
 * ({@code assign} + {@code seek}, never {@code subscribe}), so no consumer-group rebalancing ever
 * moves partitions away. Its position is the next offset of each partition after the last record
 * handed out (or skipped); {@link #snapshotOffsets()} returns it and {@link #open(byte[])} resumes
 * exactly there. Offsets are never committed to Kafka: the checkpoint is the source of truth.
 *
 * <p>New partitions of the topics are looked up every {@code partition.discovery.interval} (without
 * blocking {@link #poll}) and read from their beginning; a partition without an entry in the
 * offsets is likewise read from its beginning after a restore. A restored offset that retention
 * has already removed falls back to Kafka's {@code auto.offset.reset} (default here: earliest;
 * {@code kafka.auto.offset.reset = "none"} makes it an error). The consumer reads with
 * {@code isolation.level = read_committed} unless overridden, so rows of aborted or still-open
 * transactions (such as an exactly-once kafka sink's) are never read.
 *
 * <p>Not thread-safe: the host calls {@link #poll} and {@link #snapshotOffsets()} from one thread.
 * The {@code lag_records} gauge only reads a value computed on that thread.
 */
final class KafkaSource implements Source {
  private final ConnectorContext ctx;
  private final KafkaSourceSettings settings;
  private final Logger log;
  private final RowDecoder decoder;
  /** For {@code format = "debezium-json"}: each record gives 0 to 2 row changes; null otherwise. */
  private final DebeziumDecoder changes;
  private final ConnectorMetrics.Counter skipped;
  private final String clientId;

  private KafkaConsumer<byte[], byte[]> consumer;
  private Admin admin;
  private final Set<TopicPartition> assigned = new LinkedHashSet<>();
  /** Next offset per partition after the last record handed out; absent = from the beginning. */
  private final Map<TopicPartition, Long> next = new HashMap<>();
  private Iterator<ConsumerRecord<byte[], byte[]>> buffered;
  private int bufferedCount;
  private KafkaFuture<Map<String, TopicDescription>> discovery;
  private long nextDiscoveryNanos;
  private volatile double lag;
  private ConnectorException failure;
  private boolean closed;

  KafkaSource(ConnectorContext ctx, KafkaSourceSettings settings) {
    this.ctx = ctx;
    this.settings = settings;
    this.log = ctx.logger();
    this.decoder = new RowDecoder(settings.format(), ctx.schema().getFields(), settings.kinds(),
        settings.timestampTarget());
    this.changes = settings.format() == RowDecoder.Format.DEBEZIUM_JSON
        ? new DebeziumDecoder(ctx.schema().getFields(), settings.kinds(), settings.timestampTarget()) : null;
    this.skipped = ctx.metrics().counter("records_skipped_total", "Kafka records that could not be decoded and were skipped");
    ctx.metrics().gauge("lag_records", "Records in the assigned partitions not yet handed out", () -> lag);
    this.clientId = ClientConfig.clientId(ctx.serverName(), ctx.name());
  }

  @Override
  public ChangelogMode changelogMode() {
    return changes != null ? ChangelogMode.ALL : ChangelogMode.APPEND_ONLY;
  }

  @Override
  public void check() throws ConnectorException {
    KafkaCheck.check(settings.bootstrapServers(), settings.topics(), settings.checkTimeout(),
        settings.clientProperties(), clientId);
  }

  @Override
  public void open(byte[] restoredOffsets) throws ConnectorException {
    Map<TopicPartition, Long> restored = restoredOffsets == null ? null : Offsets.decode(restoredOffsets);
    String target = "kafka at " + settings.bootstrapServers();
    try {
      consumer = ClientConfig.withPluginLoader(() -> new KafkaConsumer<>(consumerConfig()));
      for (String topic : settings.topics()) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        if (partitions == null || partitions.isEmpty()) {
          throw ConnectorException.connectionFailed(target + ", topic " + topic,
              new KafkaCheck.Problem("topic '" + topic + "' does not exist"));
        }
        partitions.forEach(p -> assigned.add(new TopicPartition(p.topic(), p.partition())));
      }
      consumer.assign(assigned);
      if (restored != null) {
        seekRestored(restored);
      } else {
        seekStartup();
      }
      for (TopicPartition tp : assigned) {
        next.put(tp, consumer.position(tp));
      }
      admin = ClientConfig.withPluginLoader(() -> Admin.create(adminConfig()));
      nextDiscoveryNanos = System.nanoTime() + settings.discoveryInterval().toNanos();
      log.info("Kafka source reading {} partitions of {} from {}; {}", assigned.size(), settings.topics(),
          restored != null ? "the checkpoint" : "startup mode " + settings.startupMode(), ClientConfig.libraries());
    } catch (TimeoutException e) {
      throw ConnectorException.connectionFailed(target, e);
    } catch (KafkaException e) {
      throw ConnectorException.runtime("kafka source cannot start: " + e.getMessage(), e);
    }
  }

  private void seekRestored(Map<TopicPartition, Long> restored) {
    List<TopicPartition> fromBeginning = new ArrayList<>();
    for (TopicPartition tp : assigned) {
      Long offset = restored.get(tp);
      if (offset == null) {
        fromBeginning.add(tp);
      } else {
        consumer.seek(tp, offset);
      }
    }
    seekToBeginning(fromBeginning);
    for (TopicPartition tp : restored.keySet()) {
      if (!assigned.contains(tp)) {
        log.warn("Checkpointed partition {} is not among the configured topics' partitions; ignored", tp);
      }
    }
  }

  private void seekStartup() {
    switch (settings.startupMode()) {
      case EARLIEST -> consumer.seekToBeginning(assigned);
      case LATEST -> consumer.seekToEnd(assigned);
      case GROUP_OFFSETS -> {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        List<TopicPartition> none = new ArrayList<>();
        for (TopicPartition tp : assigned) {
          OffsetAndMetadata c = committed.get(tp);
          if (c == null) {
            none.add(tp);
          } else {
            consumer.seek(tp, c.offset());
          }
        }
        seekToBeginning(none);
      }
      case TIMESTAMP -> {
        Map<TopicPartition, Long> query = new HashMap<>();
        assigned.forEach(tp -> query.put(tp, settings.startupTimestamp()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        List<TopicPartition> none = new ArrayList<>();
        for (TopicPartition tp : assigned) {
          OffsetAndTimestamp o = found.get(tp);
          if (o == null) {
            none.add(tp);
          } else {
            consumer.seek(tp, o.offset());
          }
        }
        if (!none.isEmpty()) {
          consumer.seekToEnd(none); // no record at or after the timestamp yet
        }
      }
      default -> throw new AssertionError(settings.startupMode());
    }
  }

  /** Kafka reads an empty collection as "every assigned partition", hence the guard. */
  private void seekToBeginning(java.util.Collection<TopicPartition> partitions) {
    if (!partitions.isEmpty()) {
      consumer.seekToBeginning(partitions);
    }
  }

  private Map<String, Object> consumerConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    c.putAll(settings.clientProperties());
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.groupId().ifPresent(g -> c.put(ConsumerConfig.GROUP_ID_CONFIG, g));
    return c;
  }

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

  @Override
  public Batch poll(int maxRows, Duration timeout) throws ConnectorException {
    if (failure != null) {
      throw failure;
    }
    if (closed || consumer == null) {
      throw new IllegalStateException("kafka source '" + ctx.name() + "' is not open");
    }
    discoverPartitions();
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, Long> advanced = new HashMap<>();
    VectorSchemaRoot root = null;
    TinyIntVector kinds = null;
    int rows = 0;
    // a change event may give two rows (an update's before and after), which stay in one batch (so
    // with maxRows = 1 an update still comes as its two rows)
    int perRecord = changes != null ? 2 : 1;
    try {
      while (rows < maxRows && (rows == 0 || rows + perRecord <= maxRows)) {
        if (buffered == null || !buffered.hasNext()) {
          ConsumerRecords<byte[], byte[]> records;
          if (rows > 0) {
            records = consumer.poll(Duration.ZERO); // top up what is already fetched, never wait
            if (records.isEmpty()) {
              break;
            }
          } else {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              break;
            }
            records = consumer.poll(Duration.ofNanos(Math.min(left, settings.pollTimeout().toNanos())));
          }
          buffered = records.iterator();
          bufferedCount = records.count();
          continue;
        }
        ConsumerRecord<byte[], byte[]> r = buffered.next();
        bufferedCount--;
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        int produced = 1;
        try {
          if (changes != null) {
            produced = changes.decode(r.value(), r.timestamp());
          } else {
            decoder.decode(r.value(), r.timestamp());
          }
        } catch (DecodeException e) {
          if (!settings.skipErrors()) {
            failure = ConnectorException.runtime("cannot decode the record at topic " + r.topic() + ", partition "
                + r.partition() + ", offset " + r.offset() + ": " + e.getMessage(), null);
            throw failure;
          }
          skipped.increment(1);
          log.warn("Skipped the record at topic {}, partition {}, offset {}: {}", r.topic(), r.partition(),
              r.offset(), e.getMessage());
          advanced.put(tp, r.offset() + 1);
          continue;
        }
        advanced.put(tp, r.offset() + 1);
        if (produced == 0) {
          continue; // a tombstone: nothing to hand out, but the position moves past it
        }
        if (root == null) {
          root = newRoot(maxRows);
          if (changes != null) {
            kinds = new TinyIntVector("$row_kind", ctx.allocator());
            kinds.allocateNew(Math.min(maxRows, 1024));
          }
        }
        if (changes != null) {
          changes.writeTo(root, kinds, rows);
        } else {
          decoder.writeTo(root, rows);
        }
        rows += produced;
      }
    } catch (KafkaException e) {
      closeQuietly(root, kinds);
      failure = ConnectorException.runtime("kafka consumer failed: " + e.getMessage(), e);
      throw failure;
    } catch (ConnectorException | RuntimeException e) {
      closeQuietly(root, kinds);
      throw e;
    }
    next.putAll(advanced);
    updateLag();
    if (rows == 0) {
      closeQuietly(root, kinds);
      return null;
    }
    root.setRowCount(rows);
    if (kinds == null) {
      return Batch.of(root);
    }
    kinds.setValueCount(rows);
    return Batch.changelog(root, kinds);
  }

  private VectorSchemaRoot newRoot(int maxRows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(ctx.schema(), ctx.allocator());
    try {
      for (FieldVector v : root.getFieldVectors()) {
        v.setInitialCapacity(Math.min(maxRows, 1024));
      }
      root.allocateNew();
      return root;
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  private static void closeQuietly(VectorSchemaRoot root, TinyIntVector kinds) {
    if (root != null) {
      root.close();
    }
    if (kinds != null) {
      kinds.close();
    }
  }

  /** Starts a partition lookup when one is due, and applies a finished one; never blocks. */
  private void discoverPartitions() {
    if (discovery != null && discovery.isDone()) {
      KafkaFuture<Map<String, TopicDescription>> done = discovery;
      discovery = null;
      nextDiscoveryNanos = System.nanoTime() + settings.discoveryInterval().toNanos();
      try {
        addPartitions(done.get());
      } catch (ExecutionException e) {
        log.warn("Cannot look for new partitions of {}: {}", settings.topics(), e.getCause().getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else if (discovery == null && System.nanoTime() - nextDiscoveryNanos >= 0) {
      discovery = admin.describeTopics(settings.topics()).allTopicNames();
    }
  }

  private void addPartitions(Map<String, TopicDescription> topics) {
    Set<TopicPartition> added = new HashSet<>();
    for (TopicDescription d : topics.values()) {
      for (TopicPartitionInfo p : d.partitions()) {
        TopicPartition tp = new TopicPartition(d.name(), p.partition());
        if (!assigned.contains(tp)) {
          added.add(tp);
        }
      }
    }
    if (added.isEmpty()) {
      return;
    }
    assigned.addAll(added);
    consumer.assign(assigned); // partitions already assigned keep their positions
    seekToBeginning(added);
    log.info("Kafka source found new partitions {}; reading them from the beginning", added);
  }

  private void updateLag() {
    long total = bufferedCount;
    for (TopicPartition tp : assigned) {
      OptionalLong l = consumer.currentLag(tp);
      if (l.isPresent()) {
        total += l.getAsLong();
      }
    }
    lag = total;
  }

  @Override
  public byte[] snapshotOffsets() {
    return Offsets.encode(next);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (admin != null) {
      admin.close(Duration.ZERO);
    }
    if (consumer != null) {
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }
}
