package io.laminar.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server (a child JVM running {@code laminar run}) with the packaged delta plugin: a bounded
 * generator → raw rows into one Delta table and 1-second TUMBLE windows into another (partitioned by
 * symbol), read back with Delta Kernel's scan API. Then the same under SIGKILLs, and the errors a user
 * meets first.
 */
class DeltaServerIT {
  @TempDir Path dir;

  static String config(String server, Path checkpoints, Path raw, Path windows, int rows, int rowsPerSecond) {
    return """
        [server]
        name = "%s"
        bind = "127.0.0.1:0"
        shutdown_timeout = "30s"

        [checkpoint]
        path = "%s"
        interval = "300ms"
        retain = 3

        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = %d
        rows_per_second = %d
        events_per_second = 1000
        seed = 11
        start_time = "2026-01-01T00:00:00Z"
        "fields.id.kind" = "sequence"
        "fields.symbol.values" = "AAPL,MSFT,GOOG,AMZN,META"
        "fields.price.min" = "10"
        "fields.price.max" = "500"
        "fields.qty.min" = "1"
        "fields.qty.max" = "100"
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "price"
        type = "DOUBLE"
        [[source.schema]]
        name = "qty"
        type = "INT"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        [source.watermark]
        column = "ts"
        max_out_of_orderness = "100ms"

        [[pipeline]]
        name = "copy"
        sql = "SELECT id, symbol, price, qty, ts FROM trades"

        [[pipeline]]
        name = "per_second"
        sql = \"\"\"
        SELECT symbol, window_start, window_end, COUNT(*) AS trades, SUM(qty) AS volume, MIN(price) AS low,
               MAX(price) AS high
        FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND))
        GROUP BY symbol, window_start, window_end
        \"\"\"

        [[sink]]
        name = "raw"
        pipeline = "copy"
        connector = "delta_lake"
        delivery = "exactly_once"
        [sink.properties]
        "table.path" = "%s"
        "checkpoint.interval" = 2

        [[sink]]
        name = "windows"
        pipeline = "per_second"
        connector = "delta_lake"
        delivery = "exactly_once"
        [sink.properties]
        "table.path" = "%s"
        "partition.columns" = "symbol"
        """.formatted(server, esc(checkpoints), rows, rowsPerSecond, esc(raw), esc(windows));
  }

  static String esc(Path p) {
    return p.toString().replace("\\", "\\\\");
  }

  static String[] run(Path config) {
    return new String[] {"run", "--plugins", LaminarProcess.DELTA_PLUGIN.getParent().toString(), "-c",
        config.toString()};
  }

  /** The windows the raw rows make: symbol, start µs, end µs, count, sum(qty), min(price), max(price). */
  static List<String> expectedWindows(List<List<Object>> raw) {
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, double[]> prices = new TreeMap<>();
    for (List<Object> r : raw) {
      long startMs = Math.floorDiv((Long) r.get(4) / 1000, 1000) * 1000;
      String key = r.get(1) + "|" + startMs * 1000 + "|" + (startMs + 1000) * 1000;
      long[] c = counts.computeIfAbsent(key, k -> new long[2]);
      c[0]++;
      c[1] += ((Number) r.get(3)).longValue();
      double price = (Double) r.get(2);
      double[] p = prices.computeIfAbsent(key, k -> new double[] {Double.MAX_VALUE, -Double.MAX_VALUE});
      p[0] = Math.min(p[0], price);
      p[1] = Math.max(p[1], price);
    }
    List<String> out = new ArrayList<>();
    counts.forEach((k, c) -> out.add(k + "|" + c[0] + "|" + c[1] + "|" + prices.get(k)[0] + "|" + prices.get(k)[1]));
    return out;
  }

