package io.laminar.iceberg;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.RowKind;
import io.laminar.api.SchemaMismatchException;
import io.laminar.api.Sink;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.WriteResult;
import org.slf4j.Logger;

/**
 * The {@code iceberg} sink.
 *
 * <p>Rows of an epoch go into Parquet data files (and, in upsert mode, delete files) as they arrive.
 * {@code prepareCommit(e)} closes them, lists them in manifests next to the table's metadata and
 * saves a descriptor of those manifests durably in the sink's data directory; {@code commit(e)},
 * once laminar's checkpoint e is durable, makes one Iceberg commit of them (an append, or a row
 * delta) whose snapshot summary carries {@code laminar.writer-id}, {@code laminar.run-id} and
 * {@code laminar.epoch}. After a crash {@link #open} walks the table's snapshots back to the newest
 * one of this writer and run — Flink's max-committed-checkpoint-id — commits each saved epoch the
 * restored checkpoint covers and the table does not have yet, and deletes the files of newer ones,
 * whose rows laminar replays. So every epoch is in the table exactly once.
 *
 * <p>The run id tells runs apart whose epochs restart from 1 (a start without any checkpoint): it is
 * made at {@code open(0)} and kept in the data directory.
 */
final class IcebergSink implements Sink {
  static final String WRITER_ID = "laminar.writer-id";
  static final String RUN_ID = "laminar.run-id";
  static final String EPOCH = "laminar.epoch";

  private final ConnectorContext context;
  private final IcebergSettings settings;
  private final Logger log;
  private final List<Field> fields;
  private final Schema pipelineSchema;
  private final PartitionSpec wantedSpec;
  private final ConnectorMetrics.Counter dataFilesMetric;
  private final ConnectorMetrics.Counter deleteFilesMetric;
  private final ConnectorMetrics.Counter rowsMetric;
  private final ConnectorMetrics.Counter bytesMetric;
  private final ConnectorMetrics.Counter commitsMetric;
  private final ConnectorMetrics.Counter commitMillisMetric;
  private volatile long lastCommitMillis;
  private volatile long maxCommitMillis;
  private volatile long committedEpoch;

  private Catalog catalog;
  private Table table;
  private List<String> key;
  private RowConverter converter;
  private EpochWriter writer;
  private String runId;
  private Path stateDir;
  private final TreeMap<Long, PendingEpoch> pending = new TreeMap<>();

  IcebergSink(ConnectorContext context, IcebergSettings settings) throws ConnectorException {
    this.context = context;
    this.settings = settings;
    this.log = context.logger();
    this.fields = context.schema().getFields();
    this.pipelineSchema = supportedColumns(context.schema());
    List<String> names = fields.stream().map(Field::getName).toList();
    for (String k : settings.primaryKey()) {
      if (!names.contains(k)) {
        throw ConnectorException.invalidProperty(IcebergSettings.PRIMARY_KEY, String.join(", ", settings.primaryKey()),
            "column '" + k + "' is not in the pipeline's output (" + String.join(", ", names) + ")"
                + Names.didYouMean(k, names));
      }
    }
    this.wantedSpec = settings.partitionSpec().isPresent()
        ? PartitionSpecParser.parse(settings.partitionSpec().get(), pipelineSchema) : null;
    if (settings.upsert() && wantedSpec != null && !settings.primaryKey().isEmpty()) {
      requirePartitionInKey(wantedSpec, pipelineSchema, settings.primaryKey(), IcebergSettings.PARTITION_SPEC);
    }
    ConnectorMetrics m = context.metrics();
    this.dataFilesMetric = m.counter("data_files_total", "Parquet data files committed");
    this.deleteFilesMetric = m.counter("delete_files_total", "Delete files (equality and position) committed");
    this.rowsMetric = m.counter("rows_total", "Changes committed (rows appended, upserted or deleted)");
    this.bytesMetric = m.counter("bytes_total", "Bytes of data and delete files committed");
    this.commitsMetric = m.counter("commits_total", "Iceberg commits (one per epoch with data)");
    this.commitMillisMetric = m.counter("commit_latency_ms_total", "Milliseconds spent in Iceberg commits");
    m.gauge("commit_latency_ms", "Duration of the last Iceberg commit", () -> lastCommitMillis);
    m.gauge("commit_latency_ms_max", "Duration of the slowest Iceberg commit so far", () -> maxCommitMillis);
    m.gauge("committed_epoch", "The last epoch committed to the table", () -> committedEpoch);
  }

