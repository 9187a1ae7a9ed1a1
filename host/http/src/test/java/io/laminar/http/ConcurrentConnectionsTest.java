package io.laminar.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server accepts and serves 1000 connections held open at the same time. */
class ConcurrentConnectionsTest {
  static final int CONNECTIONS = 1000;

  @TempDir Path dir;

  @Test
  void thousandConcurrentConnectionsAreAcceptedAndServed() throws Exception {
    try (LaminarFixture fx = LaminarFixture.start(dir, Optional.empty(), null)) {
      List<RawHttpConnection> open = new ArrayList<>(CONNECTIONS);
      try {
        for (int i = 0; i < CONNECTIONS; i++) {
          open.add(new RawHttpConnection(fx.api.port()));
        }
        int ok = 0;
        for (RawHttpConnection c : open) {
          ok += c.get("/health") == 200 ? 1 : 0;
        }
        assertEquals(CONNECTIONS, ok);
        // still open and usable after every other connection was served
        assertEquals(200, open.get(0).get("/ready"));
      } finally {
        for (RawHttpConnection c : open) {
          c.close();
        }
      }
    }
  }
}
