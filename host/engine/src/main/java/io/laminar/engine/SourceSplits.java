package io.laminar.engine;

import io.laminar.api.ConnectorException;
import io.laminar.api.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The splits of one source in one run, and which of its {@link SourceRunner}s reads each. Splits
 * are dealt out in the order the source lists them, round robin over the runners; a split found by
 * a later discovery goes to the runner with the fewest. Shared by the source's runners; discovery
 * runs on the first runner's thread.
 */
final class SourceSplits {
  private static final Logger LOG = LoggerFactory.getLogger(SourceSplits.class);

  private final String source;
  private final Source instance;
  private final long intervalMillis;
  private final LongSupplier clock;
  private final Set<String> known = new HashSet<>();
  private final List<SourceRunner> runners = new ArrayList<>();
  private final int[] counts;
  private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
  private long lastDiscoveryMillis;

  /**
   * Deals {@code listed} out to {@code readers} slots: the result has one map per slot (split →
   * its restored offsets, or null), in listing order. Restored offsets of splits no longer listed
   * are dropped with a warning.
   */
  static List<Map<String, byte[]>> assign(String source, List<String> listed, Map<String, byte[]> restored,
      int readers) {
    List<Map<String, byte[]>> slots = new ArrayList<>();
    for (int i = 0; i < readers; i++) {
      slots.add(new LinkedHashMap<>());
    }
    int i = 0;
    for (String split : listed) {
      slots.get(i++ % readers).put(split, restored.get(split));
    }
    for (String split : restored.keySet()) {
      if (!listed.contains(split)) {
        LOG.warn("source '{}': the checkpoint has offsets for split '{}', which the source no longer lists; "
            + "they are dropped", source, split);
      }
    }
    return slots;
  }

  SourceSplits(String source, Source instance, List<Map<String, byte[]>> slots, LongSupplier clock) {
    this.source = source;
    this.instance = instance;
    Duration interval = instance.splitDiscoveryInterval();
    this.intervalMillis = interval == null || interval.isNegative() ? 0 : interval.toMillis();
    this.clock = clock;
    this.counts = new int[slots.size()];
    for (int i = 0; i < slots.size(); i++) {
      known.addAll(slots.get(i).keySet());
      counts[i] = slots.get(i).size();
    }
    this.lastDiscoveryMillis = clock.getAsLong();
  }

  void add(SourceRunner runner) {
    runners.add(runner);
    open.incrementAndGet();
  }

  /**
   * A runner read all its splits; true for the last one of the source, which alone tells the
   * workers the source ended (each runner's batches are queued before it gets here, so the end
   * comes after every batch in every worker's queue).
   */
  boolean lastToEnd() {
    return open.decrementAndGet() == 0;
  }

  /**
   * Asks the source for new splits if the discovery interval has passed (first runner only) and
   * hands each new one to the runner with the fewest splits. A failure is logged and retried at the
   * next interval.
   */
  void discoverIfDue(SourceRunner caller) {
    if (intervalMillis <= 0 || runners.isEmpty() || runners.get(0) != caller
        || clock.getAsLong() - lastDiscoveryMillis < intervalMillis) {
      return;
    }
    lastDiscoveryMillis = clock.getAsLong();
    List<String> listed;
    try {
      listed = instance.splits();
    } catch (ConnectorException | RuntimeException e) {
      LOG.warn("source '{}': discovering splits failed ({}); retrying in {} ms", source, e.getMessage(),
          intervalMillis);
      return;
    }
    for (String split : listed) {
      if (known.add(split)) {
        int target = 0;
        for (int i = 1; i < counts.length; i++) {
          if (counts[i] < counts[target]) {
            target = i;
          }
        }
        counts[target]++;
        LOG.info("source '{}': new split '{}' (read by reader {})", source, split, target);
        runners.get(target).addSplit(split);
      }
    }
  }
}
