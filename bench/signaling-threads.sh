#!/usr/bin/env bash
# Where the signaling server's CPU goes, per thread (I/O loop vs C1/C2 compilers vs GC), under the same load
# generator as the PeerJS comparison. Uses a copy of ../shared/bench/signaling (read-only there: copy it and
# `npm ci` first) and this checkout's built client-cli (`mvn -DskipTests install`).
#   bench/signaling-threads.sh HARNESS_DIR conn [WARMUP_CONNS]   # 5,000 logins after WARMUP_CONNS (1000)
#   bench/signaling-threads.sh HARNESS_DIR relay RATE            # 100 pairs at RATE msgs/s, 10 s warm-up
# env: PARLEY_JAVA_OPTS (default: the flags `parley serve` ships), PARLEY_LOG_LEVEL.
# Prints CPU ticks (10 ms) per thread name during the measured part only, then the loadgen's summary.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 2 ] || { sed -n 2,8p "$0" >&2; exit 2; }
harness=$(cd "$1" && pwd) || exit 2
mode=$2
[ -f "$harness/lib/servers.sh" ] || { echo "$harness is not a copy of the signaling harness" >&2; exit 2; }
cd "$harness"
export PARLEY_DIR="$root"
SRVLOG=$(mktemp /tmp/signaling-threads.XXXXXX.log)
OUT=${SRVLOG%.log}.jsonl
source lib/servers.sh
# Keep in step with the launcher's serve flags (./parley, SERVER_JAVA_OPTS).
PARLEY_JAVA_OPTS=${PARLEY_JAVA_OPTS:-"-Xss256k -XX:+UseSerialGC -Xms32m -Xmx512m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"}
trap stop_server EXIT

snapshot() { # thread name -> utime+stime ticks, summed over threads of one name
  for t in /proc/"$SERVER_PID"/task/*; do
    echo "$(tr ' ' _ < "$t/comm") $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null)"
  done | awk '{a[$1] += $2} END {for (k in a) print k, a[k]}' | sort
}
adapter=./adapters/parley.mjs
start_parley || exit 1
case "$mode" in
  conn)
    CONN_WARMUP=${3:-1000} conn_warmup "$adapter"
    snapshot > "$SRVLOG.s0"
    timeout -k 5 120 node loadgen.mjs connections --adapter "$adapter" --port "$SERVER_PORT" --server-pid "$SERVER_PID" \
      --n 5000 --hold 0 --probes 50 --max-seconds 90 --out "$OUT" 2>"$SRVLOG.lg" >/dev/null
    snapshot > "$SRVLOG.s1" ;;
  relay)
    rate=${3:?relay needs a RATE}
    timeout -k 5 120 node loadgen.mjs relay --adapter "$adapter" --port "$SERVER_PORT" --pairs 100 --rate "$rate" \
      --seconds 15 --warmup 10 --server-pid "$SERVER_PID" --out "$OUT" 2>"$SRVLOG.lg" >/dev/null &
    lg=$!
    # The loadgen's window starts after its ~1 s of logins and the 10 s warm-up; sample inside it.
    sleep 11; snapshot > "$SRVLOG.s0"; sleep 14; snapshot > "$SRVLOG.s1"
    wait "$lg" ;;
  *) echo "mode must be conn or relay" >&2; exit 2 ;;
esac
echo "CPU ticks (10 ms) per thread during the measured part:"
join -a2 -e0 -o 0,1.2,2.2 "$SRVLOG.s0" "$SRVLOG.s1" | awk '{d = $3 - $2; if (d > 0) print "  " $1, d}' | sort -k2 -nr
grep -E 'connect ms|latency ms|CPU %|lost' "$SRVLOG.lg"
echo "server log: $SRVLOG"
