package io.laminar.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real server joining generated rows with a {@code mysql} lookup (keys 0..1999 against a
 * table holding 0..999, so half miss; 5 % NULL keys; many duplicates per batch), with the host's
 * cache on and off. Raw rows and joined rows both go to {@code mysql} append sinks; the joined
 * table must equal the raw table joined in SQL.
 */
class MysqlLookupJoinIT {
  private static final int ROWS = 20_000;
  private static TestDatabase db;

  @TempDir Path dir;

  @BeforeAll
  static void database() throws Exception {
    db = TestDatabase.create();
    db.exec("CREATE TABLE names (k bigint PRIMARY KEY, name text)",
        "INSERT INTO names SELECT seq, concat('name ', seq) FROM seq_0_to_999");
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    db.close();
  }

  private static String sink(String name, String pipeline, String table) {
    return """

        [[sink]]
        name = "%s"
        pipeline = "%s"
        connector = "mysql"
        delivery = "exactly_once"
        [sink.properties]
        host = "%s"
        port = %d
        database = "%s"
        username = "root"
        "ssl.mode" = "disabled"
        table = "%s"
        """.formatted(name, pipeline, TestDatabase.HOST, TestDatabase.PORT, db.name, table);
  }

  @ParameterizedTest(name = "cache {0}")
  @ValueSource(booleans = {true, false})
  void joinedRowsEqualTheSqlJoinWithMissesNullsAndDuplicates(boolean cache) throws Exception {
    String raw = Fixtures.unique("raw");
    String joined = Fixtures.unique("joined");
    db.exec("CREATE TABLE " + raw + " (seq bigint, k bigint)", "CREATE TABLE " + joined + " (seq bigint, k bigint, name text)");
    String config = """
        [server]
        name = "lookup"
        bind = "127.0.0.1:0"

        [checkpoint]
        path = "%s"
        interval = "1s"

        [[source]]
        name = "events"
        connector = "generator"
        [source.properties]
        max_rows = %d
        "fields.seq.kind" = "sequence"
        "fields.k.min" = "0"
        "fields.k.max" = "1999"
        "fields.k.null_rate" = "0.05"
        [[source.schema]]
        name = "seq"
        type = "BIGINT"
        [[source.schema]]
        name = "k"
        type = "BIGINT"

        [[lookup]]
        name = "names"
        connector = "mysql"
        primary_key = ["k"]
        [lookup.properties]
        host = "%s"
        port = %d
        database = "%s"
        username = "root"
        "ssl.mode" = "disabled"
        table = "names"
        %s
        [[lookup.schema]]
        name = "k"
        type = "BIGINT"
        [[lookup.schema]]
        name = "name"
        type = "VARCHAR"

        [[pipeline]]
        name = "raw"
        sql = "SELECT seq, k FROM events"

        [[pipeline]]
        name = "joined"
        sql = "SELECT e.seq, e.k, n.name FROM events e JOIN names n ON e.k = n.k"
        """.formatted(dir.resolve("cp").toString().replace("\\", "\\\\"), ROWS, TestDatabase.HOST, TestDatabase.PORT,
        db.name, cache ? "[lookup.cache]\nsize = 500\nttl = \"60s\"" : "")
        + sink("raw_out", "raw", raw) + sink("joined_out", "joined", joined);
    Path file = dir.resolve("lookup.toml");
    Files.writeString(file, config);
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("lookup"), 240, "run", "--plugins",
        LaminarProcess.MYSQL_PLUGIN.getParent().toString(), "-c", file.toString());
    assertEquals(0, r.exit(), r.stderr());
    assertEquals(ROWS, db.count("SELECT count(*) FROM " + raw));
    long nulls = db.count("SELECT count(*) FROM " + raw + " WHERE k IS NULL");
    long misses = db.count("SELECT count(*) FROM " + raw + " WHERE k >= 1000");
    assertTrue(nulls > 0 && misses > 0, "the input has NULL keys (" + nulls + ") and misses (" + misses + ")");
    String expected = "SELECT r.seq, r.k, n.name FROM " + raw + " r JOIN names n ON r.k = n.k";
    assertEquals(0, db.count("SELECT count(*) FROM (" + expected + " EXCEPT SELECT * FROM " + joined + ") x"));
    assertEquals(0, db.count("SELECT count(*) FROM (SELECT * FROM " + joined + " EXCEPT " + expected + ") x"));
    assertEquals(db.count("SELECT count(*) FROM (" + expected + ") x"), db.count("SELECT count(*) FROM " + joined),
        "no joined row twice");
  }
}