  private static Schema supportedColumns(org.apache.arrow.vector.types.pojo.Schema arrow) {
    List<Field> ok = arrow.getFields().stream().filter(f -> TableSchemas.icebergType(f.getType()) != null).toList();
    return TableSchemas.fromArrow(new org.apache.arrow.vector.types.pojo.Schema(ok));
  }

  /** An equality delete only reaches rows of its own partition, so the partition must follow from the key. */
  private static void requirePartitionInKey(PartitionSpec spec, Schema schema, List<String> key, String property)
      throws ConnectorException {
    for (PartitionField f : spec.fields()) {
      String source = schema.findColumnName(f.sourceId());
      if (!key.contains(source)) {
        throw ConnectorException.invalidProperty(property, TableSchemas.describe(spec, schema), "write.mode = upsert"
            + " needs every partition column in the primary key (" + String.join(", ", key) + "), and '" + source
            + "' is not: an equality delete only reaches rows of its own partition, so a change that moved a row"
            + " to another partition would leave the old row behind");
      }
    }
  }

  @Override
  public DeliveryGuarantee maxGuarantee() {
    return DeliveryGuarantee.EXACTLY_ONCE;
  }

  @Override
  public ChangelogMode acceptedChangelogMode() {
    return settings.upsert() ? ChangelogMode.UPSERT : ChangelogMode.APPEND_ONLY;
  }

  @Override
  public List<String> validateSchema(org.apache.arrow.vector.types.pojo.Schema input) {
    List<String> problems = new ArrayList<>();
    for (Field f : input.getFields()) {
      if (TableSchemas.icebergType(f.getType()) == null) {
        problems.add("column '" + f.getName() + "' has a type the iceberg sink cannot write: " + f.getType());
      }
    }
    return problems;
  }

  @Override
  public void check() throws ConnectorException {
    Catalog c = openCatalog();
    try {
      resolve(c, false);
    } finally {
      closeQuietly(c);
    }
  }

  private Catalog openCatalog() throws ConnectorException {
    try {
      return Catalogs.open(settings);
    } catch (RuntimeException e) {
      throw Catalogs.failure(settings, "opening the Iceberg catalog", e);
    }
  }

  private TableIdentifier identifier() {
    return TableIdentifier.of(Namespace.of(settings.namespace().split("\\.")), settings.tableName());
  }

  /**
   * Loads the table and checks it against the pipeline, or (when {@code create}) creates it when
   * missing; returns null when it is missing and may be created later. Every difference is reported
   * in one error.
   */
  private Table resolve(Catalog c, boolean create) throws ConnectorException {
    TableIdentifier id = identifier();
    Table t;
    try {
      t = c.loadTable(id);
    } catch (NoSuchTableException e) {
      if (!settings.createIfMissing()) {
        throw new ConnectorException(ConnectorException.Kind.INVALID_PROPERTY, IcebergSettings.TABLE_NAME, "table "
            + settings.display() + " does not exist in the " + Catalogs.target(settings) + ": create it, or set"
            + " create = \"if_missing\"", null);
      }
      if (settings.upsert() && settings.primaryKey().isEmpty()) {
        throw ConnectorException.invalidProperty(IcebergSettings.PRIMARY_KEY, null, "write.mode = upsert needs"
            + " primary.key to create table " + settings.display() + " (the pipeline has no update key to use)");
      }
      if (!create) {
        return null;
      }
      t = createTable(c, id);
    } catch (RuntimeException e) {
      throw Catalogs.failure(settings, "loading table " + settings.display(), e);
    }
    List<SchemaMismatchException.Problem> problems = new ArrayList<>(TableSchemas.differences(settings.display(),
        t.schema(), t.spec(), pipelineSchema, wantedSpec));
    int format = EpochWriter.formatVersion(t);
    if (settings.upsert() && format < 2) {
      problems.add(new SchemaMismatchException.Problem("", "write.mode = upsert writes equality deletes, which need"
          + " format version 2, and table " + settings.display() + " has version " + format + ": upgrade it"
          + " (ALTER TABLE … SET TBLPROPERTIES ('format-version' = '2')) or use write.mode = \"append\""));
    }
    if (!problems.isEmpty()) {
      // one error per difference, reported at the sink; a config problem (exit 78), not an outage
      throw new SchemaMismatchException(problems.stream().map(p -> new SchemaMismatchException.Problem(p.column(),
          "table " + settings.display() + " (" + Catalogs.target(settings) + ") does not fit the pipeline: "
              + p.message())).toList());
    }
    if (settings.upsert()) {
      key = settings.primaryKey();
      if (key.isEmpty()) {
        key = t.schema().identifierFieldNames().stream().sorted().toList();
      }
      if (key.isEmpty()) {
        throw ConnectorException.invalidProperty(IcebergSettings.PRIMARY_KEY, null, "write.mode = upsert needs a"
            + " primary key, and the pipeline has no update key and table " + settings.display() + " no identifier"
            + " fields: set primary.key");
      }
      for (String k : key) {
        if (pipelineSchema.findField(k) == null) {
          throw ConnectorException.invalidProperty(IcebergSettings.PRIMARY_KEY, null, "key column '" + k
              + "' of table " + settings.display() + " is not in the pipeline's output");
        }
      }
      requirePartitionInKey(t.spec(), t.schema(), key, IcebergSettings.PRIMARY_KEY);
    }
    return t;
  }

