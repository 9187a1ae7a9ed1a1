/**
 * The PostgreSQL plugin: source {@code postgres_cdc} (Debezium's embedded engine over a logical
 * replication slot, offsets in laminar checkpoints), lookup {@code postgres} and sink
 * {@code postgres} (JDBC through pgjdbc and HikariCP). The three share one property vocabulary,
 * {@link io.laminar.postgres.PgConnectionSettings}.
 */
package io.laminar.postgres;
