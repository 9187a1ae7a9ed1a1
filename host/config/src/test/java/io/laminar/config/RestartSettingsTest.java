package io.laminar.config;

import static io.laminar.config.TestConfigs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [server.restart]}, {@code [pipeline] restart}, {@code on_pipeline_failure} and {@code [checkpoint] timeout}. */
class RestartSettingsTest {
  @TempDir
  Path dir;

  private static final String PIPELINE = """
      [[source]]
      name = "s"
      connector = "generator"
      [[source.schema]]
      name = "id"
      type = "BIGINT"

      [[pipeline]]
      name = "p"
      sql = "SELECT id FROM s"
      """;

  private ConfigResult load(String toml) {
    return ConfigLoader.load(List.of(write(dir, "laminar.toml", toml)), Map.of());
  }

  private static String errors(ConfigResult r) {
    return String.join("\n", r.errors().stream().map(ConfigError::format).toList());
  }

  @Test
  void defaultsAreExponentialFromOneSecondToOneMinuteAndContinueOnFailure() {
    ConfigResult r = load(PIPELINE);
    assertTrue(r.ok(), errors(r));
    RestartSettings d = r.config().server().restart();
    assertEquals("exponential", d.strategy());
    assertEquals(Duration.ofSeconds(1), d.initial());
    assertEquals(Duration.ofMinutes(1), d.max());
    assertEquals(Optional.empty(), d.attempts());
    assertEquals("continue", r.config().server().onPipelineFailure());
    assertEquals(Duration.ofMinutes(10), r.config().checkpoint().timeout());
  }

  @Test
  void serverAndPipelineStrategiesAndTheCheckpointTimeoutAreRead() {
    ConfigResult r = load("""
        [server]
        on_pipeline_failure = "exit"
        [server.restart]
        strategy = "fixed_delay"
        attempts = 3
        delay = "5s"

        [checkpoint]
        timeout = "90s"

        """ + PIPELINE + "restart = { strategy = \"exponential\", initial = \"2s\", max = \"30s\", multiplier = 3, "
        + "reset_after = \"1h\" }\n");
    assertTrue(r.ok(), errors(r));
    RestartSettings server = r.config().server().restart();
    assertEquals("fixed_delay", server.strategy());
    assertEquals(Optional.of(3), server.attempts());
    assertEquals(Duration.ofSeconds(5), server.delay());
    assertTrue(r.config().server().exitOnPipelineFailure());
    assertEquals(Duration.ofSeconds(90), r.config().checkpoint().timeout());
    RestartSettings own = r.config().pipelines().get(0).restart().orElseThrow();
    assertEquals(3.0, own.multiplier());
    assertEquals(Duration.ofSeconds(2), own.initial());
    assertEquals(Duration.ofHours(1), own.resetAfter());
  }

  @Test
  void anUnknownRestartKeyIsPositionedWithDidYouMean() {
    ConfigResult r = load("[server.restart]\nstrategy = \"exponential\"\nmultiplyer = 2.0\n" + PIPELINE);
    assertEquals(1, r.errors().size(), errors(r));
    ConfigError e = r.errors().get(0);
    assertEquals(3, e.line());
    assertEquals(1, e.column());
    assertTrue(e.message().contains("unknown key 'multiplyer'") && e.message().contains("Did you mean 'multiplier'?"),
        e.message());
  }

  @Test
  void anUnknownStrategyAndOnPipelineFailureValueSuggestTheClosest() {
    ConfigResult r = load("[server]\non_pipeline_failure = \"exitt\"\n[server.restart]\nstrategy = \"fixed\"\n"
        + PIPELINE);
    String all = errors(r);
    assertEquals(2, r.errors().size(), all);
    assertTrue(all.contains(":2:23: error: 'on_pipeline_failure' in [server] must be one of continue, exit, got \"exitt\". "
        + "Did you mean 'exit'?"), all);
    assertTrue(all.contains(":4:12: error: 'strategy' in the restart strategy of [server] must be one of exponential, "
        + "fixed_delay, none, got \"fixed\"."), all);
  }

  @Test
  void aKeyOfTheOtherStrategyAndABadMultiplierAreErrors() {
    ConfigResult r = load(PIPELINE + "restart = { strategy = \"fixed_delay\", initial = \"1s\" }\n"
        + "[[pipeline]]\nname = \"q\"\nsql = \"SELECT id FROM s\"\nrestart = { multiplier = 0.5 }\n");
    String all = errors(r);
    assertEquals(2, r.errors().size(), all);
    assertTrue(all.contains("'initial' in the restart strategy of pipeline 'p' does not apply to strategy "
        + "\"fixed_delay\""), all);
    assertTrue(all.contains("'multiplier' in the restart strategy of pipeline 'q' must be between 1 and 1000, got 0.5"),
        all);
  }

  @Test
  void aCheckpointTimeoutOfZeroIsRefused() {
    ConfigResult r = load("[checkpoint]\ntimeout = \"0s\"\n" + PIPELINE);
    assertTrue(errors(r).contains(":2:11: error: 'timeout' in [checkpoint] must be greater than 0"), errors(r));
  }
}
