/**
 * The Kafka connector plugin: source {@code kafka} ({@link io.laminar.kafka.KafkaSource}: assigned
 * partitions, offsets kept in laminar's checkpoints, JSON or CSV records decoded into Arrow batches)
 * and sink {@code kafka} ({@link io.laminar.kafka.KafkaSink}: JSON rows, an idempotent producer for
 * at-least-once or one Kafka transaction per checkpoint epoch for exactly-once).
 */
package io.laminar.kafka;
