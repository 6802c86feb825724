# Release artifacts that install without Rust (packaging/README.md).
#
#   setup-dist  zig, cargo-zigbuild and auditwheel (packaging/
#               requirements-dist.txt, into .venv), the musl Rust target,
#               and for test-dist php-fpm, composer, unzip, cgi-fcgi,
#               pkg-config (apt) when missing
#   dist        dist/: the tarball, the .debs, the wheels and sdist, the
#               Composer archive (packaging/build-dist.sh)
#   test-dist   installs every artifact in temporary directories with no
#               Rust tool on PATH and runs the documented examples
#               (packaging/test-dist.sh); builds dist/ first when absent

DIST_DIR := $(ROOT)/dist
DIST_STAMP := $(DIST_DIR)/SHA256SUMS
DIST_REQUIREMENTS := $(ROOT)/packaging/requirements-dist.txt
# (Not python.mk's VENV: mk/python.mk is read after this file, and a
# prerequisite list is expanded when it is read.)
DIST_VENV := $(ROOT)/.venv

.PHONY: setup-dist dist test-dist

setup-dist: setup-python $(DIST_VENV)/.requirements-dist.txt
	@rustup target list --installed | grep -qx x86_64-unknown-linux-musl \
	  || rustup target add x86_64-unknown-linux-musl \
	  || { echo "setup-dist: FAIL: rustup target add x86_64-unknown-linux-musl failed" >&2; exit 1; }
	@if ! command -v php-fpm8.2 >/dev/null || ! command -v composer >/dev/null \
	    || ! command -v unzip >/dev/null || ! command -v cgi-fcgi >/dev/null \
	    || ! command -v pkg-config >/dev/null || ! command -v objdump >/dev/null \
	    || ! command -v dpkg-deb >/dev/null || [ ! -f /usr/share/php/GuzzleHttp/autoload.php ] \
	    || ! php -r 'exit(extension_loaded("zip") ? 0 : 1);' 2>/dev/null; then \
	  apt-get update && apt-get install -y php8.2-fpm php-cli php8.2-zip composer unzip libfcgi-bin \
	    pkg-config binutils dpkg php-guzzlehttp-guzzle; \
	fi

$(DIST_VENV)/.requirements-dist.txt: $(DIST_REQUIREMENTS) | setup-python
	$(DIST_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	cp $< $@

dist:
	bash $(ROOT)/packaging/build-dist.sh

$(DIST_STAMP):
	bash $(ROOT)/packaging/build-dist.sh

test-dist: $(DIST_STAMP)
	bash $(ROOT)/packaging/test-dist.sh

SETUP_TARGETS += setup-dist
TEST_TARGETS += test-dist
