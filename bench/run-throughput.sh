#!/usr/bin/env bash
# Whole-process throughput: generator -> SQL -> blackhole through `laminar run` (JVM start included), rows/s.
# Build first: mvn -q -DskipTests package (uses dist/target/laminar-*/), or set LAMINAR_CLASSPATH to a
# class path holding io.laminar.cli.Main and its dependencies, or LAMINAR_HOME to another install.
#
#   SUITE=classic (default): passthrough, filter_project, tumble_1s_count_avg on ROWS (50 M) rows, 1 worker.
#   SUITE=compass: the issue-20 workloads — 100 M rows (ROWS), `id` sequence, `price` uniform 0-100,
#     1000 rows per event-time ms, watermark lag 1 s, WORKERS (2) workers, the generator read in SPLITS (2)
#     splits, blackhole sink: pass, filter, tumble. SPLITS=1 is the single-reader data path (one source
#     thread feeding the workers through queues) for a before/after comparison; SPLITS= (empty) leaves the
#     property out, to run the same workloads on a laminar from before splits.
#   SUITE=kafka: the issue-20 Kafka figures — bench/run-kafka.sh with ROWS (16 M) input records (a plain
#     consumer, kafka -> WHERE price > 50 -> blackhole and -> an exactly-once kafka sink; its switches,
#     e.g. BEFORE_PLUGIN, pass through).
#   ONLY=name runs one workload.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
suite="${SUITE:-classic}"
if [ "$suite" = kafka ]; then
  exec "$root/bench/run-kafka.sh" "${ROWS:-16000000}"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The install the runs use: LAMINAR_HOME, or this checkout's dist build.
install_home() {
  echo "${LAMINAR_HOME:-$(ls -d "$root"/dist/target/laminar-*/ | head -1)}"
}

laminar() {
  if [ -n "${LAMINAR_CLASSPATH:-}" ]; then
    java --add-opens=java.base/java.nio=ALL-UNNAMED -XX:+UseParallelGC ${LAMINAR_JAVA_OPTS:-} \
      -cp "$LAMINAR_CLASSPATH" io.laminar.cli.Main "$@"
  else
    "$(install_home)/bin/laminar" "$@"
  fi
}

# A fresh install's first `run` writes its class-data archive as it exits (seconds), and the next start
# checks and renames it (dist/src/bin/laminar): two short unmeasured runs first, so that every measured
# run starts as an install's later starts do, and no workload's figure carries the one-off dump.
prime_archive() {
  local home
  [ -z "${LAMINAR_CLASSPATH:-}" ] || return 0
  home="$(install_home)"
  [ ! -f "$home/lib/laminar-run.jsa" ] || return 0
  cat > "$work/prime.toml" <<TOML
[server]
bind = "127.0.0.1:0"

[[source]]
name = "ticks"
connector = "generator"
[source.properties]
max_rows = 1000
[[source.schema]]
name = "id"
type = "BIGINT"

[[pipeline]]
name = "p"
sql = "SELECT id FROM ticks"

[[sink]]
name = "out"
pipeline = "p"
connector = "blackhole"
TOML
  for _ in 1 2; do
    laminar run --offline --log-level warn -c "$work/prime.toml" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  done
  echo "(primed the install's class-data archive: ${home%/}/lib/laminar-run.jsa)"
}

measure() { # name rows config
  local t0 t1 ms cpu
  t0=$(date +%s%3N)
  # CPU seconds (user + system) of the whole process too: on a shared machine rows per CPU second
  # says more than wall time
  /usr/bin/time -f "%U %S" -o "$work/cpu" bash -c "$(declare -f install_home laminar); root='$root'; laminar run --offline \
    --log-level warn -c '$3'" 2>"$work/err" >/dev/null || { cat "$work/err"; exit 1; }
  t1=$(date +%s%3N)
  ms=$((t1 - t0))
  cpu=$(awk '{printf "%d", ($1 + $2) * 1000}' "$work/cpu")
  echo "$1: $2 rows in $ms ms (whole process incl. JVM start) = $(( $2 * 1000 / ms )) rows/s;" \
    "$cpu ms CPU = $(( $2 * 1000 / (cpu > 0 ? cpu : 1) )) rows per CPU second" \
    "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
}

prime_archive
if [ "$suite" = compass ]; then
  rows="${ROWS:-100000000}"
  workers="${WORKERS:-2}"
  splits="${SPLITS-2}" # SPLITS= (empty) leaves the property out, for a laminar that has no splits
  symbol="'S' || CAST(MOD(id, 1000) AS VARCHAR)"
  declare -A sql=(
    [pass]="SELECT id, price FROM trades"
    [filter]="SELECT id, $symbol AS symbol, price * 2 AS p2 FROM trades WHERE price > 50"
    [tumble]="SELECT $symbol AS symbol, window_start, COUNT(*) AS n, AVG(price) AS avg_price FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY $symbol, window_start, window_end"
  )
  for name in pass filter tumble; do
    if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ]; then continue; fi
    cat > "$work/$name.toml" <<TOML
[server]
workers = $workers
bind = "127.0.0.1:0" # a free port: other runs may hold 8080

[[source]]
name = "trades"
connector = "generator"
[source.properties]
max_rows = $rows
${splits:+splits = $splits}
events_per_second = 1000000
start_time = "2026-01-01T00:00:00Z"
"fields.id.kind" = "sequence"
"fields.price.min" = "0"
"fields.price.max" = "100"
[[source.schema]]
name = "id"
type = "BIGINT"
[[source.schema]]
name = "price"
type = "DOUBLE"
[[source.schema]]
name = "ts"
type = "TIMESTAMP"
[source.watermark]
column = "ts"
max_out_of_orderness = "1s"

[[pipeline]]
name = "p"
sql = "${sql[$name]}"

[[sink]]
name = "out"
pipeline = "p"
connector = "blackhole"
TOML
    measure "$name (workers $workers, splits ${splits:-none})" "$rows" "$work/$name.toml"
  done
  exit 0
fi

rows="${ROWS:-50000000}"
declare -A sql=(
  [passthrough]="SELECT * FROM trades"
  [filter_project]="SELECT symbol, price * 2 AS doubled FROM trades WHERE price > 50"
  [tumble_1s_count_avg]="SELECT symbol, window_start, COUNT(*) AS n, AVG(price) AS avg_price FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY symbol, window_start, window_end"
)
symbols=$(seq -s, -f 'S%g' 1 1000)
for name in passthrough filter_project tumble_1s_count_avg; do
  if [ -n "${ONLY:-}" ] && [ "$ONLY" != "$name" ]; then continue; fi
  cat > "$work/$name.toml" <<TOML
[[source]]
name = "trades"
connector = "generator"
[source.properties]
max_rows = $rows
events_per_second = 100000
start_time = "2026-01-01T00:00:00Z"
"fields.symbol.values" = "$symbols"
"fields.price.min" = "0"
"fields.price.max" = "100"
[[source.schema]]
name = "symbol"
type = "VARCHAR"
[[source.schema]]
name = "price"
type = "DOUBLE"
[[source.schema]]
name = "qty"
type = "INT"
[[source.schema]]
name = "ts"
type = "TIMESTAMP"
[source.watermark]
column = "ts"
max_out_of_orderness = "0s"

[[pipeline]]
name = "p"
sql = "${sql[$name]}"

[[sink]]
name = "out"
pipeline = "p"
connector = "blackhole"
TOML
  measure "$name" "$rows" "$work/$name.toml"
done
