package io.laminar.testkit.conformance;

import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.LookupFactory;
import io.laminar.api.LookupSource;
import io.laminar.api.PropertySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** A lookup over rows in memory, keyed by its first column; {@link Flaw}s make it break one rule. */
final class MemoryLookup implements LookupSource {
  /** Per store name: rows by key. */
  static final Map<String, Map<Object, List<Object>>> STORES = new ConcurrentHashMap<>();

  enum Flaw {
    NONE,
    /** Allocates a scratch buffer per call and never releases it. */
    LEAKS_A_BUFFER,
    /** Returns every stored row whatever the keys. */
    IGNORES_KEYS,
    /** Fails on a NULL key. */
    FAILS_ON_NULL_KEY
  }

  static final class Factory implements LookupFactory {
    private final Flaw flaw;

    Factory(Flaw flaw) {
      this.flaw = flaw;
    }

    @Override
    public ConnectorSpec spec() {
      return ConnectorSpec.builder("memory_lookup", ConnectorKind.LOOKUP)
          .description("Rows from memory; for the testkit's own tests")
          .property(PropertySpec.requiredString("store", "The store's name"))
          .build();
    }

    @Override
    public LookupSource create(ConnectorContext context) {
      return new MemoryLookup(context, flaw);
    }
  }

  private final ConnectorContext context;
  private final Flaw flaw;
  private final List<ArrowBuf> scratch = new ArrayList<>();
  private Map<Object, List<Object>> rows;

  private MemoryLookup(ConnectorContext context, Flaw flaw) {
    this.context = context;
    this.flaw = flaw;
  }

  @Override
  public void open() {
    rows = STORES.getOrDefault(context.properties().requireString("store"), Map.of());
  }

  @Override
  public VectorSchemaRoot lookup(VectorSchemaRoot keys) {
    if (flaw == Flaw.LEAKS_A_BUFFER) {
      synchronized (scratch) {
        scratch.add(context.allocator().buffer(64));
      }
    }
    FieldVector key = keys.getVector(0);
    List<List<Object>> found = new ArrayList<>();
    if (flaw == Flaw.IGNORES_KEYS) {
      found.addAll(rows.values());
    } else {
      for (int r = 0; r < keys.getRowCount(); r++) {
        if (key.isNull(r)) {
          if (flaw == Flaw.FAILS_ON_NULL_KEY) {
            throw new NullPointerException("key");
          }
          continue;
        }
        List<Object> row = rows.get(Rows.get(key, r));
        if (row != null) {
          found.add(row);
        }
      }
    }
    Schema schema = context.schema();
    VectorSchemaRoot out = VectorSchemaRoot.create(schema, context.allocator());
    out.allocateNew();
    for (int c = 0; c < schema.getFields().size(); c++) {
      FieldVector v = out.getVector(c);
      for (int r = 0; r < found.size(); r++) {
        Rows.set(v, r, found.get(r).get(c));
      }
      v.setValueCount(found.size());
    }
    out.setRowCount(found.size());
    return out;
  }

  @Override
  public void close() {
  }
}
