/**
 * The laminar connector SPI: the only package a connector plugin compiles against.
 *
 * <p>A plugin contributes {@link io.laminar.api.SourceFactory}, {@link io.laminar.api.LookupFactory}
 * and {@link io.laminar.api.SinkFactory} extensions. Each factory describes itself with a
 * {@link io.laminar.api.ConnectorSpec}; the host validates a user's properties against that spec
 * (types, required, defaults, enum values) before it calls {@code create}, so a connector never
 * parses configuration itself. Data crosses the boundary as Apache Arrow batches allocated from the
 * {@link org.apache.arrow.memory.BufferAllocator} in the {@link io.laminar.api.ConnectorContext}.
 *
 * <p>Sources are read in <b>splits</b> ({@link io.laminar.api.Source#splits()},
 * {@link io.laminar.api.SplitReader}): a source that does nothing about them has one default split
 * and is read exactly as a single-reader source ({@code open}, {@code poll},
 * {@code snapshotOffsets}); one with several (Kafka partitions) lists them and makes a reader per
 * worker thread, and gets offsets, watermarks, idleness and exhaustion per split.
 *
 * <p>The host loads {@code io.laminar.api}, {@code org.apache.arrow}, {@code org.slf4j} and
 * {@code org.pf4j} for every plugin from its own class loader; a plugin must declare them with
 * {@code provided} scope and must not bundle them.
 */
package io.laminar.api;
