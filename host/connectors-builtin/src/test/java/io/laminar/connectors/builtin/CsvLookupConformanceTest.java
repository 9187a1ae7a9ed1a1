package io.laminar.connectors.builtin;

import io.laminar.api.LookupFactory;
import io.laminar.testkit.conformance.LookupConformance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;

/** The lookup suite over a CSV file with a header, written into the test's directory. */
class CsvLookupConformanceTest extends LookupConformance {
  private static final Schema SCHEMA = new Schema(List.of(
      GeneratorSourceTest.field("id", new ArrowType.Int(64, true), false),
      GeneratorSourceTest.field("name", ArrowType.Utf8.INSTANCE, true),
      GeneratorSourceTest.field("qty", new ArrowType.Int(32, true), true),
      GeneratorSourceTest.field("price", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), true),
      GeneratorSourceTest.field("flag", ArrowType.Bool.INSTANCE, true)));

  private Path file() {
    return testDir.resolve("rows.csv");
  }

  @Override
  protected LookupFactory factory() {
    return new CsvLookupFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    return Map.of("path", "rows.csv");
  }

  @Override
  protected Schema schema() {
    return SCHEMA;
  }

  @Override
  protected List<String> primaryKey() {
    return List.of("id");
  }

  @Override
  protected void store(List<Map<String, Object>> rows) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add(String.join(",", rows.get(0).keySet()));
    for (Map<String, Object> row : rows) {
      lines.add(String.join(",", row.values().stream().map(String::valueOf).toList()));
    }
    Files.write(file(), lines);
  }
}
