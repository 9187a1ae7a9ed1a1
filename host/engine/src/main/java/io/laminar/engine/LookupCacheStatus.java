package io.laminar.engine;

/**
 * The host-side cache of one lookup in one pipeline (every worker's cache, and earlier runs', added
 * up). Counted per distinct key of an input batch: a hit was answered by the cache, a miss was
 * fetched from the lookup; evictions are entries pushed out by {@code [lookup.cache] size}.
 */
public record LookupCacheStatus(String lookup, String pipeline, long hits, long misses, long evictions) {
  /** hits / (hits + misses); NaN before the first key. */
  public double hitRatio() {
    long all = hits + misses;
    return all == 0 ? Double.NaN : (double) hits / all;
  }
}
