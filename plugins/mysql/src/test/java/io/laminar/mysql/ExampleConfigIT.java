package io.laminar.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.testkit.ServerProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/mysql-cdc.toml} as shipped, validated by the real CLI with every connector's
 * check against the real MariaDB, in a database holding the tables the example's comment creates.
 */
class ExampleConfigIT {
  private static final Path EXAMPLES = Path.of(System.getProperty("laminar.examples", "../../examples"));

  @TempDir Path dir;

  @Test
  void theMysqlCdcExampleValidatesAgainstTheRealServer() throws Exception {
    try (TestDatabase db = TestDatabase.create()) {
      db.exec("CREATE TABLE orders (id bigint PRIMARY KEY, customer varchar(100), qty int, price double,"
              + " paid tinyint(1), created datetime(3))",
          "CREATE TABLE big_orders (id bigint PRIMARY KEY, customer varchar(100), qty int, amount double,"
              + " paid tinyint(1), created datetime(3))");
      ServerProcess.Result r = LaminarProcess.LAUNCHER.run(dir.resolve("validate"),
          Map.of("MYSQL_DATABASE", db.name, "MYSQL_HOST", TestDatabase.HOST), 120, "validate", "--plugins",
          LaminarProcess.MYSQL_PLUGIN.getParent().toString(), "-c", EXAMPLES.resolve("mysql-cdc.toml").toString());
      assertEquals(0, r.exit(), r.stderr());
      assertTrue(r.stdout().contains("configuration is valid: 1 sources, 0 lookups, 1 pipelines, 1 sinks"), r.stdout());
    }
  }
}
