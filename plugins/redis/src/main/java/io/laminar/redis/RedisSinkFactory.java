package io.laminar.redis;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/** The {@code redis} sink: one key per row, written with SET or HSET; DELETE rows delete the key. */
@Extension
public final class RedisSinkFactory implements SinkFactory {
  private static final ConnectorSpec SPEC = RedisSettings.commonProperties(
          ConnectorSpec.builder("redis", ConnectorKind.SINK)
              .description("Writes each row under its key (SET or HSET, optional TTL), pipelined; at-least-once."))
      .property(PropertySpec.builder(RedisSettings.TTL, PropertyType.DURATION)
          .doc("Expiry of every written key; absent = keys do not expire").build())
      .property(PropertySpec.builder(RedisSettings.WRITE_TIMEOUT, PropertyType.DURATION).defaultValue("30s")
          .doc("How long a checkpoint waits without any write reply before it fails").build())
      .property(PropertySpec.builder(RedisSettings.WRITE_MODE, PropertyType.ENUM).allowedValues("set", "hash")
          .doc("set: SET key <json or string value>; hash: HSET key <column> <value>…; absent = follows value.format")
          .build())
      .build();

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public Sink create(ConnectorContext context) throws ConnectorException {
    List<String> columns = RedisSettings.names(context);
    RedisSettings settings = RedisSettings.from(context, columns, "a column of the pipeline's output", "columns", false);
    var p = context.properties();
    String format = settings.format.name().toLowerCase(java.util.Locale.ROOT);
    String writeMode = p.string(RedisSettings.WRITE_MODE).orElse(settings.format == RedisSettings.Format.HASH ? "hash" : "set");
    RedisSink.Mode mode;
    if (writeMode.equals("hash")) {
      if (settings.format != RedisSettings.Format.HASH) {
        throw ConnectorException.invalidProperty(RedisSettings.WRITE_MODE, writeMode, "HSET writes hash fields, but "
            + "value.format is \"" + format + "\"; use write.mode = \"set\" or value.format = \"hash\"");
      }
      mode = RedisSink.Mode.HASH;
    } else {
      if (settings.format == RedisSettings.Format.HASH) {
        throw ConnectorException.invalidProperty(RedisSettings.WRITE_MODE, writeMode, "SET writes one string, but "
            + "value.format is \"hash\"; use write.mode = \"hash\" or value.format = \"json\" or \"string\"");
      }
      mode = settings.format == RedisSettings.Format.JSON ? RedisSink.Mode.SET_JSON : RedisSink.Mode.SET_STRING;
    }
    int stringColumn = -1;
    if (mode == RedisSink.Mode.SET_STRING) {
      List<String> values = columns.stream().filter(c -> !settings.keyPattern.columns().contains(c)).toList();
      if (values.size() != 1) {
        throw ConnectorException.invalidProperty(RedisSettings.VALUE_FORMAT, "string", "a string value holds exactly "
            + "one column not in key.pattern, but the output has " + values.size() + " (" + String.join(", ", values)
            + "); use \"json\" or \"hash\"");
      }
      stringColumn = columns.indexOf(values.get(0));
    }
    Optional<Duration> ttl = p.duration(RedisSettings.TTL);
    if (ttl.isPresent() && ttl.get().toMillis() < 1) {
      throw ConnectorException.invalidProperty(RedisSettings.TTL, ttl.get().toString(), "must be at least 1ms");
    }
    Duration writeTimeout = p.duration(RedisSettings.WRITE_TIMEOUT).orElse(Duration.ofSeconds(30));
    if (writeTimeout.isZero() || writeTimeout.isNegative()) {
      throw ConnectorException.invalidProperty(RedisSettings.WRITE_TIMEOUT, writeTimeout.toString(), "must be positive");
    }
    return new RedisSink(context, settings, mode, ttl, writeTimeout, stringColumn);
  }
}
