package io.laminar.redis;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.LookupFactory;
import io.laminar.api.LookupSource;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import java.util.List;
import org.pf4j.Extension;

/** The {@code redis} lookup: rows by key from hashes, JSON strings or plain strings. */
@Extension
public final class RedisLookupFactory implements LookupFactory {
  private static final ConnectorSpec SPEC = RedisSettings.commonProperties(
          ConnectorSpec.builder("redis", ConnectorKind.LOOKUP)
              .description("Looks rows up by key in Redis: one pipelined HMGET or one MGET per key batch."))
      .property(PropertySpec.builder(RedisSettings.POOL_SIZE, PropertyType.INT).defaultValue("2")
          .doc("Connections; each lookup batch uses one for its round trip").build())
      .build();

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public LookupSource create(ConnectorContext context) throws ConnectorException {
    List<String> primaryKey = context.primaryKey();
    RedisSettings settings = RedisSettings.from(context, primaryKey, "a primary-key column", "primary_key", true);
    int valueColumns = context.schema().getFields().size() - primaryKey.size();
    if (settings.format == RedisSettings.Format.STRING && valueColumns != 1) {
      throw ConnectorException.invalidProperty(RedisSettings.VALUE_FORMAT, "string", "a string value fills exactly one "
          + "column besides the primary key, but the schema has " + valueColumns + " ("
          + String.join(", ", RedisSettings.names(context).stream().filter(n -> !primaryKey.contains(n)).toList())
          + "); use \"hash\" or \"json\"");
    }
    if (valueColumns == 0) {
      throw ConnectorException.runtime("the schema has only primary-key columns: there is nothing to look up", null);
    }
    return new RedisLookupSource(context, settings);
  }
}
