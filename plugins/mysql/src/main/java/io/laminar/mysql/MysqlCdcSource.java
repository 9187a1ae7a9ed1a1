package io.laminar.mysql;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.ChangeEvent;
import io.debezium.embedded.Connect;
import io.debezium.engine.spi.OffsetCommitPolicy;
import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.RowKind;
import io.laminar.api.Source;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;

/**
 * {@code mysql_cdc}: Debezium's embedded MariaDB or MySQL connector (picked by {@link Flavor}) turned
 * into changelog batches: a snapshot of the table, then its row events from the binlog.
 *
 * <p>Positions: every record carries Debezium's source offset (binlog file, position, rows to skip,
 * GTIDs); {@link #snapshotOffsets()} returns the offset after the last record handed out together
 * with the schema history ({@link CheckpointSchemaHistory}), and {@link #open} seeds Debezium's
 * in-memory offset store ({@link CheckpointOffsetStore}) and history with them, so Debezium keeps
 * nothing of its own. A crash replays from the checkpoint; the server keeps the binlog files until
 * its own expiry ({@code binlog_expire_logs_seconds} / {@code expire_logs_days}).
 *
 * <p>Row kinds: snapshot reads and inserts are INSERT; an update is UPDATE_BEFORE + UPDATE_AFTER
 * (with {@code binlog_row_image = FULL} the binlog holds both images); a delete is DELETE with the
 * old row. Columns added to the table later are decoded through the schema history and ignored
 * unless the configuration declares them.
 */
final class MysqlCdcSource implements Source {
  private static final int QUEUE_CAPACITY = 16_384;
  private static final long PROGRESS_LOG_INTERVAL_MS = 10_000;
  private static final String HEARTBEAT_TOPIC_PREFIX = "__laminar_heartbeat";
  private static final String TOPIC_PREFIX = "laminar";
  /**
   * Debezium's notifications (its "sink" channel) arrive as records of this topic, in order with the
   * data: the initial snapshot's COMPLETED ends the snapshot even of an empty table, which has no
   * last row to say so.
   */
  private static final String NOTIFICATION_TOPIC = "__laminar_notifications";

  private final ConnectorContext context;
  private final CdcSettings settings;
  private final Logger log;
  private final RowWriter writer;
  private final String[] columnNames;
  private final String engineName;
  private final CdcOffsets offsetCodec;
  private final BlockingQueue<ChangeEvent<SourceRecord, SourceRecord>> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  /** Checkpointed positions not yet acknowledged, with the record that produced each. */
  private final Deque<Map.Entry<byte[], ChangeEvent<SourceRecord, SourceRecord>>> unacknowledged = new ArrayDeque<>();
  private final ConnectorMetrics.Counter changes;
  private final AtomicLong snapshotRows = new AtomicLong();
  private volatile long estimatedRows = -1;

  private DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;
  private ExecutorService engineThread;
  private String seedKey;
  private CheckpointSchemaHistory.Records history;
  private Flavor flavor;
  private boolean serverHasTls;
  private volatile DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer;
  private volatile Throwable failure;
  private volatile boolean engineStopped;
  private volatile boolean closing;
  /** How long close() waits for Debezium to stop: below the host's 10 s bound on a close(). */
  private static final long CLOSE_WAIT_MILLIS = 7_000;
  private byte[] restored;
  private ChangeEvent<SourceRecord, SourceRecord> lastEvent;
  private byte[] lastEncoded;
  private ChangeEvent<SourceRecord, SourceRecord> carry;
  private boolean snapshotting;
  /** When the first snapshot row was read, and when the snapshot ended; -1 until then. */
  private volatile long snapshotStartMs = -1;
  private volatile long snapshotEndMs = -1;
  private long lastProgressLogMs;
  private Map<Schema, int[]> fieldIndexes = new IdentityHashMap<>();
  private boolean truncateWarned;
  /**
   * The snapshot's last row was handed out, or Debezium said it completed (initial_only ends there:
   * Debezium's engine idles on), or a restored checkpoint lies past it.
   */
  private volatile boolean snapshotCompleted;

