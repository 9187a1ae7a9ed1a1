#!/usr/bin/env bash
# Instructions per row of a PipelineThroughput workload in steady state, counted by callgrind
# (JIT-compiled code included; independent of machine load, unlike a timing). The JIT may settle
# on differently compiled loops from run to run: compare several runs per build. The JVM under
# valgrind sometimes crashes (SIGSEGV in JIT code, about one run in eight here): the script then
# prints the end of its output and exits 1; run it again.
#   bench/run-instructions.sh QUERY [WARMUP_PASSES MEASURED_PASSES]   (a pass is 64 x 8192 rows)
#   QUERY: passthrough, filter_project, filter_project_int, tumble_1s_count_avg, tumble_1s_sum_int, ...
# Build first: mvn -q -DskipTests package -pl bench -am. Needs valgrind and gcc (Debian packages).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
query="${1:?query name}"
warmup="${2:-300}"
measured="${3:-10}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
jdk="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
gcc -O2 -shared -fPIC -I"$jdk/include" -I"$jdk/include/linux" -o "$work/libvgcount.so" "$here/native/vgcount.c"
# -XX:-UseCompressedOops: C1 code crashed under valgrind with compressed oops on this machine
valgrind --tool=callgrind --instr-atstart=no --smc-check=all-non-file --callgrind-out-file="$work/cg.%p" \
  java -XX:+UseSerialGC -Xmx1g -XX:-UseCompressedOops --add-opens=java.base/java.nio=ALL-UNNAMED \
  -Djava.library.path="$work" -cp "$here/target/classes:$here/target/lib/*" io.laminar.bench.InstrBench \
  "$query" "$warmup" "$measured" > "$work/out" 2>&1 || { tail -20 "$work/out"; exit 1; }
ir=$(grep -hE '^(summary|totals):' "$work"/cg.*.1 | head -1 | awk '{print $2}')
rows=$(( measured * 64 * 8192 ))
echo "$query: $ir instructions for $rows rows = $(awk -v i="$ir" -v r="$rows" 'BEGIN{printf "%.1f", i / r}') per row"
