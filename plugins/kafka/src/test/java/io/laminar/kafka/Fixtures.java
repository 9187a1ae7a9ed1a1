package io.laminar.kafka;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.PropertySpec;
import io.laminar.api.Source;
import io.laminar.api.SplitBatch;
import io.laminar.api.SplitReader;
import io.laminar.testkit.TestConnectorContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;

/** Schemas, contexts with recorded metrics, typed default properties and row readers for the tests. */
final class Fixtures {
  private Fixtures() {
  }

  static Field col(String name, ArrowType type) {
    return Field.nullable(name, type);
  }

  static final ArrowType INT = new ArrowType.Int(32, true);
  static final ArrowType BIGINT = new ArrowType.Int(64, true);
  static final ArrowType DOUBLE = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
  static final ArrowType FLOAT = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
  static final ArrowType VARCHAR = ArrowType.Utf8.INSTANCE;
  static final ArrowType BOOLEAN = ArrowType.Bool.INSTANCE;
  static final ArrowType TIMESTAMP = new ArrowType.Timestamp(TimeUnit.MILLISECOND, null);
  static final ArrowType DATE = new ArrowType.Date(DateUnit.DAY);

  static Schema schema(Field... fields) {
    return new Schema(List.of(fields));
  }

  /**
   * Typed properties as the host passes them after validation: the given values plus the spec's
   * defaults (ENUM as the canonical string, DURATION as {@link Duration}, LONG as {@link Long}).
   */
  static Map<String, Object> withDefaults(ConnectorSpec spec, Map<String, ?> given) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (PropertySpec p : spec.properties()) {
      if (p.isPrefix() || p.defaultValue().isEmpty()) {
        continue;
      }
      String d = p.defaultValue().get();
      out.put(p.name(), switch (p.type()) {
        case DURATION -> duration(d);
        case LONG -> Long.parseLong(d);
        case INT -> Integer.parseInt(d);
        default -> d;
      });
    }
    out.putAll(given);
    return out;
  }

  static Duration duration(String text) {
    if (text.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    }
    if (text.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
    }
    throw new IllegalArgumentException(text);
  }

  /** A context for a source or sink with recorded metrics. */
  static Context context(String name, ConnectorKind kind, ConnectorSpec spec, Map<String, ?> properties,
      Schema schema, BufferAllocator allocator, DeliveryGuarantee delivery) {
    return context(name, kind, spec, properties, schema, allocator, delivery, null);
  }

  /** As above, with a data directory ({@code null}: none, {@code dataDir()} then fails). */
  static Context context(String name, ConnectorKind kind, ConnectorSpec spec, Map<String, ?> properties,
      Schema schema, BufferAllocator allocator, DeliveryGuarantee delivery, Path dataDir) {
    TestConnectorContext base = TestConnectorContext.builder(name, kind)
        .properties(withDefaults(spec, properties)).schema(schema).allocator(allocator).delivery(delivery)
        .dataDir(dataDir).build();
    return new Context(base);
  }

  /**
   * A reader of every split {@code source} lists now, made as the host makes readers: the splits
   * listed, {@code saved} (null: a fresh start) through {@link Source#remapOffsets}, then
   * {@link Source#createReader}. The caller closes it before the source.
   */
  static SplitReader readerOfAll(Source source, Map<String, byte[]> saved) throws ConnectorException {
    List<String> splits = source.splits();
    Map<String, byte[]> restored = source.remapOffsets(saved == null ? Map.of() : saved, splits);
    Map<String, byte[]> mine = new java.util.LinkedHashMap<>();
    for (String split : splits) {
      mine.put(split, restored.get(split));
    }
    return source.createReader(mine);
  }

  /** Polls until {@code expected} rows arrived or {@code timeout} passed; every batch is closed. */
  static List<Map<String, Object>> read(SplitReader reader, int expected, Duration timeout) throws ConnectorException {
    List<Map<String, Object>> rows = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (rows.size() < expected && System.nanoTime() < deadline) {
      SplitBatch polled = reader.poll(Math.min(100, expected - rows.size()), Duration.ofMillis(200));
      if (polled != null) {
        try (Batch b = polled.batch()) {
          rows.addAll(rows(b.data()));
        }
      }
    }
    return rows;
  }

  /** Polls for {@code quiet} and returns whatever arrived (to prove that nothing more does). */
  static List<Map<String, Object>> drain(SplitReader reader, Duration quiet) throws ConnectorException {
    return read(reader, Integer.MAX_VALUE, quiet);
  }

  /** The rows of a batch as column-name → Java value (strings, numbers, booleans; timestamps as epoch ms). */
  static List<Map<String, Object>> rows(VectorSchemaRoot root) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < root.getRowCount(); i++) {
      Map<String, Object> row = new HashMap<>();
      for (FieldVector v : root.getFieldVectors()) {
        Object value;
        if (v.isNull(i)) {
          value = null;
        } else if (v instanceof TimeStampVector t) {
          value = t.get(i);
        } else {
          Object o = v.getObject(i);
          value = o instanceof org.apache.arrow.vector.util.Text ? o.toString() : o;
        }
        row.put(v.getName(), value);
      }
      out.add(row);
    }
    return out;
  }

  /** Metrics that remember counters and gauges by name. */
  static final class RecordingMetrics implements ConnectorMetrics {
    final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();

    @Override
    public Counter counter(String name, String description) {
      AtomicLong c = counters.computeIfAbsent(name, n -> new AtomicLong());
      return c::addAndGet;
    }

    /** Series of tagged gauges: name → tags → supplier. */
    final Map<String, Map<Map<String, String>, DoubleSupplier>> tagged = new ConcurrentHashMap<>();

    @Override
    public void gauge(String name, String description, DoubleSupplier value) {
      gauges.put(name, value);
    }

    @Override
    public void gauge(String name, String description, Map<String, String> tags, DoubleSupplier value) {
      tagged.computeIfAbsent(name, n -> new ConcurrentHashMap<>()).put(Map.copyOf(tags), value);
    }

    /** The current value of each series of a tagged gauge, by its tags. */
    Map<Map<String, String>, Double> series(String name) {
      Map<Map<String, String>, Double> out = new java.util.HashMap<>();
      tagged.getOrDefault(name, Map.of()).forEach((tags, v) -> out.put(tags, v.getAsDouble()));
      return out;
    }

    long counter(String name) {
      AtomicLong c = counters.get(name);
      return c == null ? 0 : c.get();
    }

    double gauge(String name) {
      return gauges.get(name.toLowerCase(Locale.ROOT)).getAsDouble();
    }
  }

  /** A {@link TestConnectorContext} with {@link RecordingMetrics}. */
  static final class Context implements ConnectorContext {
    private final TestConnectorContext base;
    final RecordingMetrics metrics = new RecordingMetrics();

    Context(TestConnectorContext base) {
      this.base = base;
    }

    @Override
    public String name() {
      return base.name();
    }

    @Override
    public ConnectorKind kind() {
      return base.kind();
    }

    @Override
    public String serverName() {
      return base.serverName();
    }

    @Override
    public ConnectorProperties properties() {
      return base.properties();
    }

    @Override
    public Schema schema() {
      return base.schema();
    }

    @Override
    public List<String> primaryKey() {
      return base.primaryKey();
    }

    @Override
    public Optional<DeliveryGuarantee> delivery() {
      return base.delivery();
    }

    @Override
    public BufferAllocator allocator() {
      return base.allocator();
    }

    @Override
    public RecordingMetrics metrics() {
      return metrics;
    }

    @Override
    public Logger logger() {
      return base.logger();
    }

    @Override
    public Path dataDir() {
      return base.dataDir();
    }
  }
}
