package io.laminar.redis;

import static io.laminar.redis.Fixtures.BIGINT;
import static io.laminar.redis.Fixtures.DOUBLE;
import static io.laminar.redis.Fixtures.VARCHAR;
import static io.laminar.redis.Fixtures.col;

import io.laminar.api.SinkFactory;
import io.laminar.testkit.conformance.SinkConformance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The sink suite against the machine's Redis (at-least-once; one hash per id, so a replay
 * overwrites), read back by scanning the test's key prefix.
 */
class RedisSinkConformanceTest extends SinkConformance {
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
  protected SinkFactory factory() {
    return new RedisSinkFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    return Map.of("url", TestRedis.URL, "key.pattern", redis.prefix + "row:{id}", "value.format", "hash");
  }

  @Override
  protected Schema schema() {
    return Fixtures.schema(col("id", BIGINT), col("name", VARCHAR), col("score", DOUBLE));
  }

  @Override
  protected List<Long> readBack() {
    List<Long> ids = new ArrayList<>();
    for (String key : redis.keys()) {
      ids.add(Long.parseLong(key.substring((redis.prefix + "row:").length())));
    }
    return ids;
  }
}
