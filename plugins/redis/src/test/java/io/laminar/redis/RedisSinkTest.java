package io.laminar.redis;

import static io.laminar.redis.Fixtures.BIGINT;
import static io.laminar.redis.Fixtures.BOOLEAN;
import static io.laminar.redis.Fixtures.DOUBLE;
import static io.laminar.redis.Fixtures.TIMESTAMP;
import static io.laminar.redis.Fixtures.VARCHAR;
import static io.laminar.redis.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.RowKind;
import io.laminar.api.Sink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sink against the machine's real Redis, read back with a plain client. */
class RedisSinkTest {
  private static final Schema FEATURES = Fixtures.schema(col("user_id", BIGINT), col("segment", VARCHAR),
      col("score", DOUBLE), col("vip", BOOLEAN), col("seen", TIMESTAMP));

  private BufferAllocator allocator;
  private TestRedis redis;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
    redis = new TestRedis();
  }

  @AfterEach
  void tearDown() {
    redis.close();
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private Map<String, Object> props(String format) {
    Map<String, Object> p = new HashMap<>();
    p.put("url", TestRedis.URL);
    p.put("key.pattern", redis.prefix + "user:{user_id}");
    p.put("value.format", format);
    return p;
  }

  /** Rows (user_id, segment, score, vip, seen); a null array element is a NULL segment. */
  private VectorSchemaRoot rows(long[] ids, String[] segments) {
    VectorSchemaRoot root = VectorSchemaRoot.create(FEATURES, allocator);
    root.allocateNew();
    for (int i = 0; i < ids.length; i++) {
      ((BigIntVector) root.getVector("user_id")).setSafe(i, ids[i]);
      if (segments[i] == null) {
        root.getVector("segment").setNull(i);
      } else {
        ((VarCharVector) root.getVector("segment")).setSafe(i, segments[i].getBytes(StandardCharsets.UTF_8));
      }
      ((Float8Vector) root.getVector("score")).setSafe(i, ids[i] * 1.5);
      ((BitVector) root.getVector("vip")).setSafe(i, ids[i] % 2 == 0 ? 1 : 0);
      ((TimeStampMilliVector) root.getVector("seen")).setSafe(i, 1_767_225_600_000L + ids[i]);
    }
    root.setRowCount(ids.length);
    return root;
  }

  private static Batch changelog(VectorSchemaRoot data, BufferAllocator allocator, RowKind... kinds) {
    TinyIntVector k = new TinyIntVector("$row_kind", allocator);
    k.allocateNew(kinds.length);
    for (int i = 0; i < kinds.length; i++) {
      k.set(i, kinds[i].code());
    }
    k.setValueCount(kinds.length);
    return Batch.changelog(data, k);
  }

  private Sink open(Map<String, Object> props) throws ConnectorException {
    Sink sink = new RedisSinkFactory().create(Fixtures.sink("features", props, FEATURES, allocator));
    assertEquals(DeliveryGuarantee.AT_LEAST_ONCE, sink.maxGuarantee());
    sink.check();
    sink.open(0);
    return sink;
  }

  @Test
  void jsonRowsAreSetWithTheTtlAndVisibleAfterPrepareCommit() throws Exception {
    Map<String, Object> p = props("json");
    p.put("ttl", Duration.ofMinutes(10));
    try (Sink sink = open(p)) {
      try (Batch b = Batch.of(rows(new long[] {1, 2}, new String[] {"gold", null}))) {
        sink.write(b);
      }
      sink.prepareCommit(1);
      sink.commit(1);
    }
    assertEquals("{\"user_id\":1,\"segment\":\"gold\",\"score\":1.5,\"vip\":false,\"seen\":\"2026-01-01T00:00:00.001Z\"}",
        redis.sync.get(redis.prefix + "user:1"));
    assertEquals("{\"user_id\":2,\"segment\":null,\"score\":3.0,\"vip\":true,\"seen\":\"2026-01-01T00:00:00.002Z\"}",
        redis.sync.get(redis.prefix + "user:2"));
    long pttl = redis.sync.pttl(redis.prefix + "user:1");
    assertTrue(pttl > 0 && pttl <= 600_000, "PTTL " + pttl);
  }

  @Test
  void hashRowsSetFieldsAndRemoveFieldsThatBecameNull() throws Exception {
    Map<String, Object> p = props("hash");
    p.put("ttl", Duration.ofSeconds(30));
    try (Sink sink = open(p)) {
      try (Batch b = Batch.of(rows(new long[] {7}, new String[] {"silver"}))) {
        sink.write(b);
      }
      sink.prepareCommit(1);
      assertEquals(Map.of("user_id", "7", "segment", "silver", "score", "10.5", "vip", "false",
          "seen", "2026-01-01T00:00:00.007Z"), redis.sync.hgetall(redis.prefix + "user:7"));
      try (Batch b = Batch.of(rows(new long[] {7}, new String[] {null}))) {
        sink.write(b);
      }
      sink.prepareCommit(2);
    }
    assertEquals(Map.of("user_id", "7", "score", "10.5", "vip", "false", "seen", "2026-01-01T00:00:00.007Z"),
        redis.sync.hgetall(redis.prefix + "user:7"));
    long pttl = redis.sync.pttl(redis.prefix + "user:7");
    assertTrue(pttl > 0 && pttl <= 30_000, "PTTL " + pttl);
  }

  @Test
  void withoutTtlKeysDoNotExpire() throws Exception {
    try (Sink sink = open(props("json"))) {
      try (Batch b = Batch.of(rows(new long[] {3}, new String[] {"x"}))) {
        sink.write(b);
      }
      sink.prepareCommit(1);
    }
    assertEquals(-1L, redis.sync.pttl(redis.prefix + "user:3"));
  }

  @Test
  void deleteRowsDeleteTheKeyAndUpdateBeforeRowsAreIgnored() throws Exception {
    Schema strings = Fixtures.schema(col("user_id", BIGINT), col("segment", VARCHAR));
    Map<String, Object> p = props("string");
    try (Sink sink = new RedisSinkFactory().create(Fixtures.sink("segments", p, strings, allocator))) {
      sink.open(0);
      try (Batch b = Batch.of(stringRows(strings, new long[] {1, 2, 3}, "a", "b", "c"))) {
        sink.write(b);
      }
      // 1 deleted, 2 updated (before + after), 3 untouched, 4 inserted then deleted in the same batch
      try (Batch b = changelog(stringRows(strings, new long[] {1, 2, 2, 4, 4}, "a", "b", "B", "d", "d"), allocator,
          RowKind.DELETE, RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER, RowKind.INSERT, RowKind.DELETE)) {
        sink.write(b);
      }
      sink.prepareCommit(1);
    }
    assertEquals(null, redis.sync.get(redis.prefix + "user:1"));
    assertEquals("B", redis.sync.get(redis.prefix + "user:2"));
    assertEquals("c", redis.sync.get(redis.prefix + "user:3"));
    assertEquals(null, redis.sync.get(redis.prefix + "user:4"));
    assertEquals(List.of(redis.prefix + "user:2", redis.prefix + "user:3"),
        redis.keys().stream().sorted().toList());
  }

  @Test
  void aNullStringValueDeletesTheKey() throws Exception {
    Schema strings = Fixtures.schema(col("user_id", BIGINT), col("segment", VARCHAR));
    try (Sink sink = new RedisSinkFactory().create(Fixtures.sink("segments", props("string"), strings, allocator))) {
      sink.open(0);
      try (Batch b = Batch.of(stringRows(strings, new long[] {1, 2}, "a", "b"))) {
        sink.write(b);
      }
      VectorSchemaRoot update = stringRows(strings, new long[] {1}, "x");
      update.getVector(1).setNull(0);
      try (Batch b = Batch.of(update)) {
        sink.write(b);
      }
      sink.prepareCommit(1);
    }
    assertEquals(List.of(redis.prefix + "user:2"), redis.keys(), "no stale value is left for user 1");
  }

  private VectorSchemaRoot stringRows(Schema schema, long[] ids, String... values) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    root.allocateNew();
    for (int i = 0; i < ids.length; i++) {
      ((BigIntVector) root.getVector(0)).setSafe(i, ids[i]);
      ((VarCharVector) root.getVector(1)).setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
    }
    root.setRowCount(ids.length);
    return root;
  }

  @Test
  void aRowWithANullKeyColumnFailsOrIsSkipped() throws Exception {
    VectorSchemaRoot data = rows(new long[] {1, 2}, new String[] {"a", "b"});
    data.getVector("user_id").setNull(0);
    try (Batch b = Batch.of(data)) {
      try (Sink sink = open(props("json"))) {
        ConnectorException e = assertThrows(ConnectorException.class, () -> sink.write(b));
        assertEquals("redis sink 'features': row 0 of a batch has NULL in a column of key.pattern '" + redis.prefix
            + "user:{user_id}' (set on.error = \"skip\" to skip such rows)", e.getMessage());
      }
      Map<String, Object> p = props("json");
      p.put("on.error", "skip");
      var ctx = Fixtures.sink("features", p, FEATURES, allocator);
      try (Sink sink = new RedisSinkFactory().create(ctx)) {
        sink.open(0);
        sink.write(b);
        sink.prepareCommit(1);
      }
      assertEquals(1, ctx.metrics.counter("rows_rejected_total"));
      assertEquals(1, ctx.metrics.counter("rows_written_total"));
    }
    assertEquals(List.of(redis.prefix + "user:2"), redis.keys());
  }

  @Test
  void manyBatchesArePipelinedAndAllAcknowledgedAtPrepareCommit() throws Exception {
    int n = 50_000;
    try (Sink sink = open(props("hash"))) {
      for (int from = 0; from < n; from += 5000) {
        long[] ids = new long[5000];
        String[] segments = new String[5000];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = from + i;
          segments[i] = "s" + (from + i) % 7;
        }
        try (Batch b = Batch.of(rows(ids, segments))) {
          sink.write(b);
        }
      }
      sink.prepareCommit(1);
    }
    assertEquals(n, redis.keys().size());
    assertEquals("s5", redis.sync.hget(redis.prefix + "user:49999", "segment")); // 49999 % 7
    assertFalse(redis.sync.hexists(redis.prefix + "user:50000", "segment"));
  }

  @Test
  void decimalsAreWrittenAsTheirExactDigitsInEveryFormat() throws Exception {
    Schema balances = Fixtures.schema(col("user_id", BIGINT),
        col("balance", new org.apache.arrow.vector.types.pojo.ArrowType.Decimal(38, 10, 128)));
    String[] values = {"1234567890123456789012345678.0123456789", "-0.5000000000", "0E-10"};
    String[] plain = {"1234567890123456789012345678.0123456789", "-0.5000000000", "0.0000000000"};
    for (String format : List.of("json", "hash", "string")) {
      Map<String, Object> p = props(format);
      p.put("key.pattern", redis.prefix + format + ":{user_id}");
      try (Sink sink = new RedisSinkFactory().create(Fixtures.sink("balances", p, balances, allocator))) {
        sink.check();
        sink.open(0);
        VectorSchemaRoot root = VectorSchemaRoot.create(balances, allocator);
        root.allocateNew();
        for (int i = 0; i < values.length; i++) {
          ((BigIntVector) root.getVector(0)).setSafe(i, i);
          ((org.apache.arrow.vector.DecimalVector) root.getVector(1)).setSafe(i, new java.math.BigDecimal(values[i]));
        }
        root.setRowCount(values.length);
        try (Batch b = Batch.of(root)) {
          sink.write(b);
        }
        sink.prepareCommit(1);
        sink.commit(1);
      }
      for (int i = 0; i < values.length; i++) {
        String key = redis.prefix + format + ":" + i;
        switch (format) {
          case "json" -> assertEquals("{\"user_id\":" + i + ",\"balance\":" + plain[i] + "}", redis.sync.get(key));
          case "hash" -> assertEquals(Map.of("user_id", Integer.toString(i), "balance", plain[i]),
              redis.sync.hgetall(key));
          default -> assertEquals(plain[i], redis.sync.get(key));
        }
      }
    }
  }
}
