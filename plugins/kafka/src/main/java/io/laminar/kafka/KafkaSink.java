package io.laminar.kafka;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.RowKind;
import io.laminar.api.Sink;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;

/**
 * A running {@code kafka} sink.
 *
 * <p><b>at_least_once</b>: an idempotent producer ({@code acks=all}); {@link #prepareCommit} flushes
 * and waits for every acknowledgement, so a completed checkpoint never loses rows (a replay after a
 * crash may repeat some).
 *
 * <p><b>exactly_once</b>: one Kafka transaction per epoch, on two transactional producers that take
 * turns: {@code transactional.id = "laminar-<server>-<instance>"} (or the {@code transactional.id}
 * property) and that id with {@link #SECOND_ID_SUFFIX}. A transaction begins with the first write
 * of an epoch; {@link #prepareCommit(long)} flushes it, records it as pending for the epoch (it stays
 * open) and hands the next epoch's writes to the other producer; {@link #commit(long)} commits the
 * pending one and {@link #abort(long)} aborts it. One transactional id has at most one open
 * transaction, so with a single producer the next epoch's rows would have to wait in memory until
 * the commit returned and then be sent by the committing thread; with two, they go out at once
 * while the commit runs. Two are enough: the engine calls {@code prepareCommit(e + 1)} only after
 * {@code commit(e)} returned, so at most one transaction is pending while the other is filled. Two
 * running sinks with one transactional id fence each other: the older one's next send or commit
 * fails, and the error says which ids and which settings make them unique.
 *
 * <p><b>Writes while committing.</b> The sink {@linkplain #acceptsWritesWhileCommitting accepts
 * writes while committing}: the engine lets the pipeline go on once {@code prepareCommit} returned,
 * so {@link #write} runs on a pipeline thread (into the current producer's transaction) while
 * {@code commit}/{@code abort} run on the checkpoint thread (on the pending producer's).
 *
 * <p><b>Concurrent writes.</b> The sink also {@linkplain #acceptsConcurrentWrites accepts concurrent
 * writes}: the pipeline's workers call {@link #write} at the same time. Each thread encodes with its
 * own {@link RowEncoder}; the lock is taken only to begin the current producer's transaction if none
 * is open, and the sends run outside it ({@code KafkaProducer} is thread-safe). Rows of concurrent
 * writes all belong to the epoch in progress: the engine calls {@code prepareCommit} only once every
 * write before the barrier has returned, and no write runs during it.
 *
 * <p>Recovery: {@link #prepareCommit(long)} also records the epoch with the pending transaction's
 * transactional id, producer id and epoch in the instance's data directory
 * ({@link PreparedTransaction}). If the process dies after that checkpoint became durable but before
 * {@code commit(epoch)} reached the broker, the next {@link #open(long)} finds the record, resumes
 * that transaction in a new producer ({@link TransactionResumer}) and commits it; a recorded epoch
 * newer than the last completed checkpoint is aborted instead. Then {@code initTransactions()} on
 * both ids fences earlier instances and aborts whatever else they left open (the next epoch's open
 * transaction too, so read_committed consumers are not held back until it times out). {@link
 * #close()} leaves a prepared transaction open for the next run to settle, since its checkpoint may
 * already be durable.
 */
final class KafkaSink implements Sink {
  private static final int NOT_PREPARED = -1;
  /** Appended to the transactional id for the second exactly-once producer (names cannot start with a digit). */
  static final String SECOND_ID_SUFFIX = "-1";

  private final ConnectorContext ctx;
  private final Logger log;
  private final String servers;
  private final String topic;
  /** The columns whose values are the record key (one: its text; several: a JSON object); empty = no key. */
  private final List<String> keyColumns;
  /** Upsert mode: deletes (and retracted rows) are tombstones of their key. */
  private final boolean upsert;
  private final Duration checkTimeout;
  private final Map<String, Object> clientProperties;
  private final boolean exactlyOnce;
  private final String clientId;
  private final String transactionalId;
  /** Writing threads seen so far; each got the next slot. */
  private final AtomicInteger writerSlots = new AtomicInteger();
  /** Per writing thread (workers write at once, {@link #acceptsConcurrentWrites}): encoders and its partition. */
  private final ThreadLocal<Writer> writers = ThreadLocal.withInitial(() -> new Writer(writerSlots.getAndIncrement()));
  /** Bytes a writer sends to its partition before it moves on: the producer's {@code batch.size}. */
  private int partitionSwitchBytes;

