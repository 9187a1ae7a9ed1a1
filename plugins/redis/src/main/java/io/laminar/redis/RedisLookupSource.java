package io.laminar.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.LookupSource;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;

/**
 * Answers a key batch in one round trip: a pipeline of {@code HMGET key field…} (hash) flushed at
 * once, or a single {@code MGET key…} (json, string). Replies are decoded straight into the vectors
 * of the lookup schema; key columns are copied from the request. A key with no value (a missing key,
 * a hash with none of the fields, or for MGET a key of another type) is absent from the result.
 *
 * <p>Thread safety: the host may call {@link #lookup} from several pipeline workers at once; each
 * call borrows one of {@code pool.size} connections for its round trip.
 */
final class RedisLookupSource implements LookupSource {
  private static final JsonFactory JSON = new JsonFactory();

  private final RedisSettings settings;
  private final Schema schema;
  private final List<String> schemaNames;
  private final BufferAllocator allocator;
  private final Logger log;
  private final String name;
  /** Schema index of each primary-key column, in primary-key order. */
  private final int[] keyColumns;
  /** Schema indexes of the columns read from the value. */
  private final int[] valueColumns;
  /** Field names for HMGET, one per value column. */
  private final byte[][] hashFields;
  /** Schema index by JSON field name. */
  private final Map<String, Integer> jsonColumns = new HashMap<>();

  private final ConnectorMetrics.Counter requested;
  private final ConnectorMetrics.Counter found;
  private final ConnectorMetrics.Counter decodeErrors;
  private final ConnectorMetrics.Counter roundTrips;
  /** Rejected values so far, for rate-limited logging (lookups may run on several workers at once). */
  private final java.util.concurrent.atomic.AtomicLong errorsLogged = new java.util.concurrent.atomic.AtomicLong();

  private RedisClient client;
  private final List<StatefulRedisConnection<byte[], byte[]>> connections = new ArrayList<>();
  private BlockingQueue<StatefulRedisConnection<byte[], byte[]>> idle;

