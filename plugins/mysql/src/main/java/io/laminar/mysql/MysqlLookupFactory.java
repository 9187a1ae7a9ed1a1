package io.laminar.mysql;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.LookupFactory;
import io.laminar.api.LookupSource;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import org.pf4j.Extension;

/** The {@code mysql} lookup: rows of a table (or a query) by [[lookup]] primary_key, one query per key batch. */
@Extension
public final class MysqlLookupFactory implements LookupFactory {
  private static final ConnectorSpec SPEC;

  static {
    ConnectorSpec.Builder b = ConnectorSpec.builder("mysql", ConnectorKind.LOOKUP)
        .description("Looks rows up in a MySQL / MariaDB table or query by the lookup's primary_key, one round trip per"
            + " key batch; the host's [lookup.cache] sits in front");
    MysqlConnectionSettings.specs().forEach(b::property);
    b.property(PropertySpec.builder("table", PropertyType.STRING)
        .doc("The table to look rows up in, database.table or table (or set 'query')").build());
    b.property(PropertySpec.builder("query", PropertyType.STRING)
        .doc("A SELECT whose columns match the lookup's schema (or set 'table')").build());
    SPEC = b.build();
  }

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public LookupSource create(ConnectorContext context) throws ConnectorException {
    return new MysqlLookup(context);
  }
}
