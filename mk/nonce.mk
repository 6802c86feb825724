# Nonces across processes and hosts (issue 11), with the real components.
#
#   setup-nonce  php8.2-fpm, libfcgi-bin (cgi-fcgi) and redis-server (apt)
#                when missing
#   test-nonce   a php-fpm pool of 8 static workers on a loopback port,
#                2,000 requests at concurrency 64 through cgi-fcgi, each
#                signing once with one key and DEFAULT settings and sent to
#                `paysig serve` (OnchainPay "unique", Aquapay): 0 repeated
#                nonces, 0 refused; the same with the per-process source,
#                for comparison (tests/nonce/fpm_run.py). Then two "hosts"
#                on one redis-server through the Redis source, and Redis
#                killed mid-run (tests/nonce/redis_hosts.py).
#                (Per binding: core/tests/nonce_host.rs, tests/c/test_nonce.c,
#                python/tests/test_nonce_source.py, go/nonce_source_test.go,
#                php-ext/tests/Unit/NonceSourceTest.php, in their targets.)
#   bench-nonce  the cost of a nonce per kind (core/benches/nonce.rs; not
#                part of `test`)

NONCE_CLI := $(ROOT)/target/release/paysig

.PHONY: setup-nonce test-nonce bench-nonce

setup-nonce:
	@if ! command -v php-fpm8.2 >/dev/null || ! command -v cgi-fcgi >/dev/null \
	    || ! command -v redis-server >/dev/null; then \
	  apt-get update && apt-get install -y php8.2-fpm libfcgi-bin redis-server; \
	fi

test-nonce: lib-c
	$(CARGO) build --quiet --release -p paysig-cli
	$(PYTHON) $(ROOT)/tests/nonce/fpm_run.py $(NONCE_CLI) 2000 64
	$(PYTHON) $(ROOT)/tests/nonce/redis_hosts.py $(NONCE_CLI) 300

bench-nonce:
	@command -v redis-server >/dev/null || { echo "bench-nonce: redis-server is missing (make setup-nonce)" >&2; exit 1; }
	$(CARGO) bench -p paysig-replay-redis --bench nonce

SETUP_TARGETS += setup-nonce
TEST_TARGETS += test-nonce
