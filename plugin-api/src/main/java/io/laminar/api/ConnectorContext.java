package io.laminar.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;

/**
 * Everything a connector instance gets from the engine. There are no statics or service locators:
 * a connector that needs something from the host finds it here.
 */
public interface ConnectorContext {

  /** The instance name from the config ({@code name = "orders"}). */
  String name();

  /** Whether this instance is a source, lookup or sink. */
  ConnectorKind kind();

  /** The server's name, stable across restarts; use it to derive ids such as transactional ids. */
  String serverName();

  /** Validated, typed properties. */
  ConnectorProperties properties();

  /**
   * The Arrow schema of the rows this instance produces (source, lookup) or receives (sink). Sources
   * must return batches with exactly these fields in this order.
   */
  Schema schema();

  /**
   * A lookup's primary-key columns. For a sink: the columns that identify the row each update or
   * delete of the pipeline's output is about (e.g. the GROUP BY keys), empty when the output is
   * append-only or its key is not known. Empty for sources.
   */
  List<String> primaryKey();

  /**
   * For a sink: which changes the pipeline's output carries — {@link ChangelogMode#APPEND_ONLY}, or
   * {@link ChangelogMode#ALL} for an updating pipeline (then batches may carry row kinds, and a batch
   * without them holds inserts). {@link ChangelogMode#APPEND_ONLY} for other kinds.
   */
  default ChangelogMode inputChangelogMode() {
    return ChangelogMode.APPEND_ONLY;
  }

  /** A sink's requested delivery guarantee; empty for other kinds. */
  Optional<DeliveryGuarantee> delivery();

  /**
   * A child allocator reserved for this instance. Allocate batches from it; the host closes it after
   * {@code close()} and reports leaks.
   */
  BufferAllocator allocator();

  /** Metrics published under this instance's name. */
  ConnectorMetrics metrics();

  /** A logger whose lines carry this instance's name. */
  Logger logger();

  /** A private directory for files this instance keeps across restarts (created on demand). */
  Path dataDir();

  /**
   * For a sink: where it reports rows it will not write because the target cannot store one of
   * their values; the host applies the pipeline's {@code on.error} ({@code fail}, {@code skip},
   * {@code dead_letter}) to each (see {@link RowRejections}). Call it only from inside
   * {@link Sink#write}. The default, {@link RowRejections#failing}, fails on the first such row,
   * which is what every sink that does not check its rows does when the target refuses a batch.
   */
  default RowRejections rowRejections() {
    return RowRejections.failing(name());
  }
}
