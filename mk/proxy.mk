# paysig proxy (issue 14): the signing sidecar.
#
#   setup-proxy  curl (the shell client of the tests) when missing
#   test-proxy   cli/tests/proxy.rs: curl, Python requests (.venv) and PHP
#                without FFI → paysig proxy → paysig serve, over plain HTTP
#                and TLS (a test CA), for the five schemes; a wrong secret's
#                401 byte for byte; every limit; SIGTERM mid-request;
#                routing, Unix socket, health, logs. cli/tests/proxy_redis.rs:
#                two proxies on one redis-server, 2,000 requests at
#                concurrency 32, none refused.
#   bench-proxy  the load benchmark of BENCHMARKS.md (not part of test):
#                requests/s and latency, direct vs through the proxy, and
#                the proxy's RSS; BENCH_PROXY_REQUESTS sets the count.
BENCH_PROXY_REQUESTS ?= 200000

.PHONY: setup-proxy test-proxy bench-proxy

setup-proxy:
	@command -v curl >/dev/null || { apt-get update && apt-get install -y curl; }

test-proxy: setup-proxy setup-python setup-php setup-redis
	PAYSIG_TEST_PYTHON=$(VENV_PY) $(CARGO) test -p paysig-cli --test proxy --test proxy_redis

bench-proxy:
	$(CARGO) build --quiet --release -p paysig-cli --bins --example proxy_load
	REQUESTS=$(BENCH_PROXY_REQUESTS) bash tests/proxy/bench.sh

# Not in TEST_TARGETS: `cargo test --workspace` (test-rust) already runs
# these two test files, after every setup target.
SETUP_TARGETS += setup-proxy
