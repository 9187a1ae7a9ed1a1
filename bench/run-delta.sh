#!/usr/bin/env bash
# Delta Lake sink throughput through `bin/laminar run`: the same generator input into blackhole and
# into a Delta table (zstd, then snappy), each a whole process. Prints rows/s, MB/s of Parquet written
# and the per-epoch commit latency (from the sink's "committed epoch" log lines).
# Build first: mvn -q -DskipTests package   (the install in dist/target has plugins/delta)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
home="$(ls -d "$root"/dist/target/laminar-*/ | head -1)"
rows="${ROWS:-10000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
symbols=$(seq -s, -f 'S%g' 1 100)

config() { # name, sink block
  cat > "$work/$1.toml" <<TOML
[server]
name = "bench-$1"
bind = "127.0.0.1:0"
[checkpoint]
path = "$work/cp-$1"
interval = "2s"
[[source]]
name = "trades"
connector = "generator"
[source.properties]
max_rows = $rows
events_per_second = 100000
start_time = "2026-01-01T00:00:00Z"
"fields.id.kind" = "sequence"
"fields.symbol.values" = "$symbols"
"fields.price.min" = "0"
"fields.price.max" = "100"
[[source.schema]]
name = "id"
type = "BIGINT"
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
[[pipeline]]
name = "p"
sql = "SELECT * FROM trades"
[[sink]]
name = "out"
pipeline = "p"
$2
TOML
}

run() { # name -> prints a line
  local t0 t1 ms
  t0=$(date +%s%3N)
  "$home/bin/laminar" run --offline -c "$work/$1.toml" 2>"$work/$1.err" >/dev/null || { cat "$work/$1.err"; exit 1; }
  t1=$(date +%s%3N)
  ms=$((t1 - t0))
  local line="$1: $rows rows in $ms ms (whole process incl. JVM start) = $(( rows * 1000 / ms )) rows/s"
  if [ -d "$work/table-$1" ]; then
    local bytes
    bytes=$(find "$work/table-$1" -name '*.parquet' -not -path '*/_delta_log/*' -printf '%s\n' | awk '{s+=$1} END {print s+0}')
    line="$line; Parquet $(( bytes / 1048576 )) MiB = $(awk -v b="$bytes" -v ms="$ms" 'BEGIN {printf "%.1f", b / 1048576 / (ms / 1000)}') MB/s"
    line="$line; commit latency per epoch (ms): $(grep -o 'bytes in [0-9]* ms' "$work/$1.err" | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {if (NR) printf "n=%d min=%d median=%d max=%d", NR, a[1], a[int((NR+1)/2)], a[NR]}')"
  fi
  echo "$line"
}

config blackhole 'connector = "blackhole"'
for codec in zstd snappy; do
  config "delta-$codec" "connector = \"delta_lake\"
delivery = \"exactly_once\"
[sink.properties]
\"table.path\" = \"$work/table-delta-$codec\"
\"parquet.compression\" = \"$codec\""
done
echo "load: $(uptime)"
run blackhole
run delta-zstd
run delta-snappy
echo "load: $(uptime)"
