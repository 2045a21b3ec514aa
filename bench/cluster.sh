#!/usr/bin/env bash
# Cluster benchmark: relay latency same-node vs cross-node, Redis commands per relayed message,
# presence convergence after kill -9 of a node, msgs/s per node at saturation with 1, 2, 3 nodes,
# fault runs (Redis SIGSTOP, CLIENT PAUSE, restart empty, kill -9 of the receivers' node): lost / refused /
# duplicated, senders resending refused relays with the same id unless --no-retry (docs/benchmarks.md § Signaling cluster).
#   bench/cluster.sh [--rates 1000,5000] [--seconds 5] [--kills 3] [--saturation 1,2,3|none]
#                    [--saturation-only] [--sat-seconds 5] [--sat-runs 3] [--senders-per-node 2] [--window 256]
#                    [--faults sigstop,pause,restart,kill9|none] [--faults-only] [--fault-rate 1000] [--fault-seconds 10]
#                    [--fault-millis 3000] [--fault-runs 3] [--retry|--no-retry]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v redis-server >/dev/null || { echo "redis-server is needed: sudo apt-get install redis-server" >&2; exit 3; }
cp_file=bench/target/runtime-classpath.txt
mvn -q -B -pl bench -am package dependency:build-classpath -DskipTests \
  -DincludeScope=runtime -Dmdep.outputFile="$root/$cp_file" >/dev/null
exec java -Xmx512m -cp "$root/bench/target/classes:$(cat "$cp_file")" dev.parley.bench.cluster.ClusterBench "$@"
