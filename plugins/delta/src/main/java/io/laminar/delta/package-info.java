/**
 * The Delta Lake plugin: sink {@code delta_lake} on Delta Kernel. Rows become Parquet files while an
 * epoch runs; {@code prepareCommit} closes them and records them in an epoch manifest; {@code commit}
 * adds them to the table in one Delta commit carrying a {@code txn} action (app id = writer id,
 * version = epoch), which is what makes a restart neither lose nor repeat rows.
 */
package io.laminar.delta;
