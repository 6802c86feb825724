# The sandbox against SDK-style clients: tests/sdk/run.py starts `paysig
# serve` and points at it clients written in Node, Python, PHP and Go that
# sign as the providers' official SDKs do (tests/sdk/*: their JSON
# encoders, nonce styles, Date forms, header spellings).
#
#   test-sandbox  accepted and answered in the provider's envelope, refused
#                 with the provider's 401 under a wrong secret, replays
#                 refused, two counter clients on one key both accepted,
#                 one log line per request with no secret or signature.
#
# Needs node, php-cli and go (setup-node, setup-php; Go is a CI
# toolchain). Missing ones fail under CI=true and are skipped loudly
# otherwise.

.PHONY: test-sandbox

test-sandbox:
	$(CARGO) build --quiet -p paysig-cli
	@if command -v go >/dev/null; then cd $(ROOT)/tests/sdk/go && go vet ./...; fi
	$(PYTHON) $(ROOT)/tests/sdk/run.py $(ROOT)/target/debug/paysig

TEST_TARGETS += test-sandbox
