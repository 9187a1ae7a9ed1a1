package io.laminar.testkit;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.RowKind;
import io.laminar.api.Source;
import io.laminar.api.SourceFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A changelog source for tests, type {@code test_changelog}: replays a script of changes given in the
 * {@code rows} property, one change per line, {@code op,value,value,…} with op one of {@code +I -U +U
 * -D} (Flink's notation) and the values in schema order (empty = NULL; TIMESTAMP as epoch
 * milliseconds or ISO-8601; DATE as ISO-8601). It hands out {@code batch_rows} changes per poll and is
 * bounded: it ends after the last line. Its offset is the number of changes handed out, so a restart
 * from a checkpoint continues after them. With {@code inserts_as_plain = true}, a batch of only
 * inserts comes without a row-kind vector, as a CDC source sends its snapshot. {@code batch_interval}
 * paces a run (at most one batch per interval), so an end-to-end test can stop or kill the server
 * while it is still reading.
 *
 * <p>Test scope only (not a connector users get): register it in a test's registry.
 */
public final class ChangelogSourceFactory implements SourceFactory {
  /** The connector type. */
  public static final String TYPE = "test_changelog";

  private static final ConnectorSpec SPEC = ConnectorSpec.builder(TYPE, ConnectorKind.SOURCE)
      .description("Replays a scripted changelog (+I/-U/+U/-D lines); for tests")
      .property(PropertySpec.requiredString("rows", "One change per line: op,value,value,… (op: +I -U +U -D)"))
      .property(PropertySpec.builder("batch_rows", PropertyType.INT).defaultValue("1000")
          .doc("Changes per batch").build())
      .property(PropertySpec.builder("inserts_as_plain", PropertyType.BOOLEAN).defaultValue("false")
          .doc("Send a batch of only inserts without a row-kind vector").build())
      .property(PropertySpec.builder("batch_interval", PropertyType.DURATION).defaultValue("0s")
          .doc("The least time between two batches, to pace a run").build())
      .build();

  @Override
  public ConnectorSpec spec() {
    return SPEC;
  }

  @Override
  public Source create(ConnectorContext context) throws ConnectorException {
    List<String[]> lines = new ArrayList<>();
    for (String line : context.properties().requireString("rows").split("\r?\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] cells = trimmed.split(",", -1);
      if (cells.length != context.schema().getFields().size() + 1) {
        throw ConnectorException.invalidProperty("rows", trimmed, "the line has " + (cells.length - 1)
            + " values for " + context.schema().getFields().size() + " columns");
      }
      try {
        kind(cells[0]);
      } catch (IllegalArgumentException e) {
        throw ConnectorException.invalidProperty("rows", trimmed, e.getMessage());
      }
      lines.add(cells);
    }
    int batchRows = context.properties().integer("batch_rows").orElse(1000);
    boolean plain = context.properties().bool("inserts_as_plain").orElse(false);
    Duration interval = context.properties().duration("batch_interval").orElse(Duration.ZERO);
    return new ScriptSource(lines, batchRows, plain, interval, context.schema(), context.allocator());
  }

  /** The row kind of Flink's short notation ({@code +I -U +U -D}). */
  public static RowKind kind(String op) {
    return RowKind.fromShortString(op.strip());
  }

  /** Flink's short notation of a row kind. */
  public static String op(RowKind kind) {
    return kind.shortString();
  }

  private static final class ScriptSource implements Source {
    private final List<String[]> lines;
    private final int batchRows;
    private final boolean insertsAsPlain;
    private final long intervalNanos;
    private long nextDueNanos;
    private final Schema schema;
    private final BufferAllocator allocator;
    private int next;

    ScriptSource(List<String[]> lines, int batchRows, boolean insertsAsPlain, Duration interval, Schema schema,
        BufferAllocator allocator) {
      this.lines = lines;
      this.batchRows = Math.max(1, batchRows);
      this.insertsAsPlain = insertsAsPlain;
      this.intervalNanos = interval.toNanos();
      this.nextDueNanos = System.nanoTime();
      this.schema = schema;
      this.allocator = allocator;
    }

    @Override
    public ChangelogMode changelogMode() {
      return ChangelogMode.ALL;
    }

    @Override
    public void open(byte[] restoredOffsets) {
      next = restoredOffsets == null ? 0 : ByteBuffer.wrap(restoredOffsets).getInt();
    }

    @Override
    public Batch poll(int maxRows, Duration timeout) {
      int n = Math.min(Math.min(batchRows, maxRows), lines.size() - next);
      if (n <= 0) {
        return null;
      }
      if (intervalNanos > 0) {
        long wait = nextDueNanos - System.nanoTime();
        if (wait > 0) {
          try {
            TimeUnit.NANOSECONDS.sleep(Math.min(wait, timeout.toNanos())); // pacing, like a rate limit
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
          }
          if (System.nanoTime() - nextDueNanos < 0) {
            return null;
          }
        }
        nextDueNanos = System.nanoTime() + intervalNanos;
      }
      VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
      TinyIntVector kinds = new TinyIntVector("row_kind", allocator);
      try {
        root.allocateNew();
        kinds.allocateNew(n);
        boolean onlyInserts = true;
        for (int i = 0; i < n; i++) {
          String[] cells = lines.get(next + i);
          RowKind kind = kind(cells[0]);
          onlyInserts &= kind == RowKind.INSERT;
          kinds.set(i, kind.code());
          for (int c = 0; c < schema.getFields().size(); c++) {
            set(root.getVector(c), i, cells[c + 1].strip());
          }
        }
        kinds.setValueCount(n);
        root.setRowCount(n);
        next += n;
        if (insertsAsPlain && onlyInserts) {
          kinds.close();
          return Batch.of(root);
        }
        return Batch.changelog(root, kinds);
      } catch (RuntimeException e) {
        root.close();
        kinds.close();
        throw e;
      }
    }

    private static void set(FieldVector v, int row, String text) {
      if (text.isEmpty()) {
        v.setNull(row);
      } else if (v instanceof IntVector i) {
        i.setSafe(row, Integer.parseInt(text));
      } else if (v instanceof BigIntVector b) {
        b.setSafe(row, Long.parseLong(text));
      } else if (v instanceof Float8Vector d) {
        d.setSafe(row, Double.parseDouble(text));
      } else if (v instanceof Float4Vector f) {
        f.setSafe(row, Float.parseFloat(text));
      } else if (v instanceof BitVector b) {
        b.setSafe(row, Boolean.parseBoolean(text) ? 1 : 0);
      } else if (v instanceof VarCharVector s) {
        s.setSafe(row, text.getBytes(StandardCharsets.UTF_8));
      } else if (v instanceof TimeStampVector t) {
        t.setSafe(row, text.chars().allMatch(Character::isDigit) ? Long.parseLong(text)
            : Instant.parse(text).toEpochMilli());
      } else if (v instanceof DateDayVector d) {
        d.setSafe(row, (int) LocalDate.parse(text).toEpochDay());
      } else {
        throw new IllegalArgumentException("column type " + v.getField().getType() + " is not supported");
      }
    }

    @Override
    public boolean isExhausted() {
      return next >= lines.size();
    }

    @Override
    public byte[] snapshotOffsets() {
      return ByteBuffer.allocate(4).putInt(next).array();
    }

    @Override
    public void close() {
    }
  }
}
