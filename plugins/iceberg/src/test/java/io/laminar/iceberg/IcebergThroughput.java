package io.laminar.iceberg;

import io.laminar.config.ConfigLoader;
import io.laminar.config.ConfigResult;
import io.laminar.connectors.builtin.BuiltinConnectors;
import io.laminar.engine.BuildReport;
import io.laminar.engine.Engine;
import io.laminar.engine.EngineBuilder;
import io.laminar.engine.EngineMetrics;
import io.laminar.registry.ConnectorProvider;
import io.laminar.registry.ConnectorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Whole-engine throughput, one JVM: the same bounded generator pipeline into {@code blackhole}, into
 * an {@code iceberg} append table and into an {@code iceberg} upsert table (Hadoop catalog in a temp
 * directory), with rows/s for each and the Iceberg commit latency per epoch (mean, max) from the
 * sink's metrics. Run by {@code bench/run-iceberg.sh}; argument: rows (default 2 000 000).
 */
public final class IcebergThroughput {
  private static final ConnectorRegistry REGISTRY = ConnectorRegistry.build(List.of(
      new ConnectorProvider("builtin", "bench", BuiltinConnectors.sources(), BuiltinConnectors.lookups(),
          BuiltinConnectors.sinks()),
      new ConnectorProvider("iceberg", "bench", List.of(), List.of(), List.of(new IcebergSinkFactory()))))
      .registry();

  private IcebergThroughput() {
  }

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
    Path dir = Files.createTempDirectory("iceberg-bench");
    System.out.printf("rows=%d, checkpoint every 1s, 5 columns (BIGINT, VARCHAR, DOUBLE, INT, TIMESTAMP)%n", rows);
    run(dir.resolve("warm"), rows / 4, "connector = \"blackhole\"", false);
    run(dir.resolve("warm2"), rows / 4, iceberg(dir.resolve("warm2"), "append"), false);
    run(dir.resolve("blackhole"), rows, "connector = \"blackhole\"", true);
    run(dir.resolve("append"), rows, iceberg(dir.resolve("append"), "append"), true);
    run(dir.resolve("upsert"), rows, iceberg(dir.resolve("upsert"), "upsert"), true);
  }

  private static String iceberg(Path dir, String mode) {
    return "connector = \"iceberg\"\ndelivery = \"exactly_once\"\n[sink.properties]\nwarehouse = \"" + dir.resolve("wh")
        + "\"\nnamespace = \"bench\"\n\"table.name\" = \"t\"\n\"write.mode\" = \"" + mode + "\"\n"
        + ("upsert".equals(mode) ? "\"primary.key\" = \"id\"\n" : "");
  }

  private static void run(Path dir, long rows, String sink, boolean print) throws Exception {
    Files.createDirectories(dir);
    String toml = """
        [state]
        path = "%s/state"
        [checkpoint]
        path = "%s/cp"
        interval = "1s"

        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = %d
        seed = 1
        "fields.id.kind" = "sequence"
        "fields.symbol.values" = "AAPL,MSFT,GOOG,AMZN,META,NVDA,TSLA,ORCL,IBM,INTC"
        [[source.schema]]
        name = "id"
        type = "BIGINT"
        [[source.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[source.schema]]
        name = "price"
        type = "DOUBLE"
        [[source.schema]]
        name = "qty"
        type = "INT"
        [[source.schema]]
        name = "ts"
        type = "TIMESTAMP"

        [[pipeline]]
        name = "copy"
        sql = "SELECT id, symbol, price, qty, ts FROM trades"

        [[sink]]
        name = "out"
        pipeline = "copy"
        %s
        """.formatted(dir, dir, rows, sink);
    Path file = dir.resolve("bench.toml");
    Files.writeString(file, toml);
    ConfigResult loaded = ConfigLoader.load(List.of(file), Map.of());
    if (!loaded.ok()) {
      throw new IllegalStateException(loaded.errors().toString());
    }
    EngineMetrics metrics = new EngineMetrics();
    try (BufferAllocator allocator = new RootAllocator()) {
      EngineBuilder builder = new EngineBuilder(loaded.config(), REGISTRY, allocator, metrics);
      BuildReport report = builder.construct();
      if (!report.ok()) {
        throw new IllegalStateException(report.errors().toString());
      }
      Engine engine = new Engine(builder, allocator, metrics);
      long t0 = System.nanoTime();
      engine.start();
      Engine.Outcome outcome = engine.awaitTermination();
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (outcome.state() != Engine.State.COMPLETED) {
        throw new IllegalStateException("run ended " + outcome.state() + ": " + outcome.failure());
      }
      if (!print) {
        return;
      }
      String label = sink.contains("iceberg") ? (sink.contains("upsert") ? "iceberg upsert" : "iceberg append")
          : "blackhole";
      long commits = counter(metrics, "laminar_sink_commits_total");
      long millis = counter(metrics, "laminar_sink_commit_latency_ms_total");
      double max = metrics.gaugeValues().entrySet().stream().filter(e -> e.getKey().name()
          .equals("laminar_sink_commit_latency_ms_max")).mapToDouble(Map.Entry::getValue).findFirst().orElse(0);
      System.out.printf("%-15s %9.0f rows/s (%.2f s)%s%n", label, rows / seconds, seconds, commits == 0 ? ""
          : String.format(", %d commits, commit latency per epoch mean %.1f ms, max %.0f ms, %.1f MB written",
              commits, (double) millis / commits, max, counter(metrics, "laminar_sink_bytes_total") / 1e6));
    }
  }

  private static long counter(EngineMetrics metrics, String name) {
    return metrics.counterValues().entrySet().stream().filter(e -> e.getKey().name().equals(name))
        .mapToLong(Map.Entry::getValue).sum();
  }
}
