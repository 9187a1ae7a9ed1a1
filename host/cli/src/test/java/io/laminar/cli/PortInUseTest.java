package io.laminar.cli;

import static io.laminar.cli.CliTest.laminar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laminar.cli.CliTest.Result;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A port in use stops {@code laminar run} before it reads input or commits anything. */
class PortInUseTest {
  @TempDir Path dir;

  @Test
  void aPortInUseFailsTheRunBeforeTheEngineReadsAnything() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path config = Files.writeString(dir.resolve("port.toml"), """
          [server]
          bind = "127.0.0.1:%2$d"
          [state]
          path = "%1$s/state"
          [checkpoint]
          path = "%1$s/checkpoints"

          [[source]]
          name = "numbers"
          connector = "generator"
          [source.properties]
          max_rows = 10
          [[source.schema]]
          name = "id"
          type = "BIGINT"

          [[pipeline]]
          name = "copy"
          sql = "SELECT id FROM numbers"

          [[sink]]
          name = "out"
          pipeline = "copy"
          connector = "stdout"
          """.formatted(dir, taken.getLocalPort()));
      Result r = laminar("run", "--offline", "-c", config.toString());
      assertEquals(ExitCode.RUNTIME, r.code(), r.err());
      assertTrue(r.err().contains("127.0.0.1:" + taken.getLocalPort()), r.err());
      assertTrue(r.err().contains("laminar: the engine was not started; nothing ran."), r.err());
      assertEquals("", r.out(), "no row reached the sink");
      assertFalse(Files.exists(dir.resolve("checkpoints")) && Files.list(dir.resolve("checkpoints")).findAny().isPresent(),
          "no checkpoint was written");
    }
  }
}
