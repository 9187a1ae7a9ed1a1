package io.laminar.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.laminar.testkit.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CLI in a child JVM with the packaged plugin: what a user sees for a bad pattern, a bad
 * URL, an unreachable server and a wrong password (exit codes, positions, no stack trace, no
 * password), and the shipped example run as its comment says.
 */
class RedisCliIT {
  private static final Path EXAMPLES = Path.of("../../examples").toAbsolutePath().normalize();
  @TempDir Path dir;

  private static String plugins() {
    return LaminarProcess.REDIS_PLUGIN.toAbsolutePath().getParent().toString();
  }

  /** A config with one generator, one redis lookup (the given properties) and a pipeline joining them. */
  private Path config(String name, String lookupProperties) throws Exception {
    Path file = dir.resolve(name + ".toml");
    Files.writeString(file, """
        [state]
        path = "%1$s/state"
        [checkpoint]
        path = "%1$s/cp"

        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = 10
        "fields.symbol.values" = "A,B"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"

        [[lookup]]
        name = "instruments"
        connector = "redis"
        primary_key = ["symbol"]
        [lookup.properties]
        %2$s
        [[lookup.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[lookup.schema]]
        name = "name"
        type = "VARCHAR"

        [[pipeline]]
        name = "enriched"
        sql = "SELECT t.symbol, i.name FROM trades t JOIN instruments i ON t.symbol = i.symbol"

        [[sink]]
        name = "out"
        pipeline = "enriched"
        connector = "stdout"
        """.formatted(dir, lookupProperties));
    return file;
  }

  private static void assertNoStackTrace(ServerProcess.Result r) {
    assertFalse(r.stderr().contains("\tat ") || r.stderr().contains("Exception"), r.stderr());
  }

