package io.laminar.config;

import static io.laminar.config.TestConfigs.assertOnlyError;
import static io.laminar.config.TestConfigs.load;
import static io.laminar.config.TestConfigs.ok;
import static io.laminar.config.TestConfigs.source;
import static io.laminar.config.TestConfigs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvSubstitutionTest {
  @TempDir
  Path dir;

  private Object property(Map<String, String> env, String value) {
    Path f = write(dir, "a.toml", source("s") + "properties = { p = \"" + value + "\" }\n");
    return ok(load(env, f)).sources().get(0).properties().entries().get("p").value();
  }

  @Test
  void setVariableIsSubstituted() {
    assertEquals("broker:9092", property(Map.of("KAFKA", "broker:9092"), "${KAFKA}"));
  }

  @Test
  void unsetVariableTakesItsDefault() {
    assertEquals("localhost:9092", property(Map.of(), "${KAFKA:-localhost:9092}"));
  }

  @Test
  void emptyVariableTakesItsDefault() {
    assertEquals("fallback", property(Map.of("KAFKA", ""), "${KAFKA:-fallback}"));
  }

  @Test
  void substitutionWorksInsideLongerStrings() {
    assertEquals("jdbc://db:5432/app", property(Map.of("HOST", "db"), "jdbc://${HOST}:${PORT:-5432}/app"));
  }

  @Test
  void doubleDollarEscapesALiteralReference() {
    assertEquals("${NOT_A_VAR} costs $5", property(Map.of(), "$${NOT_A_VAR} costs $5"));
  }

  @Test
  void unsetVariableWithoutDefaultIsAnErrorAtTheValue() {
    Path f = write(dir, "a.toml", source("s") + "[source.properties]\npassword = \"${DB_PASSWORD}\"\n");
    assertOnlyError(load(f), f, 6, 12,
        "environment variable 'DB_PASSWORD' is not set (set it, or give a default: ${DB_PASSWORD:-default})");
  }

  @Test
  void substitutionHappensBeforeTypeChecks() {
    Path f = write(dir, "a.toml", "[server]\nworkers = \"${WORKERS:-3}\"\nbind = \"${HOST}:${PORT}\"\n");
    ServerSettings s = ok(load(Map.of("HOST", "0.0.0.0", "PORT", "7000"), f)).server();
    assertEquals(3, s.workers());
    assertEquals("0.0.0.0", s.bindHost());
    assertEquals(7000, s.bindPort());
  }

  @Test
  void substitutionAppliesToArrayElementsAndSql() {
    Path f = write(dir, "a.toml", "[server]\nplugins_required = [\"${P:-kafka}\"]\n"
        + "[[pipeline]]\nname = \"p\"\nsql = \"SELECT * FROM ${T}\"\n");
    LaminarConfig c = ok(load(Map.of("T", "trades"), f));
    assertEquals(List.of("kafka"), c.server().pluginsRequired());
    assertEquals("SELECT * FROM trades", c.pipelines().get(0).sql());
  }

  @Test
  void unterminatedReferenceIsAnError() {
    Path f = write(dir, "a.toml", "[server]\nname = \"${OOPS\"\n");
    assertOnlyError(load(f), f, 2, 8, "unterminated '${' in value (write '$${' for a literal '${')");
  }

  @Test
  void keysAreNotSubstituted() {
    Path f = write(dir, "a.toml", source("s") + "properties = { \"${K}\" = \"v\" }\n");
    assertEquals(List.of("${K}"),
        List.copyOf(ok(load(Map.of("K", "x"), f)).sources().get(0).properties().entries().keySet()));
  }
}
