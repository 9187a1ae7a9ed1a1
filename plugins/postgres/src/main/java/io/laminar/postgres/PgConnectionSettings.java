package io.laminar.postgres;

import io.laminar.api.ConnectorException;
import io.laminar.api.ConnectorProperties;
import io.laminar.api.PropertySpec;
import io.laminar.api.PropertyType;
import io.laminar.api.Secret;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The connection properties every PostgreSQL connector shares ({@code host}, {@code port},
 * {@code database}, {@code username}, {@code password}, {@code ssl.mode}, {@code connect.timeout}),
 * and the one place that turns a failed connection into a message naming host:port and the fix.
 */
record PgConnectionSettings(String host, int port, String database, String username, Secret password,
    String sslMode, Duration connectTimeout) {
  static final String HOST = "host";
  static final String PORT = "port";
  static final String DATABASE = "database";
  static final String USERNAME = "username";
  static final String PASSWORD = "password";
  static final String SSL_MODE = "ssl.mode";
  static final String CONNECT_TIMEOUT = "connect.timeout";

  /** The property specs, in the order {@code plugins describe} lists them. */
  static List<PropertySpec> specs() {
    return List.of(
        PropertySpec.requiredString(HOST, "PostgreSQL server host name or address"),
        PropertySpec.builder(PORT, PropertyType.INT).defaultValue("5432").doc("PostgreSQL server port").build(),
        PropertySpec.requiredString(DATABASE, "Database name"),
        PropertySpec.requiredString(USERNAME, "User to connect as"),
        PropertySpec.builder(PASSWORD, PropertyType.PASSWORD).doc("The user's password (never printed)").build(),
        PropertySpec.builder(SSL_MODE, PropertyType.ENUM)
            .allowedValues("disable", "prefer", "require", "verify-ca", "verify-full").defaultValue("prefer")
            .doc("TLS: as libpq's sslmode").build(),
        PropertySpec.builder(CONNECT_TIMEOUT, PropertyType.DURATION).defaultValue("10s")
            .doc("How long to wait for a connection").build());
  }

  static PgConnectionSettings from(ConnectorProperties p) {
    return new PgConnectionSettings(p.requireString(HOST), p.integer(PORT).orElse(5432), p.requireString(DATABASE),
        p.requireString(USERNAME), p.secret(PASSWORD).orElse(null), p.string(SSL_MODE).orElse("prefer"),
        p.duration(CONNECT_TIMEOUT).orElse(Duration.ofSeconds(10)));
  }

  /** host:port, as every message names the server. */
  String target() {
    return host + ":" + port;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
  }

  /** Driver properties; the password is only ever put here. */
  Properties driverProperties(String applicationName) {
    Properties props = new Properties();
    props.setProperty("user", username);
    if (password != null) {
      props.setProperty("password", password.reveal());
    }
    props.setProperty("sslmode", sslMode);
    long seconds = Math.max(1, connectTimeout.toSeconds());
    props.setProperty("connectTimeout", Long.toString(seconds));
    props.setProperty("loginTimeout", Long.toString(seconds));
    props.setProperty("ApplicationName", applicationName);
    return props;
  }

  /**
   * Opens a plain JDBC connection through the bundled driver (never {@code DriverManager}, which
   * would search the host's class path).
   */
  Connection connect(String applicationName) throws ConnectorException {
    try {
      Connection c = new org.postgresql.Driver().connect(jdbcUrl(), driverProperties(applicationName));
      if (c == null) {
        throw ConnectorException.connectionFailed(target(), null);
      }
      return c;
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** A connection failure as the user should read it: which server, what happened, what to do. */
  ConnectorException failure(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String where = "PostgreSQL at " + target() + " (database '" + database + "')";
    String why;
    if (state.equals("28P01") || state.equals("28000")) {
      why = "authentication failed for user '" + username + "': check 'username' and 'password'";
    } else if (state.equals("3D000")) {
      why = "database '" + database + "' does not exist: check 'database'";
    } else if (hasCause(e, UnknownHostException.class)) {
      why = "unknown host '" + host + "': check 'host'";
    } else if (hasCause(e, ConnectException.class) || hasCause(e, NoRouteToHostException.class)
        || state.equals("08001")) {
      why = "connection refused or unreachable: is the server running and listening on " + target() + "?";
    } else if (hasCause(e, SocketTimeoutException.class)) {
      why = "no answer within " + connectTimeout.toMillis() + " ms (connect.timeout)";
    } else {
      why = e.getMessage();
    }
    return new ConnectorException(ConnectorException.Kind.CONNECTION_FAILED, null,
        "cannot connect to " + where + ": " + why, null);
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
