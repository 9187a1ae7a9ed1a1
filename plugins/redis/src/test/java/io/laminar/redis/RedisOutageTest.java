package io.laminar.redis;

import static io.laminar.redis.Fixtures.DOUBLE;
import static io.laminar.redis.Fixtures.VARCHAR;
import static io.laminar.redis.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.Batch;
import io.laminar.api.ConnectorException;
import io.laminar.api.LookupSource;
import io.laminar.api.Secret;
import io.laminar.api.Sink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private redis-server that goes away mid-run, and one with a password. Documented behaviour: a
 * lookup or a sink checkpoint that gets no reply within {@code timeout} fails with an error naming
 * host:port (the pipeline then fails); once the server is back, the same instance works again
 * (Lettuce reconnects by itself).
 */
class RedisOutageTest {
  private static final Schema PRICES = Fixtures.schema(col("symbol", VARCHAR), col("price", DOUBLE));
  @TempDir Path dir;
  private BufferAllocator allocator;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    assertEquals(0, allocator.getAllocatedMemory(), "outstanding Arrow memory");
    allocator.close();
  }

  private Map<String, Object> props(String url) {
    Map<String, Object> p = new HashMap<>();
    p.put("url", url);
    p.put("key.pattern", "px:{symbol}");
    p.put("value.format", "string");
    p.put("timeout", Duration.ofMillis(500));
    return p;
  }

  private VectorSchemaRoot keys(String... symbols) {
    VectorSchemaRoot keys = VectorSchemaRoot.create(Fixtures.schema(col("symbol", VARCHAR)), allocator);
    keys.allocateNew();
    for (int i = 0; i < symbols.length; i++) {
      ((VarCharVector) keys.getVector(0)).setSafe(i, symbols[i].getBytes(StandardCharsets.UTF_8));
    }
    keys.setRowCount(symbols.length);
    return keys;
  }

  private double price(LookupSource source, String symbol) throws ConnectorException {
    try (VectorSchemaRoot k = keys(symbol); VectorSchemaRoot out = source.lookup(k)) {
      assertEquals(1, out.getRowCount());
      return ((Float8Vector) out.getVector("price")).get(0);
    }
  }

  @Test
  void aLookupFailsWithinTheTimeoutWhileTheServerIsDownAndWorksAgainAfterItReturns() throws Exception {
    try (RedisProcess server = RedisProcess.start(dir); TestRedis admin = new TestRedis(server.url());
         LookupSource source = new RedisLookupFactory().create(Fixtures.lookup("prices", props(server.url()), PRICES,
             List.of("symbol"), allocator))) {
      admin.sync.set("px:AAPL", "187.5");
      source.open();
      assertEquals(187.5, price(source, "AAPL"));

      server.kill();
      long t0 = System.nanoTime();
      ConnectorException e = assertThrows(ConnectorException.class, () -> price(source, "AAPL"));
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(e.getMessage().contains("127.0.0.1:" + server.port), e.getMessage());
      assertTrue(e.getMessage().contains("within 500 ms"), e.getMessage());
      assertTrue(tookMs < 5_000, "gave up after " + tookMs + " ms");

      server.restart(); // an empty server (no persistence): the key must be written again
      try (TestRedis again = new TestRedis(server.url())) {
        again.sync.set("px:AAPL", "190.0");
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      Double price = null;
      while (price == null) {
        try {
          price = price(source, "AAPL");
        } catch (ConnectorException stillReconnecting) {
          if (System.nanoTime() > deadline) {
            throw stillReconnecting;
          }
        }
      }
      assertEquals(190.0, price);
    }
  }

  @Test
  void aSinkCheckpointFailsWhenTheServerWentAwayAfterTheWrites() throws Exception {
    try (RedisProcess server = RedisProcess.start(dir)) {
      Map<String, Object> p = props(server.url());
      p.put("write.timeout", Duration.ofMillis(700));
      try (Sink sink = new RedisSinkFactory().create(Fixtures.sink("out", p, PRICES, allocator))) {
        sink.open(0);
        server.kill();
        VectorSchemaRoot data = VectorSchemaRoot.create(PRICES, allocator);
        data.allocateNew();
        ((VarCharVector) data.getVector(0)).setSafe(0, "AAPL".getBytes(StandardCharsets.UTF_8));
        ((Float8Vector) data.getVector(1)).setSafe(0, 1.0);
        data.setRowCount(1);
        try (Batch b = Batch.of(data)) {
          sink.write(b); // queued while Lettuce reconnects
        }
        ConnectorException e = assertThrows(ConnectorException.class, () -> sink.prepareCommit(1));
        assertEquals("redis sink 'out': 1 write to redis at 127.0.0.1:" + server.port + " (db 0) failed, the first: "
            + "no reply within 700 ms (write.timeout); is the server up?", e.getMessage());
      }
    }
  }

  @Test
  void aWrongPasswordFailsTheCheckNamingHostAndPortWithoutThePassword() throws Exception {
    try (RedisProcess server = RedisProcess.start(dir, "--requirepass", "right-one")) {
      Map<String, Object> p = props(server.url());
      p.put("password", new Secret("wrong-one"));
      LookupSource source = new RedisLookupFactory().create(Fixtures.lookup("prices", p, PRICES, List.of("symbol"),
          allocator));
      ConnectorException e = assertThrows(ConnectorException.class, source::check);
      assertEquals(ConnectorException.Kind.CONNECTION_FAILED, e.kind());
      assertTrue(e.getMessage().startsWith("cannot connect to redis at 127.0.0.1:" + server.port + " (db 0): WRONGPASS"),
          e.getMessage());
      assertTrue(e.getMessage().endsWith("(check 'password', 'username' or the URL's user:password)"), e.getMessage());
      assertFalse(e.getMessage().contains("wrong-one"), e.getMessage());
      assertEquals(null, e.getCause(), "nothing for the host to print a stack trace of");
      source.close();

      Map<String, Object> right = props("redis://:right-one@127.0.0.1:" + server.port + "/0");
      try (LookupSource ok = new RedisLookupFactory().create(Fixtures.lookup("prices", right, PRICES,
          List.of("symbol"), allocator))) {
        ok.check();
      }
    }
  }

  @Test
  void anUnreachableServerFailsTheCheckWithinTheTimeout() throws Exception {
    int port;
    try (RedisProcess server = RedisProcess.start(dir)) {
      port = server.port;
    }
    LookupSource source = new RedisLookupFactory().create(Fixtures.lookup("prices",
        props("redis://127.0.0.1:" + port + "/0"), PRICES, List.of("symbol"), allocator));
    ConnectorException e = assertThrows(ConnectorException.class, source::check);
    assertTrue(e.getMessage().startsWith("cannot connect to redis at 127.0.0.1:" + port + " (db 0): "), e.getMessage());
    assertTrue(e.getMessage().endsWith("(is redis-server running there, and is the host:port in 'url' right?)"),
        e.getMessage());
    source.close();
  }
}
