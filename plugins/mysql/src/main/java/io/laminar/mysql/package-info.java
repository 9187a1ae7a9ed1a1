/**
 * The MySQL / MariaDB plugin: source {@code mysql_cdc} (Debezium's embedded MariaDB or MySQL
 * connector over the binlog, offsets and schema history in laminar checkpoints), lookup
 * {@code mysql} and sink {@code mysql} (JDBC through MariaDB Connector/J and HikariCP). The three
 * share one property vocabulary, {@link io.laminar.mysql.MysqlConnectionSettings}, the same as the
 * PostgreSQL plugin's.
 */
package io.laminar.mysql;
