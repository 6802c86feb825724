# Node.js: the oracle of the differential tests (JSON.stringify itself) and
# the generator of the vector files. The machine image ships it; a bare
# Debian gets Debian's package.
.PHONY: setup-node
setup-node:
	@command -v node >/dev/null 2>&1 || { apt-get update && apt-get install -y nodejs; }
SETUP_TARGETS += setup-node
