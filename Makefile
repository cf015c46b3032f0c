# rio console: the two front doors.
#   make run    install what is missing, then serve the console on http://127.0.0.1:8080
#               against the reference backend on 127.0.0.1:8081
#   make demo   the same console in demo mode (no backend)
#   make test   install what is missing, then run every check (what CI runs)
#   make test STEPS="native e2e"   only some steps: fmt clippy native component build e2e size
#   make bench  release builds (console, rio-backend), then the console measured in headless
#               Chromium against a plain-JS baseline (bench/) and against the reference backend
#               with 100,000 deployments: report in target/bench/report.md; about 12 minutes
#               on 2 cores (RIO_BENCH_WINDOW_SECS=10 RIO_BENCH_RUNS=4 for a quick, rougher one,
#               about 5); then `make bench-backend`
#   make bench-backend  the reference backend with 100,000 deployments against itself with a
#               small fleet, on SQLite and on PostgreSQL with two processes: report in
#               target/bench/backend.md; about 15 minutes, 10 of them watching an idle database
#               (RIO_BENCH_IDLE_SECS=60 RIO_BENCH_SAMPLES=50 for a quick one)
#   make fuzz   a long property-based fuzzing run over every decoder of the platform crate and
#               the deploy/update rules (crates/platform/tests/fuzz.rs): RIO_FUZZ_CASES cases a
#               property (default here 20000; 5000 took 7 minutes in a debug build on 2 busy cores,
#               this release build is faster; `make test` runs 96, about 10 s);
#               e.g. `make fuzz RIO_FUZZ_CASES=200000` for a night

TOOLS_DIR ?= $(HOME)/.cache/rio-console/tools
export RIO_TOOLS_DIR := $(TOOLS_DIR)
# npm's wasm-opt goes first on PATH so Trunk never picks up another one.
export PATH := $(TOOLS_DIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: run demo test bench bench-backend fuzz setup-run setup-test build
.DEFAULT_GOAL := run

run: setup-run
	scripts/run.sh

demo: setup-run
	scripts/run.sh demo

test: setup-test
	scripts/test.sh $(STEPS)

bench: setup-test
	trunk build --release
	cargo build -q --release -p backend --bin rio-backend --locked
	RIO_DIST="$(CURDIR)/dist" \
	CHROMEDRIVER="$${CHROMEDRIVER:-$$(command -v chromedriver || echo /usr/bin/chromedriver)}" \
	CHROMIUM="$${CHROMIUM:-$$(command -v chromium || echo /usr/bin/chromium)}" \
	cargo run -q -p rio-e2e --bin bench --locked
	$(MAKE) bench-backend

bench-backend: setup-test
	cargo build -q --release -p backend --bin rio-backend --locked
	cargo run -q --release -p rio-e2e --bin bench-backend --locked

RIO_FUZZ_CASES ?= 20000
fuzz:
	RIO_FUZZ_CASES=$(RIO_FUZZ_CASES) cargo test -p platform --release --locked --test fuzz -- --nocapture

build: setup-run
	trunk build --release

setup-run:
	scripts/setup.sh run

setup-test:
	scripts/setup.sh test
