package io.laminar.config;

import static io.laminar.config.TestConfigs.assertOnlyError;
import static io.laminar.config.TestConfigs.load;
import static io.laminar.config.TestConfigs.ok;
import static io.laminar.config.TestConfigs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings that passed validation and then misbehaved: each is now refused or fixed with a message. */
class SmallSettingsTest {
  @TempDir
  Path dir;

  @Test
  void checkpointIntervalBelowOneMillisecondIsRefusedAtItsPosition() {
    Path f = write(dir, "c.toml", "[checkpoint]\ninterval = \"500us\"\n");
    assertOnlyError(load(f), f, 2, 12, "'interval' in [checkpoint] must be at least 1ms, got 500us");
  }

  @Test
  void checkpointIntervalOfOneMillisecondIsAccepted() {
    Path f = write(dir, "c.toml", "[checkpoint]\ninterval = \"1ms\"\n");
    assertEquals(Duration.ofMillis(1), ok(load(f)).checkpoint().interval());
  }

  @Test
  void tooLargeDurationSaysSoAndGivesTheMaximum() {
    Path f = write(dir, "d.toml", "[server]\nshutdown_timeout = \"99999999999d\"\n");
    assertOnlyError(load(f), f, 2, 20, "'shutdown_timeout' in [server] is too large: \"99999999999d\" exceeds the"
        + " maximum duration 106751d23h47m16s854ms775us807ns (about 292 years)");
  }

  @Test
  void tooLargeDurationPropertySaysSo() {
    ConnectorSpec spec = ConnectorSpec.builder("x", ConnectorKind.SOURCE)
        .property(PropertySpec.builder("wait", PropertyType.DURATION).build()).build();
    Path f = dir.resolve("p.toml");
    RawProperties raw = new RawProperties(Map.of("wait", new RawProperty("wait", "99999999999d",
        new Position(f, 3, 1))), Position.startOf(f));
    List<ConfigError> errors = PropertyValidator.validate(spec, "source 's'", raw).errors();
    assertEquals(1, errors.size());
    assertTrue(errors.get(0).message().startsWith("property 'wait' of source 's' (connector x) is too large:"),
        errors.get(0).message());
  }

  @Test
  void authTokenWithATrailingNewlineIsTrimmedWithAWarning() {
    Path f = write(dir, "a.toml", "[server]\nauth_token = \"${TOKEN}\"\n");
    ConfigResult r = load(Map.of("TOKEN", "s3cret\n"), f);
    assertEquals("s3cret", ok(r).server().authToken().orElseThrow().reveal());
    assertEquals(1, r.warnings().size());
    ConfigError w = r.warnings().get(0);
    assertEquals(f + ":2:14", w.position().toString());
    assertTrue(w.message().startsWith("'auth_token' in [server] has leading or trailing whitespace"), w.message());
    assertTrue(!w.message().contains("s3cret"), "the token is never printed");
  }

  @Test
  void authTokenOfOnlyWhitespaceIsEmptyAndRefused() {
    Path f = write(dir, "a.toml", "[server]\nauth_token = \" \\n\"\n");
    assertOnlyError(load(f), f, 2, 14, "'auth_token' in [server] must not be empty (remove it to disable auth)");
  }
}
