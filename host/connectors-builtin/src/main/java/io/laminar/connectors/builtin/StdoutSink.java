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
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Prints batches. Output is buffered and flushed after every batch, so a reader sees rows promptly;
 * rows printed since the last checkpoint may be printed again after a crash (at-least-once). For an
 * updating pipeline every row starts with an {@code op} column: {@code +I} insert, {@code -U} the
 * row an update replaces, {@code +U} the row it becomes, {@code -D} delete (Flink's notation).
 */
final class StdoutSink implements Sink {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int MIN_WIDTH = 4;

  private final OutputStream out;
  private final Schema schema;
  private final boolean table;
  private final boolean changelog;
  private JsonGenerator json;
  private boolean headerPrinted;

  StdoutSink(OutputStream target, Schema schema, boolean table, boolean changelog) {
    this.out = new BufferedOutputStream(target, 1 << 16);
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
        writeTable(batch);
      } else {
        writeJson(batch);
      }
      out.flush();
    } catch (IOException e) {
      throw ConnectorException.runtime("cannot write to standard output", e);
    }
  }

  private void writeJson(Batch batch) throws IOException {
    VectorSchemaRoot root = batch.data();
    List<FieldVector> vectors = root.getFieldVectors();
    for (int r = 0; r < root.getRowCount(); r++) {
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
    json.flush();
  }

  private void writeTable(Batch batch) throws IOException {
    VectorSchemaRoot root = batch.data();
    List<String> names = new java.util.ArrayList<>();
    if (changelog) {
      names.add("op");
    }
    schema.getFields().forEach(f -> names.add(f.getName()));
    int first = changelog ? 1 : 0;
    int[] widths = new int[names.size()];
    String[][] cells = new String[root.getRowCount()][names.size()];
    for (int c = 0; c < names.size(); c++) {
      widths[c] = Math.max(MIN_WIDTH, names.get(c).length());
      FieldVector v = c < first ? null : root.getVector(c - first);
      for (int r = 0; r < root.getRowCount(); r++) {
        cells[r][c] = v == null ? batch.rowKind(r).shortString() : Cells.text(v, r);
        widths[c] = Math.max(widths[c], cells[r][c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    if (!headerPrinted) {
      for (int c = 0; c < names.size(); c++) {
        pad(sb, names.get(c), widths[c], c == names.size() - 1);
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
