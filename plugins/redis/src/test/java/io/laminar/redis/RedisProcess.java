package io.laminar.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private redis-server on a free loopback port, a child of the test JVM, for tests that need a
 * password or a server that goes away (the machine's shared Redis must stay up for everyone).
 */
final class RedisProcess implements AutoCloseable {
  final int port;
  private final Path dir;
  private final List<String> extraArgs;
  private Process process;

  private RedisProcess(int port, Path dir, List<String> extraArgs) {
    this.port = port;
    this.dir = dir;
    this.extraArgs = extraArgs;
  }

  /** Starts a server in {@code dir} with {@code extraArgs} (e.g. "--requirepass", "x"). */
  static RedisProcess start(Path dir, String... extraArgs) throws Exception {
    RedisProcess p = new RedisProcess(freePort(), dir, List.of(extraArgs));
    p.restart();
    return p;
  }

  /** Starts (again) on the same port and waits until it accepts connections. */
  void restart() throws Exception {
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString()));
    cmd.addAll(extraArgs);
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        // Ready means answering commands, not only accepting: PING gets +PONG, or -NOAUTH with a password.
        probe.setSoTimeout(2000);
        probe.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        String reply = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.US_ASCII))
            .readLine();
        if (reply != null && (reply.startsWith("+PONG") || reply.startsWith("-NOAUTH"))) {
          return;
        }
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("redis-server on port " + port + " answered PING with " + reply);
        }
        Thread.sleep(20); // polling for the server to serve, bounded by the deadline
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("redis-server on port " + port + " did not start", e);
        }
        Thread.sleep(20); // polling for the port to open, bounded by the deadline
      }
    }
  }

  /** SIGKILL, and waits for the process to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  String url() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
