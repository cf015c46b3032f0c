#!/bin/sh
# Trunk post-build hook: a release build gets a brotli (.br) and a gzip (.gz) copy beside each
# wasm, JS, CSS, HTML, SVG and JSON file worth it, for servers that send precompressed files
# (rio-backend --static, nginx gzip_static/brotli_static, Caddy precompressed). The top-level
# config.json gets none: it is edited where the build is deployed (and config-hook.sh may be
# rewriting it right now). Debug builds skip this, and so does `trunk serve`, whose server never
# sends the copies (scripts/run.sh sets RIO_COMPRESS=0).
set -eu
[ "${TRUNK_PROFILE:-}" = release ] || exit 0
[ "${RIO_COMPRESS:-1}" != 0 ] || exit 0
exec cargo run --release -q --locked -p compress --bin rio-compress -- "$TRUNK_STAGING_DIR"
