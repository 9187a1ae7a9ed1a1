package io.laminar.config;

/**
 * One key of a TOML table with where it came from, before conversion. The value is what tomlj
 * gives ({@code String}, {@code Long}, {@code Double}, {@code Boolean}, a date/time,
 * {@code TomlArray} or {@code TomlTable}); strings are not yet substituted.
 */
record Field(String key, Object value, Position keyPosition, Position valuePosition) {
}
