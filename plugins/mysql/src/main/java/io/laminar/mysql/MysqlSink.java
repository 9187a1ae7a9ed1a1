package io.laminar.mysql;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.RowKind;
import io.laminar.api.RowRejections;
import io.laminar.api.Sink;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;

/**
 * The {@code mysql} sink. {@code append} sends each batch as multi-row {@code INSERT}s of up to
 * {@code batch.size} rows; {@code upsert} collapses each batch to the last change per key and sends
 * multi-row {@code INSERT … ON DUPLICATE KEY UPDATE} for rows that remain and
 * {@code DELETE … WHERE key IN (…)} for deleted ones (one statement per {@code batch.size} rows: far
 * faster than a JDBC batch of single-row upserts, which Connector/J cannot send in bulk).
 *
 * <p>Every epoch is one database transaction. With {@code exactly_once} it is an XA transaction that
 * also inserts {@code (sink_id, epoch)} into {@code laminar_sink_epochs} (primary key: an epoch can
 * never be applied twice) and is made durable with {@code XA PREPARE} at {@code prepareCommit}, then
 * {@code XA COMMIT} once laminar's checkpoint is durable. The XA id is fixed when the transaction
 * starts, before its epoch is known, so just before preparing, the pair (XA id, epoch) is recorded in
 * {@code laminar_sink_xa} (autocommitted on a control connection). A prepared XA transaction keeps
 * the session that prepared it from doing anything else until its {@code XA COMMIT}, so each epoch
 * writes on a connection of its own: the prepared one is held until its commit (issued on it, never
 * on another session, which could race the owner's detachment) and then serves a later epoch. After a
 * crash the prepared transactions of dead sessions are detached: {@link #open} finds them with
 * {@code XA RECOVER}, commits the epochs the last checkpoint covers and rolls back the rest. Otherwise (at-least-once) the transaction commits at {@code prepareCommit}.
 *
 * <p>Rows the table cannot store (a value beyond a narrower or unsigned integer column or a
 * {@code decimal(p,s)}, a string longer than a {@code varchar(n)}, a NULL in a NOT
 * NULL column: {@link ValueCheck}, from the column types read at {@link #open}) are checked before
 * they are written and reported to {@link ConnectorContext#rowRejections()}, which applies the
 * pipeline's {@code on.error}; the others are written. A row the server still refuses (a CHECK or
 * unique constraint, a character its charset lacks) fails the batch with the server's message.
 */
final class MysqlSink implements Sink {
  static final String EPOCHS_TABLE = "laminar_sink_epochs";
  static final String XA_TABLE = "laminar_sink_xa";
  /** Placeholders per statement stay well under the protocol's 65,535. */
  private static final int MAX_PARAMETERS = 60_000;

  private final SinkSettings settings;
  private final Logger log;
  private final LaminarType[] types;
  /** Each column's Arrow type (a DECIMAL's precision and scale). */
  private final ArrowType[] arrowTypes;
  private final String[] names;
  private final RowRejections rejections;
  /** Per column, what the table refuses among the pipeline's values (null: everything fits); null: no column to check. */
  private ValueCheck[] checks;
  private final String xaPrefix;
  private final String runId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  /** Prepared epochs awaiting their commit, each with the connection that prepared it. */
  private final TreeMap<Long, Held> prepared = new TreeMap<>();
  /** Connections whose epochs committed, for the next epochs to write on. */
  private final java.util.ArrayDeque<Connection> idle = new java.util.ArrayDeque<>();
  private Connection control;
  private Connection writer;
  private String activeXid;
  private long xaSequence;
  private List<String> key;
  private int[] keyColumns;
  private int rowsPerStatement;
  private String insertHead;
  private String upsertTail;
  private long lastAppliedEpoch;

  /** A prepared XA transaction and the session that owns it. */
  private record Held(String xid, Connection connection) {
  }

