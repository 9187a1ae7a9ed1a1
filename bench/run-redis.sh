#!/usr/bin/env bash
# Redis plugin throughput against the Redis on 127.0.0.1:6379 (own key prefix, cleaned up):
# lookup join with the cache off at batch sizes 1/100/1000, the connector alone, the sink, and raw
# Lettuce baselines. Argument: number of distinct keys (default 100000).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
# one reactor build, so the laminar modules resolve to this checkout's target/classes
mvn -B -ntp -q -pl plugins/redis -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test
java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx1g \
  -cp "plugins/redis/target/test-classes:plugins/redis/target/classes:$(cat "$work/cp.txt")" \
  io.laminar.redis.RedisThroughput "${1:-100000}" 2> >(grep -v DEBUG >&2)
