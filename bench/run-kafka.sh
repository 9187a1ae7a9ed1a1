#!/usr/bin/env bash
# Kafka throughput, side by side in one run on one embedded KRaft broker (the one the Kafka tests
# start, in the harness JVM): a 4-partition topic of small JSON records (lz4); a plain
# kafka-clients consumer (the reference) vs `laminar run` in a child JVM: kafka -> WHERE price > 50
# -> blackhole, and -> an exactly-once kafka sink; whole process and steady records/s, and the
# ratio to the plain consumer (the server JVM runs with bin/laminar's flags and -Xmx1g; a later -Xmx in
# SERVER_OPTS or VARIANTS wins); "warm" is the second half of the input, past the server JVM's JIT
# warm-up (the reference consumer runs in the already warm harness JVM). Beside the reference and the
# exactly-once run's second half it prints the broker's CPU per record (the harness JVM's, which holds
# the broker), and that half's server CPU by thread. Harness: plugins/kafka test class ServerThroughput.
# Argument: input records (default 4000000). Also prints the connector-alone harness (KafkaThroughput)
# with CONNECTOR_ALONE=1, and the codec alone (harness CodecThroughput: thread CPU ns per record of
# the JSON decoder's short path vs Jackson's path, and the sink's encoder vs the Jackson one it
# replaced; load-independent enough to compare builds) with CODEC=1 (CODEC_ONLY=1: nothing else).
# BEFORE_PLUGIN=DIR (another build's target/plugin/kafka, copied aside) also runs the blackhole and
# the exactly-once case with that plugin first, on the same server build: before/after in one run.
# PARKED=1 also runs the exactly-once case with -Dlaminar.checkpoint.early_resume=false (sources parked
# to the end of each checkpoint's commits, as before early resume), before the default one.
# BENCH_JAVA_OPTS adds harness flags, e.g. "-Dbench.jfr=DIR" (a flight recording of each server run).
# SERVER_OPTS adds JVM flags to every server child (harness -Dbench.serverOpts; "{name}" in them is
# the run's name), e.g. a profiler:
#   SERVER_OPTS="-agentpath:/path/libasyncProfiler.so=start,event=cpu,interval=1ms,file=/tmp/{name}.collapsed"
# VARIANTS="flags A|flags B" (harness -Dbench.variants; ROUNDS=n rounds, default 2) first runs the
# blackhole case (and then, unless BLACKHOLE_ONLY, the exactly-once case) once per variant and round,
# alternated, each with those server JVM flags.
# SINK_COMPRESSION=none (harness -Dbench.sinkCompression) sets the exactly-once sink's compression (default lz4).
# REPEAT=n (harness -Dbench.repeat) measures the reference, the blackhole and the exactly-once case n
# times on the same input and prints each round's ratios (against its own reference) and their median
# (not with BLACKHOLE_ONLY).
# BLACKHOLE_ONLY=1 runs the plain consumer and the blackhole case only (no exactly-once run).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
records="${1:-4000000}"
# one reactor build, so the laminar modules resolve to this checkout's target/classes
mvn -B -ntp -q -pl plugins/kafka -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test
cp="plugins/kafka/target/test-classes:plugins/kafka/target/classes:$(cat "$work/cp.txt")"
echo "load before: $(uptime)"
if [[ "${CODEC:-0}" == 1 || "${CODEC_ONLY:-0}" == 1 ]]; then
  java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx2g -XX:+UseParallelGC -cp "$cp" io.laminar.kafka.CodecThroughput
  if [[ "${CODEC_ONLY:-0}" == 1 ]]; then exit 0; fi
fi
java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx2g -cp "$cp" \
  -Dlaminar.kafkaPlugin="$root/plugins/kafka/target/plugin/kafka" \
  -Dlaminar.testPlugins="$root/plugins/kafka/target/test-plugins" \
  -Dbench.parked="$([[ "${PARKED:-0}" == 1 ]] && echo true || echo false)" ${BENCH_JAVA_OPTS:-} \
  -Dbench.serverOpts="${SERVER_OPTS:-}" -Dbench.blackholeOnly="${BLACKHOLE_ONLY:-0}" \
  -Dbench.repeat="${REPEAT:-1}" -Dbench.sinkCompression="${SINK_COMPRESSION:-lz4}" -Dbench.variants="${VARIANTS:-}" -Dbench.rounds="${ROUNDS:-2}" \
  ${BEFORE_PLUGIN:+-Dbench.kafkaPluginBefore="$BEFORE_PLUGIN"} \
  io.laminar.kafka.ServerThroughput "$records" 2> >(grep -E 'ERROR|Exception' >&2)
if [[ "${CONNECTOR_ALONE:-0}" == 1 ]]; then
  java --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx2g -cp "$cp" io.laminar.kafka.KafkaThroughput 2> >(grep -E 'ERROR|Exception' >&2)
fi
echo "load after: $(uptime)"