  private Table createTable(Catalog c, TableIdentifier id) {
    if (c instanceof SupportsNamespaces ns && !ns.namespaceExists(id.namespace())) {
      try {
        ns.createNamespace(id.namespace());
      } catch (AlreadyExistsException e) {
        // created meanwhile
      }
    }
    Map<String, String> props = new HashMap<>();
    props.put(TableProperties.FORMAT_VERSION, "2");
    props.put(TableProperties.PARQUET_COMPRESSION, settings.parquetCompression());
    try {
      Table t = c.buildTable(id, pipelineSchema).withPartitionSpec(wantedSpec == null ? PartitionSpec.unpartitioned()
          : wantedSpec).withProperties(props).create();
      log.info("created Iceberg table {} (format version 2, partitioned by [{}])", settings.display(),
          TableSchemas.describe(t.spec(), t.schema()));
      return t;
    } catch (AlreadyExistsException e) {
      return c.loadTable(id);
    }
  }

  @Override
  public void open(long lastCommittedEpoch) throws ConnectorException {
    catalog = openCatalog();
    table = resolve(catalog, true);
    converter = new RowConverter(table.schema(), fields);
    stateDir = context.dataDir();
    try {
      Files.createDirectories(stateDir);
      runId = runId(lastCommittedEpoch);
      committedEpoch = lastEpochInTable();
      recover(lastCommittedEpoch);
    } catch (IOException | UncheckedIOException e) {
      throw ConnectorException.runtime("recovering the epochs of table " + settings.display() + " kept in "
          + stateDir + " failed: " + Catalogs.message(e), e);
    } catch (RuntimeException e) {
      throw Catalogs.failure(settings, "recovering the epochs of table " + settings.display(), e);
    }
    log.info("writing to Iceberg table {} ({}), writer {} run {}, last epoch in the table {}", settings.display(),
        settings.upsert() ? "upsert by " + String.join(", ", key) : "append", settings.writerId(), runId,
        committedEpoch);
  }

