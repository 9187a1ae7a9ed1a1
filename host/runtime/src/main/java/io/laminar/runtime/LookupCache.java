package io.laminar.runtime;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The host-side cache in front of a lookup source: least-recently-used with a maximum size, and
 * entries that expire a fixed time after they were loaded. Misses are cached too, so a key absent
 * from the store is not asked for again until it expires.
 */
public final class LookupCache {
  /** Cache settings; {@code maxEntries} 0 disables caching. */
  public record Config(long maxEntries, Duration ttl, LongSupplier nanoClock) {
    /** 10 000 entries for 60 seconds. */
    public static final Config DEFAULT = new Config(10_000, Duration.ofSeconds(60), System::nanoTime);
  }

  /** A cached answer: the row's values (lookup schema order), or null for "no such key". */
  record Entry(Object[] row, long loadedAt) {
  }

  private final Config config;
  private final Map<List<Object>, Entry> entries;
  private long evictions;

  /** A cache with the given settings. */
  public LookupCache(Config config) {
    this.config = config;
    this.entries = new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<List<Object>, Entry> eldest) {
        boolean full = size() > config.maxEntries();
        if (full) {
          evictions++;
        }
        return full;
      }
    };
  }

  /** The cached entry for {@code key}, or null if absent or expired. */
  Entry get(List<Object> key) {
    Entry e = entries.get(key);
    if (e != null && config.nanoClock().getAsLong() - e.loadedAt() >= config.ttl().toNanos()) {
      entries.remove(key);
      return null;
    }
    return e;
  }

  /** Stores the answer for {@code key} ({@code row} null = the key has no row). */
  void put(List<Object> key, Object[] row) {
    if (config.maxEntries() > 0) {
      entries.put(key, new Entry(row, config.nanoClock().getAsLong()));
    }
  }

  /** Entries pushed out by the size limit so far (the owning thread reads it). */
  long evictions() {
    return evictions;
  }

  /** Entries currently held (expired ones included until touched). */
  public int size() {
    return entries.size();
  }
}
