package io.laminar.connectors.builtin;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Prints batches. Output is buffered and flushed after every batch, so a reader sees rows promptly;
 * rows printed since the last checkpoint may be printed again after a crash (at-least-once).
 */
final class StdoutSink implements Sink {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int MIN_WIDTH = 4;

  private final OutputStream out;
  private final Schema schema;
  private final boolean table;
  private JsonGenerator json;
  private boolean headerPrinted;

  StdoutSink(OutputStream target, Schema schema, boolean table) {
    this.out = new BufferedOutputStream(target, 1 << 16);
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
      json = JSON.createGenerator(out, JsonEncoding.UTF8)
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
      out.flush();
    } catch (IOException e) {
      throw ConnectorException.runtime("cannot write to standard output", e);
    }
  }

  private void writeJson(VectorSchemaRoot root) throws IOException {
    List<FieldVector> vectors = root.getFieldVectors();
    for (int r = 0; r < root.getRowCount(); r++) {
      json.writeStartObject();
      for (FieldVector v : vectors) {
        json.writeFieldName(v.getName());
        Cells.writeJson(json, v, r);
      }
      json.writeEndObject();
      json.writeRaw('\n');
    }
    json.flush();
  }

  private void writeTable(VectorSchemaRoot root) throws IOException {
    List<Field> fields = schema.getFields();
    int[] widths = new int[fields.size()];
    String[][] cells = new String[root.getRowCount()][fields.size()];
    for (int c = 0; c < fields.size(); c++) {
      widths[c] = Math.max(MIN_WIDTH, fields.get(c).getName().length());
      FieldVector v = root.getVector(c);
      for (int r = 0; r < root.getRowCount(); r++) {
        cells[r][c] = Cells.text(v, r);
        widths[c] = Math.max(widths[c], cells[r][c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    if (!headerPrinted) {
      for (int c = 0; c < fields.size(); c++) {
        pad(sb, fields.get(c).getName(), widths[c], c == fields.size() - 1);
      }
      sb.append('\n');
      headerPrinted = true;
    }
    for (String[] row : cells) {
      for (int c = 0; c < row.length; c++) {
        pad(sb, row[c], widths[c], c == row.length - 1);
      }
      sb.append('\n');
    }
    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void pad(StringBuilder sb, String s, int width, boolean last) {
    sb.append(s);
    if (!last) {
      sb.append(" ".repeat(width - s.length() + 2));
    }
  }

  @Override
  public void prepareCommit(long epoch) throws ConnectorException {
    try {
      out.flush();
    } catch (IOException e) {
      throw ConnectorException.runtime("cannot flush standard output", e);
    }
  }

  @Override
  public void close() throws ConnectorException {
    try {
      if (json != null) {
        json.close();
      }
      out.flush();
    } catch (IOException e) {
      throw ConnectorException.runtime("cannot flush standard output", e);
    }
  }
}
