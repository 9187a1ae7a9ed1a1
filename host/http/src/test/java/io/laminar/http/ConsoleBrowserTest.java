package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.laminar.testkit.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in a real headless Chromium (Debian's {@code chromium} package, which
 * {@code .ci/run} installs) against a running engine with a generator pipeline and
 * {@code [server] auth_token} set. The plugins table shows the fixture's test plugins
 * ({@code vault-plugin}, started, and {@code broken}, failed with a load error). Every JavaScript
 * exception, console error and error log entry fails the test; the only ones expected are the
 * network log lines of the 401 answers the test provokes on purpose.
 */
class ConsoleBrowserTest {
  private static final String TOKEN = "console-token-7d41c2";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path SCREENSHOT = Path.of("target", "console-screenshot.png");

  @TempDir Path dir;
  @TempDir Path profile;

  @Test
  void consoleShowsLivePipelinesPlanPluginsAndChecksTheTokenForCheckpoints() throws Exception {
    Optional<Path> executable = Chromium.forTest();
    Assumptions.assumeTrue(executable.isPresent(), "chromium not found (looked at LAMINAR_CHROMIUM and "
        + Chromium.CANDIDATES + "); install it with: apt-get install -y chromium (.ci/run does)");
    try (LaminarFixture fx = LaminarFixture.start(dir, Optional.empty(), null, LaminarFixture.WITH_GAUGES);
        HttpApi api = fx.startAnother(Optional.of(TOKEN), CheckpointTrigger.of(fx.engine));
        Chromium browser = Chromium.launch(executable.get(), profile)) {
      fx.awaitRows();
      browser.navigate(LaminarFixture.uri(api, "/"));

      // Open endpoints fill the overview; the API answers 401, so the page asks for the token.
      browser.await("!document.getElementById('auth').hidden", WAIT);
      browser.await("document.getElementById('server-version').textContent === 'v9.9.9-test'", WAIT);
      browser.await("document.getElementById('ready-badge').textContent === 'ready'", WAIT);

      // Without the token the checkpoint is refused.
      browser.eval("document.getElementById('checkpoint-button').click()");
      browser.await("document.getElementById('checkpoint-result').dataset.outcome === 'failed'", WAIT);
      String refused = browser.eval("document.getElementById('checkpoint-result').textContent").asText();
      assertTrue(refused.contains("HTTP 401") && refused.contains("missing Authorization"), refused);

      // A wrong token is refused too, and said so.
      submitToken(browser, TOKEN + "-wrong");
      browser.await("document.getElementById('auth-error').textContent.includes('invalid bearer token')", WAIT);

      submitToken(browser, TOKEN);
      browser.await("document.getElementById('auth').hidden", WAIT);
      assertEquals("laminar", browser.eval("document.getElementById('server-name').textContent").asText());

      // The rates come from counter deltas between polls: non-zero once two polls saw rows flowing.
      browser.await("parseFloat(document.querySelector('tr[data-pipeline=\"cheap\"] .rows-in').textContent) > 0", WAIT);
      browser.await("document.querySelector('tr[data-pipeline=\"cheap\"] svg.spark polyline') !== null", WAIT);
      assertEquals("RUNNING", browser.eval("document.querySelector('tr[data-pipeline=\"cheap\"] .state').textContent")
          .asText());

      // Click the pipeline: the plan graph from explain, the SQL and where it is in the config.
      browser.eval("document.querySelector('tr[data-pipeline=\"enriched\"]').click()");
      browser.await("document.querySelectorAll('#plan-graph g.plan-node').length >= 5", WAIT);
      JsonNode nodes = browser.eval("Array.from(document.querySelectorAll('#plan-graph g.plan-node'))"
          + ".map(g => g.getAttribute('class') + ' ' + g.querySelector('title').textContent)");
      String graph = nodes.toString();
      assertTrue(graph.contains("plan-node sink sink enriched_out"), graph);
      assertTrue(graph.contains("plan-node source") && graph.contains("trades"), graph);
      assertTrue(graph.contains("plan-node lookup lookup names"), "the lookup is in the plan: " + graph);
      assertEquals("SELECT t.symbol, n.name FROM trades t JOIN names n ON t.symbol = n.symbol",
          browser.eval("document.getElementById('plan-sql').textContent").asText());
      String position = browser.eval("document.getElementById('plan-position').textContent").asText();
      assertTrue(position.matches(".*laminar\\.toml:\\d+:8"), position);
      assertTrue(browser.eval("document.querySelectorAll('#plan-graph line').length").asInt() >= nodes.size() - 1);

      // Plugins: the built-ins, the started test plugin and the one that failed to load.
      browser.await("document.querySelector('tr[data-plugin=\"vault-plugin\"]') !== null", WAIT);
      assertEquals(List.of("vault-plugin", "1.2.3", "STARTED", "source:vault", "/opt/laminar/plugins/vault-plugin", ""),
          browser.cells("tr[data-plugin=\"vault-plugin\"]"));
      List<String> broken = browser.cells("tr[data-plugin=\"broken\"]");
      assertEquals("FAILED", broken.get(2));
      assertEquals("cannot read plugin.properties", broken.get(5));
      assertTrue(browser.cells("tr[data-plugin=\"builtin\"]").get(3).contains("source:generator"));

      // Sources, lookups, sinks: connector and plugin, with secrets masked as the API masks them.
      assertEquals(List.of("vault", "vault", "vault-plugin", "RUNNING"),
          browser.cells("#sources-body tr[data-name=\"vault\"]").subList(0, 4));
      String page = browser.eval("document.body.innerText").asText();
      assertTrue(page.contains("extra.color = blue"), page);
      assertFalse(page.contains(LaminarFixture.VAULT_PASSWORD), "the vault password is on the page");
      assertFalse(page.contains(LaminarFixture.VAULT_EXTRA_TOKEN), "a secret property is on the page");
      assertFalse(page.contains(TOKEN), "the bearer token is on the page");
      assertEquals(List.of("names", "csv", "builtin", "RUNNING"),
          browser.cells("#lookups-body tr[data-name=\"names\"]").subList(0, 4));
      assertEquals("cheap", browser.cells("#sinks-body tr[data-name=\"cheap_out\"]").get(4));

      // Tagged gauges, one row per tag set in natural order (Kafka lag per partition), unknown as a dash.
      String lag = "#sources-body tr[data-name=\"vault\"] table.series[data-metric=\"lag_records\"]";
      assertEquals("lag_records per partition", browser.eval("document.querySelector('" + lag.replace("'", "\\'")
          + " caption').textContent").asText());
      assertEquals("[[\"orders-0\",\"5\"],[\"orders-1\",\"7\"],[\"orders-2\",\"–\"],[\"orders-10\",\"1\"]]",
          browser.eval("Array.from(document.querySelectorAll('" + lag.replace("'", "\\'") + " tr'))"
              + ".map(r => Array.from(r.cells).map(c => c.textContent))").toString());
      assertTrue(browser.cells("#sources-body tr[data-name=\"vault\"]").get(4).contains("lag_records = 13"));

      // A CDC snapshot's progress as a bar, with the rows read so far and the estimate.
      String snapshot = "#sources-body tr[data-name=\"vault\"] .snapshot";
      assertEquals("snapshot 40.0% (400 of ~1,000 rows)",
          browser.eval("document.querySelector('" + snapshot.replace("'", "\\'") + " .snapshot-text').textContent").asText());
      assertEquals("40%", browser.eval("document.querySelector('" + snapshot.replace("'", "\\'")
          + " .snapshot-bar > span').style.width").asText());
      assertEquals("40.0", browser.eval("document.querySelector('" + snapshot.replace("'", "\\'")
          + " .snapshot-bar').getAttribute('aria-valuenow')").asText());

      // The lookup's cache hit ratio (hits come with the batches after the first).
      browser.await("/^cache hit ratio [0-9.]+% \\([0-9,]+ hits, [0-9,]+ misses, 0 evictions; size 10,000, ttl 1m 0s\\)$/"
          + ".test(document.querySelector('#lookups-body tr[data-name=\"names\"] .cache-text').textContent)"
          + " && parseFloat(document.querySelector('#lookups-body tr[data-name=\"names\"] .cache').dataset.hitRatio) > 0",
          WAIT);

      // With the token the checkpoint is taken and shows up in the overview.
      browser.eval("document.getElementById('checkpoint-button').click()");
      browser.await("document.getElementById('checkpoint-result').dataset.outcome === 'ok'", WAIT);
      String taken = browser.eval("document.getElementById('checkpoint-result').textContent").asText();
      assertTrue(taken.matches("checkpoint \\d+ taken in .*"), taken);
      String id = taken.split(" ")[1];
      browser.await("document.getElementById('ov-checkpoint').textContent.startsWith('#" + id + ", ')", WAIT);
      browser.await("document.getElementById('ov-checkpoints').textContent.startsWith('1 taken')", WAIT);
      String next = browser.eval("document.getElementById('ov-next').textContent").asText();
      assertTrue(next.matches("in (59m \\d+s|1h 0m) \\(every 1h 0m\\)"), next);
      // The sinks' commit latency, from that checkpoint.
      try {
        browser.await("/^last_commit_duration_seconds = [0-9.]+ (ms|s)$/.test(document.querySelector("
            + "'#sinks-body tr[data-name=\"cheap_out\"] li[data-key=\"last_commit_duration_seconds\"]').textContent)", WAIT);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; the sink's row: " + browser.cells("#sinks-body tr[data-name=\"cheap_out\"]")
            + "; page errors: " + browser.errors(), e);
      }
      assertTrue(Files.list(dir.resolve("checkpoints")).findAny().isPresent(), "no checkpoint written");

      // The token is kept for the tab only, never in the URL.
      assertEquals(TOKEN, browser.eval("sessionStorage.getItem('laminar.token')").asText());
      assertEquals(LaminarFixture.uri(api, "/").toString(), browser.eval("location.href").asText());

      browser.screenshot(SCREENSHOT);

      // Once the engine stops, readiness turns and says why; the pipelines show their new state.
      fx.stopEngine();
      browser.await("document.getElementById('ready-badge').textContent === 'not ready'", WAIT);
      String ready = browser.eval("document.getElementById('ov-ready').textContent").asText();
      assertTrue(ready.startsWith("not ready: ") && ready.contains("pipeline cheap is "), ready);
      browser.await("document.querySelector('tr[data-pipeline=\"cheap\"] .state').textContent !== 'RUNNING'", WAIT);
      assertTrue(Files.size(SCREENSHOT) > 0);
      List<Chromium.PageError> errors = browser.errors().stream().filter(e -> !expectedStatus(e)).toList();
      assertEquals(List.of(), errors, "JavaScript errors on the page");

      // The collector sees what it must: an uncaught exception and console.error.
      browser.eval("setTimeout(() => { throw new Error('collector probe 1'); }, 0); console.error('collector probe 2')");
      assertEquals("exception", browser.awaitError("collector probe 1", WAIT).kind());
      assertEquals("console.error", browser.awaitError("collector probe 2", WAIT).kind());
    }
  }

  private static void submitToken(Chromium browser, String token) throws Exception {
    browser.eval("document.getElementById('auth-token').value = " + new com.fasterxml.jackson.databind.ObjectMapper()
        .writeValueAsString(token) + "; document.getElementById('auth-submit').click()");
  }

  /**
   * The browser logs every error status the page received: the 401s the test provoked on purpose,
   * and the 503 of {@code /ready} once the engine stopped.
   */
  private static boolean expectedStatus(Chromium.PageError e) {
    return e.kind().equals("log:network") && (e.text().contains("status of 401")
        || e.text().contains("status of 503") && e.text().endsWith("/ready"));
  }
}
