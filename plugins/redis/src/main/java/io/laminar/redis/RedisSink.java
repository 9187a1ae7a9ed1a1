package io.laminar.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.laminar.api.Batch;
import io.laminar.api.ConnectorContext;
import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorMetrics;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.RowKind;
import io.laminar.api.Sink;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.slf4j.Logger;

/**
 * Writes each row under its key: {@code SET key value [PX ttl]} (write.mode = set, a JSON object or
 * the one non-key column's text) or {@code HSET key field value…} plus {@code HDEL} of NULL fields
 * and {@code PEXPIRE} (write.mode = hash). DELETE rows {@code DEL} the key; UPDATE_BEFORE rows are
 * ignored (the UPDATE_AFTER that follows overwrites the key).
 *
 * <p>Each batch's commands are pipelined on one connection (so writes to a key stay in order) and
 * flushed when the batch ends, without waiting; {@link #prepareCommit} waits for every reply and
 * fails the checkpoint if any write failed. Writes are idempotent by key, so replaying the rows since
 * the last checkpoint after a crash converges to the same keys: at-least-once.
 */
final class RedisSink implements Sink {
  /** Replies awaited before more commands are sent, bounding the memory of unanswered writes. */
  private static final int MAX_PENDING = 100_000;
  private static final JsonFactory JSON = new JsonFactory();

  private final RedisSettings settings;
  private final Mode mode;
  private final Optional<Duration> ttl;
  private final Duration writeTimeout;
  private final String name;
  private final Logger log;
  private final List<String> names;
  /** Schema indexes of the columns written as the value of write.mode = set, value.format = string. */
  private final int stringColumn;
  private final byte[][] fieldNames;

  private final ConnectorMetrics.Counter written;
  private final ConnectorMetrics.Counter deleted;
  private final ConnectorMetrics.Counter rejected;
  private long rejectedLogged;

  private RedisClient client;
  private StatefulRedisConnection<byte[], byte[]> connection;
  private final ArrayDeque<RedisFuture<?>> pending = new ArrayDeque<>();
  private final ByteArrayOutputStream json = new ByteArrayOutputStream(256);

  /** How rows are stored. */
  enum Mode { SET_JSON, SET_STRING, HASH }

