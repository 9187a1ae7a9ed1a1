package io.laminar.iceberg;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Secret;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The {@code iceberg} sink's properties, validated (no I/O). */
record IcebergSettings(String catalogType, String catalogName, Optional<String> catalogUri, Optional<String> catalogUser,
    Optional<Secret> catalogPassword, String warehouse, String namespace, String tableName, boolean createIfMissing,
    Optional<String> partitionSpec, boolean upsert, List<String> primaryKey, String writerId, long targetFileSize,
    String parquetCompression) {
  static final String CATALOG_TYPE = "catalog.type";
  static final String CATALOG_NAME = "catalog.name";
  static final String CATALOG_URI = "catalog.uri";
  static final String CATALOG_USER = "catalog.user";
  static final String CATALOG_PASSWORD = "catalog.password";
  static final String WAREHOUSE = "warehouse";
  static final String NAMESPACE = "namespace";
  static final String TABLE_NAME = "table.name";
  static final String CREATE = "create";
  static final String PARTITION_SPEC = "partition.spec";
  static final String WRITE_MODE = "write.mode";
  static final String PRIMARY_KEY = "primary.key";
  static final String WRITER_ID = "writer.id";
  static final String TARGET_FILE_SIZE = "target.file.size";
  static final String PARQUET_COMPRESSION = "parquet.compression";

  static final long DEFAULT_TARGET_FILE_SIZE = 128L * 1024 * 1024;

  static List<PropertySpec> specs() {
    List<PropertySpec> specs = new ArrayList<>();
    specs.add(PropertySpec.builder(CATALOG_TYPE, PropertyType.ENUM).allowedValues("hadoop", "jdbc", "rest")
        .defaultValue("hadoop").doc("hadoop: tables in a warehouse directory; jdbc: a JDBC database holds the"
            + " catalog (PostgreSQL); rest: an Iceberg REST catalog").build());
    specs.add(PropertySpec.builder(CATALOG_NAME, PropertyType.STRING).defaultValue("laminar")
        .doc("The catalog's name; a JDBC catalog keeps it in every row, so other engines must use the same").build());
    specs.add(PropertySpec.builder(CATALOG_URI, PropertyType.STRING)
        .doc("The catalog's JDBC URL (jdbc:postgresql://host:5432/db) or REST URL; required for jdbc and rest").build());
    specs.add(PropertySpec.builder(CATALOG_USER, PropertyType.STRING).doc("The JDBC catalog's user").build());
    specs.add(PropertySpec.builder(CATALOG_PASSWORD, PropertyType.PASSWORD).doc("The JDBC catalog's password").build());
    specs.add(PropertySpec.requiredString(WAREHOUSE, "Where table data lives: a directory (absolute path or file:// URI)"
        + " or an object-store URI the catalog's FileIO can write"));
    specs.add(PropertySpec.requiredString(NAMESPACE, "The table's namespace; dots separate levels (db.schema)"));
    specs.add(PropertySpec.requiredString(TABLE_NAME, "The table's name inside the namespace"));
    specs.add(PropertySpec.builder(CREATE, PropertyType.ENUM).allowedValues("if_missing", "never")
        .defaultValue("if_missing").doc("if_missing: create the table (format version 2, the partition spec) from"
            + " the pipeline's output schema; never: the table must exist").build());
    specs.add(PropertySpec.builder(PARTITION_SPEC, PropertyType.STRING).doc("Partitioning of a created table, e.g."
        + " \"day(ts), bucket(16, id), symbol\" (identity, year, month, day, hour, bucket(N, col), truncate(W, col));"
        + " an existing table must have the same spec").build());
    specs.add(PropertySpec.builder(WRITE_MODE, PropertyType.ENUM).allowedValues("append", "upsert")
        .defaultValue("append").doc("append: every row is added; upsert: each change replaces the row with its"
            + " primary key (equality deletes, format version 2)").build());
    specs.add(PropertySpec.builder(PRIMARY_KEY, PropertyType.STRING).doc("Comma-separated key columns for upsert"
        + " (default: the pipeline's update key, else the table's identifier fields)").build());
    specs.add(PropertySpec.builder(WRITER_ID, PropertyType.STRING).doc("The id recorded in each snapshot's summary"
        + " (laminar.writer-id) so that a restart never commits an epoch twice; default <server name>/<sink name>")
        .build());
    specs.add(PropertySpec.builder(TARGET_FILE_SIZE, PropertyType.LONG).defaultValue(Long.toString(DEFAULT_TARGET_FILE_SIZE))
        .tuning().doc("Bytes after which a data file is closed and another one started").build());
    specs.add(PropertySpec.builder(PARQUET_COMPRESSION, PropertyType.ENUM)
        .allowedValues("zstd", "snappy", "gzip", "lz4", "uncompressed").defaultValue("zstd").tuning()
        .doc("Compression codec of the Parquet data files").build());
    return specs;
  }

  static IcebergSettings from(ConnectorContext context) throws ConnectorException {
    ConnectorProperties p = context.properties();
    String type = p.string(CATALOG_TYPE).orElse("hadoop").toLowerCase(Locale.ROOT);
    Optional<String> uri = p.string(CATALOG_URI).map(String::trim).filter(s -> !s.isEmpty());
    if (!type.equals("hadoop") && uri.isEmpty()) {
      throw new ConnectorException(ConnectorException.Kind.MISSING_PROPERTY, CATALOG_URI, "catalog.type = \"" + type
          + "\" needs catalog.uri (" + (type.equals("jdbc") ? "a JDBC URL such as jdbc:postgresql://127.0.0.1:5432/catalog"
              : "the REST catalog's URL such as http://127.0.0.1:8181") + ")", null);
    }
    if (type.equals("jdbc") && !uri.get().startsWith("jdbc:")) {
      throw ConnectorException.invalidProperty(CATALOG_URI, uri.get(), "a JDBC catalog's uri starts with jdbc:"
          + " (e.g. jdbc:postgresql://127.0.0.1:5432/catalog)");
    }
    if (type.equals("rest") && !uri.get().matches("(?i)https?://.+")) {
      throw ConnectorException.invalidProperty(CATALOG_URI, uri.get(), "a REST catalog's uri is an http:// or https://"
          + " URL");
    }
    if (type.equals("hadoop") && uri.isPresent()) {
      throw ConnectorException.invalidProperty(CATALOG_URI, uri.get(), "catalog.type = \"hadoop\" keeps the catalog in"
          + " the warehouse directory and takes no uri; remove it, or set catalog.type = \"jdbc\" or \"rest\"");
    }
    String warehouse = p.requireString(WAREHOUSE).trim();
    if (warehouse.isEmpty()) {
      throw ConnectorException.invalidProperty(WAREHOUSE, warehouse, "must not be empty");
    }
    String namespace = p.requireString(NAMESPACE).trim();
    if (namespace.isEmpty() || Arrays.stream(namespace.split("\\.", -1)).anyMatch(String::isBlank)) {
      throw ConnectorException.invalidProperty(NAMESPACE, namespace, "must be one or more names separated by dots");
    }
    String table = p.requireString(TABLE_NAME).trim();
    if (table.isEmpty() || table.contains(".")) {
      throw ConnectorException.invalidProperty(TABLE_NAME, table, "must be a plain name (the namespace goes in"
          + " 'namespace')");
    }
    long target = p.longValue(TARGET_FILE_SIZE).orElse(DEFAULT_TARGET_FILE_SIZE);
    if (target < 1024) {
      throw ConnectorException.invalidProperty(TARGET_FILE_SIZE, Long.toString(target), "must be at least 1024 bytes");
    }
    boolean upsert = p.string(WRITE_MODE).orElse("append").equalsIgnoreCase("upsert");
    List<String> key = p.string(PRIMARY_KEY).map(s -> Arrays.stream(s.split(",")).map(String::trim)
        .filter(k -> !k.isEmpty()).toList()).orElse(List.of());
    if (key.isEmpty() && upsert) {
      key = context.primaryKey();
    }
    String writerId = p.string(WRITER_ID).map(String::trim).filter(s -> !s.isEmpty())
        .orElse(context.serverName() + "/" + context.name());
    String catalogName = p.string(CATALOG_NAME).map(String::trim).filter(n -> !n.isEmpty()).orElse("laminar");
    return new IcebergSettings(type, catalogName, uri, p.string(CATALOG_USER), p.secret(CATALOG_PASSWORD), warehouse, namespace,
        table, p.string(CREATE).orElse("if_missing").equalsIgnoreCase("if_missing"),
        p.string(PARTITION_SPEC).map(String::trim).filter(s -> !s.isEmpty()), upsert, key, writerId, target,
        p.string(PARQUET_COMPRESSION).orElse("zstd").toLowerCase(Locale.ROOT));
  }

  /** {@code namespace.table}, for messages. */
  String display() {
    return namespace + "." + tableName;
  }
}