  MysqlCdcSource(ConnectorContext context, CdcSettings settings) {
    this.context = context;
    this.settings = settings;
    this.log = context.logger();
    this.writer = new RowWriter(context.schema(), context.allocator());
    List<Field> fields = context.schema().getFields();
    this.columnNames = fields.stream().map(Field::getName).toArray(String[]::new);
    this.engineName = "laminar-" + settings.serverId();
    this.offsetCodec = new CdcOffsets(engineName);
    ConnectorMetrics m = context.metrics();
    this.changes = m.counter("changes_total", "Change events read (snapshot rows included)");
    m.gauge("snapshot_rows", "Rows read by the initial snapshot so far", snapshotRows::get);
    m.gauge("snapshot_rows_estimated", "The table's estimated row count (information_schema.TABLES.TABLE_ROWS) at start",
        () -> estimatedRows);
    m.gauge("snapshot_rows_per_second", "Snapshot rows read per second (over the whole snapshot once it is done)",
        () -> snapshotProgress().rowsPerSecond());
    m.gauge("snapshot_completed", "1 once the initial snapshot has been read to its end", () -> snapshotCompleted ? 1 : 0);
    m.gauge("snapshot_progress", "Share of the initial snapshot read: rows so far / the estimate, 0..1, exactly 1 once"
        + " done; NaN without an estimate", () -> snapshotProgress().fraction());
    m.gauge("queued_records", "Change events read from the binlog, not yet polled", queue::size);
  }

  /** The initial snapshot's progress, as the metrics and the log show it. */
  record SnapshotProgress(long rows, long estimatedRows, double rowsPerSecond, boolean completed) {
    /** The share read: rows / estimate in [0, 1], exactly 1 once completed, NaN without an estimate. */
    double fraction() {
      if (completed) {
        return 1;
      }
      if (estimatedRows <= 0) {
        return Double.NaN;
      }
      return Math.min(1, Math.max(0, (double) rows / estimatedRows));
    }
  }

  SnapshotProgress snapshotProgress() {
    long rows = snapshotRows.get();
    long start = snapshotStartMs;
    long end = snapshotEndMs >= 0 ? snapshotEndMs : System.currentTimeMillis();
    double rate = start < 0 ? 0 : rows / Math.max(0.001, (end - start) / 1000.0);
    return new SnapshotProgress(rows, estimatedRows, rate, snapshotCompleted);
  }

  @Override
  public ChangelogMode changelogMode() {
    return ChangelogMode.ALL; // binlog_row_image = FULL: every update carries its before image
  }

  @Override
  public void check() throws ConnectorException {
    flavor = BinlogCheck.run(settings, context.schema());
  }