  /** Guards the transaction state below: writes and commit/abort come from different threads. */
  private final ReentrantLock lock = new ReentrantLock();
  /** One producer (at_least_once) or the two that take turns (exactly_once); empty until opened. */
  private List<Lane> lanes = List.of();
  /** Where writes go; null until opened and after close. */
  private volatile Lane current;
  /** The lane whose transaction is prepared and awaits its commit, or null. */
  private Lane pending;
  /** The epoch {@link #pending} is prepared for, or {@link #NOT_PREPARED}. */
  private long pendingEpoch = NOT_PREPARED;
  /** Reads and restores transaction identities; set by {@link #open} for exactly_once. */
  private TransactionResumer resumer;

  /** One producer and its transaction. */
  private static final class Lane {
    final KafkaProducer<byte[], byte[]> producer;
    /** Its transactional id; null for at_least_once. */
    final String transactionalId;
    /** The first failed send since the last flush of this producer (or its abort). */
    final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    final Callback onAck = (metadata, e) -> {
      if (e != null) {
        sendFailure.compareAndSet(null, e);
      }
    };
    /** Whether the producer has an open transaction (guarded by the sink's lock). */
    boolean inTransaction;

    Lane(KafkaProducer<byte[], byte[]> producer, String transactionalId) {
      this.producer = producer;
      this.transactionalId = transactionalId;
    }
  }

  /**
   * One writing thread's state. Its records without a key go to its own partition, so concurrent
   * writers never append to one partition's batch (Kafka's sticky partitioner gives every thread
   * the same one, and its lock and lz4 compression are then shared): the writer in slot {@code s}
   * starts at partition {@code s} and, once it sent {@link #partitionSwitchBytes} there, moves on by
   * the number of writers at the next write, so writers stay on different partitions (as long as
   * there are no more writers than partitions) and each of them visits a share of them all.
   */
  private static final class Writer {
    final RowEncoder values = new RowEncoder();
    final RowEncoder keys = new RowEncoder();
    final int slot;
    /** The partition of this writer's keyless records, or -1 before its first write. */
    int partition = -1;
    /** Key and value bytes sent to {@link #partition} since this writer moved there. */
    long bytesInPartition;

    Writer(int slot) {
      this.slot = slot;
    }
  }

  KafkaSink(ConnectorContext ctx, String servers, String topic, List<String> keyColumns, boolean upsert,
      Duration checkTimeout, Map<String, Object> clientProperties, String transactionalId) {
    this.ctx = ctx;
    this.log = ctx.logger();
    this.servers = servers;
    this.topic = topic;
    this.keyColumns = List.copyOf(keyColumns);
    this.upsert = upsert;
    this.checkTimeout = checkTimeout;
    this.clientProperties = clientProperties;
    this.exactlyOnce = ctx.delivery().orElse(DeliveryGuarantee.AT_LEAST_ONCE) == DeliveryGuarantee.EXACTLY_ONCE;
    this.clientId = ClientConfig.clientId(ctx.serverName(), ctx.name());
    this.transactionalId = transactionalId;
  }

  @Override
  public DeliveryGuarantee maxGuarantee() {
    return DeliveryGuarantee.EXACTLY_ONCE;
  }

  @Override
  public boolean acceptsWritesWhileCommitting() {
    return true;
  }

  /**
   * Workers encode their batches and hand them to the current producer (thread-safe) at the same
   * time; the lock is held only to begin its transaction, see {@link #write}.
   */
  @Override
  public boolean acceptsConcurrentWrites() {
    return true;
  }

  @Override
  public ChangelogMode acceptedChangelogMode() {
    return upsert ? ChangelogMode.UPSERT : ChangelogMode.APPEND_ONLY;
  }

