package io.laminar.redis;

import io.laminar.api.ConnectorException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import java.util.Locale;

/**
 * Lettuce clients set up the same way for the lookup, the sink and the connectivity check: connect
 * timeout from {@code timeout} (the connectors bound every wait for replies by it themselves),
 * automatic reconnects (a command issued while the server is away waits for the reconnect, but the
 * caller gives up after {@code timeout}), byte-array keys and values.
 */
final class RedisClients {
  private RedisClients() {
  }

  /** A new client; shut it down with {@link #shutdown}. */
  static RedisClient client(RedisSettings s) {
    RedisClient client = RedisClient.create(s.uri);
    client.setOptions(ClientOptions.builder()
        .socketOptions(SocketOptions.builder().connectTimeout(s.timeout).keepAlive(true).build())
        // no per-command timer (costly at 10^5 commands/s): the connectors bound their own waits
        .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
        .autoReconnect(true)
        .build());
    return client;
  }

  /** Connects (the hello/auth/select handshake included) or explains why not. */
  static StatefulRedisConnection<byte[], byte[]> connect(RedisClient client, RedisSettings s)
      throws ConnectorException {
    try {
      return client.connect(ByteArrayCodec.INSTANCE);
    } catch (RedisException e) {
      throw connectionFailed(s, e);
    }
  }

  /** Connects and sends PING, all within the timeout; the connectivity check of both connectors. */
  static void ping(RedisSettings s) throws ConnectorException {
    RedisClient client = client(s);
    try (StatefulRedisConnection<byte[], byte[]> connection = connect(client, s)) {
      connection.sync().ping();
    } catch (RedisException e) {
      throw connectionFailed(s, e);
    } finally {
      shutdown(client);
    }
  }

  /** Releases the client's threads without the default two-second quiet period. */
  static void shutdown(RedisClient client) {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  /** A failure to reach or log in to the server, with a hint; secrets scrubbed. */
  static ConnectorException connectionFailed(RedisSettings s, Throwable e) {
    String root = rootMessage(e);
    String upper = root.toUpperCase(Locale.ROOT);
    String hint = "";
    if (upper.contains("WRONGPASS") || upper.contains("NOAUTH") || upper.contains("AUTH")) {
      hint = " (check 'password', 'username' or the URL's user:password)";
    } else if (upper.contains("DB INDEX IS OUT OF RANGE")) {
      hint = " (the URL's /db number is above the server's 'databases' setting)";
    } else if (upper.contains("CONNECTION REFUSED") || upper.contains("TIMED OUT") || upper.contains("TIMEOUT")) {
      hint = " (is redis-server running there, and is the host:port in 'url' right?)";
    }
    return new ConnectorException(ConnectorException.Kind.CONNECTION_FAILED, null,
        "cannot connect to " + s.target + ": " + s.scrub(root) + hint, null);
  }

  /** The innermost message, e.g. "Connection refused: /127.0.0.1:6390" or "WRONGPASS …". */
  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      if (root instanceof RedisCommandExecutionException) {
        break; // the server's own reply is the clearest message
      }
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null ? root.getClass().getSimpleName() : m;
  }
}
