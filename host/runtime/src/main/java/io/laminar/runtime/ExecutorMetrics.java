package io.laminar.runtime;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one running pipeline, safe to read from another thread. Counters start from zero in
 * every process (the Prometheus convention: a restart is a counter reset); a checkpoint restores
 * state, not counts.
 */
public final class ExecutorMetrics {
  /** Late rows of one source: how many, and the largest lateness (see {@link LateRowListener}). */
  public record LateRows(long rows, long maxLatenessMillis) {
    /** Both of two workers' counts. */
    public LateRows plus(LateRows other) {
      return new LateRows(rows + other.rows, Math.max(maxLatenessMillis, other.maxLatenessMillis));
    }
  }

  private final Map<String, LateRows> lateBySource = new ConcurrentHashMap<>();
  /** Late rows of the batch being processed (executor thread only). */
  private long batchLateRows;
  private long batchMaxLateness;
  private long batchTotalLateness;
  private final AtomicLong rowsIn = new AtomicLong();
  private final AtomicLong rowsOut = new AtomicLong();
  private final AtomicLong lateRowsDropped = new AtomicLong();
  private final AtomicLong lookupCalls = new AtomicLong();
  private final AtomicLong lookupCacheHits = new AtomicLong();
  private volatile long watermark = WatermarkCoalescer.NONE;
  // since this process started (not checkpointed): counters a restart may reset
  private final AtomicLong expiredGroups = new AtomicLong();
  private final AtomicLong ignoredRetractions = new AtomicLong();
  private final AtomicLong rowErrors = new AtomicLong();
  private final Map<String, LookupCacheCounts> lookupCaches = new ConcurrentHashMap<>();

  /**
   * The host-side cache of one lookup in this executor: per input batch, each distinct key is a hit
   * (answered by the cache) or a miss (fetched from the lookup); evictions are entries pushed out by
   * the size limit. Written by the executor's thread only, read by any.
   */
  public static final class LookupCacheCounts {
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    public long hits() {
      return hits.get();
    }

    public long misses() {
      return misses.get();
    }

    public long evictions() {
      return evictions.get();
    }

    void add(long hitCount, long missCount, long evictionCount) {
      if (hitCount > 0) {
        hits.addAndGet(hitCount);
      }
      if (missCount > 0) {
        misses.addAndGet(missCount);
      }
      if (evictionCount > 0) {
        evictions.addAndGet(evictionCount);
      }
    }
  }

  /** Rows fed in from sources. */
  public long rowsIn() {
    return rowsIn.get();
  }

  /** Rows handed to the output callback. */
  public long rowsOut() {
    return rowsOut.get();
  }

  /** Rows dropped because their window had already been emitted. */
  public long lateRowsDropped() {
    return lateRowsDropped.get();
  }

  /** Late rows per source, by source name (sources without late rows are absent). */
  public Map<String, LateRows> lateRowsBySource() {
    return new TreeMap<>(lateBySource);
  }

  /** Calls made to lookup sources. */
  public long lookupCalls() {
    return lookupCalls.get();
  }

  /** Lookup keys answered from the cache. */
  public long lookupCacheHits() {
    return lookupCacheHits.get();
  }

  /** The lookup cache counts of every lookup this executor joins, by lookup name. */
  public Map<String, LookupCacheCounts> lookupCaches() {
    return java.util.Collections.unmodifiableMap(lookupCaches);
  }

  /** The counts of {@code lookup}'s cache (shared by every join of that lookup in this executor). */
  LookupCacheCounts lookupCache(String lookup) {
    return lookupCaches.computeIfAbsent(lookup, k -> new LookupCacheCounts());
  }

  /** The pipeline's current watermark (epoch ms; Long.MIN_VALUE before any, Long.MAX_VALUE at end). */
  public long watermark() {
    return watermark;
  }

  /** Groups of updating aggregates dropped by {@code state_ttl} after not being updated for that long. */
  public long expiredGroups() {
    return expiredGroups.get();
  }

  /**
   * Rows taken back (UPDATE_BEFORE, DELETE) from a group that holds no row: the insert they undo was
   * never seen (the changelog started later) or its group expired. Ignored, and counted here.
   */
  public long ignoredRetractions() {
    return ignoredRetractions.get();
  }

  /**
   * Rows whose expression failed, groups whose aggregate did not fit its type and rows a sink rejected,
   * that the pipeline's row error policy skipped or dead-lettered (a row that fails the pipeline is not
   * counted).
   */
  public long rowErrors() {
    return rowErrors.get();
  }

  void addRowErrors(long n) {
    rowErrors.addAndGet(n);
  }

  /** Counts a row a sink rejected and the pipeline's {@code on.error} skipped or dead-lettered (the host calls it). */
  public void addRejectedRow() {
    rowErrors.incrementAndGet();
  }

  void addExpiredGroups(long n) {
    if (n > 0) {
      expiredGroups.addAndGet(n);
    }
  }

  void addIgnoredRetractions(long n) {
    if (n > 0) {
      ignoredRetractions.addAndGet(n);
    }
  }

  void addRowsIn(long n) {
    rowsIn.addAndGet(n);
  }

  void addRowsOut(long n) {
    rowsOut.addAndGet(n);
  }

  /** Called by window operators for the late rows of one batch they processed. */
  void addLateRows(long n, long maxLatenessMillis, long totalLatenessMillis) {
    if (n > 0) {
      lateRowsDropped.addAndGet(n);
      batchLateRows += n;
      batchMaxLateness = Math.max(batchMaxLateness, maxLatenessMillis);
      batchTotalLateness += totalLatenessMillis;
    }
  }

  /** Starts counting the late rows of a new source batch. */
  void startBatch() {
    batchLateRows = 0;
    batchMaxLateness = 0;
    batchTotalLateness = 0;
  }

  /** Files the batch's late rows under {@code source} and tells {@code listener}, if there were any. */
  void endBatch(String source, LateRowListener listener) {
    if (batchLateRows == 0) {
      return;
    }
    lateBySource.merge(source, new LateRows(batchLateRows, batchMaxLateness), LateRows::plus);
    if (listener != null) {
      listener.onLateRows(source, batchLateRows, batchMaxLateness, batchTotalLateness);
    }
  }

  void addLookupCall() {
    lookupCalls.incrementAndGet();
  }

  void addCacheHits(long n) {
    lookupCacheHits.addAndGet(n);
  }

  void setWatermark(long w) {
    watermark = w;
  }

  void writeState(StateWriter out) throws IOException {
    out.writeLong(rowsIn.get());
    out.writeLong(rowsOut.get());
    out.writeLong(lateRowsDropped.get());
    out.writeLong(lookupCalls.get());
    out.writeLong(lookupCacheHits.get());
    out.writeLong(watermark);
  }

  /**
   * Restores the watermark. The counts saved with it are read and skipped: counters restart from
   * zero in a new process, like every other laminar counter (the layout keeps them so that state
   * of format version 1 stays readable).
   */
  void readState(StateReader in) throws IOException {
    for (int counter = 0; counter < 5; counter++) {
      in.readLong();
    }
    watermark = in.readLong();
  }
}
