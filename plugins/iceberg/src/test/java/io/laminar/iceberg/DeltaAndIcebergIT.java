package io.laminar.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation showcase: the packaged delta plugin (Delta Kernel 4.4, Parquet 1.16, its Hadoop and
 * Jackson) and this iceberg plugin (Iceberg 1.12, Parquet 1.17, its Hadoop and Jackson) loaded in one
 * server, each in its own class loader; one pipeline writes every row into a Delta table and into an
 * Iceberg table. Each table is read back with its own reader: Iceberg in this JVM with
 * IcebergGenerics, Delta in a child JVM whose class path is the delta plugin's lib/ (the two Parquet
 * versions never share a class path), and both must hold exactly the generated rows.
 */
class DeltaAndIcebergIT {
  private static final int ROWS = 20_000;
  private static final Path DELTA_PLUGIN = Path.of(System.getProperty("laminar.deltaPlugin",
      "target/other-plugins/delta"));
  private static final Set<String> SYMBOLS = Set.of("AAPL", "MSFT", "GOOG");
  @TempDir Path dir;

  private Path pluginsDir() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.createSymbolicLink(plugins.resolve("iceberg"), LaminarProcess.ICEBERG_PLUGIN.toAbsolutePath());
    Files.createSymbolicLink(plugins.resolve("delta"), DELTA_PLUGIN.toAbsolutePath());
    return plugins;
  }

  private void removeLinks() throws Exception {
    // the links point at the build's plugin directories, which must outlive the test
    Files.deleteIfExists(dir.resolve("plugins").resolve("iceberg"));
    Files.deleteIfExists(dir.resolve("plugins").resolve("delta"));
  }

  @Test
  void onePipelineWritesTheSameRowsIntoDeltaAndIcebergFromOneServer() throws Exception {
    try {
      Path plugins = pluginsDir();
      ServerProcess.Result list = LaminarProcess.run(dir.resolve("list"), 60, "plugins", "list", "--plugins",
          plugins.toString());
      assertEquals(0, list.exit(), list.stdout() + list.stderr());
      for (String id : List.of("delta", "iceberg")) {
        assertTrue(list.stdout().lines().anyMatch(l -> l.strip().startsWith(id + " ") && l.contains("STARTED")),
            "plugin " + id + " STARTED: " + list.stdout());
      }

      Path warehouse = dir.resolve("warehouse");
      Path deltaTable = dir.resolve("delta-table");
      String sinks = """
          warehouse = "%s"
          namespace = "lake"
          "table.name" = "trades"

          [[sink]]
          name = "delta"
          pipeline = "copy"
          connector = "delta_lake"
          delivery = "exactly_once"
          [sink.properties]
          "table.path" = "%s"
          """.formatted(warehouse, deltaTable);
      Path config = dir.resolve("both.toml");
      Files.writeString(config, IcebergServerIT.config("both", dir.resolve("cp"), sinks)
          .replace("max_rows = 200000", "max_rows = " + ROWS));
      ServerProcess.Result r = LaminarProcess.run(dir.resolve("both"), 240,
          "run", "--plugins", plugins.toString(), "-c", config.toString());
      assertEquals(0, r.exit(), r.stderr());
      // both plugins started in this one server process, which wrote both tables
      String log = r.stdout() + r.stderr();
      assertTrue(log.contains("Plugin loaded: delta "), log);
      assertTrue(log.contains("Plugin loaded: iceberg "), log);
      assertTrue(log.contains("Plugins: 2 started, 0 failed"), log);

      List<String> iceberg;
      try (var catalog = Fixtures.hadoopCatalog(warehouse)) {
        iceberg = icebergRows(catalog.loadTable(TableIdentifier.of("lake", "trades")));
      }
      List<String> delta = deltaRows(deltaTable);

      assertEquals(ROWS, iceberg.size(), "iceberg rows");
      assertEquals(ROWS, delta.size(), "delta rows");
      assertExpected(iceberg, "iceberg");
      assertExpected(delta, "delta");
      assertEquals(iceberg, delta, "the Delta and the Iceberg table hold the same rows, every column");
    } finally {
      removeLinks();
    }
  }

  /** The generator's rows: ids 0 … ROWS-1 each once (sorted by id), symbols and quantities in range. */
  private static void assertExpected(List<String> rows, String table) {
    for (int i = 0; i < rows.size(); i++) {
      String[] v = rows.get(i).split("\\|", -1);
      assertEquals(4, v.length, table + ": " + rows.get(i));
      assertEquals(i, Long.parseLong(v[0]), table + ": row " + i + " is " + rows.get(i));
      assertTrue(SYMBOLS.contains(v[1]), table + ": " + rows.get(i));
      int qty = Integer.parseInt(v[2]);
      assertTrue(qty >= 1 && qty <= 100, table + ": " + rows.get(i));
      Long.parseLong(v[3]);
    }
  }

  /** Every row through IcebergGenerics as id|symbol|qty|ts (ts in epoch microseconds), sorted by id. */
  private static List<String> icebergRows(Table table) throws Exception {
    List<Types.NestedField> columns = table.schema().columns();
    List<Row> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record rec : records) {
        List<String> values = new ArrayList<>(columns.size());
        for (Types.NestedField f : columns) {
          values.add(String.valueOf(micros(rec.getField(f.name()))));
        }
        rows.add(new Row(String.join("|", values)));
      }
    }
    return sorted(rows);
  }

  private static Object micros(Object v) {
    if (v instanceof LocalDateTime t) {
      return ChronoUnit.MICROS.between(LocalDateTime.ofEpochSecond(0, 0, ZoneOffset.UTC), t);
    } else if (v instanceof OffsetDateTime t) {
      return ChronoUnit.MICROS.between(OffsetDateTime.ofInstant(java.time.Instant.EPOCH, ZoneOffset.UTC), t);
    }
    return v;
  }

  /**
   * Every row of the Delta table, read by Delta Kernel in a child JVM: the single-file program
   * delta-read/DeltaRead.java launched from source with the delta plugin's lib/ (plus SLF4J's API,
   * which the plugin takes from the host) as its class path; one row per stdout line.
   */
  private List<String> deltaRows(Path table) throws Exception {
    Path program = Path.of(DeltaAndIcebergIT.class.getResource("/delta-read/DeltaRead.java").toURI());
    List<String> classPath = new ArrayList<>();
    try (Stream<Path> jars = Files.list(DELTA_PLUGIN.resolve("lib"))) {
      jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> classPath.add(p.toString()));
    }
    Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> Path.of(p).getFileName().toString().startsWith("slf4j-api-")).forEach(classPath::add);
    Path out = dir.resolve("delta-read.out");
    Path err = dir.resolve("delta-read.err");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", String.join(File.pathSeparator, classPath), program.toString(), table.toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    boolean done = p.waitFor(180, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly().waitFor();
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertTrue(done, "the Delta reader did not finish: " + stderr);
    assertEquals(0, p.exitValue(), stderr);
    return sorted(Files.readAllLines(out, StandardCharsets.UTF_8).stream().map(Row::new).toList());
  }

  private static List<String> sorted(List<Row> rows) {
    return rows.stream().sorted().map(Row::line).collect(Collectors.toList());
  }

  /** A printed row, ordered by its leading id. */
  private record Row(String line) implements Comparable<Row> {
    long id() {
      return Long.parseLong(line.substring(0, line.indexOf('|')));
    }

    @Override
    public int compareTo(Row o) {
      int c = Long.compare(id(), o.id());
      return c != 0 ? c : line.compareTo(o.line);
    }
  }
}
