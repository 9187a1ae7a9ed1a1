/**
 * The Redis connector plugin: lookup {@code redis} ({@link io.laminar.redis.RedisLookupSource}: one
 * pipelined {@code HMGET} per key or one {@code MGET} per key batch, values decoded straight into
 * Arrow vectors) and sink {@code redis} ({@link io.laminar.redis.RedisSink}: pipelined
 * {@code SET}/{@code HSET}/{@code DEL} per batch, every reply awaited at the checkpoint). Keys come
 * from a {@link io.laminar.redis.KeyPattern} such as {@code instrument:{symbol}}.
 */
package io.laminar.redis;
