#!/usr/bin/env bash
# Call benchmark: click latency (push -> playout callback), audible fraction over a call, CPU per call.
# Usage: bench/calls.sh [audibleSeconds=60] [clicks=40] [idleSeconds=10]
# Builds from the reactor (never `mvn install`: ~/.m2 is shared) and runs dev.parley.bench.calls.CallBench.
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -o -q -pl bench -am compile dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime >/dev/null
classes="client-core/target/classes:protocol/target/classes:bench/target/classes"
echo "command: bench/calls.sh $*"
exec java -Xmx256m -XX:+UseSerialGC -cp "$classes:$(cat "$cp_file")" dev.parley.bench.calls.CallBench "$@"