  @Test
  void aPatternColumnOutsideThePrimaryKeyIsAConfigErrorAtTheProperty() throws Exception {
    Path file = config("pattern", "url = \"redis://127.0.0.1:6379/0\"\n\"key.pattern\" = \"instrument:{symbl}\"");
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("pattern"), 60, "validate", "--plugins", plugins(),
        "-c", file.toString());
    assertEquals(78, r.exit(), r.stderr());
    // line 22 of the file is the key.pattern line
    assertTrue(r.stderr().contains(file + ":22:1: error: lookup 'instruments' (redis): invalid value 'instrument:{symbl}' for "
        + "property 'key.pattern': '{symbl}' at character 12 is not a primary-key column (did you mean 'symbol'?); "
        + "primary_key: symbol"), r.stderr());
    assertNoStackTrace(r);
  }

  @Test
  void aUrlThatIsNotARedisUrlIsAConfigErrorWithThePasswordMasked() throws Exception {
    Path file = config("url", "url = \"http://app:hunter2@127.0.0.1:6379\"\n\"key.pattern\" = \"i:{symbol}\"");
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("url"), 60, "validate", "--plugins", plugins(),
        "-c", file.toString());
    assertEquals(78, r.exit(), r.stderr());
    assertTrue(r.stderr().contains(file + ":21:1: error: lookup 'instruments' (redis): invalid value "
        + "'http://app:****@127.0.0.1:6379' for property 'url': expected redis://"), r.stderr());
    assertFalse(r.stderr().contains("hunter2") || r.stdout().contains("hunter2"), r.stderr());
    assertNoStackTrace(r);
  }

  @Test
  void anUnreachableServerExits69NamingHostAndPort() throws Exception {
    int port;
    try (RedisProcess gone = RedisProcess.start(dir)) {
      port = gone.port;
    }
    Path file = config("down", "url = \"redis://127.0.0.1:" + port + "/0\"\n\"key.pattern\" = \"i:{symbol}\"");
    ServerProcess.Result r = LaminarProcess.run(dir.resolve("down"), 60, "validate", "--plugins", plugins(),
        "-c", file.toString());
    assertEquals(69, r.exit(), r.stderr());
    assertTrue(r.stderr().contains("lookup 'instruments' (redis): cannot connect to redis at 127.0.0.1:" + port
        + " (db 0): "), r.stderr());
    assertNoStackTrace(r);
  }

  @Test
  void aWrongPasswordExits69WithoutPrintingIt() throws Exception {
    try (RedisProcess server = RedisProcess.start(dir, "--requirepass", "the-right-one")) {
      Path file = config("auth", "url = \"redis://127.0.0.1:" + server.port + "/0\"\n\"key.pattern\" = \"i:{symbol}\"\n"
          + "password = \"${REDIS_PASSWORD}\"");
      ServerProcess.Result r = LaminarProcess.run(dir.resolve("auth"), Map.of("REDIS_PASSWORD", "not-the-one"), 60,
          "run", "--plugins", plugins(), "-c", file.toString());
      assertEquals(69, r.exit(), r.stderr());
      assertTrue(r.stderr().contains("cannot connect to redis at 127.0.0.1:" + server.port + " (db 0): WRONGPASS"),
          r.stderr());
      assertTrue(r.stderr().contains("(check 'password', 'username' or the URL's user:password)"), r.stderr());
      assertFalse(r.stderr().contains("not-the-one") || r.stdout().contains("not-the-one"), r.stderr());
      assertNoStackTrace(r);
    }
  }

  @Test
  void theRedisEnrichExampleRunsAsShown() throws Exception {
    try (RedisProcess server = RedisProcess.start(dir)) {
      // the comment's first step: redis-cli < examples/redis-enrich.redis
      Process seed = new ProcessBuilder("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(server.port))
          .redirectInput(EXAMPLES.resolve("redis-enrich.redis").toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("seed.log").toFile()).start();
      assertEquals(0, seed.waitFor(), Files.readString(dir.resolve("seed.log")));
      Path overlay = dir.resolve("overlay.toml");
      // where the state goes, and any free port for the HTTP API (8080 may be taken on a shared machine)
      Files.writeString(overlay, "[server]\nbind = \"127.0.0.1:0\"\n[state]\npath = \"" + dir.resolve("state")
          + "\"\n[checkpoint]\npath = \"" + dir.resolve("cp") + "\"\n");
      ServerProcess.Result r = LaminarProcess.run(dir.resolve("example"), Map.of("REDIS_URL", server.url()), 120,
          "run", "--plugins", plugins(), "-c", EXAMPLES.resolve("redis-enrich.toml").toString(), "-c",
          overlay.toString());
      assertEquals(0, r.exit(), r.stderr());
      ObjectMapper json = new ObjectMapper();
      List<JsonNode> lines = new ArrayList<>();
      for (String line : r.stdout().split("\n")) {
        if (!line.isBlank()) {
          lines.add(json.readTree(line));
        }
      }
      assertEquals(12, lines.size(), r.stdout());
      Map<String, String> names = Map.of("AAPL", "Apple Inc.", "MSFT", "Microsoft Corp.", "NVDA", "NVIDIA Corp.");
      Map<String, Integer> lots = Map.of("AAPL", 100, "MSFT", 100, "NVDA", 10);
      List<String> symbols = List.of("AAPL", "MSFT", "NVDA", "TSLA");
      for (JsonNode row : lines) {
        long id = row.get("id").asLong();
        String symbol = symbols.get((int) (id % 4));
        assertEquals(symbol, row.get("symbol").asText(), row::toString);
        if (symbol.equals("TSLA")) {
          assertTrue(row.get("name").isNull() && row.get("shares").isNull(), row::toString);
        } else {
          assertEquals(names.get(symbol), row.get("name").asText(), row::toString);
          assertEquals("XNAS", row.get("exchange").asText(), row::toString);
          long shares = row.get("shares").asLong();
          assertTrue(shares % lots.get(symbol) == 0 && shares >= lots.get(symbol) && shares <= 9L * lots.get(symbol),
              row::toString);
        }
      }
    }
  }
}
