package io.laminar.testkit;

import io.laminar.api.SourceFactory;
import io.laminar.testkit.conformance.SourceConformance;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** The source suite over test_changelog: a script of every row kind, handed out two changes a poll at most. */
class ChangelogSourceConformanceTest extends SourceConformance {
  private static final int CHANGES = 90;

  private static String script() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < CHANGES / 3; i++) {
      b.append("+I,").append(i).append(",a").append(i).append('\n');
      b.append("-U,").append(i).append(",a").append(i).append('\n');
      b.append("+U,").append(i).append(",b").append(i).append('\n');
    }
    return b.toString();
  }

  @Override
  protected SourceFactory factory() {
    return new ChangelogSourceFactory();
  }

  @Override
  protected Map<String, Object> properties() {
    return Map.of("rows", script(), "batch_rows", 7);
  }

  @Override
  protected Schema schema() {
    return new Schema(List.of(Field.notNullable("id", new ArrowType.Int(64, true)),
        Field.nullable("name", ArrowType.Utf8.INSTANCE)));
  }

  @Override
  protected int expectedRows() {
    return CHANGES;
  }

  @Override
  protected boolean bounded() {
    return true;
  }
}
