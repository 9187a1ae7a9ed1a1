package io.laminar.redis;

import io.laminar.api.Batch;
import io.laminar.api.LookupSource;
import io.laminar.api.Sink;
import io.laminar.runtime.LookupCache;
import io.laminar.runtime.PipelineExecutor;
import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Throughput harness (not a test) against the machine's Redis (127.0.0.1:6379, own key prefix,
 * cleaned up): lookup-join rows/s through the runtime's lookup-join operator with the host cache off
 * at input batch sizes 1 / 100 / 1000 (every key distinct, so every row is a Redis key), for hash
 * (pipelined HMGET) and string (MGET) values; the connector alone (keys/s); and sink rows/s for JSON
 * SET and HSET. Run with the test class path and {@code --add-opens=java.base/java.nio=ALL-UNNAMED};
 * argument: number of distinct keys (default 100000).
 */
public final class RedisThroughput {
  private static final Schema TRADES = Fixtures.schema(Fixtures.col("id", Fixtures.BIGINT),
      Fixtures.col("symbol", Fixtures.VARCHAR));
  private static final Schema INSTRUMENTS = Fixtures.schema(Fixtures.col("symbol", Fixtures.VARCHAR),
      Fixtures.col("name", Fixtures.VARCHAR), Fixtures.col("lot", Fixtures.INT), Fixtures.col("price", Fixtures.DOUBLE));

  private RedisThroughput() {
  }

  public static void main(String[] args) throws Exception {
    int keys = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    try (TestRedis redis = new TestRedis(); BufferAllocator allocator = new RootAllocator()) {
      seed(redis, keys);
      report("baseline: raw Lettuce, pipelined HMGET, 1000 per flush", keys, rawHmget(redis, keys));
      report("baseline: raw Lettuce, pipelined SET PX, 8192 per flush", 200_000, rawSet(redis, 200_000));
      for (String format : List.of("hash", "json")) {
        for (int batch : List.of(1, 100, 1000)) {
          int rows = batch == 1 ? 20_000 : Math.min(keys, batch * 300);
          report("lookup join, cache off, " + format + ", batch " + batch, rows, join(redis, allocator, format, batch,
              rows, keys));
        }
        report("connector alone, " + format + ", 1000 keys per lookup()", keys, connectorAlone(redis, allocator, format,
            1000, keys));
      }
      for (String format : List.of("json", "hash")) {
        for (int run = 1; run <= 2; run++) {
          int rows = 200_000;
          report("sink " + format + " (run " + run + ")", rows, sink(redis, allocator, format, rows));
        }
      }
      if (allocator.getAllocatedMemory() != 0) {
        throw new IllegalStateException("leaked " + allocator.getAllocatedMemory() + " bytes");
      }
    }
  }

