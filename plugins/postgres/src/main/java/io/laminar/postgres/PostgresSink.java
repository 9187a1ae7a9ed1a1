package io.laminar.postgres;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;

/**
 * The {@code postgres} sink. {@code append} streams rows in with {@code COPY … FROM STDIN};
 * {@code upsert} collapses each batch to the last change per key and sends
 * {@code INSERT … ON CONFLICT (key) DO UPDATE} for rows that remain and {@code DELETE} by key for
 * deleted ones.
 *
 * <p>Every epoch is one database transaction. With {@code exactly_once} it also inserts
 * {@code (sink_id, epoch)} into {@code laminar_sink_epochs} (primary key: an epoch can never be
 * applied twice) and is made durable with {@code PREPARE TRANSACTION} at {@code prepareCommit},
 * then {@code COMMIT PREPARED} once laminar's checkpoint is durable. After a crash {@link #open}
 * commits the prepared epochs the last checkpoint covers and rolls back the rest. Otherwise
 * (at-least-once) the transaction commits at {@code prepareCommit}.
 *
 * <p>Rows the table cannot store (a value beyond a narrower integer or {@code numeric(p,s)} column,
 * a string longer than a {@code varchar(n)}, a NULL in a NOT NULL column: {@link ValueCheck}, from
 * the column types read at {@link #open}) are checked before they are written and reported to
 * {@link ConnectorContext#rowRejections()}, which applies the pipeline's {@code on.error}; the
 * others are written. A row PostgreSQL still refuses (a CHECK or unique constraint) fails the
 * batch with PostgreSQL's message: one failed statement aborts the epoch's transaction, and a
 * savepoint per batch to isolate the row would cost a subtransaction each.
 */
final class PostgresSink implements Sink {
  static final String EPOCHS_TABLE = "laminar_sink_epochs";

  private final SinkSettings settings;
  private final Logger log;
  private final Schema schema;
  private final LaminarType[] types;
  private final String[] names;
  private final RowRejections rejections;
  /** Per column, what the table refuses among the pipeline's values (null: everything fits); null: no column to check. */
  private ValueCheck[] checks;
  private Connection connection;
  private List<String> key;
  private int[] keyColumns;
  private int[] valueColumns;
  private PreparedStatement upsert;
  private PreparedStatement delete;
  private long lastAppliedEpoch;
  private boolean dirty;

