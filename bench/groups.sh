#!/usr/bin/env bash
# Group benchmark (docs/benchmarks.md § Groups): 5 members in separate JVMs posting concurrently
# (send -> display at every member, lost / duplicated / order, CPU per message), then catch-up of
# 1,000 missed messages from one member.
#   bench/groups.sh [--members 5] [--messages 200] [--interval-ms 0,20] [--catchup 1000]
# Profile the members: BENCH_JAVA_OPTS="-Dparley.bench.peerFlags=-XX:StartFlightRecording=filename=/tmp/%n.jfr,settings=profile"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cp_file=bench/target/runtime-classpath.txt
mvn -q -B -pl bench -am package dependency:build-classpath -DskipTests \
  -DincludeScope=runtime -Dmdep.outputFile="$root/$cp_file" >/dev/null
exec java -Xmx256m ${BENCH_JAVA_OPTS:-} -cp "$root/bench/target/classes:$(cat "$cp_file")" dev.parley.bench.groups.GroupsBench "$@"
