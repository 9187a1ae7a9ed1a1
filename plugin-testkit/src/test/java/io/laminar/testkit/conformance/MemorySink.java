package io.laminar.testkit.conformance;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.PropertySpec;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.vector.BigIntVector;

/**
 * An exactly-once sink into memory: prepared epochs are "durable" (they survive the instance, as a
 * prepared transaction does), committed ids are what {@link #committed} reads back. {@link Flaw}s
 * make it break one rule on purpose.
 */
final class MemorySink implements Sink {
  /** Per store name: committed ids. */
  static final Map<String, List<Long>> COMMITTED = new ConcurrentHashMap<>();
  /** Per store name: prepared, uncommitted epochs and their ids. */
  static final Map<String, TreeMap<Long, List<Long>>> PREPARED = new ConcurrentHashMap<>();

  enum Flaw {
    NONE,
    /** A repeated commit(e) of this instance publishes the epoch's rows again (a retry re-inserts). */
    COMMIT_NOT_IDEMPOTENT,
    /** open(last) forgets prepared epochs instead of committing those up to {@code last}. */
    LOSES_PREPARED_EPOCH_ON_RESTART,
    /** open(last) commits every prepared epoch, also the ones after {@code last}. */
    COMMITS_EPOCHS_AFTER_LAST_ON_RESTART,
    /** Accepts writes while committing, but commit(e) also publishes rows written after prepareCommit(e). */
    COMMIT_TAKES_ROWS_WRITTEN_AFTER_PREPARE
  }

  static final class Factory implements SinkFactory {
    private final Flaw flaw;

    Factory(Flaw flaw) {
      this.flaw = flaw;
    }

    @Override
    public ConnectorSpec spec() {
      return ConnectorSpec.builder("memory_sink", ConnectorKind.SINK)
          .description("Exactly-once into memory; for the testkit's own tests")
          .property(PropertySpec.requiredString("store", "The store's name"))
          .build();
    }

    @Override
    public Sink create(ConnectorContext context) {
      return new MemorySink(context.properties().requireString("store"), flaw);
    }
  }

  static List<Long> committed(String store) {
    return List.copyOf(COMMITTED.getOrDefault(store, List.of()));
  }

  private final String store;
  private final Flaw flaw;
  private final List<Long> buffer = new ArrayList<>();
  private final Map<Long, List<Long>> committedHere = new TreeMap<>();

  private MemorySink(String store, Flaw flaw) {
    this.store = store;
    this.flaw = flaw;
  }

  @Override
  public DeliveryGuarantee maxGuarantee() {
    return DeliveryGuarantee.EXACTLY_ONCE;
  }

  private TreeMap<Long, List<Long>> prepared() {
    return PREPARED.computeIfAbsent(store, s -> new TreeMap<>());
  }

  private synchronized void publish(List<Long> ids) {
    COMMITTED.computeIfAbsent(store, s -> new ArrayList<>()).addAll(ids);
  }

  /** Its commit touches only prepared epochs, which later writes never join (the flaw aside). */
  @Override
  public boolean acceptsWritesWhileCommitting() {
    return true;
  }

  @Override
  public void open(long lastCommittedEpoch) {
    TreeMap<Long, List<Long>> prepared = prepared();
    for (Long epoch : List.copyOf(prepared.keySet())) {
      boolean upTo = epoch <= lastCommittedEpoch;
      if (flaw == Flaw.LOSES_PREPARED_EPOCH_ON_RESTART) {
        prepared.remove(epoch);
      } else if (upTo || flaw == Flaw.COMMITS_EPOCHS_AFTER_LAST_ON_RESTART) {
        publish(prepared.remove(epoch));
      } else {
        prepared.remove(epoch);
      }
    }
  }

  @Override
  public void write(Batch batch) {
    BigIntVector id = (BigIntVector) batch.data().getVector("id");
    synchronized (buffer) {
      for (int r = 0; r < batch.rowCount(); r++) {
        buffer.add(id.get(r));
      }
    }
  }

  @Override
  public void prepareCommit(long epoch) {
    synchronized (buffer) {
      prepared().put(epoch, List.copyOf(buffer));
      buffer.clear();
    }
  }

  @Override
  public void commit(long epoch) {
    if (flaw == Flaw.COMMIT_TAKES_ROWS_WRITTEN_AFTER_PREPARE) {
      synchronized (buffer) {
        publish(List.copyOf(buffer));
        buffer.clear();
      }
    }
    List<Long> ids = prepared().remove(epoch);
    if (ids != null) {
      committedHere.put(epoch, ids);
      publish(ids);
    } else if (flaw == Flaw.COMMIT_NOT_IDEMPOTENT && committedHere.containsKey(epoch)) {
      publish(committedHere.get(epoch));
    }
  }

  @Override
  public void abort(long epoch) {
    prepared().remove(epoch);
  }

  @Override
  public void close() {
    synchronized (buffer) {
      buffer.clear();
    }
  }
}
