package io.laminar.mysql;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * Debezium's offset store, kept in memory and seeded from laminar's checkpoint: Debezium never
 * writes a file of its own. The engine creates this class by name, so the source hands the restored
 * offsets over through {@link #seed} under a key it also puts into the engine's configuration.
 */
public final class CheckpointOffsetStore extends MemoryOffsetBackingStore {
  /** The engine property naming the seed to load. */
  static final String SEED_KEY = "laminar.offsets.seed";

  private static final Map<String, Map<ByteBuffer, ByteBuffer>> SEEDS = new ConcurrentHashMap<>();

  private String seedKey;

  /** Registers the offsets an engine with {@code SEED_KEY = key} starts from. */
  static void seed(String key, Map<ByteBuffer, ByteBuffer> offsets) {
    SEEDS.put(key, Map.copyOf(offsets));
  }

  static void forget(String key) {
    SEEDS.remove(key);
  }

  @Override
  public java.util.Set<Map<String, Object>> connectorPartitions(String connectorName) {
    return java.util.Set.of(); // only Kafka Connect's REST API asks this
  }

  @Override
  public void configure(WorkerConfig config) {
    super.configure(config);
    Object key = config.originals().get(SEED_KEY);
    seedKey = key == null ? null : key.toString();
  }

  @Override
  public synchronized void start() {
    super.start();
    if (seedKey != null) {
      data.putAll(SEEDS.getOrDefault(seedKey, Map.of()));
    }
  }
}
