package io.laminar.kafka;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.Source;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
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
 * <p>After {@link #open}, a fetch thread of its own is the consumer's only user ({@link #fetchLoop}):
 * it polls Kafka (fetching, decompressing and parsing record batches) while {@link #poll} hands out
 * the previous fetch partition by partition, decoding each JSON record straight into the batch's
 * vectors ({@link RowDecoder#decodeInto}); the consumer hands out views of the fetched bytes (no
 * copy per record) and fetches in large steps ({@link #FETCH_DEFAULTS}).
 *
 * <p>Gauges: {@code lag_records} per assigned partition (tag {@code partition = "topic-N"}) and in
 * total (no tag): records not handed out yet, from the end offsets at open and then the consumer's
 * {@code currentLag} right after the fetch being handed out plus what of it is not handed out.
 *
 * <p>Not thread-safe: the host calls {@link #poll} and {@link #snapshotOffsets()} from one thread.
 * The gauges only read values computed on that thread.
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

  private KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
  private Admin admin;
  /** The assigned partitions in assignment order, with their positions and lags. */
  private final Map<TopicPartition, Partition> assigned = new LinkedHashMap<>();
  /** Fetches made by the fetch thread, not yet taken by {@link #poll}; at most {@link #FETCHES_AHEAD}. */
  private final ArrayBlockingQueue<Fetch> fetches = new ArrayBlockingQueue<>(FETCHES_AHEAD);
  /** Partitions found by discovery, for the fetch thread to assign (from their beginning). */
  private final ConcurrentLinkedQueue<Set<TopicPartition>> toAssign = new ConcurrentLinkedQueue<>();
  private Thread fetcher;
  private volatile boolean stopping;
  private volatile RuntimeException fetchFailure;
  /** The last fetch: its partitions, the one being handed out ({@link #chunk}) and its next record. */
  private ConsumerRecords<ByteBuffer, ByteBuffer> fetched;
  private List<TopicPartition> fetchedPartitions = List.of();
  private int nextFetchedPartition;
  private List<ConsumerRecord<ByteBuffer, ByteBuffer>> chunk = List.of();
  private Partition chunkPartition;
  private int chunkIndex;
  private int chunkSize;
  private KafkaFuture<Map<String, TopicDescription>> discovery;
  private long nextDiscoveryNanos;
  private volatile double lag = Double.NaN;
  private ConnectorException failure;
  private boolean closed;

  /**
   * One assigned partition: the next offset after the last record handed out (or skipped), -1 =
   * none yet (read from the beginning after a restore), and its lag for the gauges.
   */
  private static final class Partition {
    final TopicPartition tp;
    long next = -1;
    volatile double lag = Double.NaN;
    /** The consumer's lag after the fetch being handed out (records of later fetches included). */
    long fetchLag = -1;

    Partition(TopicPartition tp) {
      this.tp = tp;
    }
  }

  /** How many fetches the fetch thread may make ahead of {@link #poll}. */
  private static final int FETCHES_AHEAD = 2;

  /** One {@code consumer.poll} of the fetch thread, with each partition's lag right after it. */
  private record Fetch(ConsumerRecords<ByteBuffer, ByteBuffer> records, Map<TopicPartition, Long> lags) {
  }

  private static final String LAG_DESCRIPTION = "Records in the assigned partitions not yet handed out (with the"
      + " partition tag: of that partition; read_committed: up to the last stable offset)";

  KafkaSource(ConnectorContext ctx, KafkaSourceSettings settings) {
    this.ctx = ctx;
    this.settings = settings;
    this.log = ctx.logger();
    this.decoder = new RowDecoder(settings.format(), ctx.schema().getFields(), settings.kinds(),
        settings.timestampTarget());
    this.changes = settings.format() == RowDecoder.Format.DEBEZIUM_JSON
        ? new DebeziumDecoder(ctx.schema().getFields(), settings.kinds(), settings.timestampTarget()) : null;
    this.skipped = ctx.metrics().counter("records_skipped_total", "Kafka records that could not be decoded and were skipped");
    ctx.metrics().gauge("lag_records", LAG_DESCRIPTION, () -> lag);
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
      // views of the fetched bytes (ByteArrayDeserializer would copy every key and value)
      consumer = ClientConfig.withPluginLoader(() -> new KafkaConsumer<>(consumerConfig(), new ByteBufferDeserializer(),
          new ByteBufferDeserializer()));
      for (String topic : settings.topics()) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        if (partitions == null || partitions.isEmpty()) {
          throw ConnectorException.connectionFailed(target + ", topic " + topic,
              new KafkaCheck.Problem("topic '" + topic + "' does not exist"));
        }
        partitions.forEach(p -> addPartition(new TopicPartition(p.topic(), p.partition())));
      }
      consumer.assign(assigned.keySet());
      if (restored != null) {
        seekRestored(restored);
      } else {
        seekStartup();
      }
      for (Partition p : assigned.values()) {
        p.next = consumer.position(p.tp);
      }
      initialLag();
      admin = ClientConfig.withPluginLoader(() -> Admin.create(adminConfig()));
      nextDiscoveryNanos = System.nanoTime() + settings.discoveryInterval().toNanos();
      Set<TopicPartition> fetching = new HashSet<>(assigned.keySet());
      fetcher = new Thread(() -> fetchLoop(fetching), "kafka-fetch-" + ctx.name());
      fetcher.setDaemon(true);
      fetcher.setContextClassLoader(ClientConfig.class.getClassLoader()); // Kafka loads configured classes through it
      fetcher.start();
      log.info("Kafka source reading {} partitions of {} from {}; {}", assigned.size(), settings.topics(),
          restored != null ? "the checkpoint" : "startup mode " + settings.startupMode(), ClientConfig.libraries());
    } catch (TimeoutException e) {
      throw ConnectorException.connectionFailed(target, e);
    } catch (KafkaException e) {
      throw ConnectorException.runtime("kafka source cannot start: " + e.getMessage(), e);
    }
  }

  /** Tracks a newly assigned partition and registers its lag gauge. */
  private Partition addPartition(TopicPartition tp) {
    Partition p = new Partition(tp);
    assigned.put(tp, p);
    ctx.metrics().gauge("lag_records", LAG_DESCRIPTION, Map.of("partition", tp.topic() + "-" + tp.partition()),
        () -> p.lag);
    return p;
  }

  /** The lags at the start, before the consumer has fetched anything: end (or stable) offset − position. */
  private void initialLag() {
    Map<TopicPartition, Long> ends = consumer.endOffsets(assigned.keySet());
    double total = 0;
    for (Partition p : assigned.values()) {
      Long end = ends.get(p.tp);
      if (end != null) {
        p.lag = Math.max(0, end - p.next);
        total += p.lag;
      }
    }
    lag = total;
  }

  private void seekRestored(Map<TopicPartition, Long> restored) {
    List<TopicPartition> fromBeginning = new ArrayList<>();
    for (TopicPartition tp : assigned.keySet()) {
      Long offset = restored.get(tp);
      if (offset == null) {
        fromBeginning.add(tp);
      } else {
        consumer.seek(tp, offset);
      }
    }
    seekToBeginning(fromBeginning);
    for (TopicPartition tp : restored.keySet()) {
      if (!assigned.containsKey(tp)) {
        log.warn("Checkpointed partition {} is not among the configured topics' partitions; ignored", tp);
      }
    }
  }

  private void seekStartup() {
    switch (settings.startupMode()) {
      case EARLIEST -> consumer.seekToBeginning(assigned.keySet());
      case LATEST -> consumer.seekToEnd(assigned.keySet());
      case GROUP_OFFSETS -> {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned.keySet());
        List<TopicPartition> none = new ArrayList<>();
        for (TopicPartition tp : assigned.keySet()) {
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
        assigned.keySet().forEach(tp -> query.put(tp, settings.startupTimestamp()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        List<TopicPartition> none = new ArrayList<>();
        for (TopicPartition tp : assigned.keySet()) {
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

  /**
   * Fetch and poll sizes for throughput (each overridable with its {@code kafka.*} property): a
   * poll hands out up to a batch and more ({@code max.poll.records}, Kafka's default 500), a fetch
   * brings up to 4 MiB per partition, and the socket buffers a fetch response whole; the broker
   * still answers a fetch as soon as it has a byte ({@code fetch.min.bytes} stays 1), so a quiet
   * topic's rows are not delayed.
   */
  static final Map<String, Object> FETCH_DEFAULTS = Map.of(
      ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000,
      ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024,
      ConsumerConfig.RECEIVE_BUFFER_CONFIG, 1024 * 1024);

  /** The consumer's settings: the connector's, {@link #FETCH_DEFAULTS}, then the user's {@code kafka.*}. */
  Map<String, Object> consumerConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    c.putAll(FETCH_DEFAULTS);
    c.putAll(settings.clientProperties());
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
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
    VectorSchemaRoot root = null;
    TinyIntVector kinds = null;
    int rows = 0;
    // a change event may give two rows (an update's before and after), which stay in one batch (so
    // with maxRows = 1 an update still comes as its two rows)
    int perRecord = changes != null ? 2 : 1;
    try {
      while (rows < maxRows && (rows == 0 || rows + perRecord <= maxRows)) {
        if (chunkIndex == chunkSize) {
          if (nextChunk()) {
            continue;
          }
          Fetch fetch;
          if (rows > 0) {
            fetch = fetches.poll(); // top up with what is already fetched, never wait
          } else {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              break;
            }
            fetch = fetches.poll(Math.min(left, settings.pollTimeout().toNanos()), TimeUnit.NANOSECONDS);
          }
          if (fetch == null) {
            RuntimeException failed = fetchFailure;
            if (failed != null) {
              throw failed;
            }
            if (rows > 0) {
              break;
            }
            continue;
          }
          take(fetch);
          continue;
        }
        ConsumerRecord<ByteBuffer, ByteBuffer> r = chunk.get(chunkIndex++);
        if (root == null) {
          root = newRoot(Math.min(maxRows, Math.max(16, perRecord * (chunkSize - chunkIndex + 1))));
          if (changes != null) {
            kinds = new TinyIntVector("$row_kind", ctx.allocator());
            kinds.allocateNew(Math.min(maxRows, 1024));
          }
        }
        int produced = 1;
        try {
          if (changes != null) {
            produced = changes.decode(r.value(), r.timestamp());
          } else {
            decoder.decodeInto(r.value(), r.timestamp(), root, rows);
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
          chunkPartition.next = r.offset() + 1;
          continue;
        }
        chunkPartition.next = r.offset() + 1;
        if (produced == 0) {
          continue; // a tombstone: nothing to hand out, but the position moves past it
        }
        if (changes != null) {
          changes.writeTo(root, kinds, rows);
        }
        rows += produced;
      }
    } catch (KafkaException e) {
      closeQuietly(root, kinds);
      failure = ConnectorException.runtime("kafka consumer failed: " + e.getMessage(), e);
      throw failure;
    } catch (InterruptedException e) {
      closeQuietly(root, kinds);
      Thread.currentThread().interrupt();
      failure = ConnectorException.runtime("kafka source interrupted while waiting for records", e);
      throw failure;
    } catch (ConnectorException | RuntimeException e) {
      // positions may have moved past records of the failed batch: this instance is not read again
      closeQuietly(root, kinds);
      if (failure == null) {
        failure = e instanceof ConnectorException c ? c : ConnectorException.runtime("kafka source failed: " + e, e);
      }
      throw e;
    }
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

  /** Moves to the next partition of the last fetch that has records; false when it has none left. */
  private boolean nextChunk() {
    while (nextFetchedPartition < fetchedPartitions.size()) {
      TopicPartition tp = fetchedPartitions.get(nextFetchedPartition++);
      Partition p = assigned.get(tp);
      List<ConsumerRecord<ByteBuffer, ByteBuffer>> records = fetched.records(tp);
      if (p != null && !records.isEmpty()) {
        chunk = records;
        chunkIndex = 0;
        chunkSize = records.size();
        chunkPartition = p;
        return true;
      }
    }
    chunk = List.of();
    chunkIndex = 0;
    chunkSize = 0;
    return false;
  }

  /** Makes {@code fetch} the one being handed out, and its lags the consumer's. */
  private void take(Fetch fetch) {
    fetched = fetch.records();
    fetchedPartitions = new ArrayList<>(fetched.partitions());
    nextFetchedPartition = 0;
    fetch.lags().forEach((tp, l) -> {
      Partition p = assigned.get(tp);
      if (p != null) {
        p.fetchLag = l;
      }
    });
  }

  /**
   * The fetch thread: the only user of the consumer once {@link #open} is done, so fetching,
   * decompressing and parsing Kafka's record batches runs beside {@link #poll}'s decoding. Assigns
   * partitions that discovery found, polls, and queues each non-empty fetch with the lags after it
   * (waiting while {@link #FETCHES_AHEAD} fetches are queued). A consumer failure is handed to
   * {@link #poll}; {@link #close} stops it with {@code wakeup}.
   */
  private void fetchLoop(Set<TopicPartition> fetching) {
    try {
      while (!stopping) {
        Set<TopicPartition> added;
        while ((added = toAssign.poll()) != null) {
          fetching.addAll(added);
          consumer.assign(fetching); // partitions already assigned keep their positions
          consumer.seekToBeginning(added);
        }
        ConsumerRecords<ByteBuffer, ByteBuffer> records = consumer.poll(settings.pollTimeout());
        if (records.isEmpty()) {
          continue;
        }
        Map<TopicPartition, Long> lags = new HashMap<>();
        for (TopicPartition tp : fetching) {
          OptionalLong l = consumer.currentLag(tp);
          if (l.isPresent()) {
            lags.put(tp, l.getAsLong());
          }
        }
        Fetch fetch = new Fetch(records, lags);
        while (!stopping && !fetches.offer(fetch, 100, TimeUnit.MILLISECONDS)) {
          // the pipeline is behind: wait for it (the checkpoints' pauses included)
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      if (!stopping) {
        fetchFailure = new KafkaException("the consumer was woken up unexpectedly", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      fetchFailure = e;
    }
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
        if (!assigned.containsKey(tp)) {
          added.add(tp);
        }
      }
    }
    if (added.isEmpty()) {
      return;
    }
    added.forEach(this::addPartition);
    toAssign.add(added); // the fetch thread assigns them
    log.info("Kafka source found new partitions {}; reading them from the beginning", added);
  }

  /**
   * Each partition's lag: what the consumer has not fetched yet ({@code currentLag}, unknown until
   * its first fetch answers: the last value stays) plus what is fetched but not handed out.
   */
  private void updateLag() {
    double total = 0;
    for (Partition p : assigned.values()) {
      if (p.fetchLag >= 0) {
        p.lag = p.fetchLag + buffered(p);
      }
      if (!Double.isNaN(p.lag)) {
        total += p.lag;
      }
    }
    lag = total;
  }

  /** Records of {@code p} fetched but not handed out yet. */
  private int buffered(Partition p) {
    if (p == chunkPartition && chunkIndex < chunkSize) {
      return chunkSize - chunkIndex;
    }
    for (int i = nextFetchedPartition; i < fetchedPartitions.size(); i++) {
      if (fetchedPartitions.get(i).equals(p.tp)) {
        return fetched.records(p.tp).size();
      }
    }
    return 0;
  }

  @Override
  public byte[] snapshotOffsets() {
    Map<TopicPartition, Long> next = new HashMap<>();
    for (Partition p : assigned.values()) {
      if (p.next >= 0) {
        next.put(p.tp, p.next);
      }
    }
    return Offsets.encode(next);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopping = true;
    if (admin != null) {
      admin.close(Duration.ZERO);
    }
    if (fetcher != null) {
      consumer.wakeup();
      try {
        fetcher.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (fetcher.isAlive()) {
        log.warn("The Kafka fetch thread of source '{}' did not stop within 10 s; its consumer is left open",
            ctx.name());
        return;
      }
    }
    fetches.clear();
    if (consumer != null) {
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }
}