  private String runId(long lastCommittedEpoch) throws IOException {
    Path file = stateDir.resolve("run-id");
    if (lastCommittedEpoch > 0 && Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    String id = null;
    if (lastCommittedEpoch > 0) {
      id = newestOwnSnapshot().map(s -> s.summary().get(RUN_ID)).orElse(null);
      log.warn("{} is missing; resuming epoch {} as run {} found in table {}", file, lastCommittedEpoch, id,
          settings.display());
    }
    if (id == null) {
      id = UUID.randomUUID().toString();
    }
    Path tmp = stateDir.resolve("run-id.tmp");
    Files.writeString(tmp, id, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    PendingEpoch.syncDirectory(stateDir);
    return id;
  }

  private java.util.Optional<Snapshot> newestOwnSnapshot() {
    for (Snapshot s = table.currentSnapshot(); s != null; s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
      if (settings.writerId().equals(s.summary().get(WRITER_ID))) {
        return java.util.Optional.of(s);
      }
    }
    return java.util.Optional.empty();
  }

  /** The newest epoch of this writer and run on the table's current branch, 0 if none. */
  private long lastEpochInTable() {
    for (Snapshot s = table.currentSnapshot(); s != null; s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
      Map<String, String> summary = s.summary();
      if (settings.writerId().equals(summary.get(WRITER_ID)) && runId.equals(summary.get(RUN_ID))) {
        return Long.parseLong(summary.get(EPOCH));
      }
    }
    return 0;
  }

  /** Settles the epochs saved before a restart: commit those the checkpoint covers, discard the rest. */
  private void recover(long lastCommittedEpoch) throws IOException, ConnectorException {
    for (Map.Entry<Long, Path> e : PendingEpoch.list(stateDir).entrySet()) {
      PendingEpoch p = PendingEpoch.load(e.getValue());
      if (!p.runId().equals(runId) || p.epoch() > lastCommittedEpoch) {
        log.info("discarding epoch {} prepared before the restart: checkpoint {} does not cover it, its rows are"
            + " replayed", p.epoch(), lastCommittedEpoch);
        p.discard(table);
        PendingEpoch.remove(stateDir, p.epoch());
      } else if (p.epoch() <= committedEpoch) {
        log.info("epoch {} was committed to {} before the restart", p.epoch(), settings.display());
        p.deleteManifests(table);
        PendingEpoch.remove(stateDir, p.epoch());
      } else {
        log.info("committing epoch {}, prepared before the restart", p.epoch());
        pending.put(p.epoch(), p);
        commit(p.epoch());
      }
    }
  }

  @Override
  public void write(Batch batch) throws ConnectorException {
    int n = batch.rowCount();
    if (n == 0) {
      return;
    }
    try {
      if (writer == null) {
        writer = newWriter();
      }
      VectorSchemaRoot data = batch.data();
      for (int row = 0; row < n; row++) {
        RowKind kind = batch.rowKind(row);
        GenericRecord record = converter.convert(data, row);
        if (!settings.upsert()) {
          if (kind != RowKind.INSERT) {
            throw ConnectorException.runtime("write.mode = append takes inserts only, but the pipeline sends "
                + kind.shortString() + " rows: set write.mode = \"upsert\" with a primary key", null);
          }
          writer.upsert(record);
        } else if (kind == RowKind.INSERT || kind == RowKind.UPDATE_AFTER) {
          writer.upsert(record);
        } else {
          writer.delete(record);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw ConnectorException.runtime("writing data files of table " + settings.display() + " failed: "
          + Catalogs.message(e), e);
    } catch (IllegalArgumentException e) {
      throw ConnectorException.runtime("cannot write a row to table " + settings.display() + ": " + e.getMessage(), e);
    }
  }

  private EpochWriter newWriter() {
    Map<String, String> props = Map.of(TableProperties.PARQUET_COMPRESSION, settings.parquetCompression());
    return settings.upsert() ? EpochWriter.upsert(table, props, settings.targetFileSize(), key)
        : EpochWriter.append(table, props, settings.targetFileSize());
  }

  private String filePrefix() {
    return "laminar-" + settings.writerId().replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + runId;
  }

  @Override
  public void prepareCommit(long epoch) throws ConnectorException {
    if (writer == null) {
      return;
    }
    try {
      List<PendingEpoch.Part> parts = new ArrayList<>();
      long rows = 0;
      if (writer != null) {
        WriteResult result = writer.complete();
        rows += writer.rows();
        writer = null;
        if (result.dataFiles().length + result.deleteFiles().length > 0) {
          parts.add(PendingEpoch.write(table, filePrefix(), epoch, result));
        }
      }
      if (parts.isEmpty()) {
        return;
      }
      PendingEpoch p = new PendingEpoch(epoch, runId, parts, rows);
      p.save(stateDir);
      pending.put(epoch, p);
    } catch (IOException | RuntimeException e) {
      throw ConnectorException.runtime("preparing epoch " + epoch + " of table " + settings.display() + " failed: "
          + Catalogs.message(e), e);
    }
  }

  @Override
  public void commit(long epoch) throws ConnectorException {
    while (!pending.isEmpty() && pending.firstKey() <= epoch) {
      PendingEpoch p = pending.firstEntry().getValue();
      try {
        commitEpoch(p);
        pending.remove(p.epoch());
        p.deleteManifests(table);
        PendingEpoch.remove(stateDir, p.epoch());
      } catch (IOException e) {
        throw ConnectorException.runtime("committing epoch " + p.epoch() + " to table " + settings.display()
            + " failed: " + Catalogs.message(e), e);
      }
    }
  }

  private void commitEpoch(PendingEpoch p) throws IOException, ConnectorException {
    long t0 = System.nanoTime();
    try {
      table.refresh();
      long inTable = lastEpochInTable();
      if (p.epoch() <= inTable) {
        log.info("epoch {} is already in table {} (its newest epoch of this writer is {}); not committed again",
            p.epoch(), settings.display(), inTable);
        committedEpoch = inTable;
        return;
      }
      Transaction txn = table.newTransaction();
      long dataFiles = 0;
      long deleteFiles = 0;
      long bytes = 0;
      for (PendingEpoch.Part part : p.parts()) {
        List<DataFile> data = part.dataFiles(table);
        List<DeleteFile> deletes = part.deleteFiles(table);
        if (deletes.isEmpty()) {
          AppendFiles append = summary(txn.newAppend(), p.epoch());
          data.forEach(append::appendFile);
          append.commit();
        } else {
          RowDelta delta = summary(txn.newRowDelta(), p.epoch());
          data.forEach(delta::addRows);
          deletes.forEach(delta::addDeletes);
          delta.validateDataFilesExist(part.referencedDataFiles()).validateDeletedFiles();
          delta.commit();
        }
        dataFiles += data.size();
        deleteFiles += deletes.size();
        bytes += data.stream().mapToLong(DataFile::fileSizeInBytes).sum()
            + deletes.stream().mapToLong(DeleteFile::fileSizeInBytes).sum();
      }
      txn.commitTransaction();
      long millis = (System.nanoTime() - t0) / 1_000_000;
      lastCommitMillis = millis;
      maxCommitMillis = Math.max(maxCommitMillis, millis);
      committedEpoch = p.epoch();
      commitsMetric.increment(1);
      commitMillisMetric.increment(millis);
      dataFilesMetric.increment(dataFiles);
      deleteFilesMetric.increment(deleteFiles);
      bytesMetric.increment(bytes);
      rowsMetric.increment(p.rows());
      log.debug("committed epoch {} to {}: {} rows, {} data and {} delete files, {} bytes in {} ms", p.epoch(),
          settings.display(), p.rows(), dataFiles, deleteFiles, bytes, millis);
    } catch (CommitFailedException e) {
      int retries = Integer.parseInt(table.properties().getOrDefault(TableProperties.COMMIT_NUM_RETRIES,
          Integer.toString(TableProperties.COMMIT_NUM_RETRIES_DEFAULT)));
      throw ConnectorException.runtime("committing epoch " + p.epoch() + " to table " + settings.display()
          + " failed after Iceberg's " + retries + " retries (table property " + TableProperties.COMMIT_NUM_RETRIES
          + "): other writers kept changing the table (" + Catalogs.message(e) + "). The epoch stays prepared and"
          + " the next start commits it", e);
    } catch (CommitStateUnknownException e) {
      throw ConnectorException.runtime("the commit of epoch " + p.epoch() + " to table " + settings.display()
          + " may or may not have happened (" + Catalogs.message(e) + "); the next attempt looks at the table's"
          + " snapshots first and does not commit it twice", e);
    } catch (ValidationException e) {
      throw ConnectorException.runtime("committing epoch " + p.epoch() + " to table " + settings.display()
          + " conflicts with another writer's commit: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw Catalogs.failure(settings, "committing epoch " + p.epoch() + " to table " + settings.display(), e);
    }
  }

  private <T extends SnapshotUpdate<T>> T summary(T update, long epoch) {
    return update.set(WRITER_ID, settings.writerId()).set(RUN_ID, runId).set(EPOCH, Long.toString(epoch));
  }

  @Override
  public void abort(long epoch) throws ConnectorException {
    // After an aborted checkpoint the engine restarts the pipeline from the last completed one and
    // replays its input into a new sink instance, so the epoch's files are deleted, never carried.
    PendingEpoch p = pending.remove(epoch);
    if (p != null) {
      try {
        p.discard(table);
        PendingEpoch.remove(stateDir, epoch);
      } catch (IOException | RuntimeException e) {
        throw ConnectorException.runtime("aborting epoch " + epoch + " of table " + settings.display() + " failed: "
            + e.getMessage(), e);
      }
      log.info("checkpoint {} was aborted: its {} rows were discarded from table {} (they are replayed)", epoch,
          p.rows(), settings.display());
    }
  }

  @Override
  public void close() throws ConnectorException {
    try {
      if (writer != null) {
        writer.abort(); // rows not prepared are dropped, as the SPI allows; laminar replays them
        writer = null;
      }
    } catch (IOException | RuntimeException e) {
      log.warn("deleting the unprepared files of table {}: {}", settings.display(), e.getMessage());
    } finally {
      closeQuietly(catalog);
      catalog = null;
    }
  }

  private void closeQuietly(Catalog c) {
    if (c instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException | RuntimeException e) {
        log.warn("closing the Iceberg catalog: {}", e.getMessage());
      }
    }
  }
}
