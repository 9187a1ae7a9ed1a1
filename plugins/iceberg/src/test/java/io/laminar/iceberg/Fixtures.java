package io.laminar.iceberg;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorKind;
import io.laminar.api.RowKind;
import io.laminar.testkit.TestConnectorContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;

/** Batches, contexts and read-back through Iceberg's own generic reader. */
final class Fixtures {
  /** id BIGINT, name VARCHAR, ts TIMESTAMP. */
  static final Schema SCHEMA = new Schema(List.of(
      Field.nullable("id", new ArrowType.Int(64, true)),
      Field.nullable("name", ArrowType.Utf8.INSTANCE),
      Field.nullable("ts", new ArrowType.Timestamp(TimeUnit.MILLISECOND, null))));

  private Fixtures() {
  }

  static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  /** One change: kind, id, name, ts (ms). */
  record Change(RowKind kind, long id, String name, long ts) {
    static Change of(String op, long id, String name, long ts) {
      return new Change(RowKind.fromShortString(op), id, name, ts);
    }
  }

  static Batch batch(BufferAllocator allocator, List<Change> changes) {
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    BigIntVector id = (BigIntVector) root.getVector("id");
    VarCharVector name = (VarCharVector) root.getVector("name");
    TimeStampMilliVector ts = (TimeStampMilliVector) root.getVector("ts");
    TinyIntVector kinds = new TinyIntVector("kind", allocator);
    root.allocateNew();
    kinds.allocateNew(changes.size());
    for (int i = 0; i < changes.size(); i++) {
      Change c = changes.get(i);
      id.setSafe(i, c.id());
      name.setSafe(i, c.name().getBytes(StandardCharsets.UTF_8));
      ts.setSafe(i, c.ts());
      kinds.setSafe(i, c.kind().code());
    }
    root.setRowCount(changes.size());
    kinds.setValueCount(changes.size());
    return Batch.changelog(root, kinds);
  }

  static TestConnectorContext context(String name, BufferAllocator allocator, Path dataDir, Map<String, ?> props) {
    return TestConnectorContext.builder(name, ConnectorKind.SINK).schema(SCHEMA).allocator(allocator)
        .dataDir(dataDir).properties(props).build();
  }

  static Map<String, Object> hadoopProps(Path warehouse, String table) {
    Map<String, Object> p = new HashMap<>();
    p.put("catalog.type", "hadoop");
    p.put("warehouse", warehouse.toString());
    p.put("namespace", "db");
    p.put("table.name", table);
    p.put("writer.id", "test/" + table);
    return p;
  }

  static HadoopCatalog hadoopCatalog(Path warehouse) {
    HadoopCatalog c = new HadoopCatalog();
    c.setConf(new Configuration());
    c.initialize("test", Map.of("warehouse", warehouse.toUri().toString()));
    return c;
  }

  static Table load(org.apache.iceberg.catalog.Catalog catalog, String table) {
    return catalog.loadTable(TableIdentifier.of(Namespace.of("db"), table));
  }

  /** Every row of the table through IcebergGenerics, as column → value maps. */
  static List<Map<String, Object>> read(Table table) throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record r : records) {
        Map<String, Object> row = new HashMap<>();
        for (var f : table.schema().columns()) {
          Object v = r.getField(f.name());
          row.put(f.name(), v instanceof LocalDateTime t ? t.toInstant(ZoneOffset.UTC).toEpochMilli() : v);
        }
        out.add(row);
      }
    }
    return out;
  }

  /** The laminar.epoch of every snapshot of the table, oldest first. */
  static List<Long> epochs(Table table) {
    List<Long> out = new ArrayList<>();
    for (Snapshot s : table.snapshots()) {
      String e = s.summary().get(IcebergSink.EPOCH);
      if (e != null) {
        out.add(Long.parseLong(e));
      }
    }
    return out;
  }
}
