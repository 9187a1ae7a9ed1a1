package io.laminar.mysql;

import java.util.Locale;

/** Which server family a connection speaks to, and so which Debezium connector reads its binlog. */
enum Flavor {
  MARIADB("io.debezium.connector.mariadb.MariaDbConnector"),
  MYSQL("io.debezium.connector.mysql.MySqlConnector");

  final String connectorClass;

  Flavor(String connectorClass) {
    this.connectorClass = connectorClass;
  }

  static Flavor of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** From {@code SELECT VERSION()}: MariaDB says so ({@code 10.11.19-MariaDB-…}), MySQL does not. */
  static Flavor detect(String version) {
    return version != null && version.toLowerCase(Locale.ROOT).contains("mariadb") ? MARIADB : MYSQL;
  }

  String display() {
    return this == MARIADB ? "MariaDB" : "MySQL";
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