  @Override
  public List<String> validateSchema(Schema input) {
    List<String> problems = new ArrayList<>();
    for (Field f : input.getFields()) {
      if (ColumnKind.of(f.getType()).isEmpty()) {
        problems.add("column '" + f.getName() + "' has type " + f.getType() + ", which the kafka sink cannot write"
            + " (supported: " + ColumnKind.SUPPORTED + ")");
      }
    }
    for (String k : keyColumns) {
      if (input.getFields().stream().noneMatch(f -> f.getName().equals(k))) {
        problems.add("key.column '" + k + "' is not a column of the sink's input");
      }
    }
    return problems;
  }

  @Override
  public void check() throws ConnectorException {
    KafkaCheck.check(servers, List.of(topic), checkTimeout, clientProperties, clientId);
  }

  @Override
  public void open(long lastCommittedEpoch) throws ConnectorException {
    List<Lane> opened = new ArrayList<>();
    try {
      if (exactlyOnce) {
        resumer = TransactionResumer.forClient();
        finishPrepared(lastCommittedEpoch);
      }
      String lz4 = Lz4Native.ensureLoaded(); // before the producer's first lz4 batch picks its compressor
      // at_least_once: one producer, without a transactional id
      List<String> ids = exactlyOnce ? transactionalIds() : java.util.Collections.singletonList(null);
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        Map<String, Object> config = producerConfig(id, i == 0 ? "" : SECOND_ID_SUFFIX);
        opened.add(new Lane(ClientConfig.withPluginLoader(() -> new KafkaProducer<>(config)), id));
        // after the producer validated it
        partitionSwitchBytes = Integer.parseInt(String.valueOf(config.get(ProducerConfig.BATCH_SIZE_CONFIG)).trim());
      }
      log.debug("Kafka sink to {}: lz4 {}", topic, lz4);
      if (exactlyOnce) {
        // Fences earlier instances and aborts what they left open: see the class comment.
        for (Lane lane : opened) {
          lane.producer.initTransactions();
        }
        forgetPrepared();
        log.info("Kafka sink writing to {} exactly-once with transactional.ids {} (last committed epoch {})", topic,
            String.join(" and ", ids), lastCommittedEpoch);
      } else {
        log.info("Kafka sink writing to {} at-least-once", topic);
      }
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      closeAll(opened);
      throw ConnectorException.connectionFailed("kafka at " + servers + ", topic " + topic, e);
    } catch (KafkaException e) {
      closeAll(opened);
      throw ConnectorException.runtime("kafka sink cannot start: " + e.getMessage(), e);
    } catch (ConnectorException | RuntimeException e) {
      closeAll(opened);
      throw e;
    }
    lock.lock();
    try {
      lanes = List.copyOf(opened);
      current = lanes.get(0);
    } finally {
      lock.unlock();
    }
  }

  /** The exactly-once producers' transactional ids: the configured one, then the second one. */
  List<String> transactionalIds() {
    return List.of(transactionalId, transactionalId + SECOND_ID_SUFFIX);
  }

  private static void closeAll(List<Lane> lanes) {
    for (Lane lane : lanes) {
      lane.producer.close(Duration.ZERO);
    }
  }

  /**
   * Settles the transaction the previous run prepared: commits it if its checkpoint is durable
   * ({@code epoch <= lastCommittedEpoch}); otherwise leaves it to {@code initTransactions()} to abort.
   */
  private void finishPrepared(long lastCommittedEpoch) throws ConnectorException {
    Optional<PreparedTransaction> found = PreparedTransaction.read(ctx.dataDir());
    if (found.isEmpty()) {
      return;
    }
    PreparedTransaction prepared = found.get();
    if (prepared.checkpointEpoch() > lastCommittedEpoch) {
      log.info("Kafka sink discards epoch {}: its checkpoint did not complete (last completed {})",
          prepared.checkpointEpoch(), lastCommittedEpoch);
      return;
    }
    Map<String, Object> config = producerConfig(prepared.transactionalId(), "-recovery");
    KafkaProducer<byte[], byte[]> recovery = ClientConfig.withPluginLoader(() -> new KafkaProducer<>(config));
    boolean committed = false;
    try {
      resumer.resume(recovery, prepared.producer());
      recovery.commitTransaction();
      committed = true;
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw ConnectorException.connectionFailed("kafka at " + servers + ", committing epoch "
          + prepared.checkpointEpoch() + " prepared before the restart", e);
    } catch (KafkaException e) {
      throw ConnectorException.runtime("kafka sink cannot commit epoch " + prepared.checkpointEpoch()
          + ", which the previous run prepared (transactional.id '" + prepared.transactionalId() + "', producer id "
          + prepared.producer().producerId() + ", epoch " + prepared.producer().epoch() + "): " + e.getMessage()
          + ". The transaction is no longer open (aborted on timeout, or settled by another instance); its rows"
          + " are not visible. Delete " + ctx.dataDir().resolve(PreparedTransaction.FILE) + " to start without them",
          e);
    } finally {
      // A graceful close would abort a transaction that is still open; leave it for the next attempt.
      recovery.close(committed ? Duration.ofSeconds(5) : Duration.ZERO);
    }
    forgetPrepared();
    log.info("Kafka sink committed epoch {}, prepared before the restart", prepared.checkpointEpoch());
  }

  /** Records {@code lane}'s open transaction as prepared for {@code epoch}, durably, before the checkpoint completes. */
  private void recordPrepared(long epoch, Lane lane) throws ConnectorException {
    PreparedTransaction prepared = new PreparedTransaction(epoch, lane.transactionalId, resumer.capture(lane.producer));
    try {
      prepared.write(ctx.dataDir());
    } catch (IOException e) {
      throw ConnectorException.runtime("kafka sink cannot record prepared epoch " + epoch + " in " + ctx.dataDir()
          + ": " + e.getMessage(), e);
    }
  }

  private void forgetPrepared() throws ConnectorException {
    try {
      PreparedTransaction.delete(ctx.dataDir());
    } catch (IOException e) {
      throw ConnectorException.runtime("kafka sink cannot remove its prepared-transaction record in " + ctx.dataDir()
          + ": " + e.getMessage(), e);
    }
  }

  /**
   * Producer sizes for throughput, each overridable with its {@code kafka.*} property: a batch
   * write of thousands of rows fills 256 KiB producer batches (Kafka's default 16 KiB).
   */
  static final Map<String, Object> PRODUCER_DEFAULTS = Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);

  /**
   * A producer's settings: the connector's, {@link #PRODUCER_DEFAULTS}, then the user's {@code kafka.*};
   * {@code transactionalId} is null for at_least_once. Each producer of one process needs its own
   * {@code client.id} (its metrics are registered under it): the sink's, with {@code clientIdSuffix}.
   */
  Map<String, Object> producerConfig(String transactionalId, String clientIdSuffix) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + clientIdSuffix);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.putAll(PRODUCER_DEFAULTS);
    if (exactlyOnce) {
      // a new transaction's first sends get CONCURRENT_TRANSACTIONS while the broker still writes
      // the previous commit's markers: retry them soon (Kafka's 100 ms is a long stall per epoch)
      c.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
    }
    c.putAll(clientProperties);
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    if (transactionalId != null) {
      c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    return c;
  }

  @Override
  public void write(Batch batch) throws ConnectorException {
    Lane lane = requireOpen();
    throwSendFailure(lane);
    VectorSchemaRoot root = batch.data();
    if (root.getRowCount() == 0) {
      return;
    }
    List<FieldVector> keyVectors = new ArrayList<>();
    for (String k : keyColumns) {
      FieldVector v = root.getVector(k);
      if (v == null) {
        throw ConnectorException.runtime("key column '" + k + "' is not in the batch", null);
      }
      keyVectors.add(v);
    }
    lock.lock();
    try {
      beginIfNeeded(lane);
    } catch (KafkaException e) {
      throw failed("cannot send to topic " + topic, e);
    } finally {
      lock.unlock();
    }
    // Outside the lock, so concurrent writers send at once. The lane stays the current one during
    // the write: only prepareCommit moves on to the other, and it never runs during a write; commit
    // and abort work on the pending lane only.
    try {
      send(batch, keyVectors, lane);
    } catch (KafkaException e) {
      throw failed("cannot send to topic " + topic, e);
    }
  }

  /**
   * Sends one record per row, each as soon as it is encoded; in upsert mode a DELETE or UPDATE_BEFORE
   * is a tombstone of its key, except an UPDATE_BEFORE directly followed by the UPDATE_AFTER of the
   * same key, which that record replaces. A record with a key is left to Kafka's partitioner
   * (murmur2 of the key, as any Kafka producer); one without goes to this thread's partition
   * ({@link Writer}).
   */
  private void send(Batch batch, List<FieldVector> keyVectors, Lane lane) throws ConnectorException {
    VectorSchemaRoot root = batch.data();
    VectorSchemaRoot keyRoot = keyVectors.size() > 1 ? new VectorSchemaRoot(keyVectors) : null;
    Writer writer = writers.get();
    RowEncoder encoder = writer.values;
    RowEncoder keyEncoder = writer.keys;
    Integer keylessPartition = null; // looked up at the first keyless record: a keyed sink never needs it
    int rows = root.getRowCount();
    long keylessBytes = 0;
    byte[] nextKey = rows == 0 ? null : key(keyVectors, keyRoot, keyEncoder, 0);
    for (int i = 0; i < rows; i++) {
      byte[] key = nextKey;
      nextKey = i + 1 < rows ? key(keyVectors, keyRoot, keyEncoder, i + 1) : null;
      byte[] value;
      if (upsert) {
        RowKind kind = batch.rowKind(i);
        if (kind == RowKind.UPDATE_BEFORE && i + 1 < rows && batch.rowKind(i + 1) == RowKind.UPDATE_AFTER
            && java.util.Arrays.equals(key, nextKey)) {
          continue;
        }
        boolean gone = kind == RowKind.DELETE || kind == RowKind.UPDATE_BEFORE;
        value = gone ? null : encoder.json(root, i);
      } else {
        value = encoder.json(root, i);
      }
      ProducerRecord<byte[], byte[]> record;
      if (key == null) {
        if (keylessPartition == null) {
          keylessPartition = keylessPartition(writer, lane);
        }
        keylessBytes += value == null ? 0 : value.length;
        record = new ProducerRecord<>(topic, keylessPartition, null, value);
      } else {
        record = new ProducerRecord<>(topic, key, value);
      }
      lane.producer.send(record, lane.onAck);
    }
    writer.bytesInPartition += keylessBytes;
  }

  /**
   * The partition of {@code writer}'s keyless records in the write about to be encoded: where it
   * started, or the next one once it sent {@link #partitionSwitchBytes} to its current one.
   */
  private Integer keylessPartition(Writer writer, Lane lane) throws ConnectorException {
    if (writer.partition < 0 || writer.bytesInPartition >= partitionSwitchBytes) {
      // the producer's cached metadata (it fetched it at the first send): partitions added to the topic join
      int partitions;
      try {
        partitions = Math.max(1, lane.producer.partitionsFor(topic).size());
      } catch (KafkaException e) {
        throw failed("cannot find the partitions of topic " + topic, e);
      }
      int stride = Math.max(1, writerSlots.get());
      writer.partition = writer.partition < 0 ? writer.slot % partitions : (writer.partition + stride) % partitions;
      writer.bytesInPartition = 0;
    }
    return writer.partition;
  }

  private static byte[] key(List<FieldVector> keyVectors, VectorSchemaRoot keyRoot, RowEncoder keyEncoder, int row) {
    if (keyVectors.isEmpty()) {
      return null;
    }
    return keyRoot == null ? RowEncoder.text(keyVectors.get(0), row) : keyEncoder.json(keyRoot, row);
  }

  private void beginIfNeeded(Lane lane) {
    if (exactlyOnce && !lane.inTransaction) {
      lane.producer.beginTransaction();
      lane.inTransaction = true;
    }
  }

  @Override
  public void prepareCommit(long epoch) throws ConnectorException {
    Lane lane = requireOpen();
    lock.lock();
    try {
      flush(lane);
      if (!exactlyOnce || !lane.inTransaction) {
        return;
      }
      if (pending != null) {
        // the engine prepares the next epoch only once the last one's commit returned
        throw ConnectorException.runtime("kafka sink '" + ctx.name() + "' cannot prepare epoch " + epoch
            + ": epoch " + pendingEpoch + " is still awaiting its commit", null);
      }
      pending = lane; // first, so that abort(epoch) aborts it if the record cannot be written
      pendingEpoch = epoch;
      recordPrepared(epoch, lane);
      // the next epoch's writes go to the other producer while this one commits
      current = lanes.get((lanes.indexOf(lane) + 1) % lanes.size());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void commit(long epoch) throws ConnectorException {
    requireOpen();
    if (!exactlyOnce) {
      return;
    }
    Lane lane;
    lock.lock();
    try {
      lane = pending != null && pendingEpoch <= epoch ? pending : null;
    } finally {
      lock.unlock();
    }
    if (lane == null) {
      return; // nothing was written in the epoch, or it is committed already
    }
    try {
      // Outside the lock: writes meanwhile go to the other lane.
      lane.producer.commitTransaction();
    } catch (KafkaException e) {
      throw failed("cannot commit epoch " + epoch + " to topic " + topic, e);
    }
    lock.lock();
    try {
      lane.inTransaction = false;
      pending = null;
      pendingEpoch = NOT_PREPARED;
      forgetPrepared();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void abort(long epoch) throws ConnectorException {
    requireOpen();
    if (!exactlyOnce) {
      return;
    }
    lock.lock();
    try {
      if (pending != null && pendingEpoch <= epoch) {
        Lane lane = pending;
        lane.producer.abortTransaction();
        lane.inTransaction = false;
        lane.sendFailure.set(null); // failures of aborted sends no longer matter
        pending = null;
        pendingEpoch = NOT_PREPARED;
        forgetPrepared();
      }
    } catch (KafkaException e) {
      throw failed("cannot abort epoch " + epoch + " on topic " + topic, e);
    } finally {
      lock.unlock();
    }
  }

  private void flush(Lane lane) throws ConnectorException {
    try {
      lane.producer.flush();
    } catch (KafkaException e) {
      throw failed("cannot flush to topic " + topic, e);
    }
    throwSendFailure(lane);
  }

  private void throwSendFailure(Lane lane) throws ConnectorException {
    Exception e = lane.sendFailure.get();
    if (e != null) {
      throw failed("a record could not be delivered to topic " + topic, e);
    }
  }

  private ConnectorException failed(String what, Exception e) {
    if (isFenced(e)) {
      return ConnectorException.runtime("kafka sink '" + ctx.name() + "' was fenced (" + what + "): another "
          + "producer with transactional.id '" + transactionalId + "' or '" + transactionalId + SECOND_ID_SUFFIX
          + "' (the two this sink takes turns with) is running — another laminar server with "
          + "the same [server] name '" + ctx.serverName() + "' and a sink named '" + ctx.name() + "', or a second "
          + "copy of this one. This sink's open transaction cannot commit. Give each server its own [server] name, "
          + "or set a unique '" + KafkaSinkFactory.TRANSACTIONAL_ID + "' in the [sink.properties] of sink '"
          + ctx.name() + "'", e);
    }
    return ConnectorException.runtime("kafka sink: " + what + ": " + e.getMessage(), e);
  }

  /** Whether another producer with our transactional id took over (ours is fenced for good). */
  static boolean isFenced(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
        return true;
      }
    }
    return false;
  }

  private Lane requireOpen() {
    Lane lane = current;
    if (lane == null) {
      throw new IllegalStateException("kafka sink '" + ctx.name() + "' is not open");
    }
    return lane;
  }

  @Override
  public void close() {
    List<Lane> closing;
    Lane prepared;
    long preparedEpoch;
    lock.lock();
    try {
      if (current == null) {
        return;
      }
      current = null;
      closing = lanes;
      lanes = List.of();
      prepared = pending;
      preparedEpoch = pendingEpoch;
    } finally {
      lock.unlock();
    }
    for (Lane lane : closing) {
      if (lane == prepared) {
        // Its checkpoint may already be durable: the next open() commits or aborts it. A graceful
        // close would abort it, so close at once (everything was flushed by prepareCommit).
        log.info("Kafka sink leaves epoch {} prepared for the next start to settle", preparedEpoch);
        lane.producer.close(Duration.ZERO);
        continue;
      }
      if (lane.inTransaction) {
        // Release the transaction now rather than at transaction.timeout.ms, so read_committed
        // consumers are not held back; its rows were never committed.
        try {
          lane.producer.abortTransaction();
        } catch (KafkaException e) {
          log.debug("Abort on close failed (the transaction is aborted by the next instance or its timeout): {}",
              e.getMessage());
        }
      }
      lane.producer.close(Duration.ofSeconds(5));
    }
  }
}
