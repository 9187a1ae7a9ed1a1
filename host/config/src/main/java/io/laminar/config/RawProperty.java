package io.laminar.config;

/**
 * One connector property as written in the file, after {@code ${VAR}} substitution and before
 * it is checked against the connector's spec.
 *
 * @param key the flattened key ({@code "bootstrap.servers"}, or {@code "kafka.acks"} from a nested table)
 * @param value a {@link String}, {@link Long}, {@link Double} or {@link Boolean} as TOML gives it; a
 *     TOML date or time as its ISO string; an array as a {@link java.util.List} of such values
 * @param position where the key is written
 */
public record RawProperty(String key, Object value, Position position) {
}
