package io.laminar.testplugins.jacksonold;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.PackageVersion;
import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.PropertySpec;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.util.Text;
import org.pf4j.Extension;

/**
 * A sink that writes each row as one JSON line with the Jackson this plugin bundles (2.12), and
 * reports that Jackson's version: in its spec description, in a log line at open, and as the
 * {@code jackson} field of every line. Loaded next to a plugin with a current Jackson, each must
 * see its own copy.
 */
@Extension
public final class JacksonOldSinkFactory implements SinkFactory {

  /** "jackson-databind 2.12.7 (jackson-databind-2.12.7.jar)": the version and jar actually linked. */
  static String jacksonReport() {
    return "jackson-databind " + PackageVersion.VERSION + " (" + jar(ObjectMapper.class) + ")";
  }

  private static String jar(Class<?> type) {
    try {
      return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder("jackson_old", ConnectorKind.SINK)
        .description("Writes JSON lines with " + jacksonReport())
        .property(PropertySpec.requiredString("path", "File the JSON lines are appended to"))
        .build();
  }

  @Override
  public Sink create(ConnectorContext context) {
    return new JacksonOldSink(context, Path.of(context.properties().requireString("path")));
  }

  /** Buffers rows as JSON lines and appends them (fsynced) at each checkpoint: at-least-once. */
  static final class JacksonOldSink implements Sink {
    private final ConnectorContext ctx;
    private final Path file;
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String> buffer = new ArrayList<>();

    JacksonOldSink(ConnectorContext ctx, Path file) {
      this.ctx = ctx;
      this.file = file;
    }

    @Override
    public DeliveryGuarantee maxGuarantee() {
      return DeliveryGuarantee.AT_LEAST_ONCE;
    }

    @Override
    public void open(long lastCommittedEpoch) {
      ctx.logger().info("jackson_old sink '{}' uses {}", ctx.name(), jacksonReport());
    }

    @Override
    public void write(Batch batch) throws ConnectorException {
      List<FieldVector> vectors = batch.data().getFieldVectors();
      for (int r = 0; r < batch.rowCount(); r++) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("jackson", PackageVersion.VERSION.toString());
        for (FieldVector v : vectors) {
          line.put(v.getName(), value(v, r));
        }
        try {
          buffer.add(mapper.writeValueAsString(line));
        } catch (JsonProcessingException e) {
          throw ConnectorException.runtime("cannot render a row as JSON: " + e.getOriginalMessage(), e);
        }
      }
    }

    private static Object value(FieldVector v, int row) {
      if (v.isNull(row)) {
        return null;
      }
      if (v instanceof TimeStampVector t) {
        return t.get(row); // epoch milliseconds
      }
      Object o = v.getObject(row);
      return o instanceof Text ? o.toString() : o;
    }

    @Override
    public void prepareCommit(long epoch) throws ConnectorException {
      if (buffer.isEmpty()) {
        return;
      }
      try {
        Files.write(file, buffer, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        buffer.clear();
      } catch (IOException e) {
        throw ConnectorException.runtime("cannot append to " + file + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      buffer.clear();
    }
  }
}
