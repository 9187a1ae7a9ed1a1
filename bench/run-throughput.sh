#!/usr/bin/env bash
# Whole-process throughput: generator -> SQL -> blackhole through `bin/laminar run`, events/s.
# Build first: mvn -q -DskipTests package
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
home="$(ls -d "$root"/dist/target/laminar-*/ | head -1)"
rows="${ROWS:-50000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
declare -A sql=(
  [passthrough]="SELECT * FROM trades"
  [filter_project]="SELECT symbol, price * 2 AS doubled FROM trades WHERE price > 50"
  [tumble_1s_count_avg]="SELECT symbol, window_start, COUNT(*) AS n, AVG(price) AS avg_price FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY symbol, window_start, window_end"
)
symbols=$(seq -s, -f 'S%g' 1 1000)
for name in passthrough filter_project tumble_1s_count_avg; do
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
  t0=$(date +%s%3N)
  "$home/bin/laminar" run --offline --log-level warn -c "$work/$name.toml" 2>"$work/err" || { cat "$work/err"; exit 1; }
  t1=$(date +%s%3N)
  ms=$((t1 - t0))
  echo "$name: $rows rows in $ms ms (whole process incl. JVM start) = $(( rows * 1000 / ms )) events/s"
done
