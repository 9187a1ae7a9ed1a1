package io.laminar.runtime;

/**
 * Keyed state is divided into a fixed number of key groups (Flink's "max parallelism"), so that it
 * can move between workers when their number changes: a key's group is its {@link Partitioner}
 * hash modulo {@link #COUNT} (unsigned), and worker {@code i} of {@code n} owns the contiguous
 * range {@link #first first(i, n)} … {@link #end end(i, n)} — group {@code g} belongs to worker
 * {@code g * n / COUNT}. A change of the worker count therefore moves whole key groups, and a worker
 * restored with another count takes exactly the groups of its new range from whichever old
 * workers' snapshots held them (the group of each saved key is recomputed from the key itself).
 *
 * <p>The count is fixed and must never change, like the hash: checkpointed state and the routing of
 * rows must agree. More workers than key groups would leave some workers without keys.
 */
public final class KeyGroups {
  /** The number of key groups. */
  public static final int COUNT = 128;

  private KeyGroups() {
  }

  /** The key group of a {@link Partitioner} hash. */
  public static int of(long hash) {
    // the unsigned remainder, COUNT being a power of two
    return (int) (hash & (COUNT - 1));
  }

  /** The worker ({@code 0..workers)}) that owns key group {@code keyGroup}. */
  public static int worker(int keyGroup, int workers) {
    return (int) ((long) keyGroup * workers / COUNT);
  }

  /** The first key group worker {@code worker} of {@code workers} owns. */
  public static int first(int worker, int workers) {
    check(worker, workers);
    return (int) (((long) worker * COUNT + workers - 1) / workers);
  }

  /** One past the last key group worker {@code worker} of {@code workers} owns. */
  public static int end(int worker, int workers) {
    return first(worker + 1, workers);
  }

  /** The key groups worker {@code worker} of {@code workers} owns. */
  public static Range range(int worker, int workers) {
    if (worker < 0 || worker >= workers) {
      throw new IllegalArgumentException("worker " + worker + " of " + workers);
    }
    return new Range(first(worker, workers), end(worker, workers));
  }

  private static void check(int worker, int workers) {
    if (workers < 1 || worker < 0 || worker > workers) {
      throw new IllegalArgumentException("worker " + worker + " of " + workers);
    }
  }

  /** Key groups {@code first} (inclusive) to {@code end} (exclusive). */
  public record Range(int first, int end) {
    /** Every key group: the state of a single worker. */
    public static final Range ALL = new Range(0, COUNT);

    public Range {
      if (first < 0 || end > COUNT || first > end) {
        throw new IllegalArgumentException("key groups " + first + ".." + end + " of " + COUNT);
      }
    }

    /** Whether key group {@code keyGroup} is in this range. */
    public boolean contains(int keyGroup) {
      return keyGroup >= first && keyGroup < end;
    }

    /** Whether the key group of {@code hash} is in this range. */
    public boolean containsHash(long hash) {
      return contains(of(hash));
    }

    @Override
    public String toString() {
      return "key groups " + first + ".." + (end - 1) + " of " + COUNT;
    }
  }
}
