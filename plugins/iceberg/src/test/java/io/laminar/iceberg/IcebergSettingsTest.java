package io.laminar.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Property checks made before anything connects, each naming the property to blame. */
class IcebergSettingsTest {
  @TempDir Path dir;

  private ConnectorException refused(Map<String, Object> props) {
    try (RootAllocator allocator = new RootAllocator()) {
      return assertThrows(ConnectorException.class,
          () -> IcebergSettings.from(Fixtures.context("out", allocator, dir, props)));
    }
  }

  private Map<String, Object> props() {
    return new HashMap<>(Fixtures.hadoopProps(dir.resolve("wh"), "t"));
  }

  @Test
  void aJdbcOrRestCatalogNeedsAUriOfItsKindAndAHadoopCatalogTakesNone() {
    Map<String, Object> p = props();
    p.put("catalog.type", "jdbc");
    ConnectorException e = refused(p);
    assertEquals("catalog.uri", e.property().orElseThrow());
    assertEquals(ConnectorException.Kind.MISSING_PROPERTY, e.kind());
    assertTrue(e.getMessage().contains("jdbc:postgresql://"), e.getMessage());
    p.put("catalog.uri", "postgresql://127.0.0.1/db");
    assertTrue(refused(p).getMessage().contains("a JDBC catalog's uri starts with jdbc:"));
    p.put("catalog.type", "rest");
    p.put("catalog.uri", "jdbc:postgresql://127.0.0.1/db");
    assertTrue(refused(p).getMessage().contains("a REST catalog's uri is an http:// or https:// URL"));
    p.put("catalog.type", "hadoop");
    assertTrue(refused(p).getMessage().contains("catalog.type = \"hadoop\" keeps the catalog in the warehouse"));
  }

  @Test
  void namesAndSizesAreChecked() {
    Map<String, Object> p = props();
    p.put("table.name", "db.t");
    assertEquals("table.name", refused(p).property().orElseThrow());
    p = props();
    p.put("namespace", "a..b");
    assertEquals("namespace", refused(p).property().orElseThrow());
    p = props();
    p.put("target.file.size", 10L);
    assertEquals("target.file.size", refused(p).property().orElseThrow());
  }

  @Test
  void theWriterIdDefaultsToServerAndSinkNameAndTheWarehouseBecomesAUri() throws Exception {
    Map<String, Object> p = props();
    p.remove("writer.id");
    try (RootAllocator allocator = new RootAllocator()) {
      IcebergSettings s = IcebergSettings.from(Fixtures.context("out", allocator, dir, p));
      assertTrue(s.writerId().endsWith("/out"), s.writerId());
      assertEquals("laminar", s.catalogName());
      assertEquals("zstd", s.parquetCompression());
    }
    assertEquals(dir.resolve("wh").toUri().toString(), Catalogs.warehouse(dir.resolve("wh").toString()));
    assertEquals("s3://bucket/lake", Catalogs.warehouse("s3://bucket/lake"));
    assertEquals("file:///tmp/lake", Catalogs.warehouse("file:///tmp/lake"));
  }
}
