package io.laminar.engine;

import io.laminar.api.Batch;
import io.laminar.api.ChangelogMode;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.ConnectorSpec;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Sink;
import io.laminar.api.SinkFactory;
import io.laminar.testkit.ChangelogSourceFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.FieldVector;

/**
 * A test sink that keeps rows (as text) per instance name, and records commits. Type {@code collect}
 * takes only appends; type {@code collect_changes} takes a full changelog and prefixes each row with
 * its kind ({@code +I -U +U -D}).
 */
final class CollectingSinkFactory implements SinkFactory {
  static final Map<String, List<String>> ROWS = new ConcurrentHashMap<>();
  static final Map<String, List<Long>> COMMITS = new ConcurrentHashMap<>();
  static final Map<String, List<Long>> OPENED_AT = new ConcurrentHashMap<>();
  static final Map<String, List<Long>> ABORTS = new ConcurrentHashMap<>();
  /** Per sink name, how many of its next commits fail. */
  static final Map<String, AtomicInteger> COMMIT_FAILURES = new ConcurrentHashMap<>();
  /** When set, the next write of that sink waits for {@link WriteGate#release}, then fails. */
  static final Map<String, WriteGate> FAILING_WRITE = new ConcurrentHashMap<>();

  /** A write that blocks: {@code blocked} counts down when it starts waiting. */
  record WriteGate(CountDownLatch blocked, CountDownLatch release) {
    WriteGate() {
      this(new CountDownLatch(1), new CountDownLatch(1));
    }
  }

  static void clear() {
    ROWS.clear();
    COMMITS.clear();
    OPENED_AT.clear();
    ABORTS.clear();
    COMMIT_FAILURES.clear();
    FAILING_WRITE.clear();
  }

  private final boolean changes;

  /** The append-only {@code collect} sink. */
  CollectingSinkFactory() {
    this(false);
  }

  private CollectingSinkFactory(boolean changes) {
    this.changes = changes;
  }

  /** The {@code collect_changes} sink, which takes every row kind. */
  static CollectingSinkFactory changes() {
    return new CollectingSinkFactory(true);
  }

  @Override
  public ConnectorSpec spec() {
    return ConnectorSpec.builder(changes ? "collect_changes" : "collect", ConnectorKind.SINK)
        .description("keeps rows for assertions").build();
  }

  @Override
  public Sink create(ConnectorContext context) {
    List<String> rows = ROWS.computeIfAbsent(context.name(), k -> Collections.synchronizedList(new ArrayList<>()));
    List<Long> commits = COMMITS.computeIfAbsent(context.name(), k -> Collections.synchronizedList(new ArrayList<>()));
    return new Sink() {
      @Override
      public DeliveryGuarantee maxGuarantee() {
        return DeliveryGuarantee.EXACTLY_ONCE;
      }

      @Override
      public ChangelogMode acceptedChangelogMode() {
        return changes ? ChangelogMode.ALL : ChangelogMode.APPEND_ONLY;
      }

      @Override
      public void open(long lastCommittedEpoch) {
        OPENED_AT.computeIfAbsent(context.name(), k -> Collections.synchronizedList(new ArrayList<>()))
            .add(lastCommittedEpoch);
      }

      @Override
      public void write(Batch batch) throws ConnectorException {
        WriteGate gate = FAILING_WRITE.remove(context.name());
        if (gate != null) {
          gate.blocked().countDown();
          try {
            gate.release().await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw ConnectorException.runtime("injected write failure", null);
        }
        for (int r = 0; r < batch.rowCount(); r++) {
          List<String> cells = new ArrayList<>();
          for (FieldVector v : batch.data().getFieldVectors()) {
            cells.add(String.valueOf(v.getObject(r)));
          }
          rows.add((changes ? ChangelogSourceFactory.op(batch.rowKind(r)) + " " : "") + String.join(",", cells));
        }
      }

      @Override
      public void prepareCommit(long epoch) {
      }

      @Override
      public void commit(long epoch) throws ConnectorException {
        AtomicInteger failures = COMMIT_FAILURES.get(context.name());
        if (failures != null && failures.getAndDecrement() > 0) {
          throw ConnectorException.runtime("injected commit failure of epoch " + epoch, null);
        }
        commits.add(epoch);
      }

      @Override
      public void abort(long epoch) {
        ABORTS.computeIfAbsent(context.name(), k -> Collections.synchronizedList(new ArrayList<>())).add(epoch);
      }

      @Override
      public void close() {
      }
    };
  }
}