  RedisLookupSource(ConnectorContext context, RedisSettings settings) {
    this.settings = settings;
    this.schema = context.schema();
    this.allocator = context.allocator();
    this.log = context.logger();
    this.name = context.name();
    List<String> names = RedisSettings.names(context);
    this.schemaNames = names;
    this.keyColumns = context.primaryKey().stream().mapToInt(names::indexOf).toArray();
    List<Integer> values = new ArrayList<>();
    for (int c = 0; c < names.size(); c++) {
      if (!context.primaryKey().contains(names.get(c))) {
        values.add(c);
        jsonColumns.put(names.get(c), c);
      }
    }
    this.valueColumns = values.stream().mapToInt(Integer::intValue).toArray();
    this.hashFields = values.stream().map(c -> names.get(c).getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    ConnectorMetrics m = context.metrics();
    this.requested = m.counter("keys_requested_total", "Distinct keys asked of Redis");
    this.found = m.counter("keys_found_total", "Keys Redis had a value for");
    this.decodeErrors = m.counter("decode_errors_total", "Values that did not parse as their column's type");
    this.roundTrips = m.counter("round_trips_total", "Pipelined requests sent (one per lookup batch)");
  }

  @Override
  public void check() throws ConnectorException {
    RedisClients.ping(settings);
  }

  @Override
  public void open() throws ConnectorException {
    client = RedisClients.client(settings);
    idle = new ArrayBlockingQueue<>(settings.poolSize);
    for (int i = 0; i < settings.poolSize; i++) {
      StatefulRedisConnection<byte[], byte[]> c = RedisClients.connect(client, settings);
      c.setAutoFlushCommands(false); // a batch's commands go out in one write
      connections.add(c);
      idle.add(c);
    }
  }

  @Override
  public VectorSchemaRoot lookup(VectorSchemaRoot keys) throws ConnectorException {
    KeyPattern.Renderer renderer = settings.keyPattern.bind(keys, keyTypes(keys));
    // distinct keys, each remembered with the first request row that asked for it
    Map<Key, Integer> distinct = new HashMap<>();
    List<byte[]> order = new ArrayList<>();
    List<Integer> rows = new ArrayList<>();
    for (int r = 0; r < keys.getRowCount(); r++) {
      Optional<byte[]> key = renderer.render(r);
      if (key.isPresent() && distinct.putIfAbsent(new Key(key.get()), r) == null) {
        order.add(key.get());
        rows.add(r);
      }
    }
    VectorSchemaRoot out = VectorSchemaRoot.create(schema, allocator);
    try {
      out.allocateNew();
      if (!order.isEmpty()) {
        requested.increment(order.size());
        roundTrips.increment(1);
        int n = settings.format == RedisSettings.Format.HASH ? fetchHashes(order, rows, keys, out)
            : fetchStrings(order, rows, keys, out);
        found.increment(n);
        out.setRowCount(n);
      } else {
        out.setRowCount(0);
      }
      return out;
    } catch (ConnectorException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  private List<ColumnType> keyTypes(VectorSchemaRoot keys) {
    List<ColumnType> types = new ArrayList<>();
    for (Field f : keys.getSchema().getFields()) {
      types.add(settings.types.get(schemaNames.indexOf(f.getName())));
    }
    return types;
  }

  private int fetchHashes(List<byte[]> order, List<Integer> rows, VectorSchemaRoot keys, VectorSchemaRoot out)
      throws ConnectorException {
    List<RedisFuture<List<KeyValue<byte[], byte[]>>>> replies = new ArrayList<>(order.size());
    StatefulRedisConnection<byte[], byte[]> c = borrow();
    try {
      RedisAsyncCommands<byte[], byte[]> async = c.async();
      for (byte[] key : order) {
        replies.add(async.hmget(key, hashFields));
      }
      c.flushCommands();
      await(replies, order.size());
    } finally {
      idle.add(c);
    }
    int n = 0;
    for (int i = 0; i < order.size(); i++) {
      List<KeyValue<byte[], byte[]>> fields = reply(replies.get(i), order.get(i));
      if (fields == null || fields.stream().noneMatch(KeyValue::hasValue)) {
        continue;
      }
      copyKey(keys, rows.get(i), out, n);
      String problem = null;
      for (int f = 0; f < valueColumns.length && problem == null; f++) {
        int column = valueColumns[f];
        FieldVector v = out.getVector(column);
        KeyValue<byte[], byte[]> kv = fields.get(f);
        if (!kv.hasValue()) {
          v.setNull(n);
          continue;
        }
        try {
          settings.types.get(column).decodeText(v, n, kv.getValue());
        } catch (BadValue e) {
          problem = "field '" + schema.getFields().get(column).getName() + "': " + e.getMessage();
        }
      }
      if (problem == null) {
        n++;
      } else {
        rejected(order.get(i), problem);
      }
    }
    return n;
  }

  private int fetchStrings(List<byte[]> order, List<Integer> rows, VectorSchemaRoot keys, VectorSchemaRoot out)
      throws ConnectorException {
    RedisFuture<List<KeyValue<byte[], byte[]>>> reply;
    StatefulRedisConnection<byte[], byte[]> c = borrow();
    try {
      reply = c.async().mget(order.toArray(new byte[0][]));
      c.flushCommands();
      await(List.of(reply), order.size());
    } finally {
      idle.add(c);
    }
    List<KeyValue<byte[], byte[]>> values = reply(reply, null);
    int n = 0;
    for (int i = 0; i < order.size(); i++) {
      KeyValue<byte[], byte[]> kv = values.get(i);
      if (!kv.hasValue()) {
        continue;
      }
      copyKey(keys, rows.get(i), out, n);
      String problem = settings.format == RedisSettings.Format.JSON ? decodeJson(kv.getValue(), out, n)
          : decodeString(kv.getValue(), out, n);
      if (problem == null) {
        n++;
      } else {
        rejected(order.get(i), problem);
      }
    }
    return n;
  }

  /** Decodes a JSON object into row {@code n}; returns the problem, or null. Unknown fields are ignored. */
  private String decodeJson(byte[] value, VectorSchemaRoot out, int n) {
    for (int column : valueColumns) {
      out.getVector(column).setNull(n); // fields absent from the object are NULL
    }
    try (JsonParser p = JSON.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return "the value " + ColumnType.quote(value) + " is not a JSON object";
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        Integer column = jsonColumns.get(field);
        if (column == null) {
          p.skipChildren(); // key columns come from the request, other fields are not in the schema
          continue;
        }
        try {
          settings.types.get(column).decodeJson(out.getVector(column), n, p);
        } catch (BadValue e) {
          return "field '" + field + "': " + e.getMessage();
        }
      }
      if (t != JsonToken.END_OBJECT) {
        return "the value " + ColumnType.quote(value) + " is not a JSON object";
      }
      return null;
    } catch (IOException e) {
      return "the value " + ColumnType.quote(value) + " is not valid JSON (" + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()) + ")";
    }
  }

  private String decodeString(byte[] value, VectorSchemaRoot out, int n) {
    int column = valueColumns[0];
    try {
      settings.types.get(column).decodeText(out.getVector(column), n, value);
      return null;
    } catch (BadValue e) {
      return "column '" + schema.getFields().get(column).getName() + "': " + e.getMessage();
    }
  }

  private void copyKey(VectorSchemaRoot keys, int from, VectorSchemaRoot out, int to) {
    for (int column : keyColumns) {
      String keyName = schema.getFields().get(column).getName();
      out.getVector(column).copyFromSafe(from, to, keys.getVector(keyName));
    }
  }

  /** A value that does not fit: counted, then the row is skipped or the lookup fails. */
  private void rejected(byte[] key, String problem) throws ConnectorException {
    decodeErrors.increment(1);
    String message = "redis lookup '" + name + "': key " + ColumnType.quote(key) + ", " + problem;
    if (settings.onError == RedisSettings.OnError.FAIL) {
      throw ConnectorException.runtime(message + " (set on.error = \"skip\" to skip such rows)", null);
    }
    long so = errorsLogged.incrementAndGet();
    if (so <= 10 || so % 10_000 == 0) {
      log.warn("{}; row skipped ({} so far)", message, so);
    }
  }

  private StatefulRedisConnection<byte[], byte[]> borrow() throws ConnectorException {
    if (idle == null) {
      throw ConnectorException.runtime("redis lookup '" + name + "' is not open", null);
    }
    try {
      StatefulRedisConnection<byte[], byte[]> c = idle.poll(settings.timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (c == null) {
        throw ConnectorException.runtime("redis lookup '" + name + "': no free connection within "
            + settings.timeout.toMillis() + " ms (pool.size = " + settings.poolSize + ")", null);
      }
      return c;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ConnectorException.runtime("redis lookup '" + name + "' interrupted", e);
    }
  }

  /**
   * Waits until every reply is in (a failed reply counts as in; {@link #reply} reports it), giving
   * up when no reply arrived for {@code timeout}.
   */
  private void await(List<? extends RedisFuture<?>> replies, int keyCount) throws ConnectorException {
    for (RedisFuture<?> f : replies) {
      try {
        f.get(settings.timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | java.util.concurrent.CancellationException e) {
        // reported per key by reply()
      } catch (java.util.concurrent.TimeoutException e) {
        replies.forEach(r -> r.cancel(true));
        throw timedOut(keyCount);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ConnectorException.runtime("redis lookup '" + name + "' interrupted", e);
      }
    }
  }

  private <T> T reply(RedisFuture<T> f, byte[] key) throws ConnectorException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      String why = settings.scrub(RedisClients.rootMessage(e));
      if (key != null && why.startsWith("WRONGTYPE")) {
        rejected(key, "it holds a value that is not a hash (" + why + ")");
        return null;
      }
      if (why.toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
        throw timedOut(1);
      }
      throw ConnectorException.runtime("redis lookup '" + name + "' failed at " + settings.target + ": " + why, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ConnectorException.runtime("redis lookup '" + name + "' interrupted", e);
    } catch (java.util.concurrent.CancellationException e) {
      throw timedOut(1);
    }
  }

  private ConnectorException timedOut(int keyCount) {
    return ConnectorException.runtime("redis lookup '" + name + "': " + settings.target + " did not answer "
        + keyCount + (keyCount == 1 ? " key" : " keys") + " within " + settings.timeout.toMillis()
        + " ms (timeout); is the server up?", null);
  }

  @Override
  public void close() {
    for (StatefulRedisConnection<byte[], byte[]> c : connections) {
      c.close();
    }
    connections.clear();
    idle = null;
    if (client != null) {
      RedisClients.shutdown(client);
      client = null;
    }
  }

  /** A rendered key with value equality, for de-duplication. */
  private record Key(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
