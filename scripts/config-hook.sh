#!/bin/sh
# Trunk post-build hook: with RIO_API_BASE set (make run does), the build's config.json points
# the console at that backend; without it the shipped public/config.json (demo mode) stays.
set -eu
if [ -n "${RIO_API_BASE:-}" ]; then
  printf '{"apiBase": "%s", "demo": false, "embed": {"allowedOrigins": []}}\n' "$RIO_API_BASE" \
    > "$TRUNK_STAGING_DIR/config.json"
fi
