#!/usr/bin/env bash
# Iceberg sink throughput in one JVM: the same bounded generator pipeline into blackhole, into an
# iceberg append table and into an iceberg upsert table (Hadoop catalog in a temp directory); prints
# rows/s for each and the commit latency per epoch. Argument: rows (default 2000000).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
# one reactor build (package: the host tests' plugin zips), so the laminar modules resolve to this checkout's target/classes
mvn -B -ntp -o -q -pl plugins/iceberg -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test
java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx2g \
  -cp "plugins/iceberg/target/test-classes:plugins/iceberg/target/classes:$(cat "$work/cp.txt")" \
  io.laminar.iceberg.IcebergThroughput "${1:-2000000}" 2> >(grep -v "DEBUG\| INFO " >&2)
