#!/usr/bin/env bash
# Side-by-side chat benchmark of two builds, interleaved round by round on the same box:
#   bench/chat-compare.sh BEFORE_REV [ROUNDS] [ChatBench args...]
# e.g. bench/chat-compare.sh 1ea9671 4 --dials 2 --pings 300 --burst 3000 --reps 1
# BEFORE_REV is built in a temporary worktree; "after" is this checkout. Prints each round's
# output prefixed with before/after; quote medians across rounds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
before_rev="${1:?usage: bench/chat-compare.sh BEFORE_REV [ROUNDS] [args...]}"; shift
rounds="${1:-4}"; [ $# -gt 0 ] && shift
args=("$@"); [ ${#args[@]} -eq 0 ] && args=(--dials 2 --pings 300 --burst 3000 --reps 1)
work="$(mktemp -d)"
trap 'git worktree remove --force "$work/before" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add -q --detach "$work/before" "$before_rev"
build() { # $1 = tree; prints its classpath
  (cd "$1" && mvn -q -B -o -pl bench -am package dependency:build-classpath -DskipTests \
      -DincludeScope=runtime -Dmdep.outputFile="$1/bench/target/cp.txt" >/dev/null)
  echo "$1/bench/target/classes:$(cat "$1/bench/target/cp.txt")"
}
cp_before="$(build "$work/before")"
cp_after="$(build "$root")"
for ((i = 1; i <= rounds; i++)); do
  for side in before after; do
    cp_var="cp_$side"
    echo "=== round $i $side ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
    java -Xmx512m -cp "${!cp_var}" dev.parley.bench.chat.ChatBench "${args[@]}" 2>/dev/null | sed "s/^/[$side] /"
  done
done
