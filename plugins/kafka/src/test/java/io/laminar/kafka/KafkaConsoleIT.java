package io.laminar.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.Chromium;
import io.laminar.testkit.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console of the real server (a child JVM running {@code laminar run}) with the packaged
 * kafka plugin, in a headless Chromium ({@link Chromium}, Debian's {@code chromium}): the plugins
 * table lists the kafka plugin, the kafka source shows its plugin and lag, the pipeline's rows/s
 * rise while records arrive, and the page reports no JavaScript error. Screenshot:
 * {@code target/console-kafka-screenshot.png}.
 */
class KafkaConsoleIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Pattern LISTENING = Pattern.compile("HTTP API listening on (http://127\\.0\\.0\\.1:\\d+)");
  private static final Path SCREENSHOT = Path.of("target", "console-kafka-screenshot.png");
  private static EmbeddedKafka kafka;

  @TempDir Path dir;
  @TempDir Path profile;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void theConsoleListsTheKafkaPluginAndShowsTheKafkaSourceRunning() throws Exception {
    Optional<Path> executable = Chromium.forTest();
    Assumptions.assumeTrue(executable.isPresent(), "chromium not found (looked at LAMINAR_CHROMIUM and "
        + Chromium.CANDIDATES + "); install it with: apt-get install -y chromium (.ci/run does)");
    String topic = kafka.createTopic("console", 2);
    Path config = Files.writeString(dir.resolve("console.toml"), """
        [server]
        name = "console-it"
        bind = "127.0.0.1:0"

        [checkpoint]
        path = "%s"
        interval = "1s"

        [[source]]
        name = "trades"
        connector = "kafka"
        [source.properties]
        "bootstrap.servers" = "%s"
        topic = "%s"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "qty"
        type = "INT"

        [[pipeline]]
        name = "copy"
        sql = "SELECT symbol, qty FROM trades"

        [[sink]]
        name = "out"
        pipeline = "copy"
        connector = "blackhole"
        """.formatted(dir.resolve("cp"), kafka.bootstrapServers(), topic));

    AtomicBoolean feeding = new AtomicBoolean(true);
    AtomicReference<Exception> feedFailure = new AtomicReference<>();
    Thread feeder = new Thread(() -> {
      try {
        for (int round = 0; feeding.get(); round++) {
          for (int partition = 0; partition < 2; partition++) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
              values.add("{\"symbol\":\"S" + (i % 7) + "\",\"qty\":" + (round * 50 + i) + "}");
            }
            kafka.sendAll(topic, partition, values);
          }
          Thread.sleep(100); // the pace of the input, not a wait for a condition
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        feedFailure.set(e);
      }
    }, "console-feeder");
    feeder.start();

    ServerProcess server = LaminarProcess.start(dir.resolve("console"), "run", "--plugins",
        LaminarProcess.KAFKA_PLUGIN.getParent().toString(), "-c", config.toString());
    try (Chromium browser = Chromium.launch(executable.get(), profile)) {
      server.await("the HTTP API", 60, () -> LISTENING.matcher(server.stderr()).find());
      Matcher m = LISTENING.matcher(server.stderr());
      assertTrue(m.find());
      // HTTP is up before the engine: load the page once it is ready, so no 503 of /ready is logged
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest ready = HttpRequest.newBuilder(URI.create(m.group(1) + "/ready")).timeout(Duration.ofSeconds(5)).build();
      server.await("readiness", 60, () -> {
        try {
          return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
          return false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      });
      browser.navigate(URI.create(m.group(1) + "/"));

      browser.await("document.getElementById('server-name').textContent === 'console-it'", WAIT);
      browser.await("document.querySelector('tr[data-plugin=\"kafka\"]') !== null", WAIT);
      List<String> plugin = browser.cells("tr[data-plugin=\"kafka\"]");
      assertEquals("kafka", plugin.get(0));
      assertEquals("STARTED", plugin.get(2), plugin.toString());
      assertEquals("sink:kafka, source:kafka", plugin.get(3), plugin.toString());
      assertTrue(plugin.get(4).endsWith("kafka"), "loaded from the packaged plugin: " + plugin);
      assertEquals("", plugin.get(5), "no load error: " + plugin);

      browser.await("document.querySelector('#sources-body tr[data-name=\"trades\"]') !== null", WAIT);
      assertEquals(List.of("trades", "kafka", "kafka"), browser.cells("#sources-body tr[data-name=\"trades\"]")
          .subList(0, 3));
      browser.await("document.querySelector('#sources-body tr[data-name=\"trades\"]').cells[3].textContent === 'RUNNING'",
          WAIT);
      browser.await("document.querySelector('#sources-body tr[data-name=\"trades\"] li[data-key=\"lag_records\"]')"
          + " !== null", WAIT);
      browser.await("parseFloat(document.querySelector('tr[data-pipeline=\"copy\"] .rows-in').textContent) > 0", WAIT);
      browser.await("document.getElementById('ov-checkpoint').textContent.startsWith('#')", WAIT);

      browser.screenshot(SCREENSHOT);
      assertTrue(Files.size(SCREENSHOT) > 0);
      assertEquals(List.of(), browser.errors(), "JavaScript errors on the page");
    } finally {
      feeding.set(false);
      feeder.join(10_000);
      if (server.isAlive()) {
        assertEquals(0, server.stop(30), server.stderr());
      }
    }
    assertEquals(null, feedFailure.get());
  }
}
