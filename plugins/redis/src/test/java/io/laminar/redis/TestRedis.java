package io.laminar.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A plain Lettuce client on the machine's Redis (127.0.0.1:6379, db 0) for setting up and reading
 * back test data. Every instance owns a unique key prefix and deletes its keys on close, so tests
 * never see each other's (or other users') keys.
 */
final class TestRedis implements AutoCloseable {
  static final String HOST = "127.0.0.1";
  static final int PORT = 6379;
  static final String URL = "redis://" + HOST + ":" + PORT + "/0";

  final String prefix = "laminar-test:" + UUID.randomUUID().toString().substring(0, 8) + ":";
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  final RedisCommands<String, String> sync;

  TestRedis() {
    this("redis://" + HOST + ":" + PORT + "/0");
  }

  TestRedis(String url) {
    client = RedisClient.create(url);
    connection = client.connect();
    sync = connection.sync();
  }

  /** Asynchronous commands on the same connection, for pipelined setup. */
  io.lettuce.core.api.async.RedisAsyncCommands<String, String> async() {
    return connection.async();
  }

  /** Every key under this instance's prefix. */
  List<String> keys() {
    // SCAN may return a key twice (the keyspace is rehashed while other tests add keys): keys are unique
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    ScanIterator.scan(sync, ScanArgs.Builder.matches(prefix + "*").limit(1000)).forEachRemaining(out::add);
    return new ArrayList<>(out);
  }

  @Override
  public void close() {
    List<String> keys = keys();
    for (int i = 0; i < keys.size(); i += 1000) {
      sync.del(keys.subList(i, Math.min(keys.size(), i + 1000)).toArray(new String[0]));
    }
    connection.close();
    client.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
  }
}
