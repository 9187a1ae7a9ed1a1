package io.laminar.redis;

import static io.laminar.redis.Fixtures.BIGINT;
import static io.laminar.redis.Fixtures.BOOLEAN;
import static io.laminar.redis.Fixtures.DOUBLE;
import static io.laminar.redis.Fixtures.INT;
import static io.laminar.redis.Fixtures.VARCHAR;
import static io.laminar.redis.Fixtures.col;

import io.laminar.api.LookupFactory;
import io.laminar.testkit.conformance.LookupConformance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The lookup suite against the machine's Redis: one hash per row under a key prefix of the test's own. */
class RedisLookupConformanceTest extends LookupConformance {
  private static final Schema SCHEMA = Fixtures.schema(col("id", BIGINT), col("name", VARCHAR), col("qty", INT),
      col("price", DOUBLE), col("flag", BOOLEAN));
  private TestRedis redis;

  @BeforeEach
  void connect() {
    redis = new TestRedis();
  }

  @AfterEach
  void dropKeys() {
    redis.close();
  }

  @Override
  protected LookupFactory factory() {
    return new RedisLookupFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    return Map.of("url", TestRedis.URL, "key.pattern", redis.prefix + "row:{id}", "value.format", "hash");
  }

  @Override
  protected Schema schema() {
    return SCHEMA;
  }

  @Override
  protected List<String> primaryKey() {
    return List.of("id");
  }

  @Override
  protected void store(List<Map<String, Object>> rows) {
    for (Map<String, Object> row : rows) {
      Map<String, String> fields = new LinkedHashMap<>();
      row.forEach((k, v) -> {
        if (!k.equals("id")) {
          fields.put(k, String.valueOf(v));
        }
      });
      redis.sync.hset(redis.prefix + "row:" + row.get("id"), fields);
    }
  }
}