  RedisSink(ConnectorContext context, RedisSettings settings, Mode mode, Optional<Duration> ttl,
      Duration writeTimeout, int stringColumn) {
    this.settings = settings;
    this.mode = mode;
    this.ttl = ttl;
    this.writeTimeout = writeTimeout;
    this.name = context.name();
    this.log = context.logger();
    this.names = RedisSettings.names(context);
    this.stringColumn = stringColumn;
    this.fieldNames = names.stream().map(n -> n.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    ConnectorMetrics m = context.metrics();
    this.written = m.counter("rows_written_total", "Rows written to Redis (SET or HSET)");
    this.deleted = m.counter("keys_deleted_total", "DELETE rows turned into DEL");
    this.rejected = m.counter("rows_rejected_total", "Rows skipped because a key column was NULL");
  }

  @Override
  public DeliveryGuarantee maxGuarantee() {
    return DeliveryGuarantee.AT_LEAST_ONCE;
  }

  @Override
  public void check() throws ConnectorException {
    RedisClients.ping(settings);
  }

  @Override
  public void open(long lastCommittedEpoch) throws ConnectorException {
    client = RedisClients.client(settings);
    connection = RedisClients.connect(client, settings);
    connection.setAutoFlushCommands(false);
  }

  @Override
  public void write(Batch batch) throws ConnectorException {
    if (connection == null) {
      throw ConnectorException.runtime("redis sink '" + name + "' is not open", null);
    }
    VectorSchemaRoot data = batch.data();
    KeyPattern.Renderer keys = settings.keyPattern.bind(data, settings.types);
    RedisAsyncCommands<byte[], byte[]> async = connection.async();
    long px = ttl.map(Duration::toMillis).orElse(0L);
    SetArgs setArgs = px > 0 ? SetArgs.Builder.px(px) : null;
    long rows = 0;
    long deletes = 0;
    for (int r = 0; r < batch.rowCount(); r++) {
      RowKind kind = batch.rowKind(r);
      if (kind == RowKind.UPDATE_BEFORE) {
        continue;
      }
      Optional<byte[]> rendered = keys.render(r);
      if (rendered.isEmpty()) {
        reject(r);
        continue;
      }
      byte[] key = rendered.get();
      if (kind == RowKind.DELETE) {
        pending.add(async.del(key));
        deletes++;
        continue;
      }
      switch (mode) {
        case SET_JSON -> pending.add(setArgs == null ? async.set(key, json(data, r)) : async.set(key, json(data, r), setArgs));
        case SET_STRING -> {
          FieldVector v = data.getVector(stringColumn);
          if (v.isNull(r)) {
            pending.add(async.del(key)); // no value: the key must not answer with a stale one
          } else {
            byte[] value = settings.types.get(stringColumn).encodeText(v, r);
            pending.add(setArgs == null ? async.set(key, value) : async.set(key, value, setArgs));
          }
        }
        case HASH -> hash(async, key, data, r, px);
        default -> throw new IllegalStateException(mode.name());
      }
      rows++;
    }
    connection.flushCommands();
    written.increment(rows);
    deleted.increment(deletes);
    if (pending.size() > MAX_PENDING) {
      awaitPending(pending.size() - MAX_PENDING / 2);
    }
  }

  private void hash(RedisAsyncCommands<byte[], byte[]> async, byte[] key, VectorSchemaRoot data, int r, long px) {
    Map<byte[], byte[]> fields = new LinkedHashMap<>();
    List<byte[]> nulls = new ArrayList<>();
    for (int c = 0; c < fieldNames.length; c++) {
      FieldVector v = data.getVector(c);
      if (v.isNull(r)) {
        nulls.add(fieldNames[c]);
      } else {
        fields.put(fieldNames[c], settings.types.get(c).encodeText(v, r));
      }
    }
    // key columns are never NULL here, so there is always a field to set
    pending.add(async.hset(key, fields));
    if (!nulls.isEmpty()) {
      pending.add(async.hdel(key, nulls.toArray(new byte[0][])));
    }
    if (px > 0) {
      pending.add(async.pexpire(key, px));
    }
  }

  private byte[] json(VectorSchemaRoot data, int r) {
    json.reset();
    try (JsonGenerator g = JSON.createGenerator(json)) {
      g.writeStartObject();
      for (int c = 0; c < fieldNames.length; c++) {
        g.writeFieldName(names.get(c));
        settings.types.get(c).encodeJson(g, data.getVector(c), r);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory
    }
    return json.toByteArray();
  }

  private void reject(int row) throws ConnectorException {
    rejected.increment(1);
    String message = "redis sink '" + name + "': row " + row + " of a batch has NULL in a column of key.pattern '"
        + settings.keyPattern + "'";
    if (settings.onError == RedisSettings.OnError.FAIL) {
      throw ConnectorException.runtime(message + " (set on.error = \"skip\" to skip such rows)", null);
    }
    rejectedLogged++;
    if (rejectedLogged <= 10 || rejectedLogged % 10_000 == 0) {
      log.warn("{}; row skipped ({} so far)", message, rejectedLogged);
    }
  }

  /** Waits for the oldest {@code count} replies; the first failed write fails the call. */
  private void awaitPending(int count) throws ConnectorException {
    int failures = 0;
    String first = null;
    for (int i = 0; i < count && !pending.isEmpty(); i++) {
      RedisFuture<?> f = pending.poll();
      try {
        // replies arrive in order: no reply for write.timeout means the server stopped answering
        // (a pipeline of 10^5 writes on a busy client can go quiet for longer than `timeout`)
        f.get(writeTimeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        pending.forEach(p -> p.cancel(true));
        f.cancel(true);
        failures += 1 + pending.size();
        first = first != null ? first : "no reply within " + writeTimeout.toMillis() + " ms (write.timeout); is the server up?";
        break;
      } catch (ExecutionException | CancellationException e) {
        failures++;
        if (first == null) {
          first = e instanceof ExecutionException ? settings.scrub(RedisClients.rootMessage(e)) : "cancelled";
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ConnectorException.runtime("redis sink '" + name + "' interrupted while waiting for replies", e);
      }
    }
    if (failures > 0) {
      pending.clear();
      throw ConnectorException.runtime("redis sink '" + name + "': " + failures + " write"
          + (failures == 1 ? "" : "s") + " to " + settings.target + " failed, the first: " + first, null);
    }
  }

  @Override
  public void prepareCommit(long epoch) throws ConnectorException {
    if (connection != null) {
      connection.flushCommands();
      awaitPending(pending.size());
    }
  }

  @Override
  public void close() {
    pending.clear();
    if (connection != null) {
      connection.close();
      connection = null;
    }
    if (client != null) {
      RedisClients.shutdown(client);
      client = null;
    }
  }
}
