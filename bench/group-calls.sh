#!/usr/bin/env bash
# Group-call mesh benchmark: 3, 4, 6 participants; CPU per participant, up/down kbit/s, audible fraction and click latency per pair.
# Usage: bench/group-calls.sh [counts=3,4,6] [callSeconds=20] [idleSeconds=5] [clicksPerSender=10]
# Builds from the reactor (never `mvn install`: ~/.m2 is shared) and runs dev.parley.bench.groupcalls.GroupCallBench.
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -o -q -pl bench -am compile dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime >/dev/null
classes="client-core/target/classes:protocol/target/classes:bench/target/classes"
echo "command: bench/group-calls.sh $*"
exec java -Xmx256m -XX:+UseSerialGC -cp "$classes:$(cat "$cp_file")" dev.parley.bench.groupcalls.GroupCallBench "$@"
