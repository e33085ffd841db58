#!/usr/bin/env bash
# Hold throughput and latency through the HTTP API, and the 50,000-seat seat map, against a
# running soldout (start it with: DEMO_SEATS=50000 SEED_DEMO=true ./soldout dev, on a fresh
# DATA_DIR so the catalog is seeded with 50,000 seats per performance).
#   bench/holds/run.sh [API_URL]      (default http://127.0.0.1:7070)
# Env: RUNS (3), DURATION (10s), THREADS (2), CONNECTIONS (64). Needs wrk (Debian's wrk).
set -euo pipefail
api="${1:-http://127.0.0.1:7070}"
runs="${RUNS:-3}"
here="$(cd "$(dirname "$0")" && pwd)"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }

race() { # race <label> <performance> <seats>
  for run in $(seq "$runs"); do
    echo "== $1, run $run"
    PERFORMANCE="$2" SEATS="$3" wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-64}" \
      -d"${DURATION:-10s}" -s "$here/holds.lua" "$api" | grep -E "statuses|requests/s"
  done
}

# Everyone aims at 100 seats: after the first 100 holds, every attempt is a refused race.
race "contended: fans race for 100 seats" aurora-seoul-1 100
# Fans spread over 50,000 seats of the other performance: mostly successful holds.
race "spread: fans aim at 50,000 seats" aurora-seoul-2 50000

echo "== seat map of 50,000 seats (GET /performances/aurora-seoul-2/seats)"
for run in $(seq 5); do
  curl -s -o /dev/null -w "%{http_code} %{size_download} bytes in %{time_total} s\n" \
    "$api/performances/aurora-seoul-2/seats"
done
