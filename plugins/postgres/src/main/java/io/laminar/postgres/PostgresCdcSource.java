package io.laminar.postgres;

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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
 * {@code postgres_cdc}: Debezium's embedded PostgreSQL connector ({@code pgoutput}) turned into
 * changelog batches.
 *
 * <p>Positions: every record carries Debezium's source offset; {@link #snapshotOffsets()} returns the
 * offset after the last record handed out, and {@link #open} seeds Debezium's in-memory offset store
 * with it ({@link CheckpointOffsetStore}), so Debezium keeps nothing of its own. The slot's confirmed
 * LSN only moves in {@link #checkpointCompleted}: the record of that checkpoint is marked processed,
 * which is when Debezium flushes its LSN to the server. Until then the server keeps the WAL, and a
 * crash replays from the checkpoint.
 *
 * <p>Row kinds: snapshot reads and inserts are INSERT; an update is UPDATE_BEFORE + UPDATE_AFTER when
 * the table has REPLICA IDENTITY FULL (the old row is in the WAL), otherwise UPDATE_AFTER alone; a
 * delete is DELETE with the old row (only its key columns unless REPLICA IDENTITY FULL).
 */
final class PostgresCdcSource implements Source {
  private static final int QUEUE_CAPACITY = 16_384;
  private static final long PROGRESS_LOG_INTERVAL_MS = 10_000;
  private static final String HEARTBEAT_TOPIC_PREFIX = "__laminar_heartbeat";
  /**
   * Debezium's notifications (its "sink" channel) arrive as records of this topic, in order with the
   * data: the initial snapshot's COMPLETED is how an {@code initial_only} source knows it has read
   * everything, even of an empty table.
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
  /** snapshot.mode = initial_only: every row is a snapshot read, an INSERT. */
  private final boolean appendOnly;
  private final AtomicLong snapshotRows = new AtomicLong();
  private volatile long estimatedRows = -1;
  /** When the first snapshot row was read, and when the snapshot ended; -1 until then. */
  private volatile long snapshotStartMs = -1;
  private volatile long snapshotEndMs = -1;
  /** The initial snapshot was read to its end (or a restored checkpoint says so). */
  private volatile boolean snapshotCompleted;
  /**
   * An interrupted snapshot is being read again: the checkpoint was taken during one (or during the
   * catch-up before the repeated one). Goes into every checkpointed position until the snapshot ends.
   */
  private boolean snapshotPending;
  /**
   * While {@link #snapshotPending} and its snapshot has not begun: Debezium streams the catch-up up
   * to the WAL position it noted, and only notices it got there on a later message. A logical
   * decoding message every {@link #CATCH_UP_NUDGE_MS} (no table is touched) makes sure one comes.
   */
  private Connection catchUpNudge;
  private long lastNudgeMs;
  private static final long CATCH_UP_NUDGE_MS = 500;

  private DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;
  private ExecutorService engineThread;
  private String seedKey;
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
  private long lastProgressLogMs;
  private Map<Schema, int[]> fieldIndexes = new IdentityHashMap<>();
  private boolean truncateWarned;

  PostgresCdcSource(ConnectorContext context, CdcSettings settings) {
    this.context = context;
    this.settings = settings;
    this.log = context.logger();
    this.writer = new RowWriter(context.schema(), context.allocator());
    List<Field> fields = context.schema().getFields();
    this.columnNames = fields.stream().map(Field::getName).toArray(String[]::new);
    this.engineName = "laminar-" + settings.slotName();
    this.offsetCodec = new CdcOffsets(engineName);
    this.appendOnly = settings.snapshotMode().equals("initial_only");
    ConnectorMetrics m = context.metrics();
    this.changes = m.counter("changes_total", "Change events read (snapshot rows included)");
    m.gauge("snapshot_rows", "Rows read by the initial snapshot so far", snapshotRows::get);
    m.gauge("snapshot_rows_estimated", "The table's estimated row count (pg_class.reltuples) at start",
        () -> estimatedRows);
    m.gauge("snapshot_rows_per_second", "Snapshot rows read per second (over the whole snapshot once it is done)",
        () -> snapshotProgress().rowsPerSecond());
    m.gauge("snapshot_completed", "1 once the initial snapshot has been read to its end", () -> snapshotCompleted ? 1 : 0);
    m.gauge("snapshot_progress", "Share of the initial snapshot read: rows so far / the estimate, 0..1, exactly 1 once"
        + " done; NaN without an estimate", () -> snapshotProgress().fraction());
    m.gauge("queued_records", "Change events read from PostgreSQL, not yet polled", queue::size);
  }

  @Override
  public ChangelogMode changelogMode() {
    // initial_only reads the table and no change: inserts only, so an append sink can take it
    return appendOnly ? ChangelogMode.APPEND_ONLY : ChangelogMode.ALL; // UPDATE_BEFORE with REPLICA IDENTITY FULL
  }

  @Override
  public void check() throws ConnectorException {
    CdcCheck.run(settings, context.schema());
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

  /** The periodic progress line: rows so far, rows/s and, when known, the estimate and share done. */
  static String progressLine(String table, long rows, double seconds, long estimated) {
    String line = "snapshot of " + table + ": " + rows + " rows so far (" + Math.round(rows / Math.max(0.001, seconds))
        + " rows/s)";
    if (estimated > 0) {
      line += ", about " + estimated + " in total (" + Math.min(100, rows * 100 / estimated) + " %)";
    }
    return line;
  }

  @Override
  public void open(byte[] restoredOffsets) throws ConnectorException {
    restored = restoredOffsets == null || restoredOffsets.length == 0 ? null : restoredOffsets;
    if (restored != null && settings.snapshotMode().equals("initial_only") && snapshotDone(restored)) {
      snapshotCompleted = true; // nothing is left to read: no engine, no connection, no slot
      log.info("snapshot of {} was already read (snapshot.mode initial_only): nothing to do",
          settings.table().display());
      return;
    }
    if (restored != null) {
      boolean done = snapshotDone(restored);
      snapshotPending = settings.snapshotMode().equals("initial") && !done;
      // a snapshot an earlier run read to its end stays done (the gauges say so after a restart)
      snapshotCompleted = done && !settings.snapshotMode().equals("never");
    }
    prepareServer();
    seedKey = UUID.randomUUID().toString();
    if (restored != null) {
      if (snapshotPending) {
        log.info("the checkpoint was taken during the initial snapshot of {}: replaying the changes since it began,"
            + " then reading the table again", settings.table().display());
      }
      try {
        CheckpointOffsetStore.seed(seedKey, offsetCodec.storeEntries(restored));
      } catch (IllegalArgumentException e) {
        throw ConnectorException.runtime("the checkpoint's postgres_cdc offsets cannot be read: " + e.getMessage(), e);
      }
      log.info("resuming change data capture of {} from the checkpoint (slot {})", settings.table().display(),
          settings.slotName());
    } else {
      log.info("starting change data capture of {} (slot {}, publication {}, snapshot.mode {})",
          settings.table().display(), settings.slotName(), settings.publication(), settings.snapshotMode());
    }
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
      Thread t = new Thread(r, "laminar-postgres-cdc-" + context.name());
      t.setDaemon(true);
      t.setContextClassLoader(pluginLoader);
      return t;
    });
    engineThread.execute(engine);
    lastProgressLogMs = System.currentTimeMillis();
  }

  /** Whether checkpointed offsets lie past the initial snapshot's last row (and none is owed). */
  private boolean snapshotDone(byte[] offsets) throws ConnectorException {
    CdcOffsets.Position position;
    try {
      position = offsetCodec.decode(offsets);
    } catch (IllegalArgumentException | ClassCastException e) {
      throw ConnectorException.runtime("the checkpoint's postgres_cdc offsets cannot be read: " + e.getMessage(), e);
    }
    Map<String, ?> offset = position.offset();
    return !position.snapshotPending()
        && (!offset.containsKey("snapshot") || Boolean.TRUE.equals(offset.get("last_snapshot_record")));
  }

  /**
   * Drops a leftover slot on a fresh start when asked to, and reads the row estimate for the
   * snapshot's progress log.
   */
  private void prepareServer() throws ConnectorException {
    try (Connection c = settings.connection().connect("laminar-" + context.name())) {
      if ((restored == null || snapshotPending) && !settings.snapshotMode().equals("never")) {
        estimatedRows = settings.table().estimatedRows(c);
      }
      try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
        st.setString(1, settings.slotName());
        try (ResultSet rs = st.executeQuery()) {
          if (rs.next() && restored == null) {
            if (settings.dropSlotOnReset()) {
              try (PreparedStatement drop = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                drop.setString(1, settings.slotName());
                drop.execute();
              }
              log.info("dropped replication slot {} (fresh start, slot.drop_on_reset = true)", settings.slotName());
            } else {
              log.warn("replication slot {} already exists but there is no checkpoint: changes between the slot's"
                  + " position and the snapshot may be seen twice (set slot.drop_on_reset = true to start clean)",
                  settings.slotName());
            }
          }
        }
      }
    } catch (SQLException e) {
      throw settings.connection().failure(e);
    }
  }

  private Properties debeziumProperties() {
    PgConnectionSettings c = settings.connection();
    Properties p = new Properties();
    p.setProperty("name", engineName);
    p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    p.setProperty("offset.storage", CheckpointOffsetStore.class.getName());
    p.setProperty(CheckpointOffsetStore.SEED_KEY, seedKey);
    p.setProperty("offset.flush.interval.ms", "0");
    p.setProperty("database.hostname", c.host());
    p.setProperty("database.port", Integer.toString(c.port()));
    p.setProperty("database.user", c.username());
    if (c.password() != null) {
      p.setProperty("database.password", c.password().reveal());
    }
    p.setProperty("database.dbname", c.database());
    p.setProperty("database.sslmode", c.sslMode());
    p.setProperty("database.tcpKeepAlive", "true");
    p.setProperty("connect.timeout.ms", Long.toString(c.connectTimeout().toMillis()));
    p.setProperty("topic.prefix", "laminar");
    p.setProperty("plugin.name", "pgoutput");
    p.setProperty("slot.name", settings.slotName());
    p.setProperty("publication.name", settings.publication());
    p.setProperty("publication.autocreate.mode", "filtered");
    String table = settings.table().schema() + "." + settings.table().name();
    p.setProperty("table.include.list", table.replace(".", "\\."));
    if (snapshotPending) {
      p.setProperty("snapshot.mode", "custom");
      p.setProperty("snapshot.mode.custom.name", LaminarSnapshotter.NAME);
    } else {
      p.setProperty("snapshot.mode", settings.debeziumSnapshotMode());
    }
    // numeric(p,s) as BigDecimal when the schema reads one into DECIMAL; otherwise doubles as before
    // (numeric.mode = "double"), so an unconstrained numeric's NaN stays a double NaN
    p.setProperty("decimal.handling.mode", readsDecimal() ? "precise" : "double");
    // timestamp columns as io.debezium.time.(Micro)Timestamp longs, so TIMESTAMP(6) keeps its
    // microseconds ("connect" truncates them to java.util.Date milliseconds); plain() turns them into
    // Instants by the field's schema name, so the unit is never guessed
    p.setProperty("time.precision.mode", "adaptive_time_microseconds");
    p.setProperty("tombstones.on.delete", "false");
    p.setProperty("heartbeat.interval.ms", "1000");
    p.setProperty("notification.enabled.channels", "sink");
    p.setProperty("notification.sink.topic.name", NOTIFICATION_TOPIC);
    p.setProperty("topic.heartbeat.prefix", HEARTBEAT_TOPIC_PREFIX);
    p.setProperty("max.batch.size", "4096");
    p.setProperty("max.queue.size", "16384");
    p.setProperty("errors.max.retries", "0");
    p.setProperty("slot.drop.on.stop", "false");
    return p;
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
    nudgeCatchUp();
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
      if (!snapshotPending || rowsFor(record) > 0) {
        // In a run that repeats an interrupted snapshot, only data changes are positions: a heartbeat's
        // or the catch-up message's offset pairs the repeated snapshot's LSN with the catch-up's last
        // commit, from which Debezium cannot find its way back into the WAL after a restart.
        lastEvent = next;
        lastEncoded = null;
      }
      next = writer.rows() >= budget ? null : queue.poll();
    }
    logSnapshotProgress(false);
    return finishBatch();
  }

  private void nudgeCatchUp() throws ConnectorException {
    if (!snapshotPending || snapshotStartMs >= 0 || snapshotCompleted) {
      closeNudge();
      return;
    }
    long now = System.currentTimeMillis();
    if (now - lastNudgeMs < CATCH_UP_NUDGE_MS) {
      return;
    }
    lastNudgeMs = now;
    try {
      if (catchUpNudge == null) {
        catchUpNudge = settings.connection().connect("laminar-" + context.name() + "-catch-up");
      }
      try (PreparedStatement st = catchUpNudge.prepareStatement("SELECT pg_logical_emit_message(true, ?, '')")) {
        st.setString(1, "laminar_catch_up");
        st.execute();
      }
    } catch (SQLException e) {
      throw settings.connection().failure(e);
    }
  }

  private void closeNudge() {
    if (catchUpNudge != null) {
      try {
        catchUpNudge.close();
      } catch (SQLException e) {
        log.debug("closing the catch-up connection: {}", e.getMessage());
      }
      catchUpNudge = null;
    }
  }

  private void notified(SourceRecord record) throws ConnectorException {
    if (!(record.value() instanceof Struct n) || !"Initial Snapshot".equals(n.getString("aggregate_type"))) {
      return;
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
    if (appendOnly) {
      return Batch.of(data);
    }
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
    String op = v.getString("op");
    return "m".equals(op) ? 0 : "u".equals(op) && v.get("before") != null ? 2 : 1;
  }

  private void append(SourceRecord record) {
    if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
      return; // a heartbeat: it only moves the position
    }
    String op = value.getString("op");
    if ("m".equals(op)) {
      return; // a logical decoding message (the catch-up's, or anyone's): not a change of the table
    }
    Struct source = value.getStruct("source");
    Long lsn = source.getInt64("lsn");
    Long commitMs = source.getInt64("ts_ms");
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
        row(RowKind.INSERT, after, op, lsn, commitMs);
      }
      case "c" -> row(RowKind.INSERT, after, op, lsn, commitMs);
      case "u" -> {
        if (before != null) {
          row(RowKind.UPDATE_BEFORE, before, op, lsn, commitMs);
        }
        row(RowKind.UPDATE_AFTER, after, op, lsn, commitMs);
      }
      case "d" -> row(RowKind.DELETE, before, op, lsn, commitMs);
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

  private void row(RowKind kind, Struct image, String op, Long lsn, Long commitMs) {
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
        case "$lsn" -> v = lsn;
        case "$commit_ts" -> v = commitMs;
        default -> v = index == null || index[i] < 0 ? null : plain(image, image.schema().fields().get(index[i]));
      }
      writer.set(row, i, v);
    }
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

  /**
   * Debezium's {@code precise} mode hands an unconstrained numeric (read as DOUBLE) out as a
   * VariableScaleDecimal struct (scale, unscaled bytes); {@code adaptive_time_microseconds} hands
   * timestamps out as epoch millis or micros by the column's precision, named by the field's schema,
   * and they become Instants here; everything else as it is.
   */
  static Object plain(Struct image, org.apache.kafka.connect.data.Field field) {
    Object v = image.get(field);
    if (v instanceof Long l && field.schema().name() != null) {
      switch (field.schema().name()) {
        case "io.debezium.time.Timestamp" -> {
          return java.time.Instant.ofEpochMilli(l);
        }
        case "io.debezium.time.MicroTimestamp" -> {
          return ArrowValues.ofEpochMicros(l);
        }
        case "io.debezium.time.NanoTimestamp" -> {
          return java.time.Instant.ofEpochSecond(Math.floorDiv(l, 1_000_000_000L), Math.floorMod(l, 1_000_000_000L));
        }
        default -> {
          return v;
        }
      }
    }
    if (v instanceof Struct s && s.schema().field("scale") != null && s.schema().field("value") != null) {
      return new java.math.BigDecimal(new java.math.BigInteger(s.getBytes("value")), s.getInt32("scale"));
    }
    return v;
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
      lastEncoded = null; // the position of the last row, encoded again: no snapshot owed any more
      log.info("snapshot of {} done: {} rows in {} s ({} rows/s); {}", settings.table().display(), rows,
          String.format("%.1f", seconds), Math.round(rows / seconds),
          settings.snapshotMode().equals("initial_only") ? "not streaming (snapshot.mode initial_only)"
              : "streaming changes");
    } else if (now - lastProgressLogMs >= PROGRESS_LOG_INTERVAL_MS) {
      lastProgressLogMs = now;
      log.info(progressLine(settings.table().display(), rows, seconds, estimatedRows));
    }
  }

  @Override
  public boolean isExhausted() {
    return settings.snapshotMode().equals("initial_only") && (snapshotCompleted || engineStopped) && failure == null
        && carry == null && queue.isEmpty();
  }

  @Override
  public byte[] snapshotOffsets() {
    if (lastEvent == null) {
      return restored == null ? new byte[0] : restored;
    }
    if (lastEncoded == null) {
      SourceRecord r = lastEvent.value();
      Map<String, ?> offset = r.sourceOffset();
      if (snapshotPending && offset.containsKey("snapshot")) {
        // A row of the repeated snapshot: its offset still names the catch-up's last commit, which
        // Debezium would look for (and skip past the next transactions) on a restart. The snapshot's
        // own LSN is where streaming continues.
        Map<String, Object> clean = new java.util.HashMap<>(offset);
        clean.remove("lsn_commit");
        clean.remove("lsn_proc");
        offset = clean;
      }
      lastEncoded = offsetCodec.encode(new CdcOffsets.Position(r.sourcePartition(), offset,
          snapshotPending && !snapshotCompleted));
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
      throw ConnectorException.runtime("cannot confirm the position to slot " + settings.slotName() + ": " + e, e);
    }
  }

  @Override
  public void close() throws ConnectorException {
    closing = true;
    closeNudge();
    writer.discard();
    queue.clear(); // a Debezium handler waiting on a full queue can return
    // Debezium may take long to stop (e.g. while it is still starting its stream); the host abandons a
    // close() after 10 s, so wait less and let a slow engine finish on its own daemon thread.
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
    try {
      if (engine != null) {
        DebeziumEngine<?> stopping = engine;
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
      }
    }
  }

}
