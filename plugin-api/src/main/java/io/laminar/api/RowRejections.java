package io.laminar.api;

import java.util.Objects;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Where a sink reports a row it will not write because the target cannot store one of its values
 * (a number out of its column's range, a string longer than a {@code varchar(n)}, a decimal beyond
 * the column's precision, a NULL in a NOT NULL column). A sink gets it from
 * {@link ConnectorContext#rowRejections()} and calls {@link #reject} from inside
 * {@link Sink#write}, once per bad row, before it writes the batch's other rows; the host applies the
 * pipeline's {@code on.error} to the row as it does to a row whose expression fails:
 *
 * <ul>
 *   <li>{@code skip}, {@code dead_letter}: {@code reject} counts the row (and for {@code dead_letter}
 *       records it with its values) and returns; the sink leaves the row out and writes the others;</li>
 *   <li>{@code fail} (the default): {@code reject} throws a {@link ConnectorException} naming the
 *       sink's column, the reason and the row's values, which the sink lets propagate out of
 *       {@code write}; the pipeline fails (and is not restarted: the same row would fail again).</li>
 * </ul>
 *
 * <p>Decide from the row's values and what the sink learnt at {@link Sink#open} (e.g. the target's
 * column types), never from timing or the batch's other rows: after a restart the rows since the
 * last checkpoint are written again, possibly in other batches, and must be decided the same way
 * for exactly-once output to stay exact. A host without row error handling (or a test context)
 * gives {@link #failing}.
 */
public interface RowRejections {

  /**
   * Reports that row {@code row} of {@code batch} (the batch being written) cannot be written.
   *
   * @param column the column whose value the target refuses (null when no single column is to blame)
   * @param reason why, in the user's terms and with the value, e.g. {@code "70000 is out of the range
   *     of smallint (-32768 to 32767)"}
   * @throws ConnectorException when the pipeline fails on a bad row: let it propagate out of
   *     {@link Sink#write}
   */
  void reject(Batch batch, int row, String column, String reason) throws ConnectorException;

  /**
   * Rejections that always fail: {@code reject} throws a {@link ConnectorException} with the reason
   * and the row's values. The default of {@link ConnectorContext#rowRejections()}.
   */
  static RowRejections failing(String sink) {
    return (batch, row, column, reason) -> {
      throw ConnectorException.runtime(describe(sink, batch, row, column, reason), null);
    };
  }

  /** "sink 's' cannot write a row: column 'c': reason; row {a=1, b=x}" (values as Arrow prints them). */
  private static String describe(String sink, Batch batch, int row, String column, String reason) {
    Objects.requireNonNull(batch, "batch");
    StringBuilder s = new StringBuilder("sink '").append(sink).append("' cannot write a row: ");
    if (column != null) {
      s.append("column '").append(column).append("': ");
    }
    s.append(reason).append("; row {");
    VectorSchemaRoot data = batch.data();
    for (int c = 0; c < data.getFieldVectors().size(); c++) {
      FieldVector v = data.getVector(c);
      s.append(c == 0 ? "" : ", ").append(v.getName()).append('=')
          .append(row >= 0 && row < data.getRowCount() ? v.getObject(row) : "?");
    }
    return s.append('}').toString();
  }
}
