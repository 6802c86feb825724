# Core benchmarks (criterion); numbers and how to read them: BENCHMARKS.md.
# Not part of `make test`: speed is measured, never asserted.
#   make bench                      the full run, as recorded in BENCHMARKS.md
#   make bench BENCH_ARGS='--warm-up-time 1 --measurement-time 2'   a quick look
BENCH_ARGS ?=

.PHONY: bench
bench:
	$(CARGO) bench -p paysig --bench sign -- $(BENCH_ARGS)
