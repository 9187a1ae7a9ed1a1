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
 * <p>The host loads {@code io.laminar.api}, {@code org.apache.arrow}, {@code org.slf4j} and
 * {@code org.pf4j} for every plugin from its own class loader; a plugin must declare them with
 * {@code provided} scope and must not bundle them.
 */
package io.laminar.api;
