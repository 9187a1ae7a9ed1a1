package io.laminar.iceberg;

import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.SinkFactory;
import io.laminar.testkit.conformance.SinkConformance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The sink suite over an Iceberg table in a Hadoop catalog in the test's directory (exactly-once:
 * one snapshot per epoch), read back through Iceberg's generic reader.
 */
class IcebergSinkConformanceTest extends SinkConformance {
  private HadoopCatalog catalog;

  @BeforeEach
  void openCatalog() {
    catalog = Fixtures.hadoopCatalog(testDir.resolve("warehouse"));
  }

  @AfterEach
  void closeCatalog() throws Exception {
    catalog.close();
  }

  @Override
  protected SinkFactory factory() {
    return new IcebergSinkFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    return Fixtures.hadoopProps(testDir.resolve("warehouse"), "conformance");
  }

  @Override
  protected Schema schema() {
    return Fixtures.SCHEMA;
  }

  @Override
  protected DeliveryGuarantee delivery() {
    return DeliveryGuarantee.EXACTLY_ONCE;
  }

  @Override
  protected List<Long> readBack() throws Exception {
    List<Long> ids = new ArrayList<>();
    if (!catalog.tableExists(TableIdentifier.of(Namespace.of("db"), "conformance"))) {
      return ids;
    }
    for (Map<String, Object> row : Fixtures.read(Fixtures.load(catalog, "conformance"))) {
      ids.add((Long) row.get("id"));
    }
    return ids;
  }
}
