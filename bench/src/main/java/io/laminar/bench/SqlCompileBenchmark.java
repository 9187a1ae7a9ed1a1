package io.laminar.bench;

import io.laminar.sql.CatalogTable;
import io.laminar.sql.CompileResult;
import io.laminar.sql.SqlCompiler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Warm SQL compile time (spec targets: simple < 50 ms, complex join < 100 ms; issue goals 5 / 15 ms). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SqlCompileBenchmark {
  static final String SIMPLE = "SELECT symbol, price * 2 AS doubled FROM trades WHERE price > 50";
  static final String COMPLEX = "SELECT t.symbol, i.name, window_start, COUNT(*) AS n, AVG(t.price) AS p, "
      + "MAX(CASE WHEN i.sector = 'tech' THEN t.price ELSE 0 END) AS tech_hi "
      + "FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '10' SECOND)) t "
      + "JOIN instruments FOR SYSTEM_TIME AS OF t.proc_time AS i ON t.symbol = i.symbol "
      + "WHERE t.qty > 10 AND UPPER(i.name) LIKE 'A%' GROUP BY t.symbol, i.name, window_start, window_end";

  private SqlCompiler compiler;

  @Setup
  public void setUp() {
    Schema trades = new Schema(List.of(field("symbol", ArrowType.Utf8.INSTANCE),
        field("price", new ArrowType.FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE)),
        field("qty", new ArrowType.Int(32, true)),
        field("ts", new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MILLISECOND, null)),
        field("proc_time", new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MILLISECOND, null))));
    Schema instruments = new Schema(List.of(field("symbol", ArrowType.Utf8.INSTANCE),
        field("name", ArrowType.Utf8.INSTANCE), field("sector", ArrowType.Utf8.INSTANCE)));
    compiler = new SqlCompiler(List.of(CatalogTable.source("trades", trades, "ts", Duration.ofSeconds(1)),
        CatalogTable.lookup("instruments", instruments, List.of("symbol"))));
    check(compiler.compile("simple", SIMPLE));
    check(compiler.compile("complex", COMPLEX));
  }

  private static Field field(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }

  private static CompileResult check(CompileResult r) {
    if (!(r instanceof CompileResult.Success)) {
      throw new IllegalStateException(r.errors().toString());
    }
    return r;
  }

  @Benchmark
  public CompileResult simple() {
    return compiler.compile("simple", SIMPLE);
  }

  @Benchmark
  public CompileResult complexJoin() {
    return compiler.compile("complex", COMPLEX);
  }
}
