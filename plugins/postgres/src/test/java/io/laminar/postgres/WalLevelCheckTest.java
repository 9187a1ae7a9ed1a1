package io.laminar.postgres;

import static io.laminar.postgres.Fixtures.BIGINT;
import static io.laminar.postgres.Fixtures.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorKind;
import io.laminar.api.Source;
import io.laminar.testkit.TestConnectorContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code postgres_cdc} against a server with {@code wal_level = replica}: a private PostgreSQL 15
 * instance started for this test (initdb into a temp directory, as the postgres OS user), since the
 * shared server is set up for logical decoding.
 */
class WalLevelCheckTest {
  private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

  private static int run(List<String> command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(command);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    return p.exitValue();
  }

  @Test
  void walLevelReplicaIsRefusedWithHowToFixIt() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(BIN.resolve("initdb")), "PostgreSQL 15 binaries not installed");
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "laminar-pg-replica-");
    dir.toFile().setWritable(true, false);
    dir.toFile().setExecutable(true, false);
    Path data = dir.resolve("data");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertEquals(0, run(List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres")));
    try {
      assertEquals(0, run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-l",
          dir.resolve("log").toString(), "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1"
              + " -c wal_level=replica", "start")));
      Map<String, Object> props = Map.of("host", "127.0.0.1", "port", port, "database", "postgres", "username",
          "postgres", "ssl.mode", "disable", "table", "public.t", "slot.name", "never_created");
      try (RootAllocator allocator = new RootAllocator();
          Source s = new PostgresCdcSourceFactory().create(TestConnectorContext.builder("orders", ConnectorKind.SOURCE)
              .properties(props).schema(Fixtures.schema(col("id", BIGINT))).allocator(allocator).build())) {
        ConnectorException e = assertThrows(ConnectorException.class, s::check);
        assertEquals(ConnectorException.Kind.CONNECTION_FAILED, e.kind());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port + " has wal_level = replica"), e.getMessage());
        assertTrue(e.getMessage().contains("ALTER SYSTEM SET wal_level = logical") && e.getMessage().contains("restart"),
            e.getMessage());
      }
    } finally {
      run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
      run(List.of("rm", "-rf", dir.toString()));
    }
  }
}
