package io.laminar.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import io.lettuce.core.KeyValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server (a child JVM running {@code laminar run}) with the packaged redis plugin:
 * generated trades → LEFT JOIN instruments on Redis → a redis sink writing one JSON string per
 * trade. The server is SIGKILLed twice mid-run; after the last restart runs to the end, Redis must
 * hold exactly one correct value per trade and nothing else (writes are idempotent by key, so the
 * rows replayed since the last checkpoint converge).
 */
class RedisServerIT {
  private static final int ROWS = 20_000;
  private static final List<String> SYMBOLS = List.of("A", "B", "C", "D");
  private static final Map<String, String> NAMES = Map.of("A", "Alpha", "B", "Beta", "C", "Gamma");
  private static final Map<String, Integer> LOTS = Map.of("A", 100, "B", 10, "C", 1);

  @TempDir Path dir;

  @Test
  void killedWithSigkillTheRedisOutputIsExactlyOneCorrectValuePerRow() throws Exception {
    try (TestRedis redis = new TestRedis()) {
      String p = redis.prefix;
      NAMES.forEach((s, n) -> redis.sync.hset(p + "i:" + s, Map.of("name", n, "lot", Integer.toString(LOTS.get(s)))));
      Path config = dir.resolve("e2e.toml");
      Files.writeString(config, config(p));
      String[] run = {"run", "--plugins", LaminarProcess.REDIS_PLUGIN.toAbsolutePath().getParent().toString(), "-c",
          config.toString()};
      Path logs = dir.resolve("e2e");

      for (int kill = 1; kill <= 2; kill++) {
        ServerProcess server = LaminarProcess.start(logs, run);
        int atLeast = kill * ROWS / 4;
        server.await(atLeast + " rows in Redis", 120, () -> outputKeys(redis) >= atLeast);
        server.kill();
      }
      ServerProcess last = LaminarProcess.start(logs, run);
      assertTrue(last.waitFor(180), "the bounded run did not end:\n" + last.stderr());
      assertEquals(0, last.exitValue(), last.stderr());
      long restores = last.stderr().lines().filter(l -> l.contains("restoring from checkpoint")).count();
      assertEquals(2, restores, "each restart after a kill resumed from a checkpoint:\n" + last.stderr());

      List<String> keys = new ArrayList<>();
      for (int id = 0; id < ROWS; id++) {
        keys.add(p + "out:" + id);
      }
      Map<String, String> actual = new TreeMap<>();
      for (int i = 0; i < keys.size(); i += 1000) {
        for (KeyValue<String, String> kv : redis.sync.mget(keys.subList(i, i + 1000).toArray(new String[0]))) {
          actual.put(kv.getKey(), kv.getValueOrElse(null));
        }
      }
      List<String> wrong = new ArrayList<>();
      for (int id = 0; id < ROWS; id++) {
        String expected = expected(id);
        String got = actual.get(p + "out:" + id);
        if (!expected.equals(got)) {
          wrong.add(id + ": expected " + expected + ", got " + got);
        }
      }
      assertEquals(List.of(), wrong.subList(0, Math.min(10, wrong.size())), wrong.size() + " wrong values");
      assertEquals(ROWS, outputKeys(redis), "no keys other than one per row");
      long ttl = redis.sync.pttl(p + "out:0");
      assertTrue(ttl > 0 && ttl <= 3_600_000, "ttl " + ttl);
    }
  }

  private static long outputKeys(TestRedis redis) {
    return redis.keys().stream().filter(k -> k.startsWith(redis.prefix + "out:")).count();
  }

  private static String expected(int id) {
    String symbol = SYMBOLS.get(id % SYMBOLS.size());
    String name = NAMES.get(symbol);
    Integer lot = LOTS.get(symbol);
    return "{\"id\":" + id + ",\"symbol\":\"" + symbol + "\",\"name\":" + (name == null ? "null" : "\"" + name + "\"")
        + ",\"lot\":" + lot + "}";
  }

  private String config(String prefix) {
    return """
        [server]
        bind = "127.0.0.1:0"
        [state]
        path = "%1$s/state"
        [checkpoint]
        path = "%1$s/cp"
        interval = "500ms"

        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = %2$d
        rows_per_second = 2500
        "fields.id.kind" = "sequence"
        "fields.symbol.kind" = "sequence"
        "fields.symbol.values" = "A,B,C,D"
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"

        [[lookup]]
        name = "instruments"
        connector = "redis"
        primary_key = ["symbol"]
        [lookup.properties]
        url = "%3$s"
        "key.pattern" = "%4$si:{symbol}"
        [[lookup.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[lookup.schema]]
        name = "name"
        type = "VARCHAR"
        [[lookup.schema]]
        name = "lot"
        type = "INT"

        [[pipeline]]
        name = "enriched"
        sql = "SELECT t.id, t.symbol, i.name, i.lot FROM trades t LEFT JOIN instruments i ON t.symbol = i.symbol"

        [[sink]]
        name = "features"
        pipeline = "enriched"
        connector = "redis"
        delivery = "at_least_once"
        [sink.properties]
        url = "%3$s"
        "key.pattern" = "%4$sout:{id}"
        "value.format" = "json"
        ttl = "1h"
        """.formatted(dir, ROWS, TestRedis.URL, prefix);
  }
}
