package io.laminar.connectors.builtin;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorException;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Prints batches as JSON lines or an aligned table. Rows are formatted into a buffer of whole lines
 * that goes to the process-wide {@link StdoutWriter} after every batch (and whenever it reaches
 * {@value #CHUNK_BYTES} bytes), so a line is never split between writes, whatever the number of sinks
 * and workers printing. Rows printed since the last checkpoint may be printed again after a crash
 * (at-least-once).
 *
 * <p>A row is rendered by {@link #writeJsonRow} / {@link #tableRow}: a column printed before the data
 * (such as a changelog row kind) goes at the start of both, and into {@link #tableHeader}.
 *
 * <p>Table column widths are fixed when the header is printed (from the column names and the first
 * batch, numbers with room for three more digits) and kept for the whole run; a longer value later
 * pushes the rest of its row to the right but is never cut. Timestamps are printed with
 * milliseconds so they all have one width.
 *
 * <p>For an updating pipeline every row starts with an {@code op} column: {@code +I} insert,
 * {@code -U} the row an update replaces, {@code +U} the row it becomes, {@code -D} delete (Flink's
 * notation).
 */
final class StdoutSink implements Sink {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int MIN_WIDTH = 4;
  /** Counters and ids grow: numbers get room for three more digits than the first batch needed. */
  private static final int NUMBER_HEADROOM = 3;
  static final int CHUNK_BYTES = 1 << 16;

  private final StdoutWriter out;
  private final Schema schema;
  private final boolean table;
  private final boolean changelog;
  private final LineBuffer buffer = new LineBuffer();
  private JsonGenerator json;
  /** Table column widths; null until the header is printed. */
  private int[] widths;

  StdoutSink(StdoutWriter out, Schema schema, boolean table, boolean changelog) {
    this.out = out;
    this.schema = schema;
    this.table = table;
    this.changelog = changelog;
  }

  @Override
  public ChangelogMode acceptedChangelogMode() {
    return ChangelogMode.ALL;
  }

  @Override
  public DeliveryGuarantee maxGuarantee() {
    return DeliveryGuarantee.AT_LEAST_ONCE;
  }

  @Override
  public void open(long lastCommittedEpoch) throws ConnectorException {
    try {
      json = JSON.createGenerator(buffer, JsonEncoding.UTF8)
          .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.setPrettyPrinter(new MinimalPrettyPrinter("")); // one object per line, no separators
    } catch (IOException e) {
      throw ConnectorException.runtime("cannot open standard output", e);
    }
  }

  @Override
  public void write(Batch batch) throws ConnectorException {
    try {
      if (table) {
        writeTable(batch);
      } else {
        writeJson(batch);
      }
      drain();
    } catch (IOException e) {
      throw ConnectorException.runtime("cannot write to standard output", e);
    }
  }

  private void writeJson(Batch batch) throws IOException {
    List<FieldVector> vectors = batch.data().getFieldVectors();
    for (int r = 0; r < batch.rowCount(); r++) {
      writeJsonRow(batch, vectors, r);
      if (buffer.size() >= CHUNK_BYTES) {
        drain();
      }
    }
  }

  private void writeJsonRow(Batch batch, List<FieldVector> vectors, int r) throws IOException {
    json.writeStartObject();
    if (changelog) {
      json.writeStringField("op", batch.rowKind(r).shortString());
    }
    for (FieldVector v : vectors) {
      json.writeFieldName(v.getName());
      Cells.writeJson(json, v, r);
    }
    json.writeEndObject();
    json.writeRaw('\n');
  }

  private void writeTable(Batch batch) throws IOException {
    int rows = batch.rowCount();
    StringBuilder line = new StringBuilder();
    if (widths == null) {
      String[] header = tableHeader();
      widths = new int[header.length];
      for (int c = 0; c < header.length; c++) {
        widths[c] = Math.max(MIN_WIDTH, header[c].length());
      }
      int[] longest = new int[header.length];
      for (int r = 0; r < rows; r++) {
        String[] cells = tableRow(batch, r);
        for (int c = 0; c < cells.length; c++) {
          longest[c] = Math.max(longest[c], cells[c].length());
        }
      }
      List<Field> fields = schema.getFields();
      int first = changelog ? 1 : 0;
      for (int c = 0; c < header.length; c++) {
        int f = c - first;
        boolean numeric = f >= 0 && f < fields.size() && (fields.get(f).getType() instanceof ArrowType.Int
            || fields.get(f).getType() instanceof ArrowType.FloatingPoint);
        widths[c] = Math.max(widths[c], longest[c] + (numeric ? NUMBER_HEADROOM : 0));
      }
      appendLine(line, header);
    }
    for (int r = 0; r < rows; r++) {
      appendLine(line, tableRow(batch, r));
      if (line.length() >= CHUNK_BYTES) {
        buffer.write(line.toString().getBytes(StandardCharsets.UTF_8));
        line.setLength(0);
        drain();
      }
    }
    buffer.write(line.toString().getBytes(StandardCharsets.UTF_8));
  }

  private String[] tableHeader() {
    List<Field> fields = schema.getFields();
    int first = changelog ? 1 : 0;
    String[] names = new String[first + fields.size()];
    if (changelog) {
      names[0] = "op";
    }
    for (int c = 0; c < fields.size(); c++) {
      names[first + c] = fields.get(c).getName();
    }
    return names;
  }

  private String[] tableRow(Batch batch, int r) {
    List<FieldVector> vectors = batch.data().getFieldVectors();
    int first = changelog ? 1 : 0;
    String[] cells = new String[first + vectors.size()];
    if (changelog) {
      cells[0] = batch.rowKind(r).shortString();
    }
    for (int c = 0; c < vectors.size(); c++) {
      cells[first + c] = Cells.tableText(vectors.get(c), r);
    }
    return cells;
  }

  private void appendLine(StringBuilder sb, String[] cells) {
    for (int c = 0; c < cells.length; c++) {
      sb.append(cells[c]);
      if (c < cells.length - 1) {
        // an overlong cell shifts the rest of its row by what it overflows, keeping one space
        sb.append(" ".repeat(Math.max(1, widths[c] + 2 - cells[c].length())));
      }
    }
    sb.append('\n');
  }

  /** Hands every complete line formatted so far to the writer. */
  private void drain() throws IOException {
    json.flush();
    buffer.drainTo(out);
  }

  /** Its commit and abort do nothing (what prepareCommit flushed is written), so they cannot race a write. */
  @Override
  public boolean acceptsWritesWhileCommitting() {
    return true;
  }

  @Override
  public void prepareCommit(long epoch) throws ConnectorException {
    try {
      drain();
    } catch (IOException e) {
      throw ConnectorException.runtime("cannot flush standard output", e);
    }
  }

  @Override
  public void close() throws ConnectorException {
    try {
      if (json != null) {
        drain();
        json.close();
      }
    } catch (IOException e) {
      throw ConnectorException.runtime("cannot flush standard output", e);
    }
  }

  /** A byte buffer whose content goes to the writer without a copy. */
  private static final class LineBuffer extends ByteArrayOutputStream {
    LineBuffer() {
      super(CHUNK_BYTES + (CHUNK_BYTES >> 2));
    }

    void drainTo(StdoutWriter writer) throws IOException {
      writer.writeLines(buf, count);
      reset();
    }
  }
}
