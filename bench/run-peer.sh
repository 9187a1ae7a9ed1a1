#!/usr/bin/env bash
# The issue-20 compass workloads on the peer the targets are set against (Hazelcast Jet 5.7, 2
# cooperative threads), on this machine, so that laminar's figures (SUITE=compass
# bench/run-throughput.sh) can be put side by side with the peer's measured in the same session.
# Builds bench/peers/jet on its own (not part of the laminar build or its tests; downloads Hazelcast).
#   ROWS (100 M), THREADS (2), ONLY=pass|filter|tumble
# Prints per workload: Jet's set-up (member start), its job time (submit to completion) and rows/s
# over the job time; also the job time of a 1000-row job (Jet's fixed cost per job) and the rate
# without it, and the whole process incl. JVM start.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
peer="$root/bench/peers/jet"
rows="${ROWS:-100000000}"
threads="${THREADS:-2}"
[ -d "$peer/target/lib" ] || mvn -B -ntp -q -f "$peer/pom.xml" -DskipTests package
# the flags Hazelcast asks for on Java 17 (without them it warns and takes slower paths)
jvm=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED -XX:+UseParallelGC)
run() { java "${jvm[@]}" -cp "$peer/target/classes:$peer/target/lib/*" io.laminar.bench.peers.JetCompass "$@"; }
for name in pass filter tumble; do
  if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ]; then continue; fi
  fixed=$(run "$name" 1000 "$threads" | sed -n 's/.* job \([0-9]*\) ms.*/\1/p')
  t0=$(date +%s%3N)
  line=$(run "$name" "$rows" "$threads")
  t1=$(date +%s%3N)
  job=$(echo "$line" | sed -n 's/.* job \([0-9]*\) ms.*/\1/p')
  echo "$line; a 1000-row job takes $fixed ms, so $(( rows / ((job - fixed) > 0 ? (job - fixed) : 1) / 1000 )).$(( rows / ((job - fixed) > 0 ? (job - fixed) : 1) / 100 % 10 )) M rows/s without it;" \
    "whole process $(( t1 - t0 )) ms = $(( rows * 1000 / (t1 - t0) )) rows/s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
done
