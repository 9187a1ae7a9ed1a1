#!/usr/bin/env bash
# The launcher's class-data-sharing archive never stops a start: missing, stale (older than a jar),
# damaged or truncated, laminar starts and runs as without it, and the archive comes back. A run that
# stops before its engine starts leaves no archive marked complete, so the next run writes a new one.
# Usage: launcher-test.sh INSTALL_DIR  (dist runs it at package time unless -DskipTests)
set -euo pipefail
install="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$install/bin" "$install/lib" "$work/"
mkdir -p "$work/plugins"
rm -f "$work"/lib/*.jsa "$work"/lib/*.jsa.complete
laminar="$work/bin/laminar"
lib="$work/lib"

fail() { echo "launcher-test: FAILED: $*" >&2; exit 1; }
cat > "$work/ok.toml" <<TOML
[server]
bind = "127.0.0.1:0"
[state]
path = "$work/state"
[[source]]
name = "trades"
connector = "generator"
[source.properties]
max_rows = 100
[[source.schema]]
name = "price"
type = "DOUBLE"
[[pipeline]]
name = "p"
sql = "SELECT price FROM trades"
[[sink]]
name = "out"
pipeline = "p"
connector = "blackhole"
TOML
sed 's/connector = "blackhole"/connector = "no_such_connector"/' "$work/ok.toml" > "$work/bad.toml"

# run a command; expect its exit code; its stderr must hold only laminar's own lines (no JVM warnings)
expect() { # code, args...
  local want="$1"; shift
  local got=0
  "$laminar" "$@" >"$work/out" 2>"$work/err" || got=$?
  [ "$got" = "$want" ] || fail "laminar $* exited $got, not $want: $(cat "$work/err")"
  if grep -Eiv '^([0-9:.]+ +(TRACE|DEBUG|INFO|WARN|ERROR) |laminar: |error: |  |hint: )' "$work/err" | grep -Eiq 'cds|shar|archive|warning|exception'; then
    fail "laminar $* printed JVM messages: $(cat "$work/err")"
  fi
}

expect 0 version
[ -z "$(ls "$lib" | grep jsa)" ] || fail "version wrote an archive"

expect 78 run --offline -c "$work/bad.toml"
[ ! -e "$lib/laminar-run.jsa.new.complete" ] || fail "a run that never started its engine marked its archive complete"
expect 0 validate --offline -c "$work/ok.toml" # drops the run's incomplete archive, writes its own
[ ! -e "$lib/laminar-run.jsa" ] || fail "the archive of a run that stopped at a configuration error was kept"
[ -s "$lib/laminar.jsa.new" ] || fail "validate wrote no archive"
expect 0 run --offline -c "$work/ok.toml" # checks and keeps validate's, writes the run's
[ -s "$lib/laminar.jsa" ] && [ -s "$lib/laminar-run.jsa.new" ] && [ -e "$lib/laminar-run.jsa.new.complete" ] ||
  fail "the first good run wrote no complete archive: $(ls "$lib" | grep jsa)"
expect 0 validate --offline -c "$work/ok.toml"
[ -s "$lib/laminar-run.jsa" ] && [ "$(ls "$lib" | grep -c jsa)" = 1 ] || fail "the run's archive was not the one kept: $(ls "$lib" | grep jsa)"

# stale: a jar newer than the archive
sleep 1 # mtime granularity: the jar must be strictly newer
touch "$lib"/laminar-cli-*.jar
expect 0 run --offline -c "$work/ok.toml"
[ ! -e "$lib/laminar-run.jsa" ] && [ -s "$lib/laminar-run.jsa.new" ] || fail "a stale archive was not written again: $(ls "$lib" | grep jsa)"
expect 0 version
[ -s "$lib/laminar-run.jsa" ] || fail "the new archive was not kept"

# damaged and truncated archives as the JVM left them (a killed or concurrent write): dropped, and the start goes on
good="$work/good.jsa"
cp "$lib/laminar-run.jsa" "$good"
rm "$lib/laminar-run.jsa"
for damage in "head -c 100000 /dev/urandom" "head -c 20000000 $good"; do
  $damage > "$lib/laminar-run.jsa.new"
  touch "$lib/laminar-run.jsa.new.complete"
  expect 0 run --offline -c "$work/ok.toml"
  [ ! -e "$lib/laminar-run.jsa" ] || fail "a damaged archive ($damage) was kept"
  rm -f "$lib"/*.jsa*
done
# a damaged archive where a kept one belongs, newer than the jars: -Xshare:auto ignores a bad header
head -c 100000 /dev/urandom > "$lib/laminar-run.jsa"
expect 0 run --offline -c "$work/ok.toml"
expect 0 version
[ -z "$(ls "$work" | grep hs_err)" ] && [ -z "$(ls | grep hs_err)" ] || fail "a JVM crash report was left behind"

echo "launcher-test: ok"
