#!/usr/bin/env bash
# File-transfer throughput vs a bare data channel, same run. Builds from the reactor (never installs).
# Usage: bench/files.sh [fileMiB=1024] [rawMiB=512] [workDir=/tmp/parley-files-bench]
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -o -q -pl bench -am compile dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime >/dev/null
# In the reactor the sibling modules resolve to their target/classes.
exec java -Xmx256m -XX:+UseSerialGC -cp "bench/target/classes:$(cat "$cp_file")" \
    dev.parley.bench.files.FileTransferBench "${1:-1024}" "${2:-512}" "${3:-/tmp/parley-files-bench}"
