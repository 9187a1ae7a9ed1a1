package io.laminar.kafka;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.SplitBatch;
import io.laminar.api.SplitReader;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.Types;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.slf4j.Logger;

/**
 * Reads a set of partitions (splits) of a {@code kafka} source with a consumer of its own. It
 * assigns exactly its partitions ({@code assign} + {@code seek}, never {@code subscribe}), so no
 * consumer-group rebalancing ever moves one away. A partition's offsets are its next offset after
 * the last record handed out (or skipped), {@link KafkaSource#encodeOffset}; offsets are never
 * committed to Kafka (the checkpoint is the source of truth).
 *
 * <p>Where a partition starts: at its restored offset; without one, on a fresh start of the source
 * where {@code startup.mode} says, and otherwise (a restore, or a partition found by discovery) at
 * its beginning. A restored offset that retention has already removed falls back to Kafka's
 * {@code auto.offset.reset} (default here: earliest; {@code kafka.auto.offset.reset = "none"}
 * makes it an error).
 *
 * <p>After {@link #start}, a fetch thread of its own is the consumer's only user ({@link #fetchLoop}):
 * it polls Kafka (fetching, decompressing and parsing record batches) while {@link #poll} hands out
 * the previous fetch partition by partition, decoding each JSON record straight into the batch's
 * vectors ({@link RowDecoder#decodeInto}); the consumer hands out views of the fetched bytes (no
 * copy per record). A batch holds records of one partition only: it is filled from that partition's
 * records of the current fetch and, when those run out, of the next fetch already made (never
 * waiting for one), sized for both when the next is already queued and never grown for a top-up
 * (it fills the room the vectors have). Kafka's lz4 decompression runs on lz4-java's JNI binding
 * ({@link Lz4Native}: inside a plugin's class loader it would otherwise pick the pure-Java one).
 *
 * <p>Gauges: {@code lag_records} per partition (tag {@code partition = "topic-N"}, the split id):
 * records not handed out yet, from the end offsets at the start and then the consumer's
 * {@code currentLag} right after the fetch being handed out plus what of it is not handed out; the
 * source sums every reader's in its untagged gauge.
 *
 * <p>Used by one host thread at a time (see {@link SplitReader}); the gauges read only volatile
 * values.
 */
final class KafkaSplitReader implements SplitReader {
  private final ConnectorContext ctx;
  private final KafkaSourceSettings settings;
  private final Logger log;
  private final RowDecoder decoder;
  /** For {@code format = "debezium-json"}: each record gives 0 to 2 row changes; null otherwise. */
  private final DebeziumDecoder changes;
  private final ConnectorMetrics.Counter skipped;
  private final String clientId;
  private final Runnable onClose;
  /** Each column's vector type, for {@link #newRoot}. */
  private final Types.MinorType[] minorTypes;

  private KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
  /** This reader's partitions in assignment order, with their positions and lags. */
  private final Map<TopicPartition, Partition> assigned = new LinkedHashMap<>();
  /** Fetches made by the fetch thread, not yet taken by {@link #poll}; at most {@link #FETCHES_AHEAD}. */
  private final ArrayBlockingQueue<Fetch> fetches = new ArrayBlockingQueue<>(FETCHES_AHEAD);
  /** Partitions added after the start, for the fetch thread to assign: offset to seek, or null (beginning). */
  private final LinkedBlockingQueue<Map<TopicPartition, Long>> toAssign = new LinkedBlockingQueue<>();
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
  private volatile double lag = Double.NaN;
  private ConnectorException failure;
  private boolean closed;

  /**
   * One partition: its split id, the next offset after the last record handed out (or skipped), -1 =
   * none yet (a partition added to be read from its beginning), and its lag for the gauges.
   */
  private static final class Partition {
    final TopicPartition tp;
    final String split;
    long next = -1;
    volatile double lag = Double.NaN;
    /** The consumer's lag after the fetch being handed out (records of later fetches included). */
    long fetchLag = -1;

    Partition(TopicPartition tp) {
      this.tp = tp;
      this.split = KafkaSource.splitId(tp);
    }
  }

  /**
   * How many fetches the fetch thread may make ahead of {@link #poll}: one, so fetching and decoding
   * overlap while as few parsed records as that allows wait on the heap (young collections copy them).
   */
  private static final int FETCHES_AHEAD = 1;

