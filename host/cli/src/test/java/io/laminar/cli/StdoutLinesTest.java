package io.laminar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server in a child JVM with four {@code stdout} sinks (three JSON, one table) on pipelines
 * of one and of three workers, all printing at once: every line of its standard output must be one
 * whole row, every row must be there once, and the table's columns must stay where its header put them.
 */
class StdoutLinesTest {
  private static final int ROWS = 200_000;

  @TempDir Path dir;

  @Test
  void everyLineOfEverySinkReachesStandardOutputWhole() throws Exception {
    Path config = dir.resolve("stdout.toml");
    Files.writeString(config, """
        [server]
        bind = "127.0.0.1:0"
        workers = 3

        [checkpoint]
        path = "%s"

        [[source]]
        name = "gen"
        connector = "generator"
        [source.properties]
        max_rows = %d
        events_per_second = 10000
        start_time = "2026-01-01T00:00:00Z"
        "fields.id.kind" = "sequence"
        "fields.sym.values" = "AAA,BBB,CCC,DDD,EEE,FFF"
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "sym"
        type = "VARCHAR"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"
        [source.watermark]
        column = "ts"
        max_out_of_orderness = "0s"

        [[pipeline]]
        name = "all_rows"
        sql = "SELECT id, sym, ts FROM gen"

        [[pipeline]]
        name = "even"
        sql = "SELECT id, sym FROM gen WHERE MOD(id, 2) = 0"

        [[pipeline]]
        name = "per_symbol"
        sql = "SELECT sym, window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE gen, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY sym, window_start, window_end"

        [[pipeline]]
        name = "tenth"
        sql = "SELECT id, ts FROM gen WHERE MOD(id, 10) = 0"

        [[sink]]
        name = "all_out"
        pipeline = "all_rows"
        connector = "stdout"

        [[sink]]
        name = "even_out"
        pipeline = "even"
        connector = "stdout"

        [[sink]]
        name = "per_symbol_out"
        pipeline = "per_symbol"
        connector = "stdout"

        [[sink]]
        name = "tenth_out"
        pipeline = "tenth"
        connector = "stdout"
        [sink.properties]
        format = "table"
        """.formatted(dir.resolve("checkpoints"), ROWS));
    Path stdout = dir.resolve("stdout.txt");
    Path stderr = dir.resolve("stderr.txt");
    Process p = ChildLaminar.start(stdout, stderr, "run", "--offline", "-c", config.toString());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run did not finish");
    assertEquals(0, p.exitValue(), () -> read(stderr));

    ObjectMapper json = new ObjectMapper();
    Set<Long> allIds = new HashSet<>();
    Set<Long> evenIds = new HashSet<>();
    long windowed = 0;
    List<String> table = new ArrayList<>();
    List<String> torn = new ArrayList<>();
    for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
      if (!line.startsWith("{")) {
        table.add(line);
        continue;
      }
      JsonNode row;
      try {
        row = json.readTree(line);
      } catch (java.io.IOException e) {
        torn.add(line);
        continue;
      }
      Set<String> fields = new TreeSet<>();
      row.fieldNames().forEachRemaining(fields::add);
      if (fields.equals(Set.of("id", "sym", "ts"))) {
        assertTrue(allIds.add(row.get("id").asLong()), "printed twice: " + line);
      } else if (fields.equals(Set.of("id", "sym"))) {
        assertTrue(evenIds.add(row.get("id").asLong()), "printed twice: " + line);
      } else if (fields.equals(Set.of("sym", "window_start", "n"))) {
        windowed += row.get("n").asLong();
      } else {
        torn.add(line);
      }
    }
    assertEquals(List.of(), torn.subList(0, Math.min(5, torn.size())), torn.size() + " lines are not one whole row");
    assertEquals(ROWS, allIds.size());
    assertEquals(ROWS / 2, evenIds.size());
    assertEquals(ROWS, windowed, "every row counted in exactly one window");

    assertEquals("id", table.get(0).split(" +")[0], "the table's header comes first: " + table.get(0));
    int tsColumn = table.get(0).indexOf("ts");
    Map<Long, Integer> tableIds = new HashMap<>();
    for (String line : table.subList(1, table.size())) {
      String[] cells = line.split(" +");
      assertEquals(2, cells.length, "not one table row: " + line);
      assertEquals(tsColumn, line.indexOf(cells[1]), "column moved: " + line);
      tableIds.merge(Long.parseLong(cells[0]), 1, Integer::sum);
    }
    assertEquals(ROWS / 10, tableIds.size());
    assertTrue(tableIds.values().stream().allMatch(n -> n == 1), "a table row printed twice");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
