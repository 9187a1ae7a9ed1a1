/**
 * The HTTP API: {@link io.laminar.http.HttpApi} serves {@code /health}, {@code /ready},
 * {@code /metrics} (Prometheus text via Micrometer) and the {@code /api/v1} introspection and
 * checkpoint endpoints from a {@link io.laminar.http.ServerContext}, on one Jetty 12 core handler.
 * Every answer is a {@code Reply} value; errors are JSON {@code {error, message}}; secrets are
 * redacted before anything is serialized.
 */
package io.laminar.http;
