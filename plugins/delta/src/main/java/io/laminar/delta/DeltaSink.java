package io.laminar.delta;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.defaults.internal.parquet.ParquetFileWriter;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.CheckpointAlreadyExistsException;
import io.delta.kernel.exceptions.ConcurrentTransactionException;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.exceptions.MaxCommitRetryLimitReachedException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.RowKind;
import io.laminar.api.SchemaMismatchException;
import io.laminar.api.Sink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;

/**
 * The {@code delta_lake} sink.
 *
 * <p>While an epoch runs, rows go (copied, in the table's column order) to one {@link PartitionWriter}
 * per partition value, which writes Parquet files into {@code _laminar/<writer>/staging/}. At
 * {@code prepareCommit(e)} the files are closed and listed in an {@link EpochManifest}; at
 * {@code commit(e)} they are moved into the table (under their partition directories) and added in one
 * Delta commit carrying {@code txn(appId = writer.id, version)}, where version is the epoch (plus a
 * base when a new checkpoint history writes to a table an earlier one wrote — see {@link #open}). The
 * table's last txn version for the writer therefore says exactly which epochs are in it: a restart
 * finishes a commit the checkpoint covers, skips epochs already committed, and removes the files of
 * epochs it never will commit.
 */
final class DeltaSink implements Sink {
  static final String ENGINE_INFO = "laminar";
  static final String LAMINAR_DIR = "_laminar";
  private static final int COMMIT_ATTEMPTS = 3;
  private static final int KERNEL_RETRIES = 20;

  private final ConnectorContext context;
  private final DeltaSettings settings;
  private final Logger log;
  private final Schema input;
  private final String tableName;
  private final Path workDir;
  private final Path stagingDir;
  private final ConnectorMetrics.Counter filesWritten;
  private final ConnectorMetrics.Counter bytesWritten;
  private final ConnectorMetrics.Counter rowsWritten;
  private final ConnectorMetrics.Counter commits;
  private final ConnectorMetrics.Counter commitMillis;
  private final AtomicLong lastCommitMillis = new AtomicLong();

  private Engine engine;
  private Table table;
  private Row txnState;
  private StructType tableSchema;
  private int[] order;
  private int[] partitionIndex;
  private DataType[] partitionTypes;
  private long base;
  private long committedVersion;
  private final Map<List<String>, PartitionWriter> writers = new LinkedHashMap<>();
  private final Map<Long, EpochManifest> prepared = new HashMap<>();
  private final Map<String, DataFileStatus> writtenStatus = new HashMap<>();
  private int writerCount;

  DeltaSink(ConnectorContext context, DeltaSettings settings) {
    this.context = context;
    this.settings = settings;
    this.log = context.logger();
    this.input = context.schema();
    this.tableName = settings.table().toString();
    this.workDir = settings.table().resolve(LAMINAR_DIR).resolve(fileTag(settings.writerId()));
    this.stagingDir = workDir.resolve("staging");
    ConnectorMetrics m = context.metrics();
    this.filesWritten = m.counter("files_written_total", "Parquet data files committed to the Delta table");
    this.bytesWritten = m.counter("bytes_written_total", "Bytes of Parquet data committed to the Delta table");
    this.rowsWritten = m.counter("rows_written_total", "Rows committed to the Delta table");
    this.commits = m.counter("commits_total", "Delta commits made by this sink");
    this.commitMillis = m.counter("commit_latency_ms_total", "Milliseconds spent in Delta commits (divide by commits_total)");
    m.gauge("last_commit_latency_ms", "Milliseconds the last Delta commit took", () -> lastCommitMillis.get());
  }

  /** The writer id as a directory name: safe characters plus a hash, so two ids never share one. */
  static String fileTag(String writerId) {
    String safe = writerId.replaceAll("[^A-Za-z0-9._-]", "_");
    return safe + "-" + Integer.toHexString(writerId.hashCode());
  }

  @Override
  public DeliveryGuarantee maxGuarantee() {
    return DeliveryGuarantee.EXACTLY_ONCE;
  }

