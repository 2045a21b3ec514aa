#!/usr/bin/env bash
# Swarm-file benchmark (docs/benchmarks.md § Swarm files): download time of one file from 1, 2 and 3
# holders whose uploads are capped at the same rate, then from one uncapped holder. In one JVM.
#   bench/swarm.sh [--mib 64] [--cap-mib 4] [--pairs 2] [--uncapped-only]
# The uncapped one-holder rounds alternate with 1:1 transfers between the same two clients.
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -o -q -pl bench -am compile dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime >/dev/null
exec java -Xmx512m -cp "bench/target/classes:$(cat "$cp_file")" dev.parley.bench.swarm.SwarmBench "$@"
