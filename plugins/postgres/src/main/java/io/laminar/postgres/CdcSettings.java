package io.laminar.postgres;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The {@code postgres_cdc} properties, validated. */
record CdcSettings(PgConnectionSettings connection, PgTable table, String slotName, String publication,
    String snapshotMode, boolean dropSlotOnReset, boolean numericAsDouble) {
  static final String TABLE = "table";
  static final String SLOT_NAME = "slot.name";
  static final String PUBLICATION = "publication";
  static final String SNAPSHOT_MODE = "snapshot.mode";
  static final String SLOT_DROP_ON_RESET = "slot.drop_on_reset";
  static final String NUMERIC_MODE = "numeric.mode";

  static List<PropertySpec> specs() {
    List<PropertySpec> specs = new ArrayList<>(PgConnectionSettings.specs());
    specs.add(PropertySpec.requiredString(TABLE, "The table to capture, schema.table (e.g. public.orders)"));
    specs.add(PropertySpec.builder(SLOT_NAME, PropertyType.STRING)
        .doc("Logical replication slot (default: laminar_<server>_<source>)").build());
    specs.add(PropertySpec.builder(PUBLICATION, PropertyType.STRING)
        .doc("Publication (default: laminar_<server>_<source>); created for the table if absent").build());
    specs.add(PropertySpec.builder(SNAPSHOT_MODE, PropertyType.ENUM).allowedValues("initial", "never", "initial_only")
        .defaultValue("initial").doc("initial: snapshot the table, then stream; never: stream only;"
            + " initial_only: snapshot, then stop").build());
    specs.add(PropertySpec.builder(SLOT_DROP_ON_RESET, PropertyType.BOOLEAN).defaultValue("false")
        .doc("On a start without a checkpoint, drop an existing slot of that name first").build());
    specs.add(PropertySpec.builder(NUMERIC_MODE, PropertyType.ENUM).allowedValues("exact", "double")
        .defaultValue("exact").doc("numeric columns: refused (exact) or read as DOUBLE, losing precision (double)")
        .build());
    return specs;
  }

  static CdcSettings from(ConnectorContext context) throws ConnectorException {
    ConnectorProperties p = context.properties();
    String derived = derivedName(context.serverName(), context.name());
    String slot = p.string(SLOT_NAME).orElse(derived);
    if (!slot.matches("[a-z0-9_]{1,63}")) {
      throw ConnectorException.invalidProperty(SLOT_NAME, slot,
          "PostgreSQL slot names use only lower-case letters, digits and '_' (at most 63)");
    }
    return new CdcSettings(PgConnectionSettings.from(p), PgTable.parse(TABLE, p.requireString(TABLE)), slot,
        p.string(PUBLICATION).orElse(derived), p.string(SNAPSHOT_MODE).orElse("initial"),
        p.bool(SLOT_DROP_ON_RESET).orElse(false), p.string(NUMERIC_MODE).orElse("exact").equals("double"));
  }

  /** laminar_&lt;server&gt;_&lt;source&gt; reduced to what a slot name may hold. */
  static String derivedName(String server, String source) {
    String raw = ("laminar_" + server + "_" + source).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return raw.length() <= 63 ? raw : raw.substring(0, 54) + "_" + Integer.toHexString(raw.hashCode() & 0xfffffff);
  }

  /** The Debezium snapshot.mode for ours. */
  String debeziumSnapshotMode() {
    return snapshotMode.equals("never") ? "no_data" : snapshotMode;
  }
}
