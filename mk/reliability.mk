# Reliability: hostile input, the Redis replay guard, threads, fuzzing
# (RELIABILITY.md says what was tried and what came out).
#
#   setup-redis        redis-server (Debian) when missing
#   test-reliability   release builds of: core's hostile-input tests at full
#                      size (100 MiB bodies, time and peak RSS printed) and
#                      thread tests; the Redis guard against a real
#                      redis-server; two `paysig serve --redis` processes
#                      under 4 x 50,000 requests (10% replays), Redis killed
#                      and restarted mid-run. (The C and Python hostile and
#                      Redis tests run in test-c and test-python; the debug
#                      `cargo test --workspace` runs the same Rust files at
#                      reduced size.) The C thread test under
#                      ThreadSanitizer (C side only).
#   fuzz               every fuzz target for FUZZ_SECONDS each (default 60),
#                      corpora seeded from tests/vectors; stops at the first
#                      finding. cargo-fuzz is installed into build/tools.
#   fuzz-regressions   replays fuzz/regressions/TARGET/* (past findings)

CARGO_FUZZ_VERSION := 0.13.2
CARGO_FUZZ := $(ROOT)/build/tools/bin/cargo-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := canonicalize verify signature ffi
# cargo-fuzz needs nightly flags (-Zsanitizer); the stable toolchain
# accepts them with RUSTC_BOOTSTRAP=1.
FUZZ_ENV := RUSTC_BOOTSTRAP=1 PATH="$(ROOT)/build/tools/bin:$$PATH"
LOAD_CLIENTS ?= 4
LOAD_REQUESTS ?= 50000

.PHONY: setup-redis test-reliability fuzz fuzz-regressions setup-fuzz

setup-redis:
	@if ! command -v redis-server >/dev/null; then \
	  apt-get update && apt-get install -y redis-server; \
	fi

# The C thread test built with ThreadSanitizer: it instruments the C side
# only (libpaysig's Rust is not instrumented: that needs the standard
# library rebuilt from source, which this toolchain does not ship).
$(C_BUILD)/test_threads_tsan: $(ROOT)/tests/c/test_threads.c $(ROOT)/include/paysig.h $(C_BUILD)/lib/.built
	@mkdir -p $(@D)
	$(CC) -fsanitize=thread $(C_CFLAGS) -o $@ $< $(C_LDFLAGS) -lcjson -lpthread -lm

test-reliability: setup-redis $(C_BUILD)/test_threads_tsan
	$(CARGO) test --release -p paysig --test hostile --test threads -- --nocapture
	TSAN_OPTIONS=halt_on_error=1 $(C_BUILD)/test_threads_tsan 20000
	$(CARGO) build --quiet --release -p paysig-cli
	PAYSIG_BIN=$(ROOT)/target/release/paysig PAYSIG_LOAD_CLIENTS=$(LOAD_CLIENTS) \
	  PAYSIG_LOAD_REQUESTS=$(LOAD_REQUESTS) \
	  $(CARGO) test --release -p paysig-replay-redis -- --include-ignored --nocapture

setup-fuzz:
	@if ! "$(CARGO_FUZZ)" --version 2>/dev/null | grep -q ' $(CARGO_FUZZ_VERSION)$$'; then \
	  $(CARGO) install --quiet --force cargo-fuzz --version $(CARGO_FUZZ_VERSION) --locked --root $(ROOT)/build/tools; \
	fi

fuzz: setup-fuzz
	$(PYTHON) $(ROOT)/fuzz/seed.py $(ROOT)
	cd $(ROOT) && $(FUZZ_ENV) cargo fuzz build -O
	@for target in $(FUZZ_TARGETS); do \
	  echo "fuzz: $$target for $(FUZZ_SECONDS) s"; \
	  (cd $(ROOT) && $(FUZZ_ENV) cargo fuzz run $$target -O -- \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1) \
	    || { echo "fuzz: $$target FOUND SOMETHING: see fuzz/artifacts/$$target" >&2; exit 1; }; \
	done; \
	echo "fuzz: $(words $(FUZZ_TARGETS)) passed, 0 failed ($(FUZZ_SECONDS) s each)"

fuzz-regressions: setup-fuzz
	@for target in $(FUZZ_TARGETS); do \
	  if ls $(ROOT)/fuzz/regressions/$$target/* >/dev/null 2>&1; then \
	    (cd $(ROOT) && $(FUZZ_ENV) cargo fuzz run $$target -O $(ROOT)/fuzz/regressions/$$target/* ) || exit 1; \
	  fi; \
	done

SETUP_TARGETS += setup-redis
TEST_TARGETS += test-reliability
