package io.laminar.config;

import java.time.Duration;

/**
 * The {@code [lookup.cache]} table: the host-side cache in front of a lookup connector.
 *
 * @param size maximum number of cached keys (at least 1)
 * @param ttl how long an entry stays valid (positive)
 */
public record CacheConfig(long size, Duration ttl) {
}
