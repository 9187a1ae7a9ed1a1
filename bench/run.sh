#!/usr/bin/env bash
# Runs JMH benchmarks: bench/run.sh [JMH args], e.g. bench/run.sh RegistryLookup -f 1 -wi 3 -i 5
# Build first: mvn -q -DskipTests package
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec java --add-opens=java.base/java.nio=ALL-UNNAMED \
  -cp "$here/target/classes:$here/target/lib/*" org.openjdk.jmh.Main "$@"
