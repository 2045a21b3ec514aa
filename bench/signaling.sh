#!/usr/bin/env bash
# Signaling-server benchmark: builds the bench module (and what it needs), then starts the server as
# its own JVM, holds N authenticated connections and relays offers/candidates at fixed rates.
#   bench/signaling.sh [--connections N] [--rates 5000,10000,20000] [--seconds 10] [--reps 3] [--help]
# Results: human-readable on stdout, "RESULT ..." lines for machines, copies in bench/target/signaling/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

mvn_opts=(-q -B)
[[ "${PARLEY_BENCH_OFFLINE:-}" == 1 ]] && mvn_opts+=(-o)
cp_file=bench/target/runtime-classpath.txt
# One reactor build; build-classpath runs per module and bench (last in the reactor) writes the file.
mvn "${mvn_opts[@]}" -pl bench -am package dependency:build-classpath -DskipTests \
  -DincludeScope=runtime -Dmdep.outputFile="$root/$cp_file" >/dev/null
# Sibling modules must come from this worktree's build, never from a stale ~/.m2 copy.
cp="$root/bench/target/classes:$(cat "$cp_file")"

# Each side needs a descriptor per connection: raise the soft limit as far as allowed.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec java -Xss512k -Xms1g -Xmx1g -XX:+UseParallelGC -XX:+AlwaysPreTouch \
  -cp "$cp" dev.parley.bench.SignalingBench "$@"
