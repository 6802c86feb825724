# paysig — the two commands that matter:
#   make demo   sign the providers' documented examples from every language
#   make test   run every test (installs what the tests need when missing)
#
# Each binding or tool adds its own targets in mk/NAME.mk and registers them
# in SETUP_TARGETS, TEST_TARGETS and DEMO_TARGETS, so no two pieces of work
# edit the same rules.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
PYTHON ?= python3
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

SETUP_TARGETS :=
TEST_TARGETS :=
DEMO_TARGETS :=

.PHONY: all setup test demo build lint fmt test-rust demo-cli conformance-rust
all: build

build:
	$(CARGO) build --workspace --release

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

# Rust: unit, vector, Node differential and JSONTestSuite tests, then the
# same vectors through the conformance runner contract.
test-rust:
	$(CARGO) test --workspace
	$(PYTHON) tests/conformance/check.py rust

# Demo prerequisites only build; scripts/demo.py then signs the providers'
# documented examples through every language that is built.
demo-cli:
	$(CARGO) build --quiet --release -p paysig-cli -p paysig --bins --example conformance

TEST_TARGETS += lint test-rust
DEMO_TARGETS += demo-cli

-include $(sort $(wildcard mk/*.mk))

setup: $(SETUP_TARGETS)

test: setup
	@$(MAKE) --no-print-directory -k $(TEST_TARGETS)

demo: $(DEMO_TARGETS)
	$(PYTHON) scripts/demo.py
