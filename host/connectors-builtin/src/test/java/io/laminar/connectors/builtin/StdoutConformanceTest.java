package io.laminar.connectors.builtin;

import io.laminar.api.SinkFactory;
import io.laminar.testkit.conformance.SinkConformance;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;

/** The sink suite over a JSON stdout sink writing into a buffer, read back line by line. */
class StdoutConformanceTest extends SinkConformance {
  private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+),");
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Override
  protected SinkFactory factory() {
    return new StdoutSinkFactory(out);
  }

  @Override
  protected Map<String, Object> properties() {
    return Map.of("format", "json");
  }

  @Override
  protected Schema schema() {
    return new Schema(List.of(GeneratorSourceTest.field("id", new ArrowType.Int(64, true), false),
        GeneratorSourceTest.field("name", ArrowType.Utf8.INSTANCE, true)));
  }

  @Override
  protected List<Long> readBack() {
    List<Long> ids = new ArrayList<>();
    String text;
    synchronized (out) {
      text = out.toString(StandardCharsets.UTF_8);
    }
    for (String line : text.split("\n")) {
      Matcher m = ID.matcher(line);
      if (m.find()) {
        ids.add(Long.parseLong(m.group(1)));
      } else if (!line.isEmpty()) {
        throw new AssertionError("not a JSON line of the sink: " + line);
      }
    }
    return ids;
  }
}