  @Override
  public List<String> validateSchema(Schema schema) {
    return DeltaTypes.unsupported(schema);
  }

  private Engine engine() {
    if (engine == null) {
      Configuration conf = new Configuration();
      conf.setClassLoader(DeltaSink.class.getClassLoader());
      // The raw local file system: no hidden .crc file beside every data and log file.
      conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
      conf.set("fs.AbstractFileSystem.file.impl", "org.apache.hadoop.fs.local.RawLocalFs");
      conf.setBoolean("fs.file.impl.disable.cache", true);
      conf.set("parquet.compression", settings.compression());
      conf.set(ParquetFileWriter.TARGET_FILE_SIZE_CONF, Long.toString(settings.targetFileSize()));
      engine = DefaultEngine.create(conf);
    }
    return engine;
  }

  /** Where the table would be created must be a writable directory (or creatable inside one). */
  private void checkWritable() throws ConnectorException {
    Path dir = settings.table();
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw unwritable("no part of the path exists");
    }
    if (!Files.isDirectory(existing)) {
      throw unwritable(existing + " is not a directory");
    }
    if (!Files.isWritable(existing)) {
      throw unwritable(existing + " is not writable by this process");
    }
  }

  private ConnectorException unwritable(String why) {
    return new ConnectorException(ConnectorException.Kind.CONNECTION_FAILED, DeltaSettings.TABLE_PATH,
        "cannot write the Delta table at " + tableName + ": " + why, null);
  }

  @Override
  public void check() throws ConnectorException {
    checkWritable();
    Optional<Snapshot> snapshot = snapshot();
    if (snapshot.isEmpty()) {
      if (!settings.createIfMissing()) {
        throw missingTable();
      }
      return;
    }
    checkSchema(snapshot.get());
  }

  private ConnectorException missingTable() {
    return new ConnectorException(ConnectorException.Kind.CONNECTION_FAILED, DeltaSettings.TABLE_PATH,
        "there is no Delta table at " + tableName + " (no _delta_log) and create = \"never\"", null);
  }

  private Optional<Snapshot> snapshot() throws ConnectorException {
    if (!Files.isDirectory(settings.table().resolve("_delta_log"))) {
      return Optional.empty();
    }
    try {
      return Optional.of(table().getLatestSnapshot(engine()));
    } catch (TableNotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw new ConnectorException(ConnectorException.Kind.CONNECTION_FAILED, DeltaSettings.TABLE_PATH,
          "cannot read the Delta table at " + tableName + ": " + e.getMessage(), e);
    }
  }

  private Table table() {
    if (table == null) {
      table = Table.forPath(engine(), settings.table().toString());
    }
    return table;
  }

  private void checkSchema(Snapshot snapshot) throws SchemaMismatchException {
    List<String[]> diffs = DeltaTypes.differences(input, settings.partitionColumns(), snapshot.getSchema(),
        snapshot.getPartitionColumnNames(), tableName);
    if (!diffs.isEmpty()) {
      List<SchemaMismatchException.Problem> problems = new ArrayList<>();
      for (String[] d : diffs) {
        problems.add(new SchemaMismatchException.Problem(d[0], d[1]));
      }
      throw new SchemaMismatchException(problems);
    }
  }

  @Override
  public void open(long lastCommittedEpoch) throws ConnectorException {
    checkWritable();
    Snapshot snapshot = snapshot().orElse(null);
    if (snapshot == null) {
      if (!settings.createIfMissing()) {
        throw missingTable();
      }
      snapshot = createTable();
    }
    checkSchema(snapshot);
    tableSchema = snapshot.getSchema();
    List<String> inputNames = input.getFields().stream().map(Field::getName).toList();
    order = tableSchema.fields().stream().mapToInt(f -> inputNames.indexOf(f.getName())).toArray();
    List<String> partitions = snapshot.getPartitionColumnNames();
    partitionIndex = partitions.stream().mapToInt(inputNames::indexOf).toArray();
    partitionTypes = partitions.stream().map(p -> tableSchema.get(p).getDataType()).toArray(DataType[]::new);
    committedVersion = snapshot.getLatestTransactionVersion(engine(), settings.writerId()).orElse(0L);
    base = epochBase(lastCommittedEpoch);
    try {
      recover(lastCommittedEpoch);
      deleteTree(stagingDir);
      Files.createDirectories(stagingDir);
    } catch (IOException e) {
      throw ConnectorException.runtime("cannot recover the epochs of writer '" + settings.writerId() + "' in "
          + workDir + ": " + e.getMessage(), e);
    }
    txnState = table().createTransactionBuilder(engine(), ENGINE_INFO, Operation.WRITE).build(engine())
        .getTransactionState(engine());
    log.info("delta table {} at version {}; writer '{}' committed txn version {}{}", tableName, snapshot.getVersion(),
        settings.writerId(), committedVersion, base == 0 ? "" : " (this checkpoint history adds " + base + " to epochs)");
  }

  private Snapshot createTable() throws ConnectorException {
    try {
      Files.createDirectories(settings.table());
      StructType schema = DeltaTypes.structOf(input);
      table().createTransactionBuilder(engine(), ENGINE_INFO, Operation.CREATE_TABLE)
          .withSchema(engine(), schema)
          .withPartitionColumns(engine(), settings.partitionColumns())
          .build(engine())
          .commit(engine(), CloseableIterable.emptyIterable());
      log.info("created Delta table {} ({} columns{})", tableName, schema.length(),
          settings.partitionColumns().isEmpty() ? "" : ", partitioned by " + settings.partitionColumns());
    } catch (ConcurrentWriteException e) {
      log.info("Delta table {} was created by another writer meanwhile", tableName);
    } catch (IOException | RuntimeException e) {
      throw unwritable(e.getMessage());
    }
    return snapshot().orElseThrow(() -> unwritable("the table was created but cannot be read back"));
  }

  /**
   * A start without a checkpoint is a new history whose epochs count from 1 again; if the table already
   * holds txn versions of this writer (an earlier history), this one's versions continue after them, so
   * no epoch of it looks committed. The base lives beside the checkpoints (the connector's data
   * directory): it belongs to their history.
   */
  private long epochBase(long lastCommittedEpoch) throws ConnectorException {
    Path file = context.dataDir().resolve("txn-base");
    try {
      if (lastCommittedEpoch == 0) {
        long b = committedVersion;
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("txn-base.tmp");
        Files.writeString(tmp, Long.toString(b) + "\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (b > 0) {
          log.warn("no checkpoint to resume from: a new run; table {} already has txn version {} of writer '{}',"
              + " so this run's epochs commit as versions {} + epoch", tableName, b, settings.writerId(), b);
        }
        return b;
      }
      return Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : 0;
    } catch (IOException | NumberFormatException | UncheckedIOException e) {
      throw ConnectorException.runtime("cannot keep the txn base of writer '" + settings.writerId() + "' in "
          + file + ": " + e.getMessage(), e);
    }
  }

  /** Resolves every manifest a crash left: commit what the checkpoint covers, drop the rest. */
  private void recover(long lastCommittedEpoch) throws IOException, ConnectorException {
    for (Path path : EpochManifest.list(workDir)) {
      EpochManifest m = EpochManifest.read(path);
      if (m.version() <= committedVersion) {
        log.info("epoch {} (txn version {}) is already in the table", m.epoch(), m.version());
        Files.deleteIfExists(path);
      } else if (lastCommittedEpoch > 0 && m.epoch() <= lastCommittedEpoch && m.version() == base + m.epoch()) {
        log.info("committing epoch {} (txn version {}), prepared before the restart", m.epoch(), m.version());
        commitManifest(m);
      } else {
        log.info("removing the {} files of epoch {} (txn version {}): its checkpoint did not complete",
            m.files().size(), m.epoch(), m.version());
        discard(m);
      }
    }
  }

  @Override
  public void write(Batch batch) throws ConnectorException {
    int rows = batch.rowCount();
    if (rows == 0) {
      return;
    }
    if (batch.isChangelog()) {
      for (int r = 0; r < rows; r++) {
        if (batch.rowKind(r) != RowKind.INSERT) {
          throw ConnectorException.runtime("the delta_lake sink appends; it got a " + batch.rowKind(r) + " row", null);
        }
      }
    }
    BufferAllocator allocator = context.allocator();
    List<FieldVector> copies = new ArrayList<>();
    for (FieldVector v : batch.data().getFieldVectors()) {
      TransferPair tp = v.getTransferPair(allocator);
      tp.splitAndTransfer(0, rows);
      copies.add((FieldVector) tp.getTo());
    }
    ArrowBatch data = ArrowBatch.of(tableSchema, copies, order, rows);
    boolean handedOver = false;
    try {
      if (partitionIndex.length == 0) {
        PartitionWriter w = writer(List.of());
        handedOver = true;
        w.write(new FilteredColumnarBatch(data, Optional.empty()));
        return;
      }
      Map<List<String>, boolean[]> groups = new LinkedHashMap<>();
      String[] key = new String[partitionIndex.length];
      for (int r = 0; r < rows; r++) {
        for (int p = 0; p < partitionIndex.length; p++) {
          key[p] = partitionValue(copies.get(partitionIndex[p]), r);
        }
        groups.computeIfAbsent(Arrays.asList(key.clone()), k -> new boolean[rows])[r] = true;
      }
      List<PartitionWriter> targets = new ArrayList<>();
      for (List<String> k : groups.keySet()) {
        targets.add(writer(k));
      }
      for (int i = 1; i < targets.size(); i++) {
        data.owner().retain();
      }
      handedOver = true;
      int i = 0;
      for (boolean[] selected : groups.values()) {
        Optional<io.delta.kernel.data.ColumnVector> selection = groups.size() == 1 ? Optional.empty()
            : Optional.of(new PartitionWriter.Selection(selected));
        targets.get(i++).write(new FilteredColumnarBatch(data, selection));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ConnectorException.runtime("interrupted while writing to " + tableName, e);
    } finally {
      if (!handedOver) {
        data.owner().release();
      }
    }
  }

  /** A partition value in the manifest's string form: the value as text, dates as epoch days, timestamps as µs. */
  private static String partitionValue(FieldVector v, int row) {
    if (v.isNull(row)) {
      return null;
    }
    if (v instanceof VarCharVector s) {
      return new String(s.get(row), StandardCharsets.UTF_8);
    }
    if (v instanceof org.apache.arrow.vector.TimeStampMicroVector t) {
      return Long.toString(t.get(row));
    }
    if (v instanceof TimeStampVector t) {
      return Long.toString(Math.multiplyExact(t.get(row), 1000L));
    }
    if (v instanceof DateDayVector d) {
      return Integer.toString(d.get(row));
    }
    if (v instanceof DecimalVector d) {
      return d.getObject(row).toPlainString();
    }
    return String.valueOf(v.getObject(row));
  }

  private Map<String, Literal> literals(Map<String, String> values) {
    Map<String, Literal> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      DataType type = tableSchema.get(e.getKey()).getDataType();
      String v = e.getValue();
      Literal lit;
      if (v == null) {
        lit = Literal.ofNull(type);
      } else if (type instanceof IntegerType) {
        lit = Literal.ofInt(Integer.parseInt(v));
      } else if (type instanceof LongType) {
        lit = Literal.ofLong(Long.parseLong(v));
      } else if (type instanceof BooleanType) {
        lit = Literal.ofBoolean(Boolean.parseBoolean(v));
      } else if (type instanceof DateType) {
        lit = Literal.ofDate(Integer.parseInt(v));
      } else if (type instanceof TimestampType) {
        lit = Literal.ofTimestamp(Long.parseLong(v));
      } else if (type instanceof DecimalType d) {
        lit = Literal.ofDecimal(new java.math.BigDecimal(v), d.getPrecision(), d.getScale());
      } else {
        lit = Literal.ofString(v);
      }
      out.put(e.getKey(), lit);
    }
    return out;
  }

  private Map<String, String> partitionMap(List<String> key) {
    Map<String, String> m = new LinkedHashMap<>();
    List<String> names = txnPartitionNames();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), key.get(i));
    }
    return m;
  }

  private List<String> txnPartitionNames() {
    List<String> out = new ArrayList<>();
    for (int i : partitionIndex) {
      out.add(input.getFields().get(i).getName());
    }
    return out;
  }

  private PartitionWriter writer(List<String> key) throws ConnectorException {
    PartitionWriter w = writers.get(key);
    if (w != null) {
      if (w.failure() != null) {
        throw ConnectorException.runtime("writing Parquet files for " + tableName + " failed: "
            + rootMessage(w.failure()), w.failure());
      }
      return w;
    }
    Map<String, Literal> values = literals(partitionMap(key));
    DataWriteContext wc = Transaction.getWriteContext(engine(), txnState, values);
    w = new PartitionWriter(engine(), txnState, values, "file:" + stagingDir, wc.getStatisticsColumns(),
        "delta-writer-" + context.name() + "-" + (++writerCount));
    writers.put(Collections.unmodifiableList(new ArrayList<>(key)), w); // a NULL partition value is a null element
    return w;
  }

  @Override
  public void prepareCommit(long epoch) throws ConnectorException {
    long version = base + epoch;
    if (version <= committedVersion) {
      cancelWriters();
      log.warn("epoch {} is already in the table (writer '{}' committed txn version {}); its rows are not written"
          + " again", epoch, settings.writerId(), committedVersion);
      return;
    }
    List<EpochManifest.File> files = new ArrayList<>();
    try {
      for (Map.Entry<List<String>, PartitionWriter> e : writers.entrySet()) {
        Map<String, String> partition = partitionMap(e.getKey());
        DataWriteContext wc = Transaction.getWriteContext(engine(), txnState, e.getValue().partitionValues());
        for (DataFileStatus f : e.getValue().finish()) {
          Path staged = localPath(f.getPath());
          String name = "part-e" + epoch + "-" + staged.getFileName();
          String target = new org.apache.hadoop.fs.Path(wc.getTargetDirectory(), name).toString();
          String stats = f.getStatistics().map(s -> {
            try {
              return s.serializeAsJson(tableSchema);
            } catch (RuntimeException ex) {
              return null;
            }
          }).orElse(null);
          long rows = f.getStatistics().map(DataFileStatistics::getNumRecords).orElse(-1L);
          files.add(new EpochManifest.File(staged.toString(), localPath(target).toString(), target, f.getSize(),
              f.getModificationTime(), rows, stats, partition));
          writtenStatus.put(target, new DataFileStatus(target, f.getSize(), f.getModificationTime(), f.getStatistics()));
        }
      }
    } catch (Throwable t) {
      cancelWriters();
      throw ConnectorException.runtime("writing the Parquet files of epoch " + epoch + " to " + tableName + " failed: "
          + rootMessage(t), t);
    }
    writers.clear();
    EpochManifest m = new EpochManifest(version, epoch, files);
    try {
      m.write(workDir);
    } catch (IOException e) {
      throw ConnectorException.runtime("cannot record the files of epoch " + epoch + " in " + workDir + ": "
          + e.getMessage(), e);
    }
    prepared.put(epoch, m);
  }

  @Override
  public void commit(long epoch) throws ConnectorException {
    EpochManifest m = prepared.get(epoch);
    if (m == null) {
      return; // nothing prepared (already in the table), or committed already
    }
    commitManifest(m); // a failed attempt keeps the epoch prepared, so the engine's retry commits it
    prepared.remove(epoch);
  }

  private void commitManifest(EpochManifest m) throws ConnectorException {
    long started = System.nanoTime();
    try {
      for (EpochManifest.File f : m.files()) {
        Path staged = Paths.get(f.staged());
        Path target = Paths.get(f.target());
        if (Files.exists(staged)) {
          Files.createDirectories(target.getParent());
          Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } else if (!Files.exists(target)) {
          throw ConnectorException.runtime("data file " + f.target() + " of epoch " + m.epoch() + " is gone (neither"
              + " it nor " + f.staged() + " exists); the epoch cannot be committed", null);
        }
      }
    } catch (IOException e) {
      throw ConnectorException.runtime("cannot move the data files of epoch " + m.epoch() + " into " + tableName + ": "
          + e.getMessage(), e);
    }
    TransactionCommitResult result = null;
    KernelException lastConflict = null;
    for (int attempt = 1; attempt <= COMMIT_ATTEMPTS && result == null; attempt++) {
      try {
        Transaction txn = table().createTransactionBuilder(engine(), ENGINE_INFO, Operation.STREAMING_UPDATE)
            .withTransactionId(engine(), settings.writerId(), m.version())
            .withMaxRetries(KERNEL_RETRIES)
            .build(engine());
        Row state = txn.getTransactionState(engine());
        List<Row> actions = new ArrayList<>();
        Map<Map<String, String>, List<DataFileStatus>> byPartition = new LinkedHashMap<>();
        for (EpochManifest.File f : m.files()) {
          byPartition.computeIfAbsent(f.partition(), k -> new ArrayList<>()).add(status(f));
        }
        for (Map.Entry<Map<String, String>, List<DataFileStatus>> e : byPartition.entrySet()) {
          DataWriteContext wc = Transaction.getWriteContext(engine(), state, literals(e.getKey()));
          try (CloseableIterator<Row> adds = Transaction.generateAppendActions(engine(), state,
              Utils.toCloseableIterator(e.getValue().iterator()), wc)) {
            adds.forEachRemaining(actions::add);
          }
        }
        result = txn.commit(engine(), CloseableIterable.inMemoryIterable(Utils.toCloseableIterator(actions.iterator())));
      } catch (ConcurrentTransactionException e) {
        long now = latestTxnVersion();
        if (now == m.version()) {
          log.info("epoch {} (txn version {}) is already in the table", m.epoch(), m.version());
          finished(m, started);
          return;
        }
        throw ConnectorException.runtime("another writer uses writer.id '" + settings.writerId() + "' on " + tableName
            + ": the table holds its txn version " + now + ", newer than this sink's epoch " + m.epoch() + " (version "
            + m.version() + "). Give each sink writing this table its own writer.id", e);
      } catch (ConcurrentWriteException | MaxCommitRetryLimitReachedException e) {
        lastConflict = e;
        log.warn("commit of epoch {} to {} conflicted with another writer (attempt {} of {}): {}", m.epoch(), tableName,
            attempt, COMMIT_ATTEMPTS, e.getMessage());
      } catch (IOException e) {
        throw ConnectorException.runtime("committing epoch " + m.epoch() + " to " + tableName + " failed: "
            + e.getMessage(), e);
      } catch (RuntimeException e) {
        throw ConnectorException.runtime("committing epoch " + m.epoch() + " to " + tableName + " failed: "
            + rootMessage(e), e);
      }
    }
    if (result == null) {
      throw ConnectorException.runtime("could not commit epoch " + m.epoch() + " to " + tableName + ": it conflicted"
          + " with other writers' commits " + COMMIT_ATTEMPTS + " times (each with up to " + KERNEL_RETRIES
          + " retries): " + (lastConflict == null ? "" : lastConflict.getMessage()), lastConflict);
    }
    for (PostCommitHook hook : result.getPostCommitHooks()) {
      if (hook.getType() == PostCommitHook.PostCommitHookType.CHECKPOINT) {
        continue; // this sink checkpoints on its own interval
      }
      try {
        hook.threadSafeInvoke(engine());
      } catch (IOException | RuntimeException e) {
        log.warn("post-commit {} of version {} failed: {}", hook.getType(), result.getVersion(), e.getMessage());
      }
    }
    if (result.getVersion() > 0 && result.getVersion() % settings.checkpointInterval() == 0) {
      try {
        table().checkpoint(engine(), result.getVersion());
        log.info("wrote the Delta log checkpoint of version {}", result.getVersion());
      } catch (CheckpointAlreadyExistsException e) {
        // another writer did it
      } catch (IOException | RuntimeException e) {
        log.warn("cannot write the Delta log checkpoint of version {}: {}", result.getVersion(), e.getMessage());
      }
    }
    finished(m, started);
  }

  private void finished(EpochManifest m, long started) throws ConnectorException {
    long ms = (System.nanoTime() - started) / 1_000_000;
    committedVersion = Math.max(committedVersion, m.version());
    long bytes = 0;
    long rows = 0;
    for (EpochManifest.File f : m.files()) {
      bytes += f.size();
      rows += Math.max(0, f.rows());
      writtenStatus.remove(f.path());
    }
    filesWritten.increment(m.files().size());
    bytesWritten.increment(bytes);
    rowsWritten.increment(rows);
    commits.increment(1);
    commitMillis.increment(ms);
    lastCommitMillis.set(ms);
    log.info("committed epoch {} as txn version {}: {} files, {} rows, {} bytes in {} ms", m.epoch(), m.version(),
        m.files().size(), rows, bytes, ms);
    try {
      Files.deleteIfExists(workDir.resolve(m.version() + ".json"));
    } catch (IOException e) {
      throw ConnectorException.runtime("cannot remove the manifest of committed epoch " + m.epoch() + ": "
          + e.getMessage(), e);
    }
  }

  private DataFileStatus status(EpochManifest.File f) {
    DataFileStatus known = writtenStatus.get(f.path());
    if (known != null) {
      return known;
    }
    Optional<DataFileStatistics> stats = Optional.empty();
    if (f.stats() != null) {
      try {
        stats = DataFileStatistics.deserializeFromJson(f.stats(), tableSchema);
      } catch (RuntimeException e) {
        stats = Optional.empty();
      }
    }
    return new DataFileStatus(f.path(), f.size(), f.modificationTime(), stats);
  }

  private long latestTxnVersion() {
    try {
      return table().getLatestSnapshot(engine()).getLatestTransactionVersion(engine(), settings.writerId()).orElse(0L);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  @Override
  public void abort(long epoch) throws ConnectorException {
    cancelWriters();
    EpochManifest m = prepared.remove(epoch);
    if (m != null) {
      try {
        discard(m);
      } catch (IOException e) {
        throw ConnectorException.runtime("cannot remove the files of aborted epoch " + epoch + ": " + e.getMessage(), e);
      }
    }
  }

  private void discard(EpochManifest m) throws IOException {
    for (EpochManifest.File f : m.files()) {
      Files.deleteIfExists(Paths.get(f.staged()));
      Files.deleteIfExists(Paths.get(f.target()));
      writtenStatus.remove(f.path());
    }
    Files.deleteIfExists(workDir.resolve(m.version() + ".json"));
  }

  /** Stops the current writers and deletes what they staged (rows of an epoch that is not prepared). */
  private void cancelWriters() {
    for (PartitionWriter w : writers.values()) {
      w.cancel();
    }
    writers.clear();
    try (Stream<Path> files = Files.exists(stagingDir) ? Files.list(stagingDir) : Stream.empty()) {
      List<Path> staged = prepared.values().stream().flatMap(m -> m.files().stream()).map(f -> Paths.get(f.staged()))
          .toList();
      for (Path p : files.toList()) {
        if (!staged.contains(p)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      log.warn("cannot clean {}: {}", stagingDir, e.getMessage());
    }
  }

  @Override
  public void close() {
    cancelWriters();
  }

  private static Path localPath(String kernelPath) {
    return Paths.get(new org.apache.hadoop.fs.Path(kernelPath).toUri().getPath());
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

}
