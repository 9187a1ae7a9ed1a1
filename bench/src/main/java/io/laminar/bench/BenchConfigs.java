package io.laminar.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The configurations the benchmarks and harnesses share. */
public final class BenchConfigs {
  private BenchConfigs() {
  }

  /** A generator source, a csv lookup and five pipelines (filter, tumble, hop, session, lookup join). */
  public static String fivePipelines(Path csv) {
    StringBuilder sb = new StringBuilder("""
        [[source]]
        name = "trades"
        connector = "generator"
        [source.properties]
        max_rows = 100000
        seed = 1
        start_time = "2026-01-01T00:00:00Z"
        "fields.symbol.values" = "AAPL,MSFT,GOOG"
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
        [source.watermark]
        column = "ts"
        max_out_of_orderness = "1s"

        [[lookup]]
        name = "instruments"
        connector = "csv"
        primary_key = ["symbol"]
        [lookup.properties]
        path = "%s"
        [[lookup.schema]]
        name = "symbol"
        type = "VARCHAR"
        [[lookup.schema]]
        name = "name"
        type = "VARCHAR"
        """.formatted(csv));
    String[] sql = {
        "SELECT symbol, price * 2 AS doubled FROM trades WHERE price > 50",
        "SELECT symbol, window_start, COUNT(*) AS n, AVG(price) AS p FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), "
            + "INTERVAL '1' SECOND)) GROUP BY symbol, window_start, window_end",
        "SELECT symbol, window_start, MAX(price) AS hi FROM TABLE(HOP(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND, "
            + "INTERVAL '5' SECOND)) GROUP BY symbol, window_start, window_end",
        "SELECT symbol, window_start, SUM(qty) AS q FROM TABLE(SESSION(TABLE trades PARTITION BY symbol, DESCRIPTOR(ts), "
            + "INTERVAL '2' SECOND)) GROUP BY symbol, window_start, window_end",
        "SELECT t.symbol, i.name, t.price FROM trades t JOIN instruments i ON t.symbol = i.symbol WHERE t.qty > 10"};
    for (int i = 0; i < sql.length; i++) {
      sb.append("\n[[pipeline]]\nname = \"p").append(i).append("\"\nsql = \"\"\"\n").append(sql[i]).append("\n\"\"\"\n");
      sb.append("\n[[sink]]\nname = \"s").append(i).append("\"\npipeline = \"p").append(i)
          .append("\"\nconnector = \"blackhole\"\n");
    }
    return sb.toString();
  }

  /** Writes the five-pipeline config and its csv into {@code dir}; returns the config file. */
  public static Path writeFivePipelines(Path dir) throws IOException {
    Path csv = dir.resolve("instruments.csv");
    Files.writeString(csv, "symbol,name\nAAPL,Apple\nMSFT,Microsoft\nGOOG,Alphabet\n");
    Path config = dir.resolve("five-pipelines.toml");
    Files.writeString(config, fivePipelines(csv));
    return config;
  }
}
