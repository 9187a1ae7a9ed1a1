package io.laminar.config;

import static io.laminar.config.TestConfigs.load;
import static io.laminar.config.TestConfigs.ok;
import static io.laminar.config.TestConfigs.source;
import static io.laminar.config.TestConfigs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertyValidatorTest {
  private static final ConnectorSpec SPEC = ConnectorSpec.builder("kafka", ConnectorKind.SOURCE)
      .property(PropertySpec.requiredString("topic", "Kafka topic to read"))
      .property(PropertySpec.builder("partitions", PropertyType.INT).defaultValue("1").build())
      .property(PropertySpec.builder("max_bytes", PropertyType.LONG).build())
      .property(PropertySpec.builder("ratio", PropertyType.DOUBLE).defaultValue("0.25").build())
      .property(PropertySpec.builder("compacted", PropertyType.BOOLEAN).defaultValue("false").build())
      .property(PropertySpec.builder("poll_timeout", PropertyType.DURATION).defaultValue("250ms").build())
      .property(PropertySpec.builder("offset_reset", PropertyType.ENUM).allowedValues("earliest", "latest")
          .defaultValue("latest").build())
      .property(PropertySpec.builder("password", PropertyType.PASSWORD).build())
      .property(PropertySpec.builder("kafka.*", PropertyType.STRING).doc("passed to the client").build())
      .build();

  @TempDir
  Path dir;

  private Path file;

  /** The properties of a source whose properties table starts on line 5 and has one key per line from line 6. */
  private RawProperties props(String... lines) {
    file = write(dir, "a.toml", source("orders") + "[source.properties]\n" + String.join("\n", lines) + "\n");
    return ok(load(file)).sources().get(0).properties();
  }

  private ValidatedProperties validate(String... lines) {
    return PropertyValidator.validate(SPEC, "source 'orders'", props(lines));
  }

  private ConfigError onlyError(ValidatedProperties v) {
    assertEquals(1, v.errors().size(), () -> TestConfigs.render(v.errors()));
    return v.errors().get(0);
  }

  @Test
  void everyTypeConvertsFromItsTomlForm() {
    ValidatedProperties v = validate("topic = \"t\"", "partitions = 12", "max_bytes = 5000000000", "ratio = 0.5",
        "compacted = true", "poll_timeout = \"1.5s\"", "offset_reset = \"EARLIEST\"", "password = \"hunter2\"");
    assertTrue(v.ok(), () -> TestConfigs.render(v.errors()));
    ConnectorProperties p = v.properties();
    assertEquals("t", p.requireString("topic"));
    assertEquals(12, p.integer("partitions").orElseThrow());
    assertEquals(5_000_000_000L, p.longValue("max_bytes").orElseThrow());
    assertEquals(0.5, p.doubleValue("ratio").orElseThrow());
    assertEquals(true, p.bool("compacted").orElseThrow());
    assertEquals(Duration.ofMillis(1500), p.duration("poll_timeout").orElseThrow());
    assertEquals("earliest", p.string("offset_reset").orElseThrow());
    assertEquals(new Secret("hunter2"), p.secret("password").orElseThrow());
  }

  @Test
  void passThroughCredentialsBecomeSecretsThatTheClientStillGetsInClear() {
    String pem = "-----BEGIN PRIVATE KEY-----abc-----END PRIVATE KEY-----";
    ValidatedProperties v = validate("topic = \"t\"", "\"kafka.ssl.keystore.key\" = \"" + pem + "\"",
        "\"kafka.client.id\" = \"c1\"");
    assertTrue(v.ok(), () -> TestConfigs.render(v.errors()));
    ConnectorProperties p = v.properties();
    assertEquals(new Secret(pem), p.secret("kafka.ssl.keystore.key").orElseThrow());
    assertEquals("c1", p.string("kafka.client.id").orElseThrow());
    assertEquals(Map.of("ssl.keystore.key", pem, "client.id", "c1"), p.withPrefix("kafka."));
    assertFalse(p.toString().contains(pem), p.toString());
  }

  @Test
  void numbersAndBooleansAlsoConvertFromStrings() {
    ValidatedProperties v = validate("topic = \"t\"", "partitions = \"12\"", "max_bytes = \" 7 \"", "ratio = \"2.5\"",
        "compacted = \"TRUE\"");
    assertTrue(v.ok(), () -> TestConfigs.render(v.errors()));
    assertEquals(12, v.properties().integer("partitions").orElseThrow());
    assertEquals(7L, v.properties().longValue("max_bytes").orElseThrow());
    assertEquals(2.5, v.properties().doubleValue("ratio").orElseThrow());
    assertEquals(true, v.properties().bool("compacted").orElseThrow());
  }

  @Test
  void doubleAcceptsATomlInteger() {
    assertEquals(3.0, validate("topic = \"t\"", "ratio = 3").properties().doubleValue("ratio").orElseThrow());
  }

  @Test
  void defaultsAreFilledInWithTheirTypes() {
    ConnectorProperties p = validate("topic = \"t\"").properties();
    assertEquals(1, p.integer("partitions").orElseThrow());
    assertEquals(0.25, p.doubleValue("ratio").orElseThrow());
    assertEquals(false, p.bool("compacted").orElseThrow());
    assertEquals(Duration.ofMillis(250), p.duration("poll_timeout").orElseThrow());
    assertEquals("latest", p.string("offset_reset").orElseThrow());
    assertFalse(p.has("max_bytes"), "no default, not given");
    assertFalse(p.has("password"));
  }

  @Test
  void prefixKeysPassThroughAsStrings() {
    ConnectorProperties p = validate("topic = \"t\"", "\"kafka.linger.ms\" = 5", "[source.properties.kafka]",
        "acks = \"all\"").properties();
    assertEquals(Map.of("linger.ms", "5", "acks", "all"), p.withPrefix("kafka."));
  }

  @Test
  void arraysBecomeCommaSeparatedForStringProperties() {
    ConnectorProperties p = validate("topic = [\"a\", \"b\"]").properties();
    assertEquals("a,b", p.requireString("topic"));
  }

  @Test
  void validateFillsTheGivenMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    List<ConfigError> errors = PropertyValidator.validate(SPEC, "source 'orders'", props("topic = \"t\""), out);
    assertTrue(errors.isEmpty());
    assertEquals(List.of("topic", "partitions", "ratio", "compacted", "poll_timeout", "offset_reset"),
        List.copyOf(out.keySet()));
  }

  @Test
  void unknownPropertyIsReportedAtItsKeyWithSuggestion() {
    ConfigError e = onlyError(validate("topic = \"t\"", "partitons = 3"));
    assertEquals(new Position(file, 7, 1), e.position());
    assertEquals("unknown property 'partitons' for source 'orders' (connector kafka). Did you mean 'partitions'?"
        + " Known properties: topic, partitions, max_bytes, ratio, compacted, poll_timeout, offset_reset, password,"
        + " kafka.*", e.message());
  }

  @Test
  void missingRequiredPropertyIsReportedAtThePropertiesTable() {
    ConfigError e = onlyError(validate("partitions = 3"));
    assertEquals(new Position(file, 5, 1), e.position());
    assertEquals("source 'orders' is missing required property 'topic' of connector kafka (Kafka topic to read)",
        e.message());
  }

  @Test
  void missingRequiredPropertyWithoutPropertiesTablePointsAtTheSource() {
    file = write(dir, "b.toml", "\n" + source("orders"));
    RawProperties raw = ok(load(file)).sources().get(0).properties();
    ConfigError e = onlyError(PropertyValidator.validate(SPEC, "source 'orders'", raw));
    assertEquals(new Position(file, 2, 1), e.position());
  }

  @Test
  void enumOutOfRangeListsAllowedValuesAndSuggests() {
    ConfigError e = onlyError(validate("topic = \"t\"", "offset_reset = \"latset\""));
    assertEquals(new Position(file, 7, 1), e.position());
    assertEquals("property 'offset_reset' of source 'orders' (connector kafka) must be one of earliest, latest,"
        + " got \"latset\". Did you mean 'latest'?", e.message());
  }

  @Test
  void intGivenLettersIsRejected() {
    ConfigError e = onlyError(validate("topic = \"t\"", "partitions = \"abc\""));
    assertEquals(new Position(file, 7, 1), e.position());
    assertEquals("property 'partitions' of source 'orders' (connector kafka) must be an integer (INT), got \"abc\"",
        e.message());
  }

  @Test
  void intOutOfRangeIsRejected() {
    ConfigError e = onlyError(validate("topic = \"t\"", "partitions = 3000000000"));
    assertEquals("property 'partitions' of source 'orders' (connector kafka) is out of range for INT"
        + " (-2147483648..2147483647), got 3000000000", e.message());
  }

  @Test
  void durationInParsecsIsRejected() {
    ConfigError e = onlyError(validate("topic = \"t\"", "poll_timeout = \"10 parsecs\""));
    assertEquals(new Position(file, 7, 1), e.position());
    assertEquals("property 'poll_timeout' of source 'orders' (connector kafka) must be a duration such as \"250ms\","
        + " \"10s\", \"5m\" or \"1h\" (DURATION), got \"10 parsecs\"", e.message());
  }

  @Test
  void booleanGivenAWordIsRejected() {
    ConfigError e = onlyError(validate("topic = \"t\"", "compacted = \"yes\""));
    assertEquals("property 'compacted' of source 'orders' (connector kafka) must be true or false (BOOLEAN),"
        + " got \"yes\"", e.message());
  }

  @Test
  void passwordValueNeverAppearsInAnyError() {
    ValidatedProperties v = validate("password = [\"hunter2\"]", "pasword = \"hunter2\"");
    assertEquals(3, v.errors().size(), () -> TestConfigs.render(v.errors()));
    v.errors().forEach(e -> assertFalse(e.message().contains("hunter2"), e.message()));
    assertFalse(v.properties().toString().contains("hunter2"));
  }

  @Test
  void allErrorsAreReportedTogether() {
    ValidatedProperties v = validate("partitions = \"x\"", "ratio = \"y\"", "bogus = 1");
    assertEquals(4, v.errors().size(), () -> TestConfigs.render(v.errors()));
  }
}
