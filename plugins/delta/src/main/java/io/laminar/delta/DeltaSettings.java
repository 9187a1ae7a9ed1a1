package io.laminar.delta;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * The {@code delta_lake} sink's properties, validated against the pipeline's output schema.
 *
 * @param table the table's directory (local file system only: {@code file://} URLs and plain paths)
 * @param partitionColumns partition columns, in the order given
 * @param targetFileSize bytes after which a Parquet file is closed and the next one started
 * @param writerId the {@code txn} application id of this sink
 * @param checkpointInterval a Delta log checkpoint every this many commits of this sink
 * @param createIfMissing whether a missing table is created from the pipeline's schema
 * @param compression the Parquet codec name as parquet-hadoop spells it (ZSTD, SNAPPY, GZIP, UNCOMPRESSED)
 */
record DeltaSettings(Path table, List<String> partitionColumns, long targetFileSize, String writerId,
    int checkpointInterval, boolean createIfMissing, String compression) {
  static final String TABLE_PATH = "table.path";
  static final String PARTITION_COLUMNS = "partition.columns";
  static final String TARGET_FILE_SIZE = "target.file.size";
  static final String WRITER_ID = "writer.id";
  static final String CHECKPOINT_INTERVAL = "checkpoint.interval";
  static final String CREATE = "create";
  static final String COMPRESSION = "parquet.compression";
  static final long DEFAULT_TARGET_FILE_SIZE = 128L * 1024 * 1024;

  static List<PropertySpec> specs() {
    return List.of(
        PropertySpec.builder(TABLE_PATH, PropertyType.PATH).required()
            .doc("The table's directory: a local path (relative to the config file) or a file:// URL;"
                + " other file systems are not bundled").build(),
        PropertySpec.builder(PARTITION_COLUMNS, PropertyType.STRING)
            .doc("Comma-separated partition columns of a table this sink creates (must match an existing table's)")
            .build(),
        PropertySpec.builder(TARGET_FILE_SIZE, PropertyType.LONG).defaultValue(Long.toString(DEFAULT_TARGET_FILE_SIZE))
            .doc("Bytes of Parquet data after which a file is closed and the next one started").tuning().build(),
        PropertySpec.builder(WRITER_ID, PropertyType.STRING)
            .doc("The txn application id of this sink (default: <server name>/<sink name>, stable across restarts)")
            .build(),
        PropertySpec.builder(CHECKPOINT_INTERVAL, PropertyType.INT).defaultValue("10")
            .doc("Write a Delta log checkpoint every N table versions committed by this sink").tuning().build(),
        PropertySpec.builder(CREATE, PropertyType.ENUM).allowedValues("if_missing", "never").defaultValue("if_missing")
            .doc("if_missing: create the table from the pipeline's schema; never: the table must exist").build(),
        PropertySpec.builder(COMPRESSION, PropertyType.ENUM).allowedValues("zstd", "snappy", "gzip", "none")
            .defaultValue("zstd").doc("Parquet compression codec of the data files").tuning().build());
  }

  static DeltaSettings from(ConnectorContext context) throws ConnectorException {
    ConnectorProperties p = context.properties();
    Path table = tablePath(p.requireString(TABLE_PATH));
    List<String> partitions = partitionColumns(p.string(PARTITION_COLUMNS).orElse(""), context.schema().getFields());
    long fileSize = p.longValue(TARGET_FILE_SIZE).orElse(DEFAULT_TARGET_FILE_SIZE);
    if (fileSize < 1024) {
      throw ConnectorException.invalidProperty(TARGET_FILE_SIZE, Long.toString(fileSize), "must be at least 1024 bytes");
    }
    int interval = p.integer(CHECKPOINT_INTERVAL).orElse(10);
    if (interval < 1) {
      throw ConnectorException.invalidProperty(CHECKPOINT_INTERVAL, Integer.toString(interval), "must be at least 1");
    }
    String writerId = p.string(WRITER_ID).map(String::trim).orElse(context.serverName() + "/" + context.name());
    if (writerId.isEmpty()) {
      throw ConnectorException.invalidProperty(WRITER_ID, writerId, "must not be empty");
    }
    String codec = switch (p.string(COMPRESSION).orElse("zstd").toLowerCase(Locale.ROOT)) {
      case "snappy" -> "SNAPPY";
      case "gzip" -> "GZIP";
      case "none" -> "UNCOMPRESSED";
      default -> "ZSTD";
    };
    return new DeltaSettings(table, partitions, fileSize, writerId, interval,
        !"never".equals(p.string(CREATE).orElse("if_missing")), codec);
  }

  /**
   * The table directory. The value is a PATH property, so the host already resolved a relative path
   * against the config file's directory; a URL such as {@code file:///data/t} or {@code s3://b/t}
   * arrives as {@code <config dir>/file:/data/t}: its scheme is the path element ending in ':'. Only
   * {@code file} is served (no other Hadoop file system is bundled).
   */
  static Path tablePath(String value) throws ConnectorException {
    Path path = Paths.get(value).toAbsolutePath().normalize();
    for (int i = 0; i < path.getNameCount(); i++) {
      String element = path.getName(i).toString();
      if (element.length() > 1 && element.endsWith(":") && element.substring(0, element.length() - 1)
          .matches("[A-Za-z][A-Za-z0-9+.-]*")) {
        String scheme = element.substring(0, element.length() - 1).toLowerCase(Locale.ROOT);
        String shown = scheme + "://" + (i + 1 < path.getNameCount() ? path.subpath(i + 1, path.getNameCount()) : "");
        if (!scheme.equals("file")) {
          throw ConnectorException.invalidProperty(TABLE_PATH, shown, "the " + scheme + ":// file system is not"
              + " bundled with the delta plugin; use a local directory or a file:// URL");
        }
        if (i + 1 >= path.getNameCount()) {
          throw ConnectorException.invalidProperty(TABLE_PATH, shown, "a file:// URL needs a path (file:///data/table)");
        }
        return path.getRoot().resolve(path.subpath(i + 1, path.getNameCount())).normalize();
      }
    }
    return path;
  }

  /** Parses and checks the partition columns against the pipeline's output: known, distinct, typed to partition. */
  static List<String> partitionColumns(String value, List<Field> fields) throws ConnectorException {
    List<String> names = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    Set<String> seen = new LinkedHashSet<>();
    List<String> available = fields.stream().map(Field::getName).toList();
    List<String> problems = new ArrayList<>();
    for (String name : names) {
      Field field = fields.stream().filter(f -> f.getName().equals(name)).findFirst().orElse(null);
      if (field == null) {
        problems.add("'" + name + "' is not a column of the pipeline's output (" + String.join(", ", available) + ")"
            + didYouMean(name, available));
      } else if (!seen.add(name)) {
        problems.add("'" + name + "' is listed twice");
      } else if (field.getType() instanceof ArrowType.FloatingPoint) {
        problems.add("'" + name + "' is a floating-point column; partition by an integer, string, boolean, date or"
            + " timestamp column");
      }
    }
    if (!problems.isEmpty()) {
      throw ConnectorException.invalidProperty(PARTITION_COLUMNS, value, String.join("; ", problems));
    }
    if (!names.isEmpty() && names.size() == fields.size()) {
      throw ConnectorException.invalidProperty(PARTITION_COLUMNS, value,
          "every column is a partition column; a Delta table needs at least one data column");
    }
    return List.copyOf(seen);
  }

  /** {@code " (did you mean 'x'?)"} for the closest name within 3 edits, else "". */
  static String didYouMean(String name, List<String> candidates) {
    LevenshteinDistance distance = new LevenshteinDistance(3);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance.apply(name.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
      if (d >= 0 && d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best == null ? "" : " (did you mean '" + best + "'?)";
  }
}
