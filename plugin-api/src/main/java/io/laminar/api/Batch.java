package io.laminar.api;

import java.util.Objects;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A batch of rows crossing the SPI boundary: an Arrow {@link VectorSchemaRoot} whose columns follow
 * the configured schema, and for changelog sources an optional row-kind vector of
 * {@link RowKind#code()} bytes (absent = every row is an {@link RowKind#INSERT}).
 *
 * <p>Ownership moves with the batch: whoever receives a batch closes it.
 */
public final class Batch implements AutoCloseable {
  private final VectorSchemaRoot data;
  private final TinyIntVector rowKinds;

  private Batch(VectorSchemaRoot data, TinyIntVector rowKinds) {
    this.data = Objects.requireNonNull(data, "data");
    this.rowKinds = rowKinds;
    if (rowKinds != null && rowKinds.getValueCount() != data.getRowCount()) {
      throw new IllegalArgumentException("row-kind vector has " + rowKinds.getValueCount()
          + " values for " + data.getRowCount() + " rows");
    }
  }

  /** An append-only batch. */
  public static Batch of(VectorSchemaRoot data) {
    return new Batch(data, null);
  }

  /** A changelog batch; the batch takes ownership of both. */
  public static Batch changelog(VectorSchemaRoot data, TinyIntVector rowKinds) {
    return new Batch(data, Objects.requireNonNull(rowKinds, "rowKinds"));
  }

  /** The rows. */
  public VectorSchemaRoot data() {
    return data;
  }

  /** The number of rows. */
  public int rowCount() {
    return data.getRowCount();
  }

  /** Whether the batch carries row kinds. */
  public boolean isChangelog() {
    return rowKinds != null;
  }

  /**
   * The row-kind vector ({@link RowKind#code()} bytes), or null for an append-only batch. Owned by
   * the batch.
   */
  public TinyIntVector rowKinds() {
    return rowKinds;
  }

  /** The kind of row {@code i}. */
  public RowKind rowKind(int i) {
    return rowKinds == null ? RowKind.INSERT : RowKind.fromCode(rowKinds.get(i));
  }

  /** Releases the batch's Arrow memory. */
  @Override
  public void close() {
    data.close();
    if (rowKinds != null) {
      rowKinds.close();
    }
  }
}
