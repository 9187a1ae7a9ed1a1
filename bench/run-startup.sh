#!/usr/bin/env bash
# Whole-process timings on a cold JVM (each run is a fresh `bin/laminar` process), median of N runs:
#   1. validate --offline of a 5-pipeline config (config parse + validate + engine construction phases 1-6)
#   2. plugins list with 3 plugins (plugin manager start)
#   3. process start -> first event printed by the stdout sink (quickstart)
#   4. run of a 1000-row generator -> blackhole config with the shipped plugins installed: wall and CPU ms
# Build first: mvn -q -DskipTests package   (uses dist/target/laminar-*/, or LAMINAR_HOME, and
# test-plugins/*/target/plugin)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
home="${LAMINAR_HOME:-$(ls -d "$root"/dist/target/laminar-*/ | grep -v tar.gz | head -1)}" # LAMINAR_HOME: another install
laminar="$home/bin/laminar"
runs="${RUNS:-7}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
now_ms() { date +%s%3N; }

# a short run with the install's own plugins directory (the shipped plugins, none of them used): line 4
cat > "$work/short.toml" <<TOML
[server]
bind = "127.0.0.1:0"
[state]
path = "$work/state"
[[source]]
name = "trades"
connector = "generator"
[source.properties]
max_rows = 1000
"fields.id.kind" = "sequence"
[[source.schema]]
name = "id"
type = "BIGINT"
[[source.schema]]
name = "price"
type = "DOUBLE"
[[pipeline]]
name = "p"
sql = "SELECT id, price FROM trades"
[[sink]]
name = "out"
pipeline = "p"
connector = "blackhole"
TOML
# Warm the class-data-sharing archive as a user's first runs would: bin/laminar keeps the archive a
# run writes (the first run writes it, the next one checks and keeps it).
for _ in 1 2; do "$laminar" run --offline --log-level warn -c "$work/short.toml" >/dev/null 2>&1 || true; done

# 1. five-pipeline config, written by the bench module's BenchConfigs
java -cp "$root/bench/target/classes:$root/bench/target/lib/*" io.laminar.bench.WriteBenchConfig "$work" >/dev/null
"$laminar" validate --offline -c "$work/five-pipelines.toml" >/dev/null 2>&1 || true
times=()
for _ in $(seq "$runs"); do
  t0=$(now_ms); "$laminar" validate --offline -c "$work/five-pipelines.toml" >/dev/null 2>"$work/err"; t1=$(now_ms)
  times+=($((t1 - t0)))
done
echo "validate 5 pipelines (cold JVM, whole process): median $(printf '%s\n' "${times[@]}" | median) ms over $runs runs"

# 2. plugin manager start with 3 plugins
mkdir -p "$work/plugins"
for p in guava-old guava-new service-loader; do
  cp -r "$root/test-plugins/$p/target/plugin/"* "$work/plugins/"
done
times=()
for _ in $(seq "$runs"); do
  t0=$(now_ms); "$laminar" plugins list --plugins "$work/plugins" >/dev/null 2>&1; t1=$(now_ms)
  times+=($((t1 - t0)))
done
echo "plugins list with 3 plugins (cold JVM, whole process): median $(printf '%s\n' "${times[@]}" | median) ms over $runs runs"

# 3. process start -> first event at the sink
times=()
for _ in $(seq "$runs"); do
  t0=$(now_ms)
  "$laminar" run --offline -c "$root/examples/quickstart.toml" 2>/dev/null | { head -2 >/dev/null; now_ms > "$work/first"; cat >/dev/null; }
  times+=($(( $(cat "$work/first") - t0 )))
done
echo "start -> first window at stdout (quickstart, includes 1 s of event time at 10k rows/s): median $(printf '%s\n' "${times[@]}" | median) ms"

# 4. the short run
times=(); cpus=()
for _ in $(seq "$runs"); do
  t0=$(now_ms)
  /usr/bin/time -f "%U %S" -o "$work/cpu" "$laminar" run --offline --log-level warn -c "$work/short.toml" >/dev/null 2>&1
  t1=$(now_ms)
  times+=($((t1 - t0))); cpus+=("$(awk '{printf "%d", ($1 + $2) * 1000}' "$work/cpu")")
done
echo "run 1000 rows generator -> blackhole, $(ls -d "$home"/plugins/*/ 2>/dev/null | wc -l) plugins installed (cold JVM, whole process):" \
  "median $(printf '%s\n' "${times[@]}" | median) ms wall, $(printf '%s\n' "${cpus[@]}" | median) ms CPU over $runs runs" \
  "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
