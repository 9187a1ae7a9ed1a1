package io.laminar.mysql;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/** The {@code mysql_cdc} properties, validated. */
record CdcSettings(MysqlConnectionSettings connection, MysqlTable table, long serverId, String snapshotMode,
    boolean numericAsDouble, Optional<Flavor> flavor) {
  static final String TABLE = "table";
  static final String SERVER_ID = "server.id";
  static final String SNAPSHOT_MODE = "snapshot.mode";
  static final String NUMERIC_MODE = "numeric.mode";
  static final String FLAVOR = "flavor";
  /** Derived server ids stay clear of the small numbers servers themselves are usually given. */
  static final long DERIVED_ID_BASE = 1_000_000L;

  static List<PropertySpec> specs() {
    List<PropertySpec> specs = new ArrayList<>(MysqlConnectionSettings.specs());
    specs.add(PropertySpec.requiredString(TABLE, "The table to capture, database.table or table (e.g. shop.orders)"));
    specs.add(PropertySpec.builder(SERVER_ID, PropertyType.LONG)
        .doc("The replica server id the binlog reader uses; unique among the server's replicas"
            + " (default: derived from the server and source names, stable across restarts)").build());
    specs.add(PropertySpec.builder(SNAPSHOT_MODE, PropertyType.ENUM).allowedValues("initial", "never", "initial_only")
        .defaultValue("initial").doc("initial: snapshot the table, then stream the binlog; never: stream only;"
            + " initial_only: snapshot, then stop").build());
    specs.add(PropertySpec.builder(NUMERIC_MODE, PropertyType.ENUM).allowedValues("exact", "double")
        .defaultValue("exact").doc("decimal columns: refused (exact) or read as DOUBLE, losing precision (double)")
        .build());
    specs.add(PropertySpec.builder(FLAVOR, PropertyType.ENUM).allowedValues("mariadb", "mysql")
        .doc("Which Debezium connector reads the binlog (default: detected from SELECT VERSION())").build());
    return specs;
  }

  static CdcSettings from(ConnectorContext context) throws ConnectorException {
    ConnectorProperties p = context.properties();
    MysqlConnectionSettings connection = MysqlConnectionSettings.from(p);
    long serverId = p.longValue(SERVER_ID).orElse(derivedServerId(context.serverName(), context.name()));
    if (serverId < 1 || serverId > 4_294_967_295L) {
      throw ConnectorException.invalidProperty(SERVER_ID, Long.toString(serverId), "must be between 1 and 4294967295");
    }
    return new CdcSettings(connection, MysqlTable.parse(TABLE, p.requireString(TABLE), connection.database()), serverId,
        p.string(SNAPSHOT_MODE).orElse("initial"), p.string(NUMERIC_MODE).orElse("exact").equals("double"),
        p.string(FLAVOR).map(Flavor::of));
  }

  /** A replica id from the server and source names: the same on every restart, distinct between sources. */
  static long derivedServerId(String server, String source) {
    CRC32 crc = new CRC32();
    crc.update((server + "/" + source).getBytes(StandardCharsets.UTF_8));
    return DERIVED_ID_BASE + crc.getValue() % (4_294_967_295L - DERIVED_ID_BASE);
  }

  /** The Debezium snapshot.mode for ours. */
  String debeziumSnapshotMode() {
    return snapshotMode.equals("never") ? "no_data" : snapshotMode;
  }
}