  MysqlSink(ConnectorContext context, SinkSettings settings) {
    this.settings = settings;
    this.log = context.logger();
    Schema schema = context.schema();
    List<Field> fields = schema.getFields();
    this.types = fields.stream().map(f -> LaminarType.of(f.getType())).toArray(LaminarType[]::new);
    this.arrowTypes = fields.stream().map(Field::getType).toArray(ArrowType[]::new);
    this.names = fields.stream().map(Field::getName).toArray(String[]::new);
    this.rejections = context.rowRejections();
    CRC32 crc = new CRC32();
    crc.update(settings.sinkId().getBytes(StandardCharsets.UTF_8));
    this.xaPrefix = "laminar-" + String.format("%08x", crc.getValue()) + "-";
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
  public List<String> validateSchema(Schema input) {
    List<String> problems = new ArrayList<>();
    for (Field f : input.getFields()) {
      try {
        LaminarType.of(f.getType());
      } catch (IllegalArgumentException e) {
        problems.add("column '" + f.getName() + "' has a type the mysql sink cannot write: " + f.getType());
      }
    }
    for (String k : settings.primaryKey()) {
      if (input.getFields().stream().noneMatch(f -> f.getName().equals(k))) {
        problems.add("primary.key column '" + k + "' is not in the pipeline's output ("
            + input.getFields().stream().map(Field::getName).collect(Collectors.joining(", ")) + ")");
      }
    }
    return problems;
  }

  @Override
  public void check() throws ConnectorException {
    try (Connection c = settings.connection().connect("laminar-check")) {
      inspect(c, false);
      if (settings.exactlyOnce()) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("XA RECOVER")) {
          rs.next();
        } catch (SQLException e) {
          if (e.getErrorCode() == 1227 || e.getErrorCode() == 1044) {
            throw new ConnectorException(ConnectorException.Kind.CONNECTION_FAILED, MysqlConnectionSettings.USERNAME,
                "delivery = \"exactly_once\" resolves XA transactions after a restart, and user '"
                    + settings.connection().username() + "' on " + settings.connection().target() + " may not run XA"
                    + " RECOVER: GRANT it SUPER (MariaDB) or XA_RECOVER_ADMIN (MySQL 8), or use delivery ="
                    + " \"at_least_once\"", null);
          }
          throw e;
        }
      }
    } catch (SQLException e) {
      throw settings.connection().failure(e);
    }
  }

  /** Checks the table against the pipeline's schema (creating it if asked) and settles the key. */
  private void inspect(Connection c, boolean create) throws SQLException, ConnectorException {
    MysqlTable table = settings.table();
    Optional<Map<String, MysqlColumn>> columns = table.columns(c);
    if (columns.isEmpty()) {
      if (!settings.autoCreate()) {
        throw new ConnectorException(ConnectorException.Kind.INVALID_PROPERTY, SinkSettings.TABLE, "table "
            + table.display() + " does not exist on " + settings.connection().target()
            + ": create it, or set auto.create.table = true", null);
      }
      if (settings.upsert() && settings.primaryKey().isEmpty()) {
        throw ConnectorException.invalidProperty(SinkSettings.PRIMARY_KEY, null,
            "auto.create.table with write.mode = upsert needs primary.key to create the table's key");
      }
      if (create) {
        createTable(c);
        table.columns(c).ifPresent(this::findChecks);
      }
      key = settings.primaryKey();
      return;
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      MysqlColumn col = columns.get().get(names[i]);
      if (col == null) {
        problems.add("column '" + names[i] + "' does not exist in table " + table.display()
            + SchemaCheck.didYouMean(names[i], columns.get().keySet()));
      } else if (types[i] == LaminarType.DECIMAL) {
        String problem = col.decimalWriteProblem((ArrowType.Decimal) arrowTypes[i]);
        if (problem != null) {
          problems.add("column '" + names[i] + "' is " + col.columnType() + " in " + table.display() + " and " + problem);
        }
      } else if (!col.writableFrom(types[i])) {
        problems.add("column '" + names[i] + "' is " + col.columnType() + " in " + table.display()
            + " and cannot hold the pipeline's " + types[i]);
      }
    }
    if (settings.upsert()) {
      key = settings.primaryKey().isEmpty() ? table.primaryKey(c) : settings.primaryKey();
      if (key.isEmpty()) {
        problems.add("write.mode = upsert needs a primary key, and table " + table.display()
            + " has none: add one, or set primary.key");
      }
      for (String k : key) {
        if (Arrays.stream(names).noneMatch(k::equals)) {
          problems.add("key column '" + k + "' of " + table.display() + " is not in the pipeline's output");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConnectorException(ConnectorException.Kind.INVALID_PROPERTY, SinkSettings.TABLE,
          String.join("; ", problems), null);
    }
    findChecks(columns.get());
  }

  /** What each column refuses among the pipeline's values. */
  private void findChecks(Map<String, MysqlColumn> columns) {
    ValueCheck[] found = new ValueCheck[names.length];
    boolean any = false;
    for (int i = 0; i < names.length; i++) {
      MysqlColumn col = columns.get(names[i]);
      found[i] = col == null ? null : ValueCheck.of(col, types[i], arrowTypes[i]);
      any |= found[i] != null;
    }
    checks = any ? found : null;
  }

  /**
   * Whether row {@code row} is one the table refuses: if so it was reported (the pipeline's
   * {@code on.error} skipped or dead-lettered it; for {@code fail} the report threw) and is not written.
   */
  private boolean rejected(Batch batch, FieldVector[] vectors, int row) throws ConnectorException {
    for (int c = 0; c < vectors.length; c++) {
      ValueCheck check = checks[c];
      String problem = check == null ? null : check.problem(vectors[c], row);
      if (problem != null) {
        rejections.reject(batch, row, names[c], problem);
        return true;
      }
    }
    return false;
  }

  private void createTable(Connection c) throws SQLException {
    List<String> keyColumnsWanted = settings.upsert() ? settings.primaryKey() : List.of();
    StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(settings.table().sql()).append(" (");
    for (int i = 0; i < names.length; i++) {
      boolean isKey = keyColumnsWanted.contains(names[i]);
      sql.append(i == 0 ? "" : ", ").append(MysqlTable.quote(names[i])).append(' ').append(types[i].mysqlType(isKey, arrowTypes[i]))
          .append(isKey ? " NOT NULL" : "");
    }
    if (!keyColumnsWanted.isEmpty()) {
      sql.append(", PRIMARY KEY (").append(keyColumnsWanted.stream().map(MysqlTable::quote)
          .collect(Collectors.joining(", "))).append(')');
    }
    sql.append(')');
    try (Statement st = c.createStatement()) {
      st.execute(sql.toString());
    }
    log.info("created table {}", settings.table().display());
  }

  @Override
  public void open(long lastCommittedEpoch) throws ConnectorException {
    try {
      control = settings.connection().connect("laminar-sink");
      inspect(control, true);
      if (settings.exactlyOnce()) {
        try (Statement st = control.createStatement()) {
          st.execute("CREATE TABLE IF NOT EXISTS " + EPOCHS_TABLE + " (sink_id varchar(255) NOT NULL, epoch bigint NOT"
              + " NULL, committed_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (sink_id, epoch))");
          st.execute("CREATE TABLE IF NOT EXISTS " + XA_TABLE + " (xid varchar(64) NOT NULL PRIMARY KEY, sink_id"
              + " varchar(255) NOT NULL, epoch bigint NOT NULL)");
        }
        resolvePrepared(lastCommittedEpoch);
        if (lastCommittedEpoch == 0) {
          forgetEarlierRuns();
        }
        try (PreparedStatement st = control.prepareStatement(
            "SELECT coalesce(max(epoch), 0) FROM " + EPOCHS_TABLE + " WHERE sink_id = ?")) {
          st.setString(1, settings.sinkId());
          try (ResultSet rs = st.executeQuery()) {
            rs.next();
            lastAppliedEpoch = rs.getLong(1);
          }
        }
      }
      prepareStatements();
    } catch (SQLException e) {
      throw settings.connection().failure(e);
    }
  }

  /**
   * A start without a checkpoint is a new run whose epochs count from 1 again: the epochs an earlier
   * run recorded say nothing about it, and would make its rows look applied already.
   */
  private void forgetEarlierRuns() throws SQLException {
    try (PreparedStatement st = control.prepareStatement("DELETE FROM " + EPOCHS_TABLE + " WHERE sink_id = ?")) {
      st.setString(1, settings.sinkId());
      int n = st.executeUpdate();
      if (n > 0) {
        log.warn("no checkpoint to resume from: a new run of sink {}; forgot the {} epochs an earlier run recorded in {}",
            settings.sinkId(), n, EPOCHS_TABLE);
      }
    }
  }

  /** Commits the prepared epochs the completed checkpoint covers; rolls back any newer one. */
  private void resolvePrepared(long lastCommittedEpoch) throws SQLException {
    List<String> xids = new ArrayList<>();
    try (Statement st = control.createStatement(); ResultSet rs = st.executeQuery("XA RECOVER")) {
      while (rs.next()) {
        String data = rs.getString("data");
        if (data != null && data.startsWith(xaPrefix)) {
          xids.add(data);
        }
      }
    }
    Map<String, Long> epochs = new LinkedHashMap<>();
    try (PreparedStatement st = control.prepareStatement("SELECT xid, epoch FROM " + XA_TABLE + " WHERE sink_id = ?")) {
      st.setString(1, settings.sinkId());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          epochs.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    for (String xid : xids) {
      Long epoch = epochs.get(xid);
      boolean covered = epoch != null && epoch <= lastCommittedEpoch;
      resolve(xid, covered);
      log.info("{} epoch {} prepared before the restart", covered ? "committed" : "rolled back",
          epoch == null ? "(unknown)" : epoch);
    }
    try (PreparedStatement st = control.prepareStatement("DELETE FROM " + XA_TABLE + " WHERE sink_id = ?")) {
      st.setString(1, settings.sinkId());
      st.executeUpdate();
    }
  }

  /** How long the server may take to detach a killed session's prepared transaction. */
  private static final long DETACH_WAIT_MS = 15_000;

  /**
   * XA COMMIT or ROLLBACK of a transaction a dead session prepared. Until the server has noticed
   * that session's end the transaction is still its own and refused here, so this retries for a while.
   */
  private void resolve(String xid, boolean commit) throws SQLException {
    long deadline = System.currentTimeMillis() + DETACH_WAIT_MS;
    while (true) {
      try (Statement st = control.createStatement()) {
        st.execute((commit ? "XA COMMIT " : "XA ROLLBACK ") + literal(xid));
        return;
      } catch (SQLException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(250); // polling the server's XA state; there is no notification to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted while resolving XA transaction " + xid, e);
      }
    }
  }

  private static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  private void prepareStatements() {
    String cols = Arrays.stream(names).map(MysqlTable::quote).collect(Collectors.joining(", "));
    insertHead = "INSERT INTO " + settings.table().sql() + " (" + cols + ") VALUES ";
    rowsPerStatement = Math.max(1, Math.min(settings.batchSize(), MAX_PARAMETERS / Math.max(1, names.length)));
    if (!settings.upsert()) {
      return;
    }
    keyColumns = key.stream().mapToInt(k -> Arrays.asList(names).indexOf(k)).toArray();
    List<String> updates = new ArrayList<>();
    for (String n : names) {
      if (!key.contains(n)) {
        updates.add(MysqlTable.quote(n) + " = VALUES(" + MysqlTable.quote(n) + ")");
      }
    }
    if (updates.isEmpty()) {
      updates.add(MysqlTable.quote(key.get(0)) + " = " + MysqlTable.quote(key.get(0)));
    }
    upsertTail = " ON DUPLICATE KEY UPDATE " + String.join(", ", updates);
  }

  /** The connection this epoch writes on, its transaction begun. */
  private Connection writer() throws SQLException, ConnectorException {
    if (writer == null) {
      Connection reused = idle.poll();
      writer = reused != null ? reused : settings.connection().connect("laminar-sink");
      if (settings.exactlyOnce()) {
        activeXid = xaPrefix + runId + "-" + (++xaSequence);
        try (Statement st = writer.createStatement()) {
          st.execute("XA START " + literal(activeXid));
        }
      } else {
        writer.setAutoCommit(false);
      }
    }
    return writer;
  }

  @Override
  public void write(Batch batch) throws ConnectorException {
    if (batch.rowCount() == 0) {
      return;
    }
    try {
      Connection c = writer();
      if (settings.upsert()) {
        writeUpserts(c, batch);
      } else {
        writeInserts(c, batch);
      }
    } catch (SQLException e) {
      throw failure("writing to", e);
    }
  }

  private ConnectorException failure(String what, SQLException e) {
    if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
      return settings.connection().failure(e);
    }
    return ConnectorException.runtime(what + " " + settings.table().display() + " on " + settings.connection().target()
        + " failed: " + e.getMessage(), e);
  }

  private void writeInserts(Connection c, Batch batch) throws SQLException, ConnectorException {
    FieldVector[] vectors = batch.data().getFieldVectors().toArray(new FieldVector[0]);
    int n = batch.rowCount();
    if (batch.isChangelog()) {
      for (int row = 0; row < n; row++) {
        if (batch.rowKind(row) != RowKind.INSERT) {
          throw ConnectorException.runtime("write.mode = append takes inserts only, but the pipeline sends "
              + batch.rowKind(row) + " rows: set write.mode = \"upsert\" with a primary key", null);
        }
      }
    }
    int[] rows = new int[Math.min(n, rowsPerStatement)];
    int count = 0;
    for (int row = 0; row < n; row++) {
      if (checks != null && rejected(batch, vectors, row)) {
        continue;
      }
      rows[count++] = row;
      if (count == rows.length) {
        insertRows(c, vectors, rows, count, "");
        count = 0;
      }
    }
    if (count > 0) {
      insertRows(c, vectors, rows, count, "");
    }
  }

  /** One multi-row INSERT of {@code rows[0..count)} of the vectors, with {@code tail} appended. */
  private void insertRows(Connection c, FieldVector[] vectors, int[] rows, int count, String tail) throws SQLException {
    StringBuilder sql = new StringBuilder(insertHead.length() + count * (names.length * 2 + 3) + tail.length());
    sql.append(insertHead);
    String tuple = "(" + String.join(", ", java.util.Collections.nCopies(names.length, "?")) + ")";
    for (int i = 0; i < count; i++) {
      sql.append(i == 0 ? "" : ",").append(tuple);
    }
    sql.append(tail);
    try (PreparedStatement st = c.prepareStatement(sql.toString())) {
      int p = 1;
      for (int i = 0; i < count; i++) {
        for (int col = 0; col < vectors.length; col++) {
          ArrowValues.bind(st, p++, vectors[col], types[col], rows[i]);
        }
      }
      st.executeUpdate();
    }
  }

  /**
   * A batch's changes collapsed to the last one per key (an upsert replaces the whole row, so only
   * the last change of a key decides its final state), then deletes and upserts of distinct keys.
   */
  private void writeUpserts(Connection c, Batch batch) throws SQLException, ConnectorException {
    FieldVector[] vectors = batch.data().getFieldVectors().toArray(new FieldVector[0]);
    Map<List<Object>, Integer> last = new HashMap<>(batch.rowCount() * 2);
    for (int row = 0; row < batch.rowCount(); row++) {
      RowKind kind = batch.rowKind(row);
      // a removal writes no value; a refused insert or update is left out as if it never came
      if (checks != null && kind != RowKind.DELETE && kind != RowKind.UPDATE_BEFORE && rejected(batch, vectors, row)) {
        continue;
      }
      List<Object> k = new ArrayList<>(keyColumns.length);
      for (int col : keyColumns) {
        k.add(ArrowValues.value(vectors[col], types[col], row));
      }
      // An UPDATE_BEFORE retracts its key; the UPDATE_AFTER that usually follows with the same key wins.
      boolean removes = kind == RowKind.DELETE || kind == RowKind.UPDATE_BEFORE;
      last.put(k, removes ? -row - 1 : row);
    }
    int[] upserts = new int[rowsPerStatement];
    int pendingUpserts = 0;
    List<List<Object>> deletes = new ArrayList<>();
    int deleteChunk = Math.max(1, Math.min(settings.batchSize(), MAX_PARAMETERS / Math.max(1, keyColumns.length)));
    for (Map.Entry<List<Object>, Integer> e : last.entrySet()) {
      int code = e.getValue();
      if (code < 0) {
        deletes.add(e.getKey());
        if (deletes.size() >= deleteChunk) {
          deleteKeys(c, deletes);
          deletes.clear();
        }
      } else {
        upserts[pendingUpserts++] = code;
        if (pendingUpserts == rowsPerStatement) {
          insertRows(c, vectors, upserts, pendingUpserts, upsertTail);
          pendingUpserts = 0;
        }
      }
    }
    if (!deletes.isEmpty()) {
      deleteKeys(c, deletes);
    }
    if (pendingUpserts > 0) {
      insertRows(c, vectors, upserts, pendingUpserts, upsertTail);
    }
  }

  private void deleteKeys(Connection c, List<List<Object>> keys) throws SQLException {
    StringBuilder sql = new StringBuilder("DELETE FROM ").append(settings.table().sql()).append(" WHERE ");
    String tuple;
    if (keyColumns.length == 1) {
      sql.append(MysqlTable.quote(key.get(0)));
      tuple = "?";
    } else {
      sql.append('(').append(key.stream().map(MysqlTable::quote).collect(Collectors.joining(", "))).append(')');
      tuple = "(" + String.join(", ", java.util.Collections.nCopies(keyColumns.length, "?")) + ")";
    }
    sql.append(" IN (");
    for (int i = 0; i < keys.size(); i++) {
      sql.append(i == 0 ? "" : ",").append(tuple);
    }
    sql.append(')');
    try (PreparedStatement st = c.prepareStatement(sql.toString())) {
      int p = 1;
      for (List<Object> k : keys) {
        for (int i = 0; i < keyColumns.length; i++) {
          ArrowValues.bind(st, p++, types[keyColumns[i]], k.get(i));
        }
      }
      st.executeUpdate();
    }
  }

  @Override
  public void prepareCommit(long epoch) throws ConnectorException {
    try {
      if (!settings.exactlyOnce()) {
        if (writer != null) {
          writer.commit();
        }
        return;
      }
      if (epoch <= lastAppliedEpoch) {
        // Already applied before a restart: its rows are in the table once, so these are dropped.
        log.warn("epoch {} was already applied (laminar_sink_epochs holds {}); its rows are not written again",
            epoch, lastAppliedEpoch);
        discardWriter();
        return;
      }
      Connection c = writer();
      try (PreparedStatement st = c.prepareStatement(
          "INSERT INTO " + EPOCHS_TABLE + " (sink_id, epoch) VALUES (?, ?)")) {
        st.setString(1, settings.sinkId());
        st.setLong(2, epoch);
        st.executeUpdate();
      }
      try (Statement st = c.createStatement()) {
        st.execute("XA END " + literal(activeXid));
      }
      try (PreparedStatement st = control.prepareStatement(
          "INSERT INTO " + XA_TABLE + " (xid, sink_id, epoch) VALUES (?, ?, ?)")) {
        st.setString(1, activeXid);
        st.setString(2, settings.sinkId());
        st.setLong(3, epoch);
        st.executeUpdate();
      }
      try (Statement st = c.createStatement()) {
        st.execute("XA PREPARE " + literal(activeXid));
      }
      prepared.put(epoch, new Held(activeXid, c));
      writer = null; // the next epoch writes on another connection until this one commits
      activeXid = null;
      lastAppliedEpoch = epoch;
    } catch (SQLException e) {
      throw failure("preparing epoch " + epoch + " for", e);
    }
  }

  @Override
  public void commit(long epoch) throws ConnectorException {
    if (!settings.exactlyOnce()) {
      return;
    }
    try {
      Iterator<Map.Entry<Long, Held>> it = prepared.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<Long, Held> e = it.next();
        if (e.getKey() > epoch) {
          break;
        }
        finish(e.getValue(), true);
        it.remove();
      }
    } catch (SQLException e) {
      throw failure("committing epoch " + epoch + " to", e);
    }
  }

  /** XA COMMIT or ROLLBACK of a prepared transaction on its own session, which is then free again. */
  private void finish(Held held, boolean commit) throws SQLException {
    try (Statement st = held.connection().createStatement()) {
      st.execute((commit ? "XA COMMIT " : "XA ROLLBACK ") + literal(held.xid()));
    }
    idle.add(held.connection());
    try (PreparedStatement st = control.prepareStatement("DELETE FROM " + XA_TABLE + " WHERE xid = ?")) {
      st.setString(1, held.xid());
      st.executeUpdate();
    }
  }

  @Override
  public void abort(long epoch) throws ConnectorException {
    try {
      discardWriter();
      Held held = prepared.remove(epoch);
      if (held != null) {
        finish(held, false);
        lastAppliedEpoch = epoch - 1;
      }
    } catch (SQLException e) {
      throw failure("aborting epoch " + epoch + " of", e);
    }
  }

  /** Drops the open transaction's rows: rolled back, and its connection closed. */
  private void discardWriter() throws SQLException {
    if (writer == null) {
      return;
    }
    try {
      if (settings.exactlyOnce()) {
        try (Statement st = writer.createStatement()) {
          st.execute("XA END " + literal(activeXid));
          st.execute("XA ROLLBACK " + literal(activeXid));
        }
      } else {
        writer.rollback();
      }
    } finally {
      closeQuietly(writer);
      writer = null;
      activeXid = null;
    }
  }

  private void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      log.warn("closing a connection to {}: {}", settings.connection().target(), e.getMessage());
    }
  }

  @Override
  public void close() throws ConnectorException {
    try {
      discardWriter(); // rows not prepared are dropped, as the SPI allows
    } catch (SQLException e) {
      log.warn("rolling back the open transaction on {}: {}", settings.connection().target(), e.getMessage());
    }
    // Prepared epochs not yet committed stay prepared on the server: the next open() resolves them.
    for (Held held : prepared.values()) {
      closeQuietly(held.connection());
    }
    prepared.clear();
    for (Connection c : idle) {
      closeQuietly(c);
    }
    idle.clear();
    if (control != null) {
      closeQuietly(control);
      control = null;
    }
  }
}
