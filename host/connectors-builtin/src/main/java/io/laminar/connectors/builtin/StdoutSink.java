package io.laminar.connectors.builtin;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
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
  private final LineBuffer buffer = new LineBuffer();
  private JsonGenerator json;
  /** Table column widths; null until the header is printed. */
  private int[] widths;

  StdoutSink(StdoutWriter out, Schema schema, boolean table) {
    this.out = out;
    this.schema = schema;
    this.table = table;
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
    VectorSchemaRoot root = batch.data();
    try {
      if (table) {
        writeTable(root);
      } else {
        writeJson(root);
      }
      drain();
    } catch (IOException e) {
      throw ConnectorException.runtime("cannot write to standard output", e);
    }
  }

  private void writeJson(VectorSchemaRoot root) throws IOException {
    List<FieldVector> vectors = root.getFieldVectors();
    for (int r = 0; r < root.getRowCount(); r++) {
      writeJsonRow(vectors, r);
      if (buffer.size() >= CHUNK_BYTES) {
        drain();
      }
    }
  }

  private void writeJsonRow(List<FieldVector> vectors, int r) throws IOException {
    json.writeStartObject();
    for (FieldVector v : vectors) {
      json.writeFieldName(v.getName());
      Cells.writeJson(json, v, r);
    }
    json.writeEndObject();
    json.writeRaw('\n');
  }

  private void writeTable(VectorSchemaRoot root) throws IOException {
    int rows = root.getRowCount();
    StringBuilder line = new StringBuilder();
    if (widths == null) {
      String[] header = tableHeader();
      widths = new int[header.length];
      for (int c = 0; c < header.length; c++) {
        widths[c] = Math.max(MIN_WIDTH, header[c].length());
      }
      int[] longest = new int[header.length];
      for (int r = 0; r < rows; r++) {
        String[] cells = tableRow(root, r);
        for (int c = 0; c < cells.length; c++) {
          longest[c] = Math.max(longest[c], cells[c].length());
        }
      }
      List<Field> fields = schema.getFields();
      for (int c = 0; c < header.length; c++) {
        boolean numeric = c < fields.size() && (fields.get(c).getType() instanceof ArrowType.Int
            || fields.get(c).getType() instanceof ArrowType.FloatingPoint);
        widths[c] = Math.max(widths[c], longest[c] + (numeric ? NUMBER_HEADROOM : 0));
      }
      appendLine(line, header);
    }
    for (int r = 0; r < rows; r++) {
      appendLine(line, tableRow(root, r));
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
    String[] names = new String[fields.size()];
    for (int c = 0; c < names.length; c++) {
      names[c] = fields.get(c).getName();
    }
    return names;
  }

  private static String[] tableRow(VectorSchemaRoot root, int r) {
    List<FieldVector> vectors = root.getFieldVectors();
    String[] cells = new String[vectors.size()];
    for (int c = 0; c < cells.length; c++) {
      cells[c] = Cells.tableText(vectors.get(c), r);
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
