#!/usr/bin/env bash
# Serves the console on http://127.0.0.1:8080.
#   scripts/run.sh          with the reference backend on 127.0.0.1:8081 (Trunk proxies /api)
#   scripts/run.sh demo     demo mode: the platform simulated in the browser, no backend
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-backend}"

# Trunk's own server never sends the .br/.gz copies of a release build: skip making them.
export RIO_COMPRESS=0
# Trunk's watcher ignores .rio (the backend's state) and refuses to start if it is missing, as
# in a fresh clone.
mkdir -p .rio

if [ "$mode" = demo ]; then
  exec trunk serve --release --address 127.0.0.1 --port 8080
fi

target_dir="${CARGO_TARGET_DIR:-target}"
# The platform is kept in a SQLite database; a .rio/state.json of earlier versions is imported
# once (into .rio/state.db) and used from then on.
state="${RIO_STATE:-.rio/rio.db}"
if [ -z "${RIO_STATE:-}" ] && [ ! -e .rio/rio.db ] && [ -f .rio/state.json ]; then
  state=.rio/state.json
fi
cargo build -q --release -p backend --bin rio-backend --locked
"$target_dir/release/rio-backend" --listen 127.0.0.1:8081 --state "$state" &
backend_pid=$!
trap 'kill "$backend_pid" 2>/dev/null || true; wait "$backend_pid" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do
  if (exec 3<>/dev/tcp/127.0.0.1/8081) 2>/dev/null; then break; fi
  kill -0 "$backend_pid" 2>/dev/null || { echo "run: the backend did not start (see above)" >&2; exit 1; }
  sleep 0.1
done
echo "run: backend on http://127.0.0.1:8081 (state in $state); console on http://127.0.0.1:8080"
RIO_API_BASE=/api/v1 trunk serve --release --address 127.0.0.1 --port 8080 \
  --proxy-backend http://127.0.0.1:8081/api/
