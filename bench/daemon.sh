#!/usr/bin/env bash
# Daemon benchmark (docs/benchmarks.md): `parley message` through a daemon vs in-process, API send -> ack,
# 1,000 API sends from 4 concurrent clients.
#   bench/daemon.sh [--runs 20] [--local-runs 5] [--pings 300] [--load 1000]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
"$root/parley" --version >/dev/null   # builds the CLI jar the daemons and commands run from
cp_file=bench/target/runtime-classpath.txt
mvn -q -B -pl bench -am package dependency:build-classpath -DskipTests \
  -DincludeScope=runtime -Dmdep.outputFile="$root/$cp_file" >/dev/null
cli_cp="$root/client-cli/target/client-cli.jar:$root/client-cli/target/lib/*"
exec java -Xmx256m -cp "$root/bench/target/classes:$(cat "$cp_file")" dev.parley.bench.daemon.DaemonBench "$cli_cp" "$@"
