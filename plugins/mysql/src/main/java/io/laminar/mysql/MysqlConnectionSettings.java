package io.laminar.mysql;

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
 * The connection properties every MySQL / MariaDB connector shares ({@code host}, {@code port},
 * {@code database}, {@code username}, {@code password}, {@code ssl.mode}, {@code connect.timeout}),
 * and the one place that turns a failed connection into a message naming host:port and the fix.
 * JDBC goes through MariaDB Connector/J, which speaks to MySQL 8 as well.
 */
record MysqlConnectionSettings(String host, int port, String database, String username, Secret password,
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
        PropertySpec.requiredString(HOST, "MySQL / MariaDB server host name or address"),
        PropertySpec.builder(PORT, PropertyType.INT).defaultValue("3306").doc("Server port").build(),
        PropertySpec.requiredString(DATABASE, "Database (schema) name"),
        PropertySpec.requiredString(USERNAME, "User to connect as"),
        PropertySpec.builder(PASSWORD, PropertyType.PASSWORD).doc("The user's password (never printed)").build(),
        PropertySpec.builder(SSL_MODE, PropertyType.ENUM)
            .allowedValues("disabled", "preferred", "required", "verify_ca", "verify_identity")
            .defaultValue("preferred")
            .doc("TLS: as MySQL's --ssl-mode (preferred falls back to plain when the server has no TLS)").build(),
        PropertySpec.builder(CONNECT_TIMEOUT, PropertyType.DURATION).defaultValue("10s")
            .doc("How long to wait for a connection").build());
  }

  static MysqlConnectionSettings from(ConnectorProperties p) {
    return new MysqlConnectionSettings(p.requireString(HOST), p.integer(PORT).orElse(3306), p.requireString(DATABASE),
        p.requireString(USERNAME), p.secret(PASSWORD).orElse(null), p.string(SSL_MODE).orElse("preferred"),
        p.duration(CONNECT_TIMEOUT).orElse(Duration.ofSeconds(10)));
  }

  /** host:port, as every message names the server. */
  String target() {
    return host + ":" + port;
  }

  String jdbcUrl() {
    return "jdbc:mariadb://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
  }

  /** Connector/J's sslMode for ours ({@code allow}: TLS when the server offers it, as preferred). */
  private static String driverSslMode(String mode) {
    return switch (mode) {
      case "disabled" -> "disable";
      case "required" -> "trust";
      case "verify_ca" -> "verify-ca";
      case "verify_identity" -> "verify-full";
      default -> "allow";
    };
  }

  /** Driver properties; the password is only ever put here. */
  Properties driverProperties(String applicationName) {
    Properties props = new Properties();
    props.setProperty("user", username);
    if (password != null) {
      props.setProperty("password", password.reveal());
    }
    props.setProperty("sslMode", driverSslMode(sslMode));
    props.setProperty("connectTimeout", Long.toString(Math.max(1000, connectTimeout.toMillis())));
    props.setProperty("connectionAttributes", "program_name:" + applicationName);
    // Timestamps cross the wire as UTC wall-clock times, as laminar holds them.
    props.setProperty("connectionTimeZone", "UTC");
    props.setProperty("forceConnectionTimeZoneToSession", "true");
    return props;
  }

  /**
   * Opens a plain JDBC connection through the bundled driver (never {@code DriverManager}, which
   * would search the host's class path).
   */
  Connection connect(String applicationName) throws ConnectorException {
    try {
      Connection c = new org.mariadb.jdbc.Driver().connect(jdbcUrl(), driverProperties(applicationName));
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
    int code = e.getErrorCode();
    String where = "MySQL / MariaDB at " + target() + " (database '" + database + "')";
    String why;
    if (code == 1045 || state.equals("28000")) {
      why = "authentication failed for user '" + username + "': check 'username' and 'password'";
    } else if (code == 1049) {
      why = "database '" + database + "' does not exist: check 'database'";
    } else if (code == 1044) {
      why = "user '" + username + "' may not use database '" + database + "': GRANT it, or check 'database'";
    } else if (hasCause(e, UnknownHostException.class)) {
      why = "unknown host '" + host + "': check 'host'";
    } else if (hasCause(e, SocketTimeoutException.class)) {
      why = "no answer within " + connectTimeout.toMillis() + " ms (connect.timeout)";
    } else if (hasCause(e, ConnectException.class) || hasCause(e, NoRouteToHostException.class)
        || state.startsWith("08")) {
      why = "connection refused or unreachable: is the server running and listening on " + target() + "?";
    } else {
      why = e.getMessage();
    }
    return new ConnectorException(ConnectorException.Kind.CONNECTION_FAILED, null,
        "cannot connect to " + where + ": " + why, null);
  }

  static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