  /** One {@code consumer.poll} of the fetch thread, with each partition's lag right after it. */
  private record Fetch(ConsumerRecords<ByteBuffer, ByteBuffer> records, Map<TopicPartition, Long> lags) {
  }

  KafkaSplitReader(ConnectorContext ctx, KafkaSourceSettings settings, ConnectorMetrics.Counter skipped,
      String clientId, Runnable onClose) {
    this.ctx = ctx;
    this.settings = settings;
    this.log = ctx.logger();
    this.decoder = new RowDecoder(settings.format(), ctx.schema().getFields(), settings.kinds(),
        settings.timestampTarget());
    this.changes = settings.format() == RowDecoder.Format.DEBEZIUM_JSON
        ? new DebeziumDecoder(ctx.schema().getFields(), settings.kinds(), settings.timestampTarget()) : null;
    this.skipped = skipped;
    this.clientId = clientId;
    this.onClose = onClose;
    this.minorTypes = ctx.schema().getFields().stream().map(f -> Types.getMinorTypeForArrowType(f.getType()))
        .toArray(Types.MinorType[]::new);
  }

  /**
   * Creates the consumer, assigns {@code partitions} and seeks each (its offset; without one the
   * startup mode, or its beginning when {@code resume}), then starts the fetch thread.
   */
  void start(Map<TopicPartition, Long> partitions, boolean resume) throws ConnectorException {
    String target = "kafka at " + settings.bootstrapServers();
    String lz4 = Lz4Native.ensureLoaded(); // before the consumer's first lz4 batch picks its decompressor
    try {
      // views of the fetched bytes (ByteArrayDeserializer would copy every key and value)
      consumer = ClientConfig.withPluginLoader(() -> new KafkaConsumer<>(consumerConfig(), new ByteBufferDeserializer(),
          new ByteBufferDeserializer()));
      partitions.keySet().forEach(this::addPartition);
      Set<TopicPartition> fetching = new HashSet<>(assigned.keySet());
      if (!fetching.isEmpty()) {
        consumer.assign(fetching);
        List<TopicPartition> unpositioned = new ArrayList<>();
        partitions.forEach((tp, offset) -> {
          if (offset == null) {
            unpositioned.add(tp);
          } else {
            consumer.seek(tp, offset);
          }
        });
        if (resume) {
          seekToBeginning(unpositioned);
        } else {
          seekStartup(unpositioned);
        }
        for (Partition p : assigned.values()) {
          p.next = consumer.position(p.tp);
        }
        initialLag();
      }
      fetcher = new Thread(() -> fetchLoop(fetching), "kafka-fetch-" + clientId);
      fetcher.setDaemon(true);
      fetcher.setContextClassLoader(ClientConfig.class.getClassLoader()); // Kafka loads configured classes through it
      fetcher.start();
      log.info("Kafka reader {} reading partitions {} from {}; {}, lz4 {}", clientId, splits(),
          resume ? "the checkpoint" : "startup mode " + settings.startupMode(), ClientConfig.libraries(), lz4);
    } catch (TimeoutException e) {
      throw ConnectorException.connectionFailed(target, e);
    } catch (KafkaException e) {
      throw ConnectorException.runtime("kafka source cannot start: " + e.getMessage(), e);
    }
  }

  private List<String> splits() {
    return assigned.values().stream().map(p -> p.split).toList();
  }

