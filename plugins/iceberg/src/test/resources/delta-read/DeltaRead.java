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
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads a Delta table with Delta Kernel's own scan API and prints each row as one line, the values in
 * the table's column order separated by '|' (timestamps as epoch microseconds, dates as epoch days,
 * null as "null"). Run by DeltaAndIcebergIT in a child JVM with the delta plugin's lib/ as its class
 * path (Java's single-file source launch), so Delta's Parquet and Hadoop never meet Iceberg's. The
 * read logic is that of plugins/delta's DeltaTables.rows. Usage: DeltaRead TABLE_PATH
 */
public final class DeltaRead {
  private DeltaRead() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: DeltaRead TABLE_PATH");
      System.exit(64);
    }
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    Engine engine = DefaultEngine.create(new Configuration());
    Snapshot snapshot = Table.forPath(engine, args[0]).getLatestSnapshot(engine);
    Scan scan = snapshot.getScanBuilder().build();
    Row scanState = scan.getScanState(engine);
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(scanState);
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> scanFiles = files.next().getRows()) {
          while (scanFiles.hasNext()) {
            Row scanFile = scanFiles.next();
            FileStatus status = InternalScanFileUtils.getAddFileStatus(scanFile);
            CloseableIterator<ColumnarBatch> physicalData = engine.getParquetHandler()
                .readParquetFiles(Utils.singletonCloseableIterator(status), physical, Optional.empty())
                .map(r -> r.getData());
            try (CloseableIterator<FilteredColumnarBatch> data =
                Scan.transformPhysicalData(engine, scanState, scanFile, physicalData)) {
              while (data.hasNext()) {
                print(data.next(), out);
              }
            }
          }
        }
      }
    }
    out.flush();
  }

  private static void print(FilteredColumnarBatch batch, PrintStream out) {
    ColumnarBatch data = batch.getData();
    Optional<ColumnVector> sel = batch.getSelectionVector();
    StructType schema = data.getSchema();
    for (int r = 0; r < data.getSize(); r++) {
      if (sel.isPresent() && (sel.get().isNullAt(r) || !sel.get().getBoolean(r))) {
        continue;
      }
      List<String> row = new ArrayList<>(schema.length());
      for (int c = 0; c < schema.length(); c++) {
        row.add(String.valueOf(value(data.getColumnVector(c), schema.at(c).getDataType(), r)));
      }
      out.println(String.join("|", row));
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
    } else if (type instanceof LongType || type instanceof TimestampType || type instanceof TimestampNTZType) {
      return v.getLong(r);
    } else if (type instanceof FloatType) {
      return v.getFloat(r);
    } else if (type instanceof DoubleType) {
      return v.getDouble(r);
    } else if (type instanceof StringType) {
      return v.getString(r);
    } else if (type instanceof DecimalType) {
      return v.getDecimal(r).toPlainString();
    }
    throw new IllegalArgumentException("type " + type);
  }
}
