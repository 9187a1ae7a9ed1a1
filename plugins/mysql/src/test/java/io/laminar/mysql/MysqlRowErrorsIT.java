package io.laminar.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values the target table cannot store, through the real server ({@code laminar run} in a child JVM)
 * into the mysql sink (MariaDB here): a 70000 for a {@code smallint}, a string too long for a
 * {@code varchar(5)}, a decimal beyond a {@code decimal(6,2)}. Each {@code on.error}: {@code skip} and
 * {@code dead_letter} write exactly the other rows (counted in /metrics and /api/v1/pipelines; dead
 * letters as JSON lines), {@code fail} fails the run naming pipeline, sink, column and values and
 * commits nothing; and an exactly-once run killed mid-way and restarted writes every good row once.
 */
class MysqlRowErrorsIT {
  private static TestDatabase db;

  @TempDir Path dir;

  @BeforeAll
  static void database() throws Exception {
    db = TestDatabase.create();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    db.close();
  }

  /** Rows 1 (q), 3 (name) and 4 (amount) do not fit the target table. */
  private static final String SOURCE = """
      [[source]]
      name = "nums"
      connector = "generator"
      [source.properties]
      max_rows = 10
      start_time = "2026-01-01T00:00:00Z"
      "fields.id.kind" = "sequence"
      "fields.q.kind" = "sequence"
      "fields.q.values" = "1,70000,3,4,5,6,7,8,9,10"
      "fields.name.kind" = "sequence"
      "fields.name.values" = "a,b,c,toolong,e,f,g,h,i,j"
      "fields.amount.kind" = "sequence"
      "fields.amount.values" = "1.50,2.50,3.50,4.50,123456.78,6.50,7.50,8.50,9.50,10.50"
      [[source.schema]]
      name = "id"
      type = "BIGINT"
      [[source.schema]]
      name = "q"
      type = "INT"
      [[source.schema]]
      name = "name"
      type = "VARCHAR"
      [[source.schema]]
      name = "amount"
      type = "VARCHAR"
      [[source.schema]]
      name = "ts"
      type = "TIMESTAMP"
      """;

  /** A second, endless pipeline keeps the server up once {@code p} finished, so its counts can be read. */
  private static final String KEEP_ALIVE = """
      [[source]]
      name = "tick"
      connector = "generator"
      [source.properties]
      rows_per_second = 5
      [[source.schema]]
      name = "n"
      type = "BIGINT"

      [[pipeline]]
      name = "idle"
      sql = "SELECT n FROM tick"

      [[sink]]
      name = "nowhere"
      pipeline = "idle"
      connector = "blackhole"
      """;

  private String config(String name, String table, String policy, String delivery, boolean keepAlive)
      throws Exception {
    Path file = dir.resolve(name + ".toml");
    Files.writeString(file, """
        [server]
        name = "%1$s"
        bind = "127.0.0.1:0"

        [checkpoint]
        path = "%2$s"
        interval = "500ms"

        %3$s
        %4$s
        [[pipeline]]
        name = "p"
        sql = "SELECT id, q, name, CAST(amount AS DECIMAL(8, 2)) AS amount FROM nums"
        %5$s

        [[sink]]
        name = "target"
        pipeline = "p"
        connector = "mysql"
        delivery = "%6$s"
        [sink.properties]
        host = "%7$s"
        port = %8$d
        database = "%9$s"
        username = "root"
        "ssl.mode" = "disabled"
        table = "%10$s"
        """.formatted(name, dir.resolve(name + "-cp").toString(), SOURCE, keepAlive ? KEEP_ALIVE : "", policy,
        delivery, TestDatabase.HOST, TestDatabase.PORT, db.name, table));
    return file.toString();
  }