  /** Tracks a newly assigned partition and registers its lag gauge. */
  private void addPartition(TopicPartition tp) {
    Partition p = new Partition(tp);
    assigned.put(tp, p);
    ctx.metrics().gauge("lag_records", KafkaSource.LAG_DESCRIPTION, Map.of("partition", p.split), () -> p.lag);
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

  /** Seeks {@code partitions} where {@code startup.mode} says (a fresh start). */
  private void seekStartup(List<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    switch (settings.startupMode()) {
      case EARLIEST -> consumer.seekToBeginning(partitions);
      case LATEST -> consumer.seekToEnd(partitions);
      case GROUP_OFFSETS -> {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        List<TopicPartition> none = new ArrayList<>();
        for (TopicPartition tp : partitions) {
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
        partitions.forEach(tp -> query.put(tp, settings.startupTimestamp()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        List<TopicPartition> none = new ArrayList<>();
        for (TopicPartition tp : partitions) {
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
  private void seekToBeginning(Collection<TopicPartition> partitions) {
    if (!partitions.isEmpty()) {
      consumer.seekToBeginning(partitions);
    }
  }

  /** The consumer's settings: the connector's, the fetch defaults, then the user's {@code kafka.*}. */
  private Map<String, Object> consumerConfig() {
    Map<String, Object> c = KafkaSource.consumerConfig(settings);
    c.put(org.apache.kafka.clients.consumer.ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    return c;
  }

  /**
   * Splits found by discovery (their offsets null: read from the beginning) or given after the
   * start; the fetch thread assigns them.
   */
  @Override
  public void addSplits(Map<String, byte[]> splits) throws ConnectorException {
    Map<TopicPartition, Long> added = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : splits.entrySet()) {
      TopicPartition tp = KafkaSource.partitionOf(e.getKey(), settings.topics());
      if (assigned.containsKey(tp)) {
        throw new IllegalArgumentException("split '" + e.getKey() + "' was already given to this reader");
      }
      added.put(tp, e.getValue() == null ? null : KafkaSource.decodeOffset(e.getKey(), e.getValue()));
    }
    if (added.isEmpty()) {
      return;
    }
    added.forEach((tp, offset) -> {
      addPartition(tp);
      if (offset != null) {
        assigned.get(tp).next = offset;
      }
    });
    toAssign.add(added);
    log.info("Kafka reader {} now also reads partitions {} ({})", clientId,
        added.keySet().stream().map(KafkaSource::splitId).toList(),
        added.containsValue(null) ? "from their beginning" : "from their offsets");
  }

  @Override
  public SplitBatch poll(int maxRows, Duration timeout) throws ConnectorException {
    if (failure != null) {
      throw failure;
    }
    if (closed || consumer == null) {
      throw new IllegalStateException("kafka reader " + clientId + " is not open");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    VectorSchemaRoot root = null;
    TinyIntVector kinds = null;
    Partition batchPartition = null;
    int rows = 0;
    // a change event may give two rows (an update's before and after), which stay in one batch (so
    // with maxRows = 1 an update still comes as its two rows)
    int perRecord = changes != null ? 2 : 1;
    // maxRows, and once the batch's vectors exist the rows they hold: a top-up from the next fetch
    // fills the room they have (their sizes round up) but never doubles and copies them
    int limit = maxRows;
    try {
      while (rows < limit && (rows == 0 || rows + perRecord <= limit)) {
        if (chunkIndex == chunkSize) {
          if (rows > 0) {
            // a batch holds one partition's rows: go on only with more of the same partition
            if (!sameChunkNext(batchPartition)) {
              break;
            }
            continue;
          }
          if (nextChunk()) {
            continue;
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          Fetch fetch = fetches.poll(Math.min(left, settings.pollTimeout().toNanos()), TimeUnit.NANOSECONDS);
          if (fetch == null) {
            RuntimeException failed = fetchFailure;
            if (failed != null) {
              throw failed;
            }
            continue;
          }
          take(fetch);
          continue;
        }
        ConsumerRecord<ByteBuffer, ByteBuffer> r = chunk.get(chunkIndex++);
        if (root == null) {
          root = newRoot(Math.min(maxRows, Math.max(16, perRecord * (chunkSize - chunkIndex + 1 + toppedUp()))));
          limit = Math.min(maxRows, rowsHeld(root));
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
        batchPartition = chunkPartition;
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
      // positions may have moved past records of the failed batch: this reader is not read again
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
      return new SplitBatch(batchPartition.split, Batch.of(root));
    }
    kinds.setValueCount(rows);
    return new SplitBatch(batchPartition.split, Batch.changelog(root, kinds));
  }

  /**
   * The current chunk is used up while a batch of {@code p} is being filled: moves on to more
   * records of {@code p} if the next chunk is of {@code p} — which, since a fetch holds each
   * partition once, can only be the first of the next fetch, taken if it is already made (never
   * waiting). False when the batch is to end here (the next chunk, if any, is kept for the next poll).
   */
  private boolean sameChunkNext(Partition p) {
    if (nextFetchedPartition < fetchedPartitions.size()) {
      return false; // the current fetch has other partitions' records next
    }
    Fetch next = fetches.poll();
    if (next == null) {
      return false;
    }
    take(next);
    return nextChunk() && chunkPartition == p;
  }

  /**
   * How many records of the current chunk's partition the batch may be topped up with from the next
   * fetch ({@link #sameChunkNext}) if it is already queued: sizing the batch for them spares the
   * vectors a doubling (and copy) when the top-up comes. 0 when the current fetch has other
   * partitions' records next or no fetch is queued (one made later tops up only the room the
   * vectors have).
   */
  private int toppedUp() {
    if (nextFetchedPartition < fetchedPartitions.size()) {
      return 0;
    }
    Fetch next = fetches.peek();
    if (next == null) {
      return 0;
    }
    for (TopicPartition tp : next.records().partitions()) {
      List<ConsumerRecord<ByteBuffer, ByteBuffer>> records = next.records().records(tp);
      if (assigned.get(tp) != null && !records.isEmpty()) {
        return tp.equals(chunkPartition.tp) ? records.size() : 0; // nextChunk takes this one first
      }
    }
    return 0;
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
   * The fetch thread: the only user of the consumer once {@link #start} is done, so fetching,
   * decompressing and parsing Kafka's record batches runs beside {@link #poll}'s decoding. Assigns
   * partitions added since, polls, and queues each non-empty fetch with the lags after it (waiting
   * while {@link #FETCHES_AHEAD} fetches are queued). A consumer failure is handed to {@link #poll};
   * {@link #close} stops it with {@code wakeup}.
   */
  private void fetchLoop(Set<TopicPartition> fetching) {
    try {
      while (!stopping) {
        Map<TopicPartition, Long> added;
        while ((added = fetching.isEmpty() ? toAssign.poll(settings.pollTimeout().toNanos(), TimeUnit.NANOSECONDS)
            : toAssign.poll()) != null) {
          fetching.addAll(added.keySet());
          consumer.assign(fetching); // partitions already assigned keep their positions
          List<TopicPartition> fromBeginning = new ArrayList<>();
          added.forEach((tp, offset) -> {
            if (offset == null) {
              fromBeginning.add(tp);
            } else {
              consumer.seek(tp, offset);
            }
          });
          seekToBeginning(fromBeginning);
        }
        if (fetching.isEmpty()) {
          continue;
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

  /**
   * A batch's vectors, sized for {@code rows} (what of the chunk fits in the batch), so filling it
   * never doubles and copies them ({@code setSafe} still grows one if a longer string needs it).
   */
  private VectorSchemaRoot newRoot(int rows) {
    // as VectorSchemaRoot.create, with each column's minor type looked up once (not per batch)
    List<Field> fields = ctx.schema().getFields();
    List<FieldVector> vectors = new ArrayList<>(fields.size());
    try {
      for (int c = 0; c < fields.size(); c++) {
        FieldVector v = minorTypes[c].getNewVector(fields.get(c), ctx.allocator(), null);
        vectors.add(v);
        v.initializeChildrenFromFields(fields.get(c).getChildren());
        v.setInitialCapacity(rows);
      }
      VectorSchemaRoot root = new VectorSchemaRoot(ctx.schema(), vectors, 0);
      root.allocateNew();
      return root;
    } catch (RuntimeException e) {
      vectors.forEach(FieldVector::close);
      throw e;
    }
  }

  /** How many rows every vector of a new batch holds without growing (its data bytes aside). */
  private static int rowsHeld(VectorSchemaRoot root) {
    int rows = Integer.MAX_VALUE;
    for (FieldVector v : root.getFieldVectors()) {
      rows = Math.min(rows, v.getValueCapacity());
    }
    return rows;
  }

  private static void closeQuietly(VectorSchemaRoot root, TinyIntVector kinds) {
    if (root != null) {
      root.close();
    }
    if (kinds != null) {
      kinds.close();
    }
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

  /** Records not handed out yet in this reader's partitions (NaN before the start), for the source's total. */
  double lag() {
    return lag;
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

  /** Every partition's next offset; null for one added from its beginning that handed out nothing yet. */
  @Override
  public Map<String, byte[]> snapshotOffsets() {
    Map<String, byte[]> offsets = new LinkedHashMap<>();
    for (Partition p : assigned.values()) {
      offsets.put(p.split, p.next >= 0 ? KafkaSource.encodeOffset(p.next) : null);
    }
    return offsets;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopping = true;
    try {
      if (fetcher != null) {
        consumer.wakeup();
        try {
          fetcher.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (fetcher.isAlive()) {
          log.warn("The Kafka fetch thread {} of source '{}' did not stop within 10 s; its consumer is left open",
              fetcher.getName(), ctx.name());
          return;
        }
      }
      fetches.clear();
      if (consumer != null) {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
      }
    } finally {
      onClose.run();
    }
  }
}