  static List<String> windows(Path table) throws Exception {
    return DeltaTables.rows(table).stream().map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2) + "|"
        + ((Number) r.get(3)).longValue() + "|" + ((Number) r.get(4)).longValue() + "|" + r.get(5) + "|" + r.get(6))
        .sorted().toList();
  }

  static List<String> rowsAsText(Path table) throws Exception {
    return DeltaTables.rows(table).stream().map(List::toString).sorted().toList();
  }

  static long latestCheckpoint(Path checkpoints) throws Exception {
    return Long.parseLong(Files.readString(checkpoints.resolve("checkpoints").resolve("latest")).trim());
  }

  static void assertNoOrphans(Path table) throws Exception {
    assertEquals(DeltaTables.referencedFiles(table).keySet(), DeltaTables.parquetFilesOnDisk(table),
        "the data files on disk are exactly those the log references");
    assertEquals(List.of(), DeltaTables.laminarFiles(table), "no manifests or staged files are left");
  }

  @Test
  void boundedGeneratorIntoRawRowsAndTumblingWindows() throws Exception {
    int rows = 20_000;
    Path config = dir.resolve("bounded.toml");
    Path cp = dir.resolve("cp");
    Path raw = dir.resolve("raw");
    Path windows = dir.resolve("windows");
    Files.writeString(config, config("bounded", cp, raw, windows, rows, 20_000));
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("bounded"), 180, run(config));
    assertEquals(0, r.exit(), r.stderr());

    List<List<Object>> rawRows = DeltaTables.rows(raw);
    assertEquals(rows, rawRows.size());
    Set<Long> ids = rawRows.stream().map(x -> (Long) x.get(0)).collect(Collectors.toSet());
    assertEquals(rows, ids.size(), "every id once");
    List<String> expected = expectedWindows(rawRows);
    assertEquals(5 * (rows / 1000), expected.size(), "20 s of event time, 5 symbols");
    assertEquals(expected, windows(windows));

    long last = latestCheckpoint(cp);
    assertEquals(last, DeltaTables.txnVersion(raw, "bounded/raw").orElseThrow(), "txn version = the last epoch");
    assertEquals(last, DeltaTables.txnVersion(windows, "bounded/windows").orElseThrow());
    for (Map.Entry<String, Map<String, String>> f : DeltaTables.referencedFiles(windows).entrySet()) {
      assertEquals(windows.resolve("symbol=" + f.getValue().get("symbol")), Path.of(f.getKey()).getParent());
    }
    long version = DeltaTables.snapshot(raw).getVersion();
    assertTrue(version >= 2, "version " + version);
    for (long v = 1; v <= version; v++) {
      assertEquals(v % 2 == 0, DeltaTables.hasCheckpoint(raw, v), "a Delta log checkpoint every 2 versions: " + v);
    }
    assertNoOrphans(raw);
    assertNoOrphans(windows);
    assertFalse(r.stderr().contains("\tat "), r.stderr());
  }

  @Test
  void sigkillAtThreeRandomMomentsStillWritesEveryRowExactlyOnce() throws Exception {
    int rows = 60_000;
    // the reference: the same input, uninterrupted and unthrottled
    Path refConfig = dir.resolve("ref.toml");
    Files.writeString(refConfig, config("ref", dir.resolve("ref-cp"), dir.resolve("ref-raw"),
        dir.resolve("ref-windows"), rows, 1_000_000));
    ServerProcess.Result ref = LaminarProcess.run(dir.resolve("ref"), 180, run(refConfig));
    assertEquals(0, ref.exit(), ref.stderr());

    Path config = dir.resolve("crash.toml");
    Path raw = dir.resolve("raw");
    Path windows = dir.resolve("windows");
    Files.writeString(config, config("crash", dir.resolve("cp"), raw, windows, rows, 4_000));
    Path logs = dir.resolve("crash");
    Random random = new Random(20261202);
    int commitsBefore = 0;
    for (int kill = 0; kill < 3; kill++) {
      ServerProcess server = LaminarProcess.start(logs, run(config));
      int before = commitsBefore;
      // both sinks committed an epoch in this run: from here on a kill interrupts real progress
      server.await("two commits in this run", 120, () -> count(server.stderr(), "committed epoch") >= before + 2);
      Thread.sleep(random.nextInt(2500)); // a random moment to crash at, not a synchronisation
      assertTrue(server.isAlive(), () -> "laminar ended before the kill:\n" + server.stderr());
      server.kill();
      commitsBefore = count(server.stderr(), "committed epoch");
    }
    ServerProcess last = LaminarProcess.start(logs, run(config));
    assertTrue(last.waitFor(240), "the last run ends by itself (bounded input)");
    assertEquals(0, last.exitValue(), last.stderr());
    assertTrue(count(last.stderr(), "restoring from checkpoint") >= 1, "the kills came after checkpoints: "
        + last.stderr());

    List<List<Object>> rawRows = DeltaTables.rows(raw);
    assertEquals(rows, rawRows.size(), "count");
    assertEquals(checksum(DeltaTables.rows(dir.resolve("ref-raw"))), checksum(rawRows), "checksum over all columns");
    assertEquals(rowsAsText(dir.resolve("ref-raw")), rowsAsText(raw));
    assertEquals(windows(dir.resolve("ref-windows")), windows(windows));
    assertEquals(expectedWindows(rawRows), windows(windows));
    assertNoOrphans(raw);
    assertNoOrphans(windows);
  }

  static long checksum(List<List<Object>> rows) {
    long sum = 0;
    for (List<Object> r : rows) {
      sum += r.toString().hashCode() * 0x9E3779B97F4A7C15L;
    }
    return sum;
  }

  static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void anExistingTableWithAnotherSchemaIsRefusedNamingTheColumnsWithExit78() throws Exception {
    Path raw = dir.resolve("raw");
    Path config = dir.resolve("first.toml");
    Files.writeString(config, config("first", dir.resolve("cp1"), raw, dir.resolve("w1"), 100, 100_000));
    assertEquals(0, LaminarProcess.run(dir.resolve("first"), 120, run(config)).exit());
    // the same table, written now by a pipeline with other columns
    Path other = dir.resolve("other.toml");
    Files.writeString(other, config("other", dir.resolve("cp2"), raw, dir.resolve("w2"), 100, 100_000)
        .replace("SELECT id, symbol, price, qty, ts FROM trades", "SELECT id, symbol, qty AS amount FROM trades"));
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("other"), 120, run(other));
    assertEquals(78, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("column 'amount' of the pipeline's output is not in table " + raw), r.stderr());
    assertTrue(r.stderr().contains("column 'price' (double) of table " + raw + " is not in the pipeline's output"),
        r.stderr());
    assertTrue(r.stderr().contains("column 'ts' (timestamp) of table"), r.stderr());
    assertFalse(r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
  }

  @Test
  void anUnwritablePathExits69NamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    Path config = dir.resolve("bad.toml");
    Files.writeString(config, config("bad", dir.resolve("cp"), file.resolve("raw"), dir.resolve("w"), 10, 1000));
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("bad"), 120, run(config));
    assertEquals(69, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("cannot write the Delta table at " + file.resolve("raw") + ": " + file
        + " is not a directory"), r.stderr());
    assertFalse(r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
  }

  @Test
  void anUnknownPartitionColumnIsReportedAtItsKeyWithExit78() throws Exception {
    Path config = dir.resolve("part.toml");
    String text = config("part", dir.resolve("cp"), dir.resolve("raw"), dir.resolve("w"), 10, 1000)
        .replace("\"partition.columns\" = \"symbol\"", "\"partition.columns\" = \"symbl\"");
    Files.writeString(config, text);
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("part"), 120, run(config));
    assertEquals(78, r.exit(), r.stderr());
    int line = 1 + (int) text.substring(0, text.indexOf("\"partition.columns\"")).lines().count();
    assertTrue(r.stderr().contains("part.toml:" + line + ":"), "at the key's line " + line + ": " + r.stderr());
    assertTrue(r.stderr().contains("'symbl' is not a column of the pipeline's output"), r.stderr());
    assertTrue(r.stderr().contains("(did you mean 'symbol'?)"), r.stderr());
  }
}
