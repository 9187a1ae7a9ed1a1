#!/usr/bin/env bash
# PostgreSQL plugin throughput against the PostgreSQL on 127.0.0.1:5432 (a database of its own,
# dropped afterwards). Two harnesses from the plugin's test classes:
#   PostgresThroughput        the connectors alone (snapshot, streaming, sink append/upsert, lookup)
#                             next to pgjdbc alone (COPY, batched upsert) in the same run;
#   PostgresServerThroughput  the real server in a child JVM: lookup join at cache hit ratios
#                             ~0/90/100 %, snapshot and streaming changes end to end into the upsert sink.
# Argument: rows (default 200000). The postgres plugin must be packaged (target/plugin/postgres).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
rows="${1:-200000}"
# one reactor build, so the laminar modules resolve to this checkout's target/classes
mvn -B -ntp -q -o -pl plugins/postgres -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test
cp="plugins/postgres/target/test-classes:plugins/postgres/target/classes:$(cat "$work/cp.txt")"
echo "load before: $(uptime)"
java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx1g -cp "$cp" io.laminar.postgres.PostgresThroughput "$rows" \
  2> >(grep -E 'ERROR|Exception' >&2)
java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx1g -cp "$cp" \
  -Dlaminar.postgresPlugin="$root/plugins/postgres/target/plugin/postgres" \
  io.laminar.postgres.PostgresServerThroughput "$rows" 2> >(grep -E 'ERROR|Exception' >&2)
echo "load after: $(uptime)"