  /** hash: {@code <prefix>h:S<i>} with name/lot/price; json: {@code <prefix>j:S<i>} with the same object. */
  private static void seed(TestRedis redis, int keys) {
    RedisAsyncCommands<String, String> async = redis.async();
    List<RedisFuture<?>> pending = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      pending.add(async.hset(redis.prefix + "h:S" + i, Map.of("name", "Instrument " + i, "lot", "100",
          "price", Double.toString(i * 0.25))));
      pending.add(async.set(redis.prefix + "j:S" + i, "{\"name\":\"Instrument " + i + "\",\"lot\":100,\"price\":"
          + i * 0.25 + "}"));
      if (pending.size() >= 10_000) {
        pending.forEach(f -> f.toCompletableFuture().join());
        pending.clear();
      }
    }
    pending.forEach(f -> f.toCompletableFuture().join());
  }

  /** Plain Lettuce with the same pipelining as the lookup, no Arrow: what the client library costs. */
  private static long rawHmget(TestRedis redis, int keys) throws Exception {
    try (var client = new RawClient()) {
      long start = System.nanoTime();
      for (int from = 0; from < keys; from += 1000) {
        List<RedisFuture<?>> replies = new ArrayList<>();
        for (int i = from; i < Math.min(keys, from + 1000); i++) {
          replies.add(client.async.hmget((redis.prefix + "h:S" + i).getBytes(StandardCharsets.UTF_8),
              NAME, LOT, PRICE));
        }
        client.connection.flushCommands();
        for (RedisFuture<?> f : replies) {
          f.get();
        }
      }
      return System.nanoTime() - start;
    }
  }

  /** Plain Lettuce SET with PX, pipelined like the sink. */
  private static long rawSet(TestRedis redis, int rows) throws Exception {
    try (var client = new RawClient()) {
      byte[] value = "{\"id\":1,\"name\":\"name-1\",\"lot\":100,\"price\":0.5}".getBytes(StandardCharsets.UTF_8);
      SetArgs px = SetArgs.Builder.px(600_000);
      long start = System.nanoTime();
      List<RedisFuture<?>> replies = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        replies.add(client.async.set((redis.prefix + "raw:" + i).getBytes(StandardCharsets.UTF_8), value, px));
        if (i % 8192 == 8191) {
          client.connection.flushCommands();
        }
      }
      client.connection.flushCommands();
      for (RedisFuture<?> f : replies) {
        f.get();
      }
      return System.nanoTime() - start;
    }
  }

  private static final byte[] NAME = "name".getBytes(StandardCharsets.UTF_8);
  private static final byte[] LOT = "lot".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PRICE = "price".getBytes(StandardCharsets.UTF_8);

  /** A byte-array Lettuce connection with manual flushing. */
  private static final class RawClient implements AutoCloseable {
    final RedisClient client = RedisClient.create(TestRedis.URL);
    final StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
    final RedisAsyncCommands<byte[], byte[]> async = connection.async();

    RawClient() {
      connection.setAutoFlushCommands(false);
    }

    @Override
    public void close() {
      connection.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private static Map<String, Object> lookupProps(TestRedis redis, String format) {
    Map<String, Object> p = new HashMap<>();
    p.put("url", TestRedis.URL);
    p.put("key.pattern", redis.prefix + (format.equals("hash") ? "h:" : "j:") + "S{symbol}");
    p.put("value.format", format);
    p.put("timeout", Duration.ofSeconds(10));
    return p;
  }

  private static long join(TestRedis redis, BufferAllocator allocator, String format, int batch, int rows, int keys)
      throws Exception {
    SqlCompiler compiler = new SqlCompiler(List.of(CatalogTable.source("trades", TRADES),
        CatalogTable.lookup("ins", INSTRUMENTS, List.of("symbol"))));
    var compiled = ((CompileResult.Success) compiler.compile("bench",
        "SELECT t.id, i.name, i.lot * i.price AS notional FROM trades t LEFT JOIN ins i ON t.symbol = i.symbol"))
        .compiled();
    AtomicLong matched = new AtomicLong();
    try (LookupSource source = new RedisLookupFactory().create(Fixtures.lookup("ins", lookupProps(redis, format),
        INSTRUMENTS, List.of("symbol"), allocator))) {
      source.open();
      LookupCache.Config off = new LookupCache.Config(0, Duration.ofSeconds(60), System::nanoTime);
      try (PipelineExecutor executor = new PipelineExecutor(compiled, allocator, Map.of("ins", source), out -> {
        var v = (Float8Vector) out.getVector("notional");
        for (int r = 0; r < out.getRowCount(); r++) {
          if (!v.isNull(r)) {
            matched.incrementAndGet();
          }
        }
      }, off)) {
        long start = System.nanoTime();
        for (int from = 0; from < rows; from += batch) {
          try (VectorSchemaRoot in = trades(allocator, from, Math.min(batch, rows - from), keys)) {
            executor.onBatch("trades", in);
          }
        }
        long took = System.nanoTime() - start;
        if (matched.get() != rows) {
          throw new IllegalStateException(matched.get() + " of " + rows + " rows matched");
        }
        return took;
      }
    }
  }

  private static long connectorAlone(TestRedis redis, BufferAllocator allocator, String format, int batch, int keys)
      throws Exception {
    try (LookupSource source = new RedisLookupFactory().create(Fixtures.lookup("ins", lookupProps(redis, format),
        INSTRUMENTS, List.of("symbol"), allocator))) {
      source.open();
      long start = System.nanoTime();
      long found = 0;
      for (int from = 0; from < keys; from += batch) {
        VectorSchemaRoot k = VectorSchemaRoot.create(Fixtures.schema(Fixtures.col("symbol", Fixtures.VARCHAR)),
            allocator);
        k.allocateNew();
        int n = Math.min(batch, keys - from);
        for (int i = 0; i < n; i++) {
          ((VarCharVector) k.getVector(0)).setSafe(i, Integer.toString(from + i).getBytes(StandardCharsets.US_ASCII));
        }
        k.setRowCount(n);
        try (k; VectorSchemaRoot out = source.lookup(k)) {
          found += out.getRowCount();
        }
      }
      long took = System.nanoTime() - start;
      if (found != keys) {
        throw new IllegalStateException(found + " of " + keys + " keys found");
      }
      return took;
    }
  }

  private static VectorSchemaRoot trades(BufferAllocator allocator, int from, int n, int keys) {
    VectorSchemaRoot root = VectorSchemaRoot.create(TRADES, allocator);
    root.allocateNew();
    for (int i = 0; i < n; i++) {
      ((BigIntVector) root.getVector(0)).setSafe(i, from + i);
      ((VarCharVector) root.getVector(1)).setSafe(i, Integer.toString((from + i) % keys)
          .getBytes(StandardCharsets.US_ASCII));
    }
    root.setRowCount(n);
    return root;
  }

  private static long sink(TestRedis redis, BufferAllocator allocator, String format, int rows) throws Exception {
    Schema schema = Fixtures.schema(Fixtures.col("id", Fixtures.BIGINT), Fixtures.col("name", Fixtures.VARCHAR),
        Fixtures.col("lot", Fixtures.INT), Fixtures.col("price", Fixtures.DOUBLE));
    Map<String, Object> p = new HashMap<>();
    p.put("url", TestRedis.URL);
    p.put("key.pattern", redis.prefix + "out:" + format + ":{id}");
    p.put("value.format", format);
    p.put("ttl", Duration.ofMinutes(10));
    p.put("timeout", Duration.ofSeconds(10));
    try (Sink sink = new RedisSinkFactory().create(Fixtures.sink("bench", p, schema, allocator))) {
      sink.open(0);
      long start = System.nanoTime();
      for (int from = 0; from < rows; from += 8192) {
        int n = Math.min(8192, rows - from);
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        root.allocateNew();
        for (int i = 0; i < n; i++) {
          ((BigIntVector) root.getVector(0)).setSafe(i, from + i);
          ((VarCharVector) root.getVector(1)).setSafe(i, ("name-" + (from + i)).getBytes(StandardCharsets.UTF_8));
          ((IntVector) root.getVector(2)).setSafe(i, 100);
          ((Float8Vector) root.getVector(3)).setSafe(i, (from + i) * 0.5);
        }
        root.setRowCount(n);
        try (Batch b = Batch.of(root)) {
          sink.write(b);
        }
      }
      sink.prepareCommit(1);
      return System.nanoTime() - start;
    }
  }

  private static void report(String what, long rows, long nanos) {
    System.out.printf(Locale.ROOT, "%-55s %,10d rows in %6.2f s = %,10.0f rows/s%n", what, rows, nanos / 1e9,
        rows / (nanos / 1e9));
  }
}
