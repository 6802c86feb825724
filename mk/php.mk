# PHP: the paysig/paysig Composer package in php-ext/ (FFI over libpaysig,
# Guzzle middleware; php-ext/README.md).
#
#   setup-php   php-cli (with FFI), phpunit and php-guzzlehttp-guzzle from
#               Debian when missing
#   test-php    libpaysig (lib-c) and the paysig CLI (the loopback server),
#               then PHPUnit (signers, Guzzle through `paysig serve`, the
#               Aquapay docs example side by side, loader errors, preload
#               recipes, the 100,000-call soak) and every vector file
#               through tests/conformance/run.sh php
#   demo-php    libpaysig (scripts/demo.py signs through the PHP runner)
#   bench-php   php-ext/benchmarks/bench.php (not part of `test`)

PHP ?= php
PHPUNIT ?= phpunit
PHP_DIR := $(ROOT)/php-ext
# (Not `php -m | grep -q`: grep exits early, and pipefail sees php's SIGPIPE.)
PHP_HAS_FFI = $(PHP) -r 'exit(extension_loaded("ffi") ? 0 : 1);'

.PHONY: setup-php test-php demo-php bench-php

setup-php:
	@if ! command -v $(PHP) >/dev/null || ! $(PHP_HAS_FFI) || ! command -v $(PHPUNIT) >/dev/null \
	    || [ ! -f /usr/share/php/GuzzleHttp/autoload.php ]; then \
	  apt-get update && apt-get install -y php-cli phpunit php-guzzlehttp-guzzle; \
	fi
	@$(PHP_HAS_FFI) || { echo "setup-php: FAIL: php has no FFI extension (Debian ships it in php-common: phpenmod ffi)" >&2; exit 1; }

test-php: lib-c
	$(CARGO) build --quiet --release -p paysig-cli
	cd $(PHP_DIR) && PAYSIG_CLI=$(ROOT)/target/release/paysig $(PHPUNIT) -c phpunit.xml.dist
	$(PYTHON) $(ROOT)/tests/conformance/check.py php

demo-php: setup-php lib-c

bench-php: lib-c
	$(PHP) $(PHP_DIR)/benchmarks/bench.php

SETUP_TARGETS += setup-php
TEST_TARGETS += test-php
DEMO_TARGETS += demo-php