  @Override
  public void open(byte[] restoredOffsets) throws ConnectorException {
    restored = restoredOffsets == null || restoredOffsets.length == 0 ? null : restoredOffsets;
    boolean snapshotOwed = restored == null || !snapshotDone(restored);
    // a snapshot an earlier run read to its end stays done (the gauges say so after a restart)
    snapshotCompleted = !snapshotOwed && !settings.snapshotMode().equals("never");
    prepareServer(snapshotOwed);
    seedKey = UUID.randomUUID().toString();
    List<String> restoredHistory = List.of();
    if (restored != null) {
      try {
        CdcOffsets.Restored r = offsetCodec.decode(restored);
        CheckpointOffsetStore.seed(seedKey, r.storeEntries());
        restoredHistory = r.history();
      } catch (IllegalArgumentException e) {
        throw ConnectorException.runtime("the checkpoint's mysql_cdc offsets cannot be read: " + e.getMessage(), e);
      }
      log.info("resuming change data capture of {} from the checkpoint ({} binlog reader, server.id {}, {} schema"
          + " history records)", settings.table().display(), flavor, settings.serverId(), restoredHistory.size());
    } else {
      log.info("starting change data capture of {} ({} binlog reader, server.id {}, snapshot.mode {})",
          settings.table().display(), flavor, settings.serverId(), settings.snapshotMode());
    }
    history = new CheckpointSchemaHistory.Records(restoredHistory);
    CheckpointSchemaHistory.register(seedKey, history);
    ClassLoader pluginLoader = getClass().getClassLoader();
    engine = DebeziumEngine.create(Connect.class)
        .using(debeziumProperties())
        .using(pluginLoader)
        .using(OffsetCommitPolicy.always())
        .using((success, message, error) -> {
          if (!success && !closing) {
            failure = error != null ? error : new IllegalStateException(message);
          }
          engineStopped = true;
        })
        .notifying(this::handleBatch)
        .build();
    engineThread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "laminar-mysql-cdc-" + context.name());
      t.setDaemon(true);
      t.setContextClassLoader(pluginLoader);
      return t;
    });
    engineThread.execute(engine);
    lastProgressLogMs = System.currentTimeMillis();
  }

  /**
   * Whether checkpointed offsets lie past the initial snapshot: Debezium marks the offsets of an
   * unfinished one with {@code snapshot = INITIAL} (older versions: {@code true}).
   */
  private boolean snapshotDone(byte[] offsets) throws ConnectorException {
    try {
      Object snapshot = offsetCodec.offset(offsets).get("snapshot");
      return !(Boolean.TRUE.equals(snapshot) || "true".equals(snapshot) || "INITIAL".equals(snapshot));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw ConnectorException.runtime("the checkpoint's mysql_cdc offsets cannot be read: " + e.getMessage(), e);
    }
  }

  /** Settles the flavor (when check() did not run) and reads the row estimate for the snapshot's progress log. */
  private void prepareServer(boolean snapshotOwed) throws ConnectorException {
    try (Connection c = settings.connection().connect("laminar-" + context.name())) {
      if (flavor == null) {
        flavor = settings.flavor().orElse(Flavor.detect(BinlogCheck.single(c, "SELECT VERSION()")));
      }
      if (snapshotOwed && !settings.snapshotMode().equals("never")) {
        estimatedRows = settings.table().estimatedRows(c);
      }
      serverHasTls = "YES".equalsIgnoreCase(BinlogCheck.single(c, "SELECT @@GLOBAL.have_ssl"));
    } catch (SQLException e) {
      throw settings.connection().failure(e);
    }
  }

  private Properties debeziumProperties() {
    MysqlConnectionSettings c = settings.connection();
    Properties p = new Properties();
    p.setProperty("name", engineName);
    p.setProperty("connector.class", flavor.connectorClass);
    p.setProperty("offset.storage", CheckpointOffsetStore.class.getName());
    p.setProperty(CheckpointOffsetStore.SEED_KEY, seedKey);
    p.setProperty("offset.flush.interval.ms", "0");
    p.setProperty("schema.history.internal", CheckpointSchemaHistory.class.getName());
    p.setProperty(CheckpointSchemaHistory.SEED_KEY, seedKey);
    p.setProperty("schema.history.internal.store.only.captured.tables.ddl", "true");
    p.setProperty("schema.history.internal.store.only.captured.databases.ddl", "true");
    p.setProperty("database.hostname", c.host());
    p.setProperty("database.port", Integer.toString(c.port()));
    p.setProperty("database.user", c.username());
    if (c.password() != null) {
      p.setProperty("database.password", c.password().reveal());
    }
    p.setProperty("database.server.id", Long.toString(settings.serverId()));
    p.setProperty("database.ssl.mode", debeziumSslMode(c.sslMode()));
    p.setProperty("connect.timeout.ms", Long.toString(c.connectTimeout().toMillis()));
    p.setProperty("connect.keep.alive", "true");
    p.setProperty("topic.prefix", TOPIC_PREFIX);
    p.setProperty("database.include.list", quoteRegex(settings.table().database()));
    p.setProperty("table.include.list", quoteRegex(settings.table().database()) + "\\." + quoteRegex(settings.table().name()));
    p.setProperty("snapshot.mode", settings.debeziumSnapshotMode());
    p.setProperty("include.schema.changes", "false");
    // decimal(p,s) as BigDecimal when the schema reads one into DECIMAL; otherwise doubles as before
    p.setProperty("decimal.handling.mode", readsDecimal() ? "precise" : "double");
    p.setProperty("bigint.unsigned.handling.mode", "long");
    // datetime columns as io.debezium.time.(Micro)Timestamp longs, so TIMESTAMP(6) keeps its
    // microseconds ("connect" truncates them to java.util.Date milliseconds); timeValue() turns them
    // into Instants by the field's schema name, so the unit is never guessed
    p.setProperty("time.precision.mode", "adaptive_time_microseconds");
    p.setProperty("tombstones.on.delete", "false");
    p.setProperty("heartbeat.interval.ms", "1000");
    p.setProperty("topic.heartbeat.prefix", HEARTBEAT_TOPIC_PREFIX);
    p.setProperty("notification.enabled.channels", "sink");
    p.setProperty("notification.sink.topic.name", NOTIFICATION_TOPIC);
    p.setProperty("max.batch.size", "4096");
    p.setProperty("max.queue.size", "16384");
    p.setProperty("errors.max.retries", "0");
    return p;
  }

  /**
   * ssl.mode as the flavor's connector takes it: MySQL's names for the MySQL connector, Connector/J's
   * for the MariaDB one, which has no "preferred" (TLS when the server offers it, plain otherwise).
   */
  private String debeziumSslMode(String mode) {
    if (flavor == Flavor.MYSQL) {
      return mode;
    }
    return switch (mode) {
      case "disabled" -> "disable";
      case "preferred" -> serverHasTls ? "trust" : "disable";
      case "required" -> "trust";
      case "verify_ca" -> "verify-ca";
      default -> "verify-full";
    };
  }

  /** A name as a literal in Debezium's include-list regular expressions. */
  private static String quoteRegex(String name) {
    return name.replaceAll("([\\\\.\\[\\]{}()*+?^$|])", "\\\\$1");
  }

  private void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> records,
      DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer) throws InterruptedException {
    this.committer = committer;
    for (ChangeEvent<SourceRecord, SourceRecord> r : records) {
      queue.put(r); // waits while laminar is behind: back-pressure onto Debezium
    }
    // Nothing is marked processed here: that happens when a checkpoint holding the position completes.
  }

  @Override
  public Batch poll(int maxRows, Duration timeout) throws ConnectorException {
    throwIfFailed();
    ChangeEvent<SourceRecord, SourceRecord> next = carry;
    carry = null;
    try {
      if (next == null) {
        next = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    if (next == null) {
      throwIfFailed();
      logSnapshotProgress(false);
      return null;
    }
    // At most maxRows rows; only a single change that is two rows (an update's before and after
    // image) goes beyond a maxRows of 1, since it is never split across batches.
    int budget = Math.max(1, maxRows);
    while (next != null) {
      SourceRecord record = next.value();
      if (NOTIFICATION_TOPIC.equals(record.topic())) {
        notified(record); // carries no position: never a checkpoint's offset
        next = writer.rows() >= budget ? null : queue.poll();
        continue;
      }
      int needed = rowsFor(record);
      if (writer.rows() > 0 && writer.rows() + needed > budget) {
        carry = next;
        break;
      }
      try {
        append(record);
      } catch (RuntimeException e) {
        writer.discard();
        throw ConnectorException.runtime("cannot convert a change of " + settings.table().display() + " at offset "
            + record.sourceOffset() + ": " + e, e);
      }
      lastEvent = next;
      lastEncoded = null;
      next = writer.rows() >= budget ? null : queue.poll();
    }
    logSnapshotProgress(false);
    return finishBatch();
  }

  private void notified(SourceRecord record) throws ConnectorException {
    if (!(record.value() instanceof Struct n) || !"Initial Snapshot".equals(n.getString("aggregate_type"))
        || settings.snapshotMode().equals("never")) {
      return; // snapshot.mode never reads the schema only: no rows, no snapshot to report
    }
    if ("STARTED".equals(n.getString("type")) && !snapshotCompleted) {
      snapshotStartMs = System.currentTimeMillis(); // before the first row: the rate counts the first query too
      lastProgressLogMs = snapshotStartMs;
    } else if ("COMPLETED".equals(n.getString("type")) && !snapshotCompleted) {
      if (snapshotStartMs < 0) { // an empty table: no row started the count
        snapshotStartMs = System.currentTimeMillis();
      }
      snapshotting = true;
      logSnapshotProgress(true);
    } else if ("ABORTED".equals(n.getString("type")) && !closing) {
      throw ConnectorException.runtime("the initial snapshot of " + settings.table().display() + " was aborted", null);
    }
  }

  private void throwIfFailed() throws ConnectorException {
    Throwable f = failure;
    if (f != null) {
      throw ConnectorException.runtime("change data capture of " + settings.table().display() + " on "
          + settings.connection().target() + " stopped: " + rootMessage(f), f);
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  private Batch finishBatch() {
    int rows = writer.rows();
    if (rows == 0) {
      return null;
    }
    VectorSchemaRoot data = writer.finish();
    TinyIntVector kinds = new TinyIntVector("$row_kind", context.allocator());
    kinds.allocateNew(rows);
    for (int i = 0; i < rows; i++) {
      kinds.set(i, pendingKinds[i]);
    }
    kinds.setValueCount(rows);
    return Batch.changelog(data, kinds);
  }

  private byte[] pendingKinds = new byte[1024];

  private static int rowsFor(SourceRecord record) {
    if (!(record.value() instanceof Struct v) || v.schema().field("op") == null) {
      return 0;
    }
    return "u".equals(v.getString("op")) && v.get("before") != null ? 2 : 1;
  }

  private void append(SourceRecord record) {
    if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
      return; // a heartbeat: it only moves the position
    }
    String op = value.getString("op");
    Struct source = value.getStruct("source");
    Long commitMs = source.getInt64("ts_ms");
    Position pos = new Position(source.getString("file"), source.getInt64("pos"), source.getString("gtid"));
    Struct before = value.getStruct("before");
    Struct after = value.getStruct("after");
    changes.increment(1);
    switch (op) {
      case "r" -> {
        if (!snapshotting && !snapshotCompleted) {
          snapshotting = true;
          if (snapshotStartMs < 0) {
            snapshotStartMs = System.currentTimeMillis();
            lastProgressLogMs = snapshotStartMs;
          }
        }
        snapshotRows.incrementAndGet();
        row(RowKind.INSERT, after, op, pos, commitMs);
      }
      case "c" -> row(RowKind.INSERT, after, op, pos, commitMs);
      case "u" -> {
        if (before != null) {
          row(RowKind.UPDATE_BEFORE, before, op, pos, commitMs);
        }
        row(RowKind.UPDATE_AFTER, after, op, pos, commitMs);
      }
      case "d" -> row(RowKind.DELETE, before, op, pos, commitMs);
      case "t" -> {
        if (!truncateWarned) {
          truncateWarned = true;
          log.warn("TRUNCATE of {} is not propagated: downstream still holds the removed rows",
              settings.table().display());
        }
      }
      default -> { }
    }
    if (snapshotting && !"r".equals(op)) {
      logSnapshotProgress(true);
    } else if (snapshotting && "last".equals(source.getString("snapshot"))) {
      logSnapshotProgress(true);
    }
  }

  /** Where a change is in the binlog, for the metadata columns. */
  private record Position(String file, Long pos, String gtid) {
  }

  private void row(RowKind kind, Struct image, String op, Position pos, Long commitMs) {
    int row = writer.addRow();
    if (row >= pendingKinds.length) {
      pendingKinds = Arrays.copyOf(pendingKinds, pendingKinds.length * 2);
    }
    pendingKinds[row] = kind.code();
    int[] index = image == null ? null : fieldIndexes.computeIfAbsent(image.schema(), this::indexFor);
    for (int i = 0; i < columnNames.length; i++) {
      Object v;
      switch (columnNames[i]) {
        case "$op" -> v = op;
        case "$binlog_file" -> v = pos.file();
        case "$binlog_pos" -> v = pos.pos();
        case "$gtid" -> v = pos.gtid();
        case "$commit_ts" -> v = commitMs;
        default -> v = index == null || index[i] < 0 ? null : timeValue(image, image.schema().fields().get(index[i]));
      }
      writer.set(row, i, v);
    }
  }

  /**
   * A field's value; {@code adaptive_time_microseconds} hands datetimes out as epoch millis or micros
   * by the column's precision, named by the field's schema, and they become Instants here.
   */
  static Object timeValue(Struct image, org.apache.kafka.connect.data.Field field) {
    Object v = image.get(field);
    if (v instanceof Long l && field.schema().name() != null) {
      switch (field.schema().name()) {
        case "io.debezium.time.Timestamp" -> {
          return java.time.Instant.ofEpochMilli(l);
        }
        case "io.debezium.time.MicroTimestamp" -> {
          return ArrowValues.ofEpochMicros(l);
        }
        default -> {
          return v;
        }
      }
    }
    return v;
  }

  /** Whether the configured schema has a DECIMAL column. */
  private boolean readsDecimal() {
    for (int i = 0; i < writer.columns(); i++) {
      if (writer.type(i) == LaminarType.DECIMAL) {
        return true;
      }
    }
    return false;
  }

  private int[] indexFor(Schema imageSchema) {
    int[] index = new int[columnNames.length];
    for (int i = 0; i < columnNames.length; i++) {
      org.apache.kafka.connect.data.Field f = imageSchema.field(columnNames[i]);
      index[i] = f == null ? -1 : f.index();
    }
    return index;
  }

  private void logSnapshotProgress(boolean done) {
    if (!snapshotting) {
      return;
    }
    long now = System.currentTimeMillis();
    long rows = snapshotRows.get();
    double seconds = Math.max(0.001, (now - snapshotStartMs) / 1000.0);
    if (done) {
      snapshotting = false;
      snapshotEndMs = now;
      snapshotCompleted = true;
      log.info("snapshot of {} done: {} rows in {} s ({} rows/s); streaming changes", settings.table().display(),
          rows, String.format("%.1f", seconds), Math.round(rows / seconds));
    } else if (now - lastProgressLogMs >= PROGRESS_LOG_INTERVAL_MS) {
      lastProgressLogMs = now;
      log.info("snapshot of {}: {} rows so far ({} rows/s){}", settings.table().display(), rows,
          Math.round(rows / seconds), estimatedRows > 0 ? ", about " + estimatedRows + " in total" : "");
    }
  }

  @Override
  public boolean isExhausted() {
    return (engineStopped || snapshotCompleted) && failure == null && carry == null && queue.isEmpty()
        && settings.snapshotMode().equals("initial_only");
  }

  @Override
  public byte[] snapshotOffsets() {
    if (lastEvent == null) {
      return restored == null ? new byte[0] : restored;
    }
    if (lastEncoded == null) {
      SourceRecord r = lastEvent.value();
      lastEncoded = offsetCodec.encode(new CdcOffsets.Position(r.sourcePartition(), r.sourceOffset()),
          history.snapshot());
      synchronized (unacknowledged) {
        unacknowledged.addLast(Map.entry(lastEncoded, lastEvent));
        while (unacknowledged.size() > 8) {
          unacknowledged.removeFirst();
        }
      }
    }
    return lastEncoded;
  }

  @Override
  public void checkpointCompleted(byte[] offsets) throws ConnectorException {
    ChangeEvent<SourceRecord, SourceRecord> event = null;
    synchronized (unacknowledged) {
      while (!unacknowledged.isEmpty()) {
        Map.Entry<byte[], ChangeEvent<SourceRecord, SourceRecord>> e = unacknowledged.removeFirst();
        if (e.getKey() == offsets || Arrays.equals(e.getKey(), offsets)) {
          event = e.getValue();
          break;
        }
      }
    }
    DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> c = committer;
    if (event == null || c == null) {
      return; // nothing new since the last acknowledged checkpoint
    }
    try {
      c.markProcessed(event);
      c.markBatchFinished();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      throw ConnectorException.runtime("cannot mark the position of " + settings.table().display() + " processed: "
          + e, e);
    }
  }

  @Override
  public void close() throws ConnectorException {
    closing = true;
    writer.discard();
    queue.clear(); // a Debezium handler waiting on a full queue can return
    // Debezium may take long to stop (e.g. while it is still starting to read the binlog); the host
    // abandons a close() after 10 s, so wait less and let a slow engine finish on its own daemon thread.
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
    try {
      if (engine != null) {
        var stopping = engine;
        Thread stopper = new Thread(() -> {
          try {
            stopping.close();
          } catch (java.io.IOException | RuntimeException e) {
            log.warn("stopping the Debezium engine: {}", e.getMessage());
          }
        }, "laminar-debezium-close");
        stopper.setDaemon(true);
        stopper.start();
        stopper.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        if (stopper.isAlive()) {
          log.warn("the Debezium engine did not stop within {} s; it finishes stopping in the background",
              CLOSE_WAIT_MILLIS / 1000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      queue.clear();
      if (engineThread != null) {
        engineThread.shutdown();
        try {
          if (!engineThread.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            engineThread.shutdownNow();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (seedKey != null) {
        CheckpointOffsetStore.forget(seedKey);
        CheckpointSchemaHistory.forget(seedKey);
      }
    }
  }

}
