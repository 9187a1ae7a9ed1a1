package io.laminar.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.plan.SqlType;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** {@link SqlCompiler#warmUpLater()}: a compiler built meanwhile waits for it, then compiles as always. */
class SqlWarmUpTest {
  private static final Schema TRADES = new Schema(List.of(
      new Field("id", FieldType.nullable(SqlType.BIGINT.arrowType()), null),
      new Field("price", FieldType.nullable(SqlType.DOUBLE.arrowType()), null)));
  private static final String SQL = "SELECT id, price * 2 AS p2 FROM trades WHERE price > 50";

  private static String explain() {
    return new SqlCompiler(List.of(CatalogTable.source("trades", TRADES))).compile("p", SQL).pipeline().explain();
  }

  @Test
  void aCompilerBuiltDuringAWarmUpWaitsForItAndThenCompilesAsWithout() throws Exception {
    Runnable warmUp = SqlCompiler.warmUpLater();
    AtomicReference<String> explained = new AtomicReference<>();
    Thread compiling = new Thread(() -> explained.set(explain()), "compiling");
    compiling.start();
    // the compiler waits (parked on the warm-up) until the warm-up has run
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (compiling.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(Thread.State.WAITING, compiling.getState());
    assertNull(explained.get());
    warmUp.run();
    compiling.join();
    assertEquals(explain(), explained.get());
    assertTrue(explained.get().startsWith("pipeline p -> (id BIGINT, p2 DOUBLE)"), explained.get());
  }

  @Test
  void theWarmUpQueryPlans() {
    SqlCompiler.warmUpNow(); // the task swallows failures: this is where one would show
  }

  @Test
  void aWarmUpThatRunsTwiceOrAfterCompilesIsHarmless() {
    String before = explain();
    Runnable warmUp = SqlCompiler.warmUpLater();
    warmUp.run();
    warmUp.run();
    assertEquals(before, explain());
  }
}
