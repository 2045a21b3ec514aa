#!/usr/bin/env bash
# Chat benchmark: dial -> chat channel open, send -> ack round trip, sustained messages/s.
#   bench/chat.sh [--dials 20] [--pings 300] [--burst 5000] [--reps 3]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cp_file=bench/target/runtime-classpath.txt
mvn -q -B -pl bench -am package dependency:build-classpath -DskipTests \
  -DincludeScope=runtime -Dmdep.outputFile="$root/$cp_file" >/dev/null
exec java -Xmx512m -cp "$root/bench/target/classes:$(cat "$cp_file")" dev.parley.bench.chat.ChatBench "$@"
