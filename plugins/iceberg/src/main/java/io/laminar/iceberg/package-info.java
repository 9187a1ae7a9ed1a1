/**
 * The {@code iceberg} sink plugin: Parquet data files written during a checkpoint epoch, one Iceberg
 * commit per epoch (an append, or a row delta with equality deletes in upsert mode) whose snapshot
 * summary names the writer and the epoch, so a restart never commits an epoch twice.
 */
package io.laminar.iceberg;
