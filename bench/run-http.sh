#!/usr/bin/env bash
# /health latency and throughput under 64 concurrent keep-alive clients for 10 s, against a real
# `bin/laminar run` (quickstart, unbounded, throttled). Uses wrk (Debian: apt-get install wrk).
# Build first: mvn -q -DskipTests package
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
home="$(ls -d "$root"/dist/target/laminar-*/ | head -1)"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port="${PORT:-18080}"
sed -e 's/^max_rows = .*$//' -e "1i [server]\nbind = \"127.0.0.1:$port\"\n[checkpoint]\npath = \"$work/cp\"\n" \
  "$root/examples/quickstart.toml" > "$work/http.toml"
"$home/bin/laminar" run --offline -c "$work/http.toml" >/dev/null 2>"$work/log" &
pid=$!
until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do sleep 0.2; done
wrk -t2 -c64 -d10s --latency "http://127.0.0.1:$port/health"
