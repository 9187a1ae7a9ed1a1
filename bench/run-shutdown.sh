#!/usr/bin/env bash
# Graceful-shutdown timings through bin/laminar (SIGTERM → exit, including the final checkpoint):
#   1. empty state (a stateless pipeline)
#   2. large window state: every row opens its own group in a 1-day tumbling window until the state
#      reaches roughly STATE_MB (default 1024) of checkpoint data
# Build first: mvn -q -DskipTests package
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
home="$(ls -d "$root"/dist/target/laminar-*/ | head -1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
now_ms() { date +%s%3N; }

write_config() { # name sql rows_per_second
  cat > "$work/$1.toml" <<TOML
[checkpoint]
path = "$work/$1-cp"
interval = "1h"

[[source]]
name = "events"
connector = "generator"
[source.properties]
rows_per_second = $3
events_per_second = 1000000
start_time = "2026-01-01T00:00:00Z"
"fields.id.kind" = "sequence"
[[source.schema]]
name = "id"
type = "BIGINT"
[[source.schema]]
name = "v"
type = "DOUBLE"
[[source.schema]]
name = "ts"
type = "TIMESTAMP"
[source.watermark]
column = "ts"
max_out_of_orderness = "0s"

[[pipeline]]
name = "p"
sql = "$2"

[[sink]]
name = "out"
pipeline = "p"
connector = "blackhole"
TOML
}

run_and_stop() { # name seconds-before-sigterm
  "$home/bin/laminar" run --offline --shutdown-timeout 120s -c "$work/$1.toml" 2>"$work/$1.log" &
  pid=$!
  until grep -q "engine started" "$work/$1.log" 2>/dev/null; do sleep 0.1; done
  sleep "$2"
  t0=$(now_ms); kill -TERM "$pid"; wait "$pid" || true; t1=$(now_ms)
  bytes=$(grep -o "checkpoint [0-9]* done in [0-9]* ms ([0-9]* bytes)" "$work/$1.log" | tail -1 || true)
  echo "$1: SIGTERM -> exit $((t1 - t0)) ms; final $bytes"
}

write_config empty "SELECT id, v FROM events WHERE v > 500" 100000
run_and_stop empty 2

write_config large "SELECT id, window_start, COUNT(*) AS n, SUM(v) AS s FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' DAY)) GROUP BY id, window_start, window_end" 2000000
LAMINAR_JAVA_OPTS="${LAMINAR_JAVA_OPTS:--Xmx12g}" run_and_stop large "${LARGE_SECONDS:-12}"
