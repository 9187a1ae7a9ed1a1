package io.laminar.runtime;

import io.laminar.api.LookupSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** A lookup source over rows in memory, keyed by its first (VARCHAR) column; counts calls. */
final class InMemoryLookup implements LookupSource {
  private final Schema schema;
  private final List<Object[]> rows;
  private final BufferAllocator allocator;
  int calls;
  int keysAsked;

  InMemoryLookup(Schema schema, List<Object[]> rows, BufferAllocator allocator) {
    this.schema = schema;
    this.rows = rows;
    this.allocator = allocator;
  }

  @Override
  public void open() {
  }

  @Override
  public VectorSchemaRoot lookup(VectorSchemaRoot keys) {
    calls++;
    keysAsked += keys.getRowCount();
    VarCharVector k = (VarCharVector) keys.getVector(schema.getFields().get(0).getName());
    List<Object[]> hits = new ArrayList<>();
    for (int i = 0; i < keys.getRowCount(); i++) {
      String key = new String(k.get(i), StandardCharsets.UTF_8);
      for (Object[] row : rows) {
        if (row[0].equals(key)) {
          hits.add(row);
        }
      }
    }
    return TestTables.batch(schema, hits, allocator);
  }

  @Override
  public void close() {
  }
}
