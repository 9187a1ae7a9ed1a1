package io.laminar.delta;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads a Delta table back with Delta Kernel's own scan API (never the sink's code): rows as lists of
 * Java values in the table's column order (timestamps as epoch microseconds, dates as epoch days), the
 * data files the log references, and the writer's txn version.
 */
final class DeltaTables {
  private DeltaTables() {
  }

  static Engine engine() {
    return DefaultEngine.create(new Configuration());
  }

  static Snapshot snapshot(Path table) {
    Engine engine = engine();
    return Table.forPath(engine, table.toString()).getLatestSnapshot(engine);
  }

  static Optional<Long> txnVersion(Path table, String appId) {
    return snapshot(table).getLatestTransactionVersion(engine(), appId);
  }

  /** Every row of the table, through the scan files and Kernel's physical → logical transform. */
  static List<List<Object>> rows(Path table) throws IOException {
    Engine engine = engine();
    Snapshot snapshot = Table.forPath(engine, table.toString()).getLatestSnapshot(engine);
    Scan scan = snapshot.getScanBuilder().build();
    Row scanState = scan.getScanState(engine);
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(scanState);
    List<List<Object>> out = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> scanFiles = files.next().getRows()) {
          while (scanFiles.hasNext()) {
            Row scanFile = scanFiles.next();
            FileStatus status = InternalScanFileUtils.getAddFileStatus(scanFile);
            CloseableIterator<ColumnarBatch> physicalData = engine.getParquetHandler()
                .readParquetFiles(Utils.singletonCloseableIterator(status), physical, Optional.empty()).map(r -> r.getData());
            try (CloseableIterator<FilteredColumnarBatch> data =
                Scan.transformPhysicalData(engine, scanState, scanFile, physicalData)) {
              while (data.hasNext()) {
                collect(data.next(), out);
              }
            }
          }
        }
      }
    }
    return out;
  }

  /** The data files the log references, with their partition values. */
  static Map<String, Map<String, String>> referencedFiles(Path table) throws IOException {
    Engine engine = engine();
    Snapshot snapshot = Table.forPath(engine, table.toString()).getLatestSnapshot(engine);
    Scan scan = snapshot.getScanBuilder().build();
    Map<String, Map<String, String>> out = new java.util.TreeMap<>();
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> scanFiles = files.next().getRows()) {
          while (scanFiles.hasNext()) {
            Row scanFile = scanFiles.next();
            String path = new org.apache.hadoop.fs.Path(InternalScanFileUtils.getAddFileStatus(scanFile).getPath())
                .toUri().getPath();
            out.put(path, InternalScanFileUtils.getPartitionValues(scanFile));
          }
        }
      }
    }
    return out;
  }

  /** Every *.parquet file under the table directory, outside _delta_log and _laminar. */
  static Set<String> parquetFilesOnDisk(Path table) throws IOException {
    Set<String> out = new HashSet<>();
    try (Stream<Path> walk = Files.walk(table)) {
      walk.filter(p -> p.toString().endsWith(".parquet"))
          .filter(p -> !table.relativize(p).startsWith("_delta_log") && !table.relativize(p).startsWith("_laminar"))
          .forEach(p -> out.add(p.toAbsolutePath().toString()));
    }
    return out;
  }

  /** Every file under the table's _laminar directory (manifests, staged data). */
  static List<Path> laminarFiles(Path table) {
    Path dir = table.resolve("_laminar");
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean hasCheckpoint(Path table, long version) {
    return Files.exists(table.resolve("_delta_log").resolve(String.format("%020d.checkpoint.parquet", version)));
  }

  private static void collect(FilteredColumnarBatch batch, List<List<Object>> out) {
    ColumnarBatch data = batch.getData();
    Optional<ColumnVector> sel = batch.getSelectionVector();
    StructType schema = data.getSchema();
    for (int r = 0; r < data.getSize(); r++) {
      if (sel.isPresent() && (sel.get().isNullAt(r) || !sel.get().getBoolean(r))) {
        continue;
      }
      List<Object> row = new ArrayList<>(schema.length());
      for (int c = 0; c < schema.length(); c++) {
        row.add(value(data.getColumnVector(c), schema.at(c).getDataType(), r));
      }
      out.add(row);
    }
  }

  private static Object value(ColumnVector v, DataType type, int r) {
    if (v.isNullAt(r)) {
      return null;
    }
    if (type instanceof BooleanType) {
      return v.getBoolean(r);
    } else if (type instanceof IntegerType || type instanceof DateType) {
      return v.getInt(r);
    } else if (type instanceof LongType || type instanceof TimestampType) {
      return v.getLong(r);
    } else if (type instanceof FloatType) {
      return v.getFloat(r);
    } else if (type instanceof DoubleType) {
      return v.getDouble(r);
    } else if (type instanceof StringType) {
      return v.getString(r);
    } else if (type instanceof io.delta.kernel.types.DecimalType) {
      return v.getDecimal(r);
    }
    throw new IllegalArgumentException("type " + type);
  }
}
