package io.laminar.config;

import static io.laminar.config.TestConfigs.load;
import static io.laminar.config.TestConfigs.ok;
import static io.laminar.config.TestConfigs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.DeliveryGuarantee;
import io.laminar.api.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  private static final String FULL = """
      [server]
      name = "edge-1"
      bind = "0.0.0.0:9090"
      workers = 4
      log_level = "DEBUG"
      log_format = "json"
      plugins_dir = "plugins"
      plugins_required = ["kafka", "postgres"]
      auth_token = "s3cret"
      shutdown_timeout = "45s"

      [state]
      path = "/var/lib/laminar/state"

      [checkpoint]
      url = "file:///var/lib/laminar/checkpoints"
      interval = "1m30s"
      retain = 5

      [[source]]
      name = "trades"
      connector = "kafka"
      # the payload format is a connector property (format = "json" under [source.properties])
      [source.properties]
      "bootstrap.servers" = "localhost:9092"
      topic = "trades"
      partitions = 3
      ratio = 0.5
      compacted = false
      [source.properties.kafka]
      acks = "all"
      [[source.schema]]
      name = "symbol"
      type = "VARCHAR(16)"
      nullable = false
      [[source.schema]]
      name = "ts"
      type = "TIMESTAMP"
      [[source.schema]]
      name = "qty"
      type = "INTEGER"
      [[source.schema]]
      name = "volume"
      type = "bigint"
      [[source.schema]]
      name = "price"
      type = "FLOAT8"
      [[source.schema]]
      name = "ratio"
      type = "FLOAT4"
      [[source.schema]]
      name = "halted"
      type = "BOOL"
      [[source.schema]]
      name = "day"
      type = "DATE"
      [source.watermark]
      column = "ts"
      max_out_of_orderness = "5s"

      [[lookup]]
      name = "instruments"
      connector = "postgres@pg-plugin"
      primary_key = ["symbol"]
      schema = [ { name = "symbol", type = "TEXT" }, { name = "sector", type = "STRING" } ]
      [lookup.properties]
      url = "jdbc:postgresql://127.0.0.1:5432/test"
      [lookup.cache]
      size = 100000
      ttl = "60s"

      [[pipeline]]
      name = "vwap"
      parallelism = 2
      sql = \"""
      SELECT symbol, SUM(price * qty) / SUM(qty) AS vwap
      FROM trades
      GROUP BY symbol\"""

      [[sink]]
      name = "vwap_out"
      pipeline = "vwap"
      connector = "kafka"
      delivery = "exactly_once"
      [sink.properties]
      topic = "vwap"
      """;

  @Test
  void serverSectionParsesEveryKey() {
    ServerSettings s = ok(load(write(dir, "a.toml", FULL))).server();
    assertEquals("edge-1", s.name());
    assertEquals("0.0.0.0", s.bindHost());
    assertEquals(9090, s.bindPort());
    assertEquals(4, s.workers());
    assertEquals("debug", s.logLevel());
    assertEquals("json", s.logFormat());
    assertEquals(Optional.of(dir.resolve("plugins").toAbsolutePath()), s.pluginsDir());
    assertEquals(List.of("kafka", "postgres"), s.pluginsRequired());
    assertEquals(Optional.of(new Secret("s3cret")), s.authToken());
    assertEquals(Duration.ofSeconds(45), s.shutdownTimeout());
  }

  @Test
  void stateAndCheckpointSectionsParse() {
    LaminarConfig c = ok(load(write(dir, "a.toml", FULL)));
    assertEquals(Path.of("/var/lib/laminar/state"), c.state().path());
    assertEquals(Path.of("/var/lib/laminar/checkpoints"), c.checkpoint().dir());
    assertEquals(Duration.ofSeconds(90), c.checkpoint().interval());
    assertEquals(5, c.checkpoint().retain());
  }

  @Test
  void checkpointPathIsAnAlternativeToUrl() {
    Path f = write(dir, "a.toml", "[checkpoint]\npath = \"cp\"\n");
    assertEquals(dir.resolve("cp").toAbsolutePath(), ok(load(f)).checkpoint().dir());
  }

  @Test
  void sourceParsesConnectorPropertiesSchemaAndWatermark() {
    Path f = write(dir, "a.toml", FULL);
    SourceConfig s = ok(load(f)).sources().get(0);
    assertEquals("trades", s.name());
    assertEquals(new ConnectorRef("kafka", Optional.empty(), new Position(f, 22, 13)), s.connector());
    assertEquals(new Position(f, 20, 1), s.position());
    Map<String, RawProperty> p = s.properties().entries();
    assertEquals(List.of("bootstrap.servers", "topic", "partitions", "ratio", "compacted", "kafka.acks"),
        List.copyOf(p.keySet()));
    assertEquals("localhost:9092", p.get("bootstrap.servers").value());
    assertEquals(3L, p.get("partitions").value());
    assertEquals(0.5, p.get("ratio").value());
    assertEquals(false, p.get("compacted").value());
    assertEquals(new RawProperty("kafka.acks", "all", new Position(f, 31, 1)), p.get("kafka.acks"));
    assertEquals(new Position(f, 24, 1), s.properties().tablePosition());
    assertEquals(new WatermarkConfig("ts", Duration.ofSeconds(5), new Position(f, 58, 10)), s.watermark().get());
  }

  @Test
  void everyColumnTypeAndAliasParses() {
    List<ColumnDef> schema = ok(load(write(dir, "a.toml", FULL))).sources().get(0).schema();
    assertEquals(List.of(ColumnType.VARCHAR, ColumnType.TIMESTAMP, ColumnType.INT, ColumnType.BIGINT,
        ColumnType.DOUBLE, ColumnType.FLOAT, ColumnType.BOOLEAN, ColumnType.DATE),
        schema.stream().map(ColumnDef::type).toList());
    assertFalse(schema.get(0).nullable());
    assertTrue(schema.get(1).nullable(), "nullable defaults to true");
    assertEquals("symbol", schema.get(0).name());
  }

  @Test
  void lookupParsesPluginPinPrimaryKeyInlineSchemaAndCache() {
    LookupConfig l = ok(load(write(dir, "a.toml", FULL))).lookups().get(0);
    assertEquals("postgres", l.connector().type());
    assertEquals(Optional.of("pg-plugin"), l.connector().pluginId());
    assertEquals(List.of("symbol"), l.primaryKey());
    assertEquals(List.of("symbol", "sector"), l.schema().stream().map(ColumnDef::name).toList());
    assertEquals(Optional.of(new CacheConfig(100_000, Duration.ofSeconds(60))), l.cache());
  }

  @Test
  void pipelineSqlStartsOnTheLineAfterTripleQuotes() {
    Path f = write(dir, "a.toml", FULL);
    PipelineConfig p = ok(load(f)).pipelines().get(0);
    assertEquals("vwap", p.name());
    assertEquals(Optional.of(2), p.parallelism());
    assertTrue(p.sql().startsWith("SELECT symbol"));
    assertEquals(new Position(f, 76, 1), p.sqlPosition());
    assertEquals(new Position(f, 77, 6), p.positionInFile(2, 6), "'trades' on the SQL's second line");
  }

  @Test
  void singleLineSqlStartsAfterTheQuote() {
    Path f = write(dir, "a.toml", "[[pipeline]]\nname = \"p\"\nsql = \"SELECT 1\"\n[[pipeline]]\nname = \"q\"\n"
        + "sql = '''SELECT 2'''\n");
    List<PipelineConfig> p = ok(load(f)).pipelines();
    assertEquals(new Position(f, 3, 8), p.get(0).sqlPosition());
    assertEquals(new Position(f, 6, 10), p.get(1).sqlPosition());
    assertEquals(new Position(f, 6, 17), p.get(1).positionInFile(1, 8));
  }

  @Test
  void sinkParsesPipelineDeliveryAndProperties() {
    Path f = write(dir, "a.toml", FULL);
    SinkConfig s = ok(load(f)).sinks().get(0);
    assertEquals("vwap_out", s.name());
    assertEquals("vwap", s.pipeline());
    assertEquals(new Position(f, 82, 12), s.pipelinePosition());
    assertEquals(DeliveryGuarantee.EXACTLY_ONCE, s.delivery());
    assertEquals("vwap", s.properties().entries().get("topic").value());
  }

  @Test
  void emptyFileGivesAllDefaults() {
    LaminarConfig c = ok(load(write(dir, "a.toml", "")));
    ServerSettings s = c.server();
    assertEquals("laminar", s.name());
    assertEquals("127.0.0.1", s.bindHost());
    assertEquals(8080, s.bindPort());
    assertEquals(Runtime.getRuntime().availableProcessors(), s.workers());
    assertEquals("info", s.logLevel());
    assertEquals("text", s.logFormat());
    assertEquals(Optional.empty(), s.pluginsDir());
    assertEquals(List.of(), s.pluginsRequired());
    assertEquals(Optional.empty(), s.authToken());
    assertEquals(Duration.ofSeconds(30), s.shutdownTimeout());
    assertEquals(dir.resolve("data/state").toAbsolutePath(), c.state().path(), "defaults resolve against the file");
    assertEquals(dir.resolve("data/state/laminar").toAbsolutePath(), c.checkpoint().dir(),
        "the default checkpoint directory is <state path>/<server name>");
    assertEquals(CheckpointSettings.DEFAULT_INTERVAL, c.checkpoint().interval());
    assertEquals(CheckpointSettings.DEFAULT_RETAIN, c.checkpoint().retain());
    assertTrue(c.sources().isEmpty() && c.lookups().isEmpty() && c.pipelines().isEmpty() && c.sinks().isEmpty());
  }

  @Test
  void sectionDefaultsApplyToOmittedKeys() {
    Path f = write(dir, "a.toml", TestConfigs.source("s") + "[[sink]]\nname = \"k\"\npipeline = \"p\"\n"
        + "connector = \"stdout\"\n[[lookup]]\nname = \"l\"\nconnector = \"csv\"\nprimary_key = [\"id\"]\n"
        + "schema = [{ name = \"id\", type = \"INT\" }]\n[[pipeline]]\nname = \"p\"\nsql = \"SELECT 1\"\n");
    LaminarConfig c = ok(load(f));
    assertEquals(DeliveryGuarantee.AT_LEAST_ONCE, c.sinks().get(0).delivery());
    assertEquals(new Position(f, 5, 1), c.sinks().get(0).properties().tablePosition(),
        "without a properties table, missing-property errors point at the [[sink]]");
    assertEquals(Optional.empty(), c.sources().get(0).watermark());
    assertEquals(Optional.empty(), c.lookups().get(0).cache());
    assertEquals(Optional.empty(), c.pipelines().get(0).parallelism());
  }

  @Test
  void bindAcceptsBracketedIpv6AndPortZero() {
    ServerSettings s = ok(load(write(dir, "a.toml", "[server]\nbind = \"[::1]:0\"\n"))).server();
    assertEquals("::1", s.bindHost());
    assertEquals(0, s.bindPort());
    assertEquals("[::1]:0", s.bind());
  }

  @Test
  void quotedDottedPropertyKeysAndInlineNestedTablesFlatten() {
    Path f = write(dir, "a.toml", TestConfigs.source("s")
        + "properties = { \"a.b\" = \"x\", c = { d = 1 }, list = [\"p\", \"q\"] }\n");
    Map<String, RawProperty> p = ok(load(f)).sources().get(0).properties().entries();
    assertEquals(List.of("a.b", "c.d", "list"), List.copyOf(p.keySet()));
    assertEquals(1L, p.get("c.d").value());
    assertEquals(List.of("p", "q"), p.get("list").value());
  }

  @Test
  void canonicalHashIgnoresFormattingButNotMeaning() {
    String a = TestConfigs.source("s") + "[server]\nworkers = 2\n";
    String b = "[server]\n\n\nworkers    = 2 # two\n\n" + TestConfigs.source("s");
    String c = TestConfigs.source("s") + "[server]\nworkers = 3\n";
    String ha = ok(load(write(dir, "a.toml", a))).canonicalHash();
    assertEquals(64, ha.length());
    assertEquals(ha, ok(load(write(dir, "b.toml", b))).canonicalHash());
    assertNotEquals(ha, ok(load(write(dir, "c.toml", c))).canonicalHash());
  }

  @Test
  void canonicalHashLeavesSecretsOut() {
    // the hash is written to every checkpoint manifest: it must not be a hash over a password
    String h1 = ok(load(write(dir, "a.toml", "[server]\nauth_token = \"one\"\n"))).canonicalHash();
    String h2 = ok(load(write(dir, "b.toml", "[server]\nauth_token = \"two\"\n"))).canonicalHash();
    assertEquals(h1, h2);
    String k1 = ok(load(write(dir, "c.toml", TestConfigs.source("s")
        + "[source.properties]\n\"kafka.ssl.keystore.key\" = \"pem-one\"\n"))).canonicalHash();
    String k2 = ok(load(write(dir, "d.toml", TestConfigs.source("s")
        + "[source.properties]\n\"kafka.ssl.keystore.key\" = \"pem-two\"\n"))).canonicalHash();
    assertEquals(k1, k2);
    String other = ok(load(write(dir, "e.toml", TestConfigs.source("s")
        + "[source.properties]\n\"kafka.client.id\" = \"x\"\n"))).canonicalHash();
    assertNotEquals(k1, other);
  }

  @Test
  void errorsFormatAsFileLineColumn() {
    ConfigError e = new ConfigError(Path.of("conf/a.toml"), 3, 7, "boom");
    assertEquals("conf/a.toml:3:7: error: boom", e.format());
    assertEquals("conf/a.toml:3:7", e.position().toString());
  }
}
