/**
 * Durable, verifiable checkpoints on the local filesystem.
 *
 * <p>{@link io.laminar.state.CheckpointStore} owns {@code <dir>/checkpoints/}. A checkpoint is a
 * set of named binary state files plus a {@code manifest.json} (id, creation time, config hash,
 * size and SHA-256 of every file, the engine's metadata map). It is written into a temporary
 * directory, fsynced, renamed atomically to {@code checkpoints/<zero-padded id>/}, and only then
 * published by rewriting the {@code latest} pointer file; the pointer rewrite is the commit point.
 * Recovery verifies every byte and falls back to the newest older checkpoint that verifies.
 */
package io.laminar.state;
