package io.laminar.mysql;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The {@code mysql} sink's properties, validated. */
record SinkSettings(MysqlConnectionSettings connection, MysqlTable table, boolean upsert, List<String> primaryKey,
    boolean autoCreate, int batchSize, boolean exactlyOnce, String sinkId) {
  static final String TABLE = "table";
  static final String WRITE_MODE = "write.mode";
  static final String PRIMARY_KEY = "primary.key";
  static final String AUTO_CREATE = "auto.create.table";
  static final String BATCH_SIZE = "batch.size";

  static List<PropertySpec> specs() {
    List<PropertySpec> specs = new ArrayList<>(MysqlConnectionSettings.specs());
    specs.add(PropertySpec.requiredString(TABLE, "The table to write, database.table or table (e.g. shop.order_totals)"));
    specs.add(PropertySpec.builder(WRITE_MODE, PropertyType.ENUM).allowedValues("append", "upsert")
        .defaultValue("append").doc("append: multi-row INSERT; upsert: INSERT … ON DUPLICATE KEY UPDATE by primary key,"
            + " deletes remove the row").build());
    specs.add(PropertySpec.builder(PRIMARY_KEY, PropertyType.STRING)
        .doc("Comma-separated key columns for upsert (default: the table's primary key)").build());
    specs.add(PropertySpec.builder(AUTO_CREATE, PropertyType.BOOLEAN).defaultValue("false")
        .doc("Create the table from the pipeline's schema if it does not exist").build());
    specs.add(PropertySpec.builder(BATCH_SIZE, PropertyType.INT).defaultValue("5000")
        .doc("Rows per multi-row statement").build());
    return specs;
  }

  static SinkSettings from(ConnectorContext context) throws ConnectorException {
    ConnectorProperties p = context.properties();
    int batchSize = p.integer(BATCH_SIZE).orElse(5000);
    if (batchSize < 1) {
      throw ConnectorException.invalidProperty(BATCH_SIZE, Integer.toString(batchSize), "must be at least 1");
    }
    List<String> key = p.string(PRIMARY_KEY).map(s -> Arrays.stream(s.split(",")).map(String::trim)
        .filter(k -> !k.isEmpty()).toList()).orElse(List.of());
    boolean exactlyOnce = context.delivery().orElse(DeliveryGuarantee.AT_LEAST_ONCE) == DeliveryGuarantee.EXACTLY_ONCE;
    MysqlConnectionSettings connection = MysqlConnectionSettings.from(p);
    return new SinkSettings(connection, MysqlTable.parse(TABLE, p.requireString(TABLE), connection.database()),
        p.string(WRITE_MODE).orElse("append").equals("upsert"), key, p.bool(AUTO_CREATE).orElse(false), batchSize,
        exactlyOnce, context.serverName() + "/" + context.name());
  }
}
