package com.example.laminar;

import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.SinkFactory;
import io.laminar.testkit.conformance.SinkConformance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The testkit's sink suite: the epoch protocol (prepare, commit, idempotent commit, abort, reopen
 * with the last committed epoch) and, since csv_dir is exactly-once, no row twice after a crash
 * between prepare and commit. {@link #readBack} is what a reader sees: the first column of every
 * committed file.
 */
class CsvDirSinkConformanceTest extends SinkConformance {
  private Path out() {
    return testDir.resolve("out");
  }

  @Override
  protected SinkFactory factory() {
    return new CsvDirSinkFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    return Map.of("dir", out().toString());
  }

  @Override
  protected Schema schema() {
    return new Schema(List.of(Field.notNullable("id", new ArrowType.Int(64, true)),
        Field.nullable("name", ArrowType.Utf8.INSTANCE)));
  }

  @Override
  protected DeliveryGuarantee delivery() {
    return DeliveryGuarantee.EXACTLY_ONCE;
  }

  @Override
  protected List<Long> readBack() throws IOException {
    List<Long> ids = new ArrayList<>();
    if (!Files.isDirectory(out())) {
      return ids;
    }
    try (Stream<Path> files = Files.list(out())) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          ids.add(Long.parseLong(line.substring(0, line.indexOf(','))));
        }
      }
    }
    return ids;
  }
}