  private static String table() throws Exception {
    String table = Fixtures.unique("target");
    db.exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, q smallint, name varchar(5), amount decimal(6,2))");
    return table;
  }

  private static String[] run(String config) {
    return new String[] {"run", "--plugins", LaminarProcess.MYSQL_PLUGIN.getParent().toString(), "-c", config};
  }

  private static final List<List<String>> GOOD_ROWS = List.of(
      List.of("0", "1", "a", "1.50"), List.of("2", "3", "c", "3.50"), List.of("5", "6", "f", "6.50"),
      List.of("6", "7", "g", "7.50"), List.of("7", "8", "h", "8.50"), List.of("8", "9", "i", "9.50"),
      List.of("9", "10", "j", "10.50"));

  private static List<List<String>> rows(String table) throws Exception {
    return db.query("SELECT id, q, name, amount FROM " + table + " ORDER BY id");
  }

  private static String base(String log) {
    Matcher m = Pattern.compile("HTTP API listening on (http://\\S+?:\\d+)").matcher(log);
    String base = null;
    while (m.find()) {
      base = m.group(1);
    }
    assertTrue(base != null, "no HTTP address in the log: " + log);
    return base;
  }

  private static String get(ServerProcess server, String path) throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(base(server.stderr()) + path)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /** Runs {@code policy} to the end of p's input; returns the /api/v1/pipelines and /metrics answers. */
  private String[] runToTheEnd(String name, String table, String policy) throws Exception {
    ServerProcess server = LaminarProcess.start(dir.resolve(name), run(config(name, table, policy, "exactly_once", true)));
    String[] answers;
    try {
      server.await("pipeline p finished with its rows committed", 180, () -> {
        try {
          return get(server, "/api/v1/pipelines").matches("(?s).*\"name\":\"p\".*?\"state\":\"FINISHED\".*")
              && rows(table).size() == GOOD_ROWS.size();
        } catch (Exception | AssertionError e) {
          return false; // not listening yet
        }
      });
      answers = new String[] {get(server, "/api/v1/pipelines"), get(server, "/metrics")};
    } catch (Throwable t) {
      server.kill();
      throw t;
    }
    assertEquals(0, server.stop(60), server.stderr());
    return answers;
  }

  private static void assertCounted(String[] answers, String action) {
    assertTrue(answers[0].matches("(?s).*\"name\":\"p\".*?\"on_error\":\"" + action + "\",\"row_errors\":3[,}].*"),
        answers[0]);
    assertTrue(Pattern.compile("laminar_row_errors_total\\{[^}]*pipeline=\"p\"[^}]*} 3(\\.0)?\\b").matcher(answers[1])
        .find() && answers[1].contains("action=\"" + action + "\""), answers[1]);
  }

  @Test
  void skipWritesExactlyTheRowsThatFitAndCountsTheOthers() throws Exception {
    String table = table();
    String[] answers = runToTheEnd("skip", table, "on.error = \"skip\"");
    assertEquals(GOOD_ROWS, rows(table));
    assertCounted(answers, "skip");
  }

  @Test
  void deadLetterWritesTheRowsThatDoNotFitAsJsonLines() throws Exception {
    String table = table();
    String[] answers = runToTheEnd("dl", table, "on.error = \"dead_letter\"\ndead_letter.path = \"dl-bad.jsonl\"");
    assertEquals(GOOD_ROWS, rows(table));
    assertCounted(answers, "dead_letter");
    List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("dl-bad.jsonl")));
    lines.replaceAll(l -> l.replaceFirst("^\\{\"time\":\"[^\"]+\",", "{"));
    lines.sort(null);
    String sinkAt = dir.resolve("dl.toml") + ":" + position("dl.toml", "[[sink]]");
    String head = "{\"pipeline\":\"p\",\"step\":\"sink 'target'\",\"expression\":null,\"position\":\"" + sinkAt + "\",";
    assertEquals(List.of(
        head + "\"column\":\"amount\",\"error\":\"123456.78 is out of the range of decimal(6,2)\",\"row\":{\"id\":4,\"q\":5,\"name\":\"e\",\"amount\":\"123456.78\"}}",
        head + "\"column\":\"name\",\"error\":\"a string of 7 characters is too long for varchar(5)\","
            + "\"row\":{\"id\":3,\"q\":4,\"name\":\"toolong\",\"amount\":\"4.50\"}}",
        head + "\"column\":\"q\",\"error\":\"70000 is out of the range of smallint(6) (-32768 to 32767)\","
            + "\"row\":{\"id\":1,\"q\":70000,\"name\":\"b\",\"amount\":\"2.50\"}}"), lines);
  }

  /** {@code line:col} of the last occurrence of {@code text} in {@code file}. */
  private String position(String file, String text) throws Exception {
    List<String> lines = Files.readAllLines(dir.resolve(file));
    for (int i = lines.size() - 1; i >= 0; i--) {
      int c = lines.get(i).indexOf(text);
      if (c >= 0) {
        return (i + 1) + ":" + (c + 1);
      }
    }
    throw new AssertionError(text + " not in " + file);
  }

  @Test
  void failEndsTheRunNamingPipelineSinkColumnAndRowAndCommitsNothing() throws Exception {
    String table = table();
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("fail"), 180,
        run(config("fail", table, "", "exactly_once", false)));
    assertEquals(1, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("pipeline 'p' failed: sink 'target' failed: cannot write a row: column 'q': 70000 is"
        + " out of the range of smallint(6) (-32768 to 32767); row {\"id\":1,\"q\":70000,\"name\":\"b\",\"amount\":\"2.50\"}"),
        r.stderr());
    assertTrue(!r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
    assertEquals(List.of(), rows(table));
  }

  /**
   * 3000 rows, every tenth with a q too large for the smallint; the server is killed (SIGKILL) once
   * some epochs are committed, then restarted: the table holds each of the 2700 good rows once, and
   * every bad row is in the dead letter file (those replayed after the last checkpoint maybe twice).
   */
  @Test
  void exactlyOnceWithSkippedRowsSurvivesAKill() throws Exception {
    String table = table();
    Path file = dir.resolve("eo.toml");
    Files.writeString(file, """
        [server]
        name = "eo"
        bind = "127.0.0.1:0"

        [checkpoint]
        path = "%s"
        interval = "300ms"

        [[source]]
        name = "seq"
        connector = "generator"
        [source.properties]
        max_rows = 3000
        rows_per_second = 400
        "fields.id.kind" = "sequence"
        [[source.schema]]
        name = "id"
        type = "BIGINT"

        [[pipeline]]
        name = "p"
        sql = "SELECT id, CASE WHEN MOD(id, 10) = 3 THEN 70000 ELSE CAST(id AS INT) END AS q FROM seq"
        on.error = "dead_letter"
        dead_letter.path = "eo-bad.jsonl"

        [[sink]]
        name = "target"
        pipeline = "p"
        connector = "mysql"
        delivery = "exactly_once"
        [sink.properties]
        host = "%s"
        port = %d
        database = "%s"
        username = "root"
        "ssl.mode" = "disabled"
        table = "%s"
        """.formatted(dir.resolve("eo-cp"), TestDatabase.HOST, TestDatabase.PORT, db.name, table));
    ServerProcess first = LaminarProcess.start(dir.resolve("eo"), run(file.toString()));
    first.await("some epochs committed", 180, () -> {
      try {
        return db.count("SELECT count(*) FROM " + table) >= 500;
      } catch (Exception e) {
        return false;
      }
    });
    assertTrue(first.isAlive(), first.stderr());
    first.kill();
    long committed = db.count("SELECT count(*) FROM " + table);
    assertTrue(committed < 2700, "killed before the end: " + committed);

    ServerProcess.Result second = LaminarProcess.run(dir.resolve("eo2"), 240, run(file.toString()));
    assertEquals(0, second.exit(), second.stderr());
    assertEquals(List.of(List.of("2700", "2700", "0", String.valueOf(sumOfGoodIds()))),
        db.query("SELECT count(*), count(DISTINCT id), sum(CASE WHEN q <> id OR id % 10 = 3 THEN 1 ELSE 0 END), sum(id) FROM "
            + table));
    Set<Long> bad = new TreeSet<>();
    List<String> lines = Files.readAllLines(dir.resolve("eo-bad.jsonl"));
    Pattern id = Pattern.compile("\"row\":\\{\"id\":(\\d+),\"q\":70000}");
    for (String l : lines) {
      Matcher m = id.matcher(l);
      assertTrue(m.find(), l);
      bad.add(Long.parseLong(m.group(1)));
    }
    Set<Long> expected = new TreeSet<>();
    for (long i = 3; i < 3000; i += 10) {
      expected.add(i);
    }
    assertEquals(expected, bad, "every bad row is dead-lettered, at least once");
    assertTrue(lines.size() >= 300, lines.size() + " lines");
  }

  private static long sumOfGoodIds() {
    long sum = 0;
    for (long i = 0; i < 3000; i++) {
      sum += i % 10 == 3 ? 0 : i;
    }
    return sum;
  }
}
