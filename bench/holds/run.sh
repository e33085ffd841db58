#!/usr/bin/env bash
# Hold throughput and latency through the HTTP API, and the 50,000-seat seat map, against a
# running soldout started on a fresh DATA_DIR with 50,000 seats per performance and short holds,
# so that every run of the success path starts with all seats free:
#   DATA_DIR=/tmp/bench-data DEMO_SEATS=50000 SEED_DEMO=true HOLD_TTL_MS=10000 \
#     RATE_LIMIT_PER_IP=0 ./soldout dev          (wrk is one address: no per-address limit)
#   DATA_DIR=/tmp/bench-data bench/holds/run.sh [API_URL]      (default http://127.0.0.1:7070)
# Each request is a fan of its own with a token signed by the dev stack (./soldout dev-tokens).
# Env: RUNS (3), DURATION (5s), THREADS (2), CONNECTIONS (64), TTL_S (10, the HOLD_TTL_MS of the
# stack, in seconds). Needs wrk (Debian's wrk). Prints every run; take the medians.
set -euo pipefail
api="${1:-http://127.0.0.1:7070}"
runs="${RUNS:-3}"
export THREADS="${THREADS:-2}"
here="$(cd "$(dirname "$0")" && pwd)"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
if [ -z "${TOKENS:-}" ]; then   # or bring your own "userId token" lines
  export TOKENS="$(mktemp)"
  echo "signing ${FANS:-150000} fans' tokens into $TOKENS"
  "$here/../../soldout" dev-tokens --count "${FANS:-150000}" --prefix "bench-$(date +%s)-" \
    > "$TOKENS"
fi

attempt() { # attempt <label> <mode> <performance> <seats> <duration>
  echo "== $1"
  MODE="$2" PERFORMANCE="$3" SEATS="$4" wrk -t"$THREADS" -c"${CONNECTIONS:-64}" -d"$5" \
    -s "$here/holds.lua" "$api" | grep -E "statuses|requests/s"
}
expire_holds() { sleep "$(( ${TTL_S:-10} + 1 ))"; }

attempt "warm-up (discarded)" random aurora-seoul-1 100 10s
expire_holds
for run in $(seq "$runs"); do
  # Each thread walks its own seats: every attempt is a fresh seat, the success path.
  attempt "fresh seats, run $run" walk aurora-seoul-2 50000 "${DURATION:-5s}"
  # Everyone aims at 100 seats: 100 holds, then every attempt is a refused race.
  attempt "race for 100 seats, run $run" random aurora-seoul-1 100 "${DURATION:-5s}"
  expire_holds
done

echo "== seat map of 50,000 seats (GET /performances/aurora-seoul-2/seats), 5 runs"
for run in $(seq 5); do
  curl -s -o /dev/null -w "%{http_code} %{size_download} bytes in %{time_total} s\n" \
    "$api/performances/aurora-seoul-2/seats"
done
