package io.laminar.runtime;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of one running pipeline, safe to read from another thread. */
public final class ExecutorMetrics {
  private final AtomicLong rowsIn = new AtomicLong();
  private final AtomicLong rowsOut = new AtomicLong();
  private final AtomicLong lateRowsDropped = new AtomicLong();
  private final AtomicLong lookupCalls = new AtomicLong();
  private final AtomicLong lookupCacheHits = new AtomicLong();
  private volatile long watermark = WatermarkCoalescer.NONE;
  // since this process started (not checkpointed): counters a restart may reset
  private final AtomicLong expiredGroups = new AtomicLong();
  private final AtomicLong ignoredRetractions = new AtomicLong();

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

  /** Calls made to lookup sources. */
  public long lookupCalls() {
    return lookupCalls.get();
  }

  /** Lookup keys answered from the cache. */
  public long lookupCacheHits() {
    return lookupCacheHits.get();
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

  void addLateRows(long n) {
    if (n > 0) {
      lateRowsDropped.addAndGet(n);
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

  void readState(StateReader in) throws IOException {
    rowsIn.set(in.readLong());
    rowsOut.set(in.readLong());
    lateRowsDropped.set(in.readLong());
    lookupCalls.set(in.readLong());
    lookupCacheHits.set(in.readLong());
    watermark = in.readLong();
  }
}
