#!/usr/bin/env bash
# Every check, in order, stopping at the first red one. `make test` runs this after setup.
#   scripts/test.sh [STEP...]   run only the named steps (fmt clippy native component build e2e size)
set -euo pipefail
cd "$(dirname "$0")/.."

export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}"
export CHROMIUM="${CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-always}"
# The e2e tests load this checkout's release build, whatever else shares the build directory.
export RIO_DIST="$PWD/dist"
WASM=wasm32-unknown-unknown

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

# The backend's tests run on SQLite and on PostgreSQL: a throwaway cluster for this run, unless
# RIO_TEST_POSTGRES already names a server to use.
pg_dir=""
stop_postgres() { [ -z "$pg_dir" ] || { scripts/postgres.sh stop "$pg_dir"; rm -rf "$pg_dir"; }; }
trap stop_postgres EXIT
start_postgres() {
  [ -z "${RIO_TEST_POSTGRES:-}" ] || return 0
  pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/rio-postgres.XXXXXX")"
  step "a throwaway PostgreSQL cluster for the backend's tests"
  RIO_TEST_POSTGRES="$(scripts/postgres.sh start "$pg_dir")"
  export RIO_TEST_POSTGRES
  echo "$RIO_TEST_POSTGRES"
}

run_step() {
  case "$1" in
    fmt)
      step "format (cargo fmt --check)"
      cargo fmt --all -- --check ;;
    clippy)
      step "lint, host (cargo clippy -D warnings)"
      cargo clippy --workspace --all-targets --locked -- -D warnings
      step "lint, wasm32 (cargo clippy -D warnings)"
      cargo clippy -p rio-console --all-targets --target "$WASM" --locked -- -D warnings
      # The platform library runs in the browser too (its tests use proptest, native only).
      cargo clippy -p platform --lib --target "$WASM" --locked -- -D warnings ;;
    native)
      step "platform crate stays free of UI and runtime crates"
      if cargo tree -p platform -e normal --prefix none --locked | grep -E '^(leptos|web-sys|tokio|wasm-bindgen|js-sys) '; then
        echo "crates/platform must not depend on the crates above" >&2
        exit 1
      fi
      start_postgres
      step "native tests (cargo test), the backend's on SQLite and PostgreSQL"
      cargo test --workspace --exclude rio-e2e --locked
      cargo test -p rio-e2e --lib --bins --locked ;;
    component)
      step "component tests in headless Chromium (wasm-bindgen-test)"
      cargo test -p rio-console --target "$WASM" --locked ;;
    build)
      step "release build (trunk build --release)"
      trunk build --release ;;
    e2e)
      step "end-to-end tests in Chromium against the release build"
      cargo test -p rio-e2e --test '*' --locked -- --test-threads=2 ;;
    size)
      step "bundle size"
      cargo run -q -p rio-e2e --bin size-report --locked -- dist ;;
    *)
      echo "unknown step: $1 (fmt clippy native component build e2e size)" >&2
      exit 2 ;;
  esac
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(fmt clippy native component build e2e size)
for s in "${steps[@]}"; do run_step "$s"; done
printf '\n\033[1;32mall checks passed:\033[0m %s\n' "${steps[*]}"