  PostgresSink(ConnectorContext context, SinkSettings settings) {
    this.settings = settings;
    this.log = context.logger();
    this.schema = context.schema();
    List<Field> fields = schema.getFields();
    this.types = fields.stream().map(f -> LaminarType.of(f.getType())).toArray(LaminarType[]::new);
    this.names = fields.stream().map(Field::getName).toArray(String[]::new);
    this.rejections = context.rowRejections();
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
        problems.add("column '" + f.getName() + "' has a type the postgres sink cannot write: " + f.getType());
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
        int prepared = Integer.parseInt(CdcCheck.single(c, "SHOW max_prepared_transactions"));
        if (prepared == 0) {
          throw new ConnectorException(ConnectorException.Kind.CONNECTION_FAILED, null, "PostgreSQL at "
              + settings.connection().target() + " has max_prepared_transactions = 0; delivery = \"exactly_once\""
              + " prepares each epoch's transaction. Run ALTER SYSTEM SET max_prepared_transactions = 16; and"
              + " restart PostgreSQL, or use delivery = \"at_least_once\"", null);
        }
      }
    } catch (SQLException e) {
      throw settings.connection().failure(e);
    }
  }

  /** Checks the table against the pipeline's schema (creating it if asked) and settles the key. */
  private void inspect(Connection c, boolean create) throws SQLException, ConnectorException {
    PgTable table = settings.table();
    Optional<Map<String, PgColumn>> columns = table.columns(c);
    if (columns.isEmpty()) {
      if (!settings.autoCreate()) {
        throw new ConnectorException(ConnectorException.Kind.INVALID_PROPERTY, SinkSettings.TABLE, "table "
            + table.display() + " does not exist in database '" + settings.connection().database() + "' on "
            + settings.connection().target() + ": create it, or set auto.create.table = true", null);
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
      PgColumn col = columns.get().get(names[i]);
      if (col == null) {
        problems.add("column '" + names[i] + "' does not exist in table " + table.display()
            + SchemaCheck.didYouMean(names[i], columns.get().keySet()));
      } else if (types[i] == LaminarType.DECIMAL) {
        String problem = col.decimalWriteProblem((ArrowType.Decimal) schema.getFields().get(i).getType());
        if (problem != null) {
          problems.add("column '" + names[i] + "' is " + col.displayType() + " in " + table.display() + " and " + problem);
        }
      } else if (!col.writableFrom(types[i])) {
        problems.add("column '" + names[i] + "' is " + col.displayType() + " in " + table.display()
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
        if (java.util.Arrays.stream(names).noneMatch(k::equals)) {
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
  private void findChecks(Map<String, PgColumn> columns) {
    ValueCheck[] found = new ValueCheck[names.length];
    boolean any = false;
    for (int i = 0; i < names.length; i++) {
      PgColumn col = columns.get(names[i]);
      found[i] = col == null ? null : ValueCheck.of(col, types[i], schema.getFields().get(i).getType());
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
    StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(settings.table().sql()).append(" (");
    for (int i = 0; i < names.length; i++) {
      sql.append(i == 0 ? "" : ", ").append(PgTable.quote(names[i])).append(' ').append(types[i].postgresType(schema.getFields().get(i).getType()));
    }
    if (settings.upsert()) {
      sql.append(", PRIMARY KEY (").append(settings.primaryKey().stream().map(PgTable::quote)
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
      connection = settings.connection().connect("laminar-sink");
      try (Statement st = connection.createStatement()) {
        st.execute("SET TIME ZONE 'UTC'");
      }
      inspect(connection, true);
      if (settings.exactlyOnce()) {
        try (Statement st = connection.createStatement()) {
          st.execute("CREATE TABLE IF NOT EXISTS " + EPOCHS_TABLE + " (sink_id text NOT NULL, epoch bigint NOT NULL,"
              + " committed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (sink_id, epoch))");
        }
        resolvePrepared(lastCommittedEpoch);
        if (lastCommittedEpoch == 0) {
          forgetEarlierRuns();
        }
        try (PreparedStatement st = connection.prepareStatement(
            "SELECT coalesce(max(epoch), 0) FROM " + EPOCHS_TABLE + " WHERE sink_id = ?")) {
          st.setString(1, settings.sinkId());
          try (ResultSet rs = st.executeQuery()) {
            rs.next();
            lastAppliedEpoch = rs.getLong(1);
          }
        }
      }
      connection.setAutoCommit(false);
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
    try (PreparedStatement st = connection.prepareStatement("DELETE FROM " + EPOCHS_TABLE + " WHERE sink_id = ?")) {
      st.setString(1, settings.sinkId());
      int n = st.executeUpdate();
      if (n > 0) {
        log.warn("no checkpoint to resume from: a new run of sink {}; forgot the {} epochs an earlier run recorded in {}",
            settings.sinkId(), n, EPOCHS_TABLE);
      }
    }
  }

  private String gid(long epoch) {
    return "laminar:" + settings.sinkId() + ":" + epoch;
  }

  /** Commits the prepared epochs the completed checkpoint covers; rolls back any newer one. */
  private void resolvePrepared(long lastCommittedEpoch) throws SQLException {
    String prefix = "laminar:" + settings.sinkId() + ":";
    Map<String, Long> prepared = new LinkedHashMap<>();
    try (PreparedStatement st = connection.prepareStatement("SELECT gid FROM pg_prepared_xacts"
        + " WHERE database = current_database() AND starts_with(gid, ?) ORDER BY prepared")) {
      st.setString(1, prefix);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          prepared.put(rs.getString(1), Long.parseLong(rs.getString(1).substring(prefix.length())));
        }
      }
    }
    for (Map.Entry<String, Long> e : prepared.entrySet()) {
      boolean covered = e.getValue() <= lastCommittedEpoch;
      try (Statement st = connection.createStatement()) {
        st.execute((covered ? "COMMIT PREPARED '" : "ROLLBACK PREPARED '") + e.getKey().replace("'", "''") + "'");
      }
      log.info("{} epoch {} prepared before the restart", covered ? "committed" : "rolled back", e.getValue());
    }
  }

  private void prepareStatements() throws SQLException {
    if (!settings.upsert()) {
      return;
    }
    keyColumns = key.stream().mapToInt(k -> java.util.Arrays.asList(names).indexOf(k)).toArray();
    List<Integer> values = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      if (!key.contains(names[i])) {
        values.add(i);
      }
    }
    valueColumns = values.stream().mapToInt(Integer::intValue).toArray();
    String cols = java.util.Arrays.stream(names).map(PgTable::quote).collect(Collectors.joining(", "));
    String params = java.util.Arrays.stream(names).map(n -> "?").collect(Collectors.joining(", "));
    String keyList = key.stream().map(PgTable::quote).collect(Collectors.joining(", "));
    String update = valueColumns.length == 0 ? "NOTHING" : "UPDATE SET " + values.stream()
        .map(i -> PgTable.quote(names[i]) + " = EXCLUDED." + PgTable.quote(names[i])).collect(Collectors.joining(", "));
    upsert = connection.prepareStatement("INSERT INTO " + settings.table().sql() + " (" + cols + ") VALUES (" + params
        + ") ON CONFLICT (" + keyList + ") DO " + update);
    delete = connection.prepareStatement("DELETE FROM " + settings.table().sql() + " WHERE " + key.stream()
        .map(k -> PgTable.quote(k) + " = ?").collect(Collectors.joining(" AND ")));
  }

  @Override
  public void write(Batch batch) throws ConnectorException {
    if (batch.rowCount() == 0) {
      return;
    }
    try {
      if (settings.upsert()) {
        writeUpserts(batch);
      } else {
        writeCopy(batch);
      }
      dirty = true;
    } catch (SQLException e) {
      throw failure("writing to", e);
    }
  }

  private ConnectorException failure(String what, SQLException e) {
    if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
      return settings.connection().failure(e);
    }
    SQLException next = e.getNextException();
    return ConnectorException.runtime(what + " " + settings.table().display() + " on " + settings.connection().target()
        + " failed: " + e.getMessage() + (next != null && next != e ? " (" + next.getMessage() + ")" : ""), e);
  }

  private void writeCopy(Batch batch) throws SQLException, ConnectorException {
    FieldVector[] vectors = batch.data().getFieldVectors().toArray(new FieldVector[0]);
    String cols = java.util.Arrays.stream(names).map(PgTable::quote).collect(Collectors.joining(", "));
    CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI()
        .copyIn("COPY " + settings.table().sql() + " (" + cols + ") FROM STDIN");
    try {
      StringBuilder text = new StringBuilder(64 * 1024);
      for (int row = 0; row < batch.rowCount(); row++) {
        if (batch.isChangelog() && batch.rowKind(row) != RowKind.INSERT) {
          throw ConnectorException.runtime("write.mode = append takes inserts only, but the pipeline sends "
              + batch.rowKind(row) + " rows: set write.mode = \"upsert\" with a primary key", null);
        }
        if (checks != null && rejected(batch, vectors, row)) {
          continue;
        }
        for (int c = 0; c < vectors.length; c++) {
          if (c > 0) {
            text.append('\t');
          }
          ArrowValues.appendCopyText(text, vectors[c], types[c], row);
        }
        text.append('\n');
        if (text.length() >= 60 * 1024) {
          byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
          copy.writeToCopy(bytes, 0, bytes.length);
          text.setLength(0);
        }
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      copy.writeToCopy(bytes, 0, bytes.length);
      copy.endCopy();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  /**
   * A batch's changes collapsed to the last one per key (an upsert replaces the whole row, so only
   * the last change of a key decides its final state), then deletes and upserts of distinct keys.
   */
  private void writeUpserts(Batch batch) throws SQLException, ConnectorException {
    FieldVector[] vectors = batch.data().getFieldVectors().toArray(new FieldVector[0]);
    Map<List<Object>, Integer> last = new HashMap<>(batch.rowCount() * 2);
    for (int row = 0; row < batch.rowCount(); row++) {
      RowKind kind = batch.rowKind(row);
      // a removal writes no value; a refused insert or update is left out as if it never came
      if (checks != null && kind != RowKind.DELETE && kind != RowKind.UPDATE_BEFORE && rejected(batch, vectors, row)) {
        continue;
      }
      List<Object> k = new ArrayList<>(keyColumns.length);
      for (int c : keyColumns) {
        k.add(ArrowValues.value(vectors[c], types[c], row));
      }
      // An UPDATE_BEFORE retracts its key; the UPDATE_AFTER that usually follows with the same key wins.
      boolean removes = kind == RowKind.DELETE || kind == RowKind.UPDATE_BEFORE;
      last.put(k, removes ? -row - 1 : row);
    }
    int pendingUpserts = 0;
    int pendingDeletes = 0;
    for (Map.Entry<List<Object>, Integer> e : last.entrySet()) {
      int code = e.getValue();
      if (code < 0) {
        for (int i = 0; i < keyColumns.length; i++) {
          ArrowValues.bind(delete, i + 1, types[keyColumns[i]], e.getKey().get(i));
        }
        delete.addBatch();
        if (++pendingDeletes >= settings.batchSize()) {
          delete.executeBatch();
          pendingDeletes = 0;
        }
      } else {
        for (int c = 0; c < vectors.length; c++) {
          ArrowValues.bind(upsert, c + 1, types[c], ArrowValues.value(vectors[c], types[c], code));
        }
        upsert.addBatch();
        if (++pendingUpserts >= settings.batchSize()) {
          upsert.executeBatch();
          pendingUpserts = 0;
        }
      }
    }
    if (pendingDeletes > 0) {
      delete.executeBatch();
    }
    if (pendingUpserts > 0) {
      upsert.executeBatch();
    }
  }

  @Override
  public void prepareCommit(long epoch) throws ConnectorException {
    try {
      if (!settings.exactlyOnce()) {
        connection.commit();
        dirty = false;
        return;
      }
      if (epoch <= lastAppliedEpoch) {
        // Already applied before a restart: its rows are in the table once, so these are dropped.
        log.warn("epoch {} was already applied (laminar_sink_epochs holds {}); its rows are not written again",
            epoch, lastAppliedEpoch);
        connection.rollback();
        dirty = false;
        return;
      }
      try (PreparedStatement st = connection.prepareStatement(
          "INSERT INTO " + EPOCHS_TABLE + " (sink_id, epoch) VALUES (?, ?)")) {
        st.setString(1, settings.sinkId());
        st.setLong(2, epoch);
        st.executeUpdate();
      }
      try (Statement st = connection.createStatement()) {
        st.execute("PREPARE TRANSACTION '" + gid(epoch).replace("'", "''") + "'");
      }
      lastAppliedEpoch = epoch;
      dirty = false;
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
      connection.setAutoCommit(true);
      try (PreparedStatement st = connection.prepareStatement("SELECT 1 FROM pg_prepared_xacts WHERE gid = ?")) {
        st.setString(1, gid(epoch));
        try (ResultSet rs = st.executeQuery()) {
          if (rs.next()) {
            try (Statement c = connection.createStatement()) {
              c.execute("COMMIT PREPARED '" + gid(epoch).replace("'", "''") + "'");
            }
          }
        }
      }
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw failure("committing epoch " + epoch + " to", e);
    }
  }

  @Override
  public void abort(long epoch) throws ConnectorException {
    try {
      if (dirty) {
        connection.rollback();
        dirty = false;
      }
      if (settings.exactlyOnce()) {
        connection.setAutoCommit(true);
        try (PreparedStatement st = connection.prepareStatement("SELECT 1 FROM pg_prepared_xacts WHERE gid = ?")) {
          st.setString(1, gid(epoch));
          try (ResultSet rs = st.executeQuery()) {
            if (rs.next()) {
              try (Statement c = connection.createStatement()) {
                c.execute("ROLLBACK PREPARED '" + gid(epoch).replace("'", "''") + "'");
              }
              lastAppliedEpoch = epoch - 1;
            }
          }
        }
        connection.setAutoCommit(false);
      }
    } catch (SQLException e) {
      throw failure("aborting epoch " + epoch + " of", e);
    }
  }

  @Override
  public void close() throws ConnectorException {
    if (connection == null) {
      return;
    }
    try {
      if (!connection.getAutoCommit()) {
        connection.rollback(); // rows not prepared are dropped, as the SPI allows
      }
      connection.close();
    } catch (SQLException e) {
      log.warn("closing the connection to {}: {}", settings.connection().target(), e.getMessage());
    }
  }
}
