#!/usr/bin/env bash
# Installs the tools rio-console needs, by exact version, only when missing. Idempotent.
#   scripts/setup.sh run    what `make run` needs (wasm target, Trunk, wasm-bindgen, wasm-opt)
#   scripts/setup.sh test   the above plus Chromium + ChromeDriver for the browser tests,
#                           PostgreSQL's server for the backend's tests and twiggy for the
#                           bench's size breakdown
set -euo pipefail

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132.0.0
TWIGGY_VERSION=0.8.0
TOOLS_DIR="${RIO_TOOLS_DIR:-$HOME/.cache/rio-console/tools}"

what="${1:-test}"
say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
die() { printf '\033[31msetup: %s\033[0m\n' "$*" >&2; exit 1; }

command -v cargo >/dev/null || die "cargo is not installed. Install Rust with rustup (https://rustup.rs), then run this again."
command -v rustup >/dev/null || die "rustup is needed to add the wasm32 target. Install Rust with rustup, then run this again."

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding rustup component $component"
    rustup component add "$component"
  fi
done

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (takes ~9 minutes the first time)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --force
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ] \
   || ! command -v wasm-bindgen-test-runner >/dev/null; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (takes ~3 minutes the first time)"
  # Not --locked: the CLI's lock file names a crate version the registry does not serve.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# wasm-opt from npm binaryen; Debian's binaryen (108) produces a wasm that fails at start.
if [ "$("$TOOLS_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
  command -v npm >/dev/null || die "npm is needed to install wasm-opt (binaryen@$BINARYEN_VERSION). Install Node.js 20 and npm, then run this again."
  say "installing wasm-opt from npm binaryen@$BINARYEN_VERSION into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION"
fi

if [ "$what" = test ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
      say "installing Debian chromium and chromium-driver"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    elif command -v apt-get >/dev/null && command -v sudo >/dev/null; then
      say "installing Debian chromium and chromium-driver (sudo)"
      sudo apt-get update -qq
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    else
      die "the browser tests need chromium and chromedriver on PATH (Debian: apt-get install chromium chromium-driver)."
    fi
  fi
  # PostgreSQL's server, for the tests of the backend on PostgreSQL (a throwaway cluster each run).
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
      say "installing Debian postgresql"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    elif command -v apt-get >/dev/null && command -v sudo >/dev/null; then
      say "installing Debian postgresql (sudo)"
      sudo apt-get update -qq
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
      die "the backend's tests need PostgreSQL's server (Debian: apt-get install postgresql)."
    fi
  fi
  # twiggy, for the bench's size breakdown of the wasm by crate and page (it prints "twiggy-opt X").
  if [ "$(twiggy --version 2>/dev/null | awk '{print $2}')" != "$TWIGGY_VERSION" ]; then
    say "installing twiggy $TWIGGY_VERSION (takes ~2 minutes the first time)"
    cargo install twiggy --version "$TWIGGY_VERSION" --locked --force
  fi
  chromium --version >/dev/null 2>&1 || die "chromium is installed but does not start: $(chromium --version 2>&1 | head -1)"
  [ "$(chromium --version 2>/dev/null | grep -oE '[0-9]+' | head -1)" = "$(chromedriver --version | grep -oE '[0-9]+' | head -1)" ] \
    || die "chromium and chromedriver major versions differ: $(chromium --version) / $(chromedriver --version)"
fi
say "tools ready"
