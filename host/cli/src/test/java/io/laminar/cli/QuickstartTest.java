package io.laminar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code examples/quickstart.toml} as the README says, through the real command line in a child
 * JVM (with an overlay that only moves its state into a temporary directory and picks a free HTTP
 * port), and checks the table it prints: the header, one row per symbol and second, every trade
 * counted once, and the sample rows the README shows.
 */
class QuickstartTest {
  private static final List<String> SYMBOLS = List.of("AAPL", "MSFT", "GOOG", "AMZN", "META", "NVDA", "TSLA", "ORCL",
      "IBM", "INTC");

  @TempDir Path dir;

  /** The repository root: the nearest directory above the working directory holding examples/. */
  private static Path repository() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("examples/quickstart.toml"))) {
        return p;
      }
    }
    throw new AssertionError("examples/quickstart.toml not found above " + Path.of("").toAbsolutePath());
  }

  @Test
  void theQuickstartPrintsOneRowPerSymbolAndSecondAndEndsByItself() throws Exception {
    Path repo = repository();
    Path overlay = dir.resolve("test-overlay.toml");
    Files.writeString(overlay, """
        [server]
        bind = "127.0.0.1:0"
        [state]
        path = "%s"
        [checkpoint]
        path = "%s"
        """.formatted(dir.resolve("state"), dir.resolve("checkpoints")));
    Path stdout = dir.resolve("stdout.txt");
    Path stderr = dir.resolve("stderr.txt");
    Process p = ChildLaminar.start(stdout, stderr, "run", "-c", repo.resolve("examples/quickstart.toml").toString(),
        "-c", overlay.toString());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the quickstart did not end by itself");
    String err = Files.readString(stderr);
    assertEquals(0, p.exitValue(), err);
    assertTrue(err.lines().anyMatch("laminar: all input processed; done."::equals), err);

    List<String> lines = Files.readAllLines(stdout);
    assertEquals(List.of("symbol", "window_start", "window_end", "trades", "avg_price", "volume"),
        List.of(lines.get(0).split(" +")), lines.get(0));
    long trades = 0;
    Set<String> windows = new HashSet<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(" +");
      assertEquals(6, cells.length, line);
      assertTrue(SYMBOLS.contains(cells[0]), line);
      Instant start = Instant.parse(cells[1]);
      assertEquals(start.plus(Duration.ofSeconds(1)), Instant.parse(cells[2]), line);
      assertTrue(windows.add(cells[0] + " " + start), "window printed twice: " + line);
      double avg = Double.parseDouble(cells[4]);
      assertTrue(avg >= 10 && avg <= 500, line);
      trades += Long.parseLong(cells[3]);
    }
    assertEquals(20_000, trades, "every generated trade is counted in exactly one window");
    assertEquals(10 * 10, windows.size(), "10 symbols x 10 s of event time");

    List<String> documented = readmeSample(repo);
    assertTrue(documented.size() >= 2, () -> "the README shows the quickstart's output:\n" + String.join("\n", lines));
    // compared cell by cell: column widths depend on which worker's window is printed first
    List<List<String>> printed = lines.stream().map(l -> List.of(l.split(" +"))).toList();
    assertEquals(printed.get(0), List.of(documented.get(0).split(" +")), "the README's header");
    for (String row : documented.subList(1, documented.size())) {
      assertTrue(printed.contains(List.of(row.split(" +"))), "the README shows a row the quickstart does not print: "
          + row);
    }
  }

  /** The lines of the README's quickstart output sample (the code block after "prints"). */
  private static List<String> readmeSample(Path repo) throws Exception {
    List<String> readme = Files.readAllLines(repo.resolve("README.md"));
    int marker = readme.indexOf("<!-- quickstart output: checked by QuickstartTest -->");
    assertTrue(marker >= 0, "README.md lost its quickstart output sample");
    List<String> sample = new ArrayList<>();
    for (String line : readme.subList(marker + 2, readme.size())) {
      if (line.startsWith("```")) {
        break;
      }
      if (!line.equals("…")) {
        sample.add(line);
      }
    }
    return sample;
  }
}
