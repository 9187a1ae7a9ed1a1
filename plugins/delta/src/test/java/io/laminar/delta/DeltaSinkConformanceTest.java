package io.laminar.delta;

import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.SinkFactory;
import io.laminar.testkit.conformance.SinkConformance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The sink suite over a Delta table in the test's directory (exactly-once: one Delta commit per
 * epoch with the writer's txn version), read back through Delta Kernel, every column type the sink
 * maps, partitioned by region (three values).
 */
class DeltaSinkConformanceTest extends SinkConformance {
  private Path table() {
    return testDir.resolve("table");
  }

  @Override
  protected SinkFactory factory() {
    return new DeltaSinkFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    return Map.of(DeltaSettings.TABLE_PATH, "table", DeltaSettings.WRITER_ID, "conformance",
        DeltaSettings.PARTITION_COLUMNS, "region");
  }

  @Override
  protected Schema schema() {
    return DeltaSinkTest.SCHEMA;
  }

  /** Three partitions, not one per row. */
  @Override
  protected Object value(Field field, long id) {
    return field.getName().equals("region") ? "r" + id % 3 : super.value(field, id);
  }

  @Override
  protected DeliveryGuarantee delivery() {
    return DeliveryGuarantee.EXACTLY_ONCE;
  }

  @Override
  protected List<Long> readBack() throws Exception {
    List<Long> ids = new ArrayList<>();
    if (!Files.isDirectory(table().resolve("_delta_log"))) {
      return ids;
    }
    for (List<Object> row : DeltaTables.rows(table())) {
      ids.add((Long) row.get(0));
    }
    return ids;
  }
}
