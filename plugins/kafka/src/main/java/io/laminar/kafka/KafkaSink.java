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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
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
 * <p><b>exactly_once</b>: a transactional producer with {@code transactional.id =
 * "laminar-<server>-<instance>"} (or the {@code transactional.id} property) and one transaction
 * per epoch. Two running producers with one transactional id fence each other: the older one's
 * next send or commit fails, and the error says which id and which settings make it unique. A transaction begins with the first
 * write after a commit; {@link #prepareCommit(long)} flushes it and records it as pending for the
 * epoch (it stays open); {@link #commit(long)} commits it and {@link #abort(long)} aborts it. Rows
 * written while a transaction awaits its commit belong to a later epoch: they are held in memory
 * and sent in the next transaction once the pending one is resolved, since one transactional id
 * has at most one open transaction.
 *
 * <p><b>Writes while committing.</b> The sink {@linkplain #acceptsWritesWhileCommitting accepts
 * writes while committing}: the engine lets the pipeline go on once {@code prepareCommit} returned,
 * so {@link #write} runs on a pipeline thread while {@code commit}/{@code abort} run on the
 * checkpoint thread. A lock guards the transaction state; {@code commitTransaction()} itself runs
 * outside it (writes meanwhile are held). The hold is bounded: at {@link #HOLD_LIMIT_BYTES} of
 * held keys and values, {@code write} waits until the pending transaction is committed or aborted
 * (or the sink closed, or its thread interrupted), which is backpressure on the pipeline.
 *
 * <p><b>Concurrent writes.</b> The sink also {@linkplain #acceptsConcurrentWrites accepts concurrent
 * writes}: the pipeline's workers call {@link #write} at the same time. Each thread encodes with its
 * own {@link RowEncoder}; the lock is taken only to decide whether the batch is sent now (beginning
 * the transaction if none is open) or held, and the sends run outside it ({@code KafkaProducer} is
 * thread-safe). Rows of concurrent writes all belong to the epoch in progress: the engine calls
 * {@code prepareCommit} only once every write before the barrier has returned.
 *
 * <p>Recovery: {@link #prepareCommit(long)} also records the epoch with the transaction's producer id
 * and epoch in the instance's data directory ({@link PreparedTransaction}). If the process dies
 * after that checkpoint became durable but before {@code commit(epoch)} reached the broker, the
 * next {@link #open(long)} finds the record, resumes that transaction in a new producer
 * ({@link TransactionResumer}) and commits it; a recorded epoch newer than the last completed
 * checkpoint is aborted instead. Then {@code initTransactions()} fences earlier instances and
 * aborts whatever else they left open. {@link #close()} leaves a prepared transaction open for the
 * next run to settle, since its checkpoint may already be durable.
 */
final class KafkaSink implements Sink {
  private static final int NOT_PREPARED = -1;
  /** Bytes of held rows (keys and values) at which {@link #write} waits for the pending commit. */
  static final long HOLD_LIMIT_BYTES = 32L << 20;

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
  private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
  private final Callback onAck = (metadata, e) -> {
    if (e != null) {
      sendFailure.compareAndSet(null, e);
    }
  };

  /** Guards the transaction state below: writes and commit/abort come from different threads. */
  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when a pending transaction is resolved or the sink closes. */
  private final Condition resolved = lock.newCondition();
  private volatile KafkaProducer<byte[], byte[]> producer;
  /** Reads and restores transaction identities; set by {@link #open} for exactly_once. */
  private TransactionResumer resumer;
  /** Whether the producer has an open transaction. */
  private boolean inTransaction;
  /** The epoch the open transaction is prepared for, or {@link #NOT_PREPARED}. */
  private long preparedEpoch = NOT_PREPARED;
  /** Rows written while a prepared transaction awaits its commit, in epoch order. */
  private final Deque<Held> held = new ArrayDeque<>();
  /** Keys and values in {@link #held}, bytes. */
  private long heldBytes;
  /** {@link #HOLD_LIMIT_BYTES}; tests lower it. */
  long holdLimitBytes = HOLD_LIMIT_BYTES;

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

  /** Rows held for a later transaction; {@code epoch} is set once that epoch is prepared. */
  private static final class Held {
    final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    long bytes;
    long epoch = NOT_PREPARED;
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
   * Workers encode their batches and hand them to the producer (thread-safe) at the same time; the
   * lock is held only to decide, with the transaction state, whether the rows go out now or are
   * held, see {@link #write}.
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
    try {
      if (exactlyOnce) {
        resumer = TransactionResumer.forClient();
        finishPrepared(lastCommittedEpoch);
      }
      String lz4 = Lz4Native.ensureLoaded(); // before the producer's first lz4 batch picks its compressor
      Map<String, Object> config = producerConfig();
      producer = ClientConfig.withPluginLoader(() -> new KafkaProducer<>(config));
      // after the producer validated it
      partitionSwitchBytes = Integer.parseInt(String.valueOf(config.get(ProducerConfig.BATCH_SIZE_CONFIG)).trim());
      log.debug("Kafka sink to {}: lz4 {}", topic, lz4);
      if (exactlyOnce) {
        // Fences earlier instances and aborts what they left open: see the class comment.
        producer.initTransactions();
        forgetPrepared();
        log.info("Kafka sink writing to {} exactly-once with transactional.id {} (last committed epoch {})", topic,
            transactionalId, lastCommittedEpoch);
      } else {
        log.info("Kafka sink writing to {} at-least-once", topic);
      }
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw ConnectorException.connectionFailed("kafka at " + servers + ", topic " + topic, e);
    } catch (KafkaException e) {
      throw ConnectorException.runtime("kafka sink cannot start: " + e.getMessage(), e);
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
    Map<String, Object> config = producerConfig();
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, prepared.transactionalId());
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

  /** Records the open transaction as prepared for {@code epoch}, durably, before the checkpoint completes. */
  private void recordPrepared(long epoch) throws ConnectorException {
    PreparedTransaction prepared = new PreparedTransaction(epoch, transactionalId, resumer.capture(producer));
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

  /** The producer's settings: the connector's, {@link #PRODUCER_DEFAULTS}, then the user's {@code kafka.*}. */
  Map<String, Object> producerConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
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
    if (exactlyOnce) {
      c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    return c;
  }

  @Override
  public void write(Batch batch) throws ConnectorException {
    requireOpen();
    throwSendFailure();
    VectorSchemaRoot root = batch.data();
    int rows = root.getRowCount();
    if (rows == 0) {
      return;
    }
    List<ProducerRecord<byte[], byte[]>> records;
    try {
      records = records(batch);
    } catch (KafkaException e) {
      throw failed("cannot find the partitions of topic " + topic, e);
    }
    KafkaProducer<byte[], byte[]> p;
    lock.lock();
    try {
      if (exactlyOnce && preparedEpoch != NOT_PREPARED) {
        awaitHoldRoom();
        if (preparedEpoch != NOT_PREPARED) {
          hold(records);
          return;
        }
      }
      beginIfNeeded();
      p = producer;
    } catch (KafkaException e) {
      throw failed("cannot send to topic " + topic, e);
    } finally {
      lock.unlock();
    }
    // Outside the lock, so concurrent writers send at once. The rows still go into the open
    // transaction: only prepareCommit makes one pending, and it never runs during a write; commit
    // and abort change nothing while none is pending (then nothing is held either).
    if (p == null) {
      requireOpen();
    }
    try {
      for (ProducerRecord<byte[], byte[]> r : records) {
        p.send(r, onAck);
      }
    } catch (KafkaException e) {
      throw failed("cannot send to topic " + topic, e);
    }
  }

  /** Waits (lock held, released while waiting) while the hold is full and a transaction is pending. */
  private void awaitHoldRoom() throws ConnectorException {
    while (preparedEpoch != NOT_PREPARED && heldBytes >= holdLimitBytes) {
      try {
        resolved.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ConnectorException.runtime("kafka sink '" + ctx.name() + "' was interrupted while waiting for epoch "
            + preparedEpoch + " to commit", e);
      }
      requireOpen();
    }
  }

  /** Holds rows of the epoch in progress until the pending transaction is resolved (lock held). */
  private void hold(List<ProducerRecord<byte[], byte[]>> records) {
    Held open = held.peekLast();
    if (open == null || open.epoch != NOT_PREPARED) {
      open = new Held();
      held.addLast(open);
    }
    long bytes = 0;
    for (ProducerRecord<byte[], byte[]> r : records) {
      bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
    }
    open.records.addAll(records);
    open.bytes += bytes;
    heldBytes += bytes;
  }

  /**
   * One record per row; in upsert mode a DELETE or UPDATE_BEFORE is a tombstone of its key, except an
   * UPDATE_BEFORE directly followed by the UPDATE_AFTER of the same key, which that record replaces.
   * A record with a key is left to Kafka's partitioner (murmur2 of the key, as any Kafka producer);
   * one without goes to this thread's partition ({@link Writer}).
   */
  private List<ProducerRecord<byte[], byte[]>> records(Batch batch) throws ConnectorException {
    VectorSchemaRoot root = batch.data();
    List<FieldVector> keyVectors = new ArrayList<>();
    for (String k : keyColumns) {
      FieldVector v = root.getVector(k);
      if (v == null) {
        throw ConnectorException.runtime("key column '" + k + "' is not in the batch", null);
      }
      keyVectors.add(v);
    }
    VectorSchemaRoot keyRoot = keyVectors.size() > 1 ? new VectorSchemaRoot(keyVectors) : null;
    Writer writer = writers.get();
    RowEncoder encoder = writer.values;
    RowEncoder keyEncoder = writer.keys;
    Integer keylessPartition = null; // looked up at the first keyless record: a keyed sink never needs it
    int rows = root.getRowCount();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(rows);
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
      if (key == null) {
        if (keylessPartition == null) {
          keylessPartition = keylessPartition(writer);
        }
        keylessBytes += value == null ? 0 : value.length;
        records.add(new ProducerRecord<>(topic, keylessPartition, null, value));
      } else {
        records.add(new ProducerRecord<>(topic, key, value));
      }
    }
    writer.bytesInPartition += keylessBytes;
    return records;
  }

  /**
   * The partition of {@code writer}'s keyless records in the write about to be encoded: where it
   * started, or the next one once it sent {@link #partitionSwitchBytes} to its current one.
   */
  private Integer keylessPartition(Writer writer) {
    if (writer.partition < 0 || writer.bytesInPartition >= partitionSwitchBytes) {
      // the producer's cached metadata (it fetched it at the first send): partitions added to the topic join
      KafkaProducer<byte[], byte[]> p = producer;
      if (p == null) {
        requireOpen();
      }
      int partitions = Math.max(1, p.partitionsFor(topic).size());
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

  private void beginIfNeeded() {
    if (exactlyOnce && !inTransaction) {
      producer.beginTransaction();
      inTransaction = true;
    }
  }

  @Override
  public void prepareCommit(long epoch) throws ConnectorException {
    requireOpen();
    lock.lock();
    try {
      if (exactlyOnce && preparedEpoch != NOT_PREPARED) {
        // Still waiting for an earlier commit: this epoch's rows are the open held segment.
        Held open = held.peekLast();
        if (open != null && open.epoch == NOT_PREPARED) {
          open.epoch = epoch;
        }
        return;
      }
      flush();
      if (exactlyOnce && inTransaction) {
        preparedEpoch = epoch; // first, so that abort(epoch) aborts it if the record cannot be written
        recordPrepared(epoch);
      }
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
    boolean pending;
    lock.lock();
    try {
      pending = preparedEpoch != NOT_PREPARED && preparedEpoch <= epoch;
    } finally {
      lock.unlock();
    }
    try {
      if (pending) {
        // Outside the lock: a write meanwhile sees the transaction still pending and holds its rows.
        producer.commitTransaction();
      }
      lock.lock();
      try {
        if (pending) {
          inTransaction = false;
          preparedEpoch = NOT_PREPARED;
          forgetPrepared();
        }
        sendHeld(epoch);
      } finally {
        resolved.signalAll();
        lock.unlock();
      }
    } catch (KafkaException e) {
      throw failed("cannot commit epoch " + epoch + " to topic " + topic, e);
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
      if (preparedEpoch != NOT_PREPARED && preparedEpoch <= epoch) {
        producer.abortTransaction();
        inTransaction = false;
        preparedEpoch = NOT_PREPARED;
        forgetPrepared();
        sendFailure.set(null); // failures of aborted sends no longer matter
      }
      held.removeIf(h -> {
        boolean gone = h.epoch != NOT_PREPARED && h.epoch <= epoch;
        if (gone) {
          heldBytes -= h.bytes;
        }
        return gone;
      });
      sendHeld(epoch);
    } catch (KafkaException e) {
      throw failed("cannot abort epoch " + epoch + " on topic " + topic, e);
    } finally {
      resolved.signalAll();
      lock.unlock();
    }
  }

  /**
   * Once no transaction is pending (lock held), sends the held rows: epochs up to {@code committedUpTo} are
   * committed at once, a later prepared epoch becomes the pending transaction, rows of the epoch
   * in progress open the next transaction.
   */
  private void sendHeld(long committedUpTo) throws ConnectorException {
    while (preparedEpoch == NOT_PREPARED && !held.isEmpty()) {
      Held next = held.removeFirst();
      heldBytes -= next.bytes;
      beginIfNeeded();
      for (ProducerRecord<byte[], byte[]> r : next.records) {
        producer.send(r, onAck);
      }
      if (next.epoch == NOT_PREPARED) {
        return;
      }
      flush();
      if (next.epoch <= committedUpTo) {
        producer.commitTransaction();
        inTransaction = false;
      } else {
        preparedEpoch = next.epoch;
        recordPrepared(next.epoch);
      }
    }
  }

  private void flush() throws ConnectorException {
    try {
      producer.flush();
    } catch (KafkaException e) {
      throw failed("cannot flush to topic " + topic, e);
    }
    throwSendFailure();
  }

  private void throwSendFailure() throws ConnectorException {
    Exception e = sendFailure.get();
    if (e != null) {
      throw failed("a record could not be delivered to topic " + topic, e);
    }
  }

  private ConnectorException failed(String what, Exception e) {
    if (isFenced(e)) {
      return ConnectorException.runtime("kafka sink '" + ctx.name() + "' was fenced (" + what + "): another "
          + "producer with transactional.id '" + transactionalId + "' is running — another laminar server with "
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

  private void requireOpen() {
    if (producer == null) {
      throw new IllegalStateException("kafka sink '" + ctx.name() + "' is not open");
    }
  }

  @Override
  public void close() {
    KafkaProducer<byte[], byte[]> p;
    long pendingEpoch;
    boolean openTransaction;
    lock.lock();
    try {
      p = producer;
      if (p == null) {
        return;
      }
      producer = null;
      held.clear();
      heldBytes = 0;
      pendingEpoch = preparedEpoch;
      openTransaction = inTransaction;
      resolved.signalAll(); // a write waiting for room fails (the sink is not open)
    } finally {
      lock.unlock();
    }
    if (pendingEpoch != NOT_PREPARED) {
      // Its checkpoint may already be durable: the next open() commits or aborts it. A graceful
      // close would abort it, so close at once (everything was flushed by prepareCommit).
      log.info("Kafka sink leaves epoch {} prepared for the next start to settle", pendingEpoch);
      p.close(Duration.ZERO);
      return;
    }
    if (openTransaction) {
      // Release the transaction now rather than at transaction.timeout.ms, so read_committed
      // consumers are not held back; its rows were never committed.
      try {
        p.abortTransaction();
      } catch (KafkaException e) {
        log.debug("Abort on close failed (the transaction is aborted by the next instance or its timeout): {}",
            e.getMessage());
      }
    }
    p.close(Duration.ofSeconds(5));
  }
}
