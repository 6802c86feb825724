# C: libpaysig (ffi/), include/paysig.h, the C tests, installation.
#
#   setup-c       valgrind, pkg-config, cJSON (apt) and the pinned cbindgen
#                 (build/tools) when missing
#   lib-c         target/release/libpaysig.{so,a}
#   header        regenerate include/paysig.h and include/paysig_ffi.h
#   check-header  fail when the committed headers differ from a fresh
#                 generation, or paysig_ffi.h has a preprocessor line
#   test-c        check-header, then under valgrind: error paths, the
#                 binary token stream (test_tokens.c), the sign-into-
#                 buffer functions (test_into.c), threads
#                 (reduced count; the full 8 x 100,000 natively), every
#                 vector file through tests/conformance/run.sh c; then
#                 `make install` into a temporary prefix and a pkg-config
#                 build of tests/c/example.c
#   install       PREFIX (default /usr/local), LIBDIR, DESTDIR
#   demo-c        build the example against the tree
#   bench-c       sign per scheme from C, and core vs the C ABI from Rust
#                 (ffi/src/overhead.rs; not part of `test`)

CBINDGEN_VERSION := 0.29.4
C_TOOLS := $(ROOT)/build/tools
CBINDGEN := $(C_TOOLS)/bin/cbindgen
C_BUILD := $(ROOT)/build/c
C_RELEASE := $(ROOT)/target/release
C_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' $(ROOT)/Cargo.toml | head -1)
C_SOURCES := $(shell find $(ROOT)/ffi/src $(ROOT)/core/src -name '*.rs' 2>/dev/null) \
	$(ROOT)/ffi/Cargo.toml $(ROOT)/ffi/build.rs $(ROOT)/core/Cargo.toml $(ROOT)/Cargo.lock
C_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 -I$(ROOT)/include \
	-DPAYSIG_VECTORS=\"$(ROOT)/tests/vectors\"
# Links the shared library found through build/c/lib, which names it by
# its SONAME as the loader looks for it.
C_LDFLAGS := -L$(C_BUILD)/lib -Wl,-rpath,$(C_BUILD)/lib -lpaysig
C_VALGRIND := valgrind --quiet --leak-check=full --errors-for-leak-kinds=all \
	--suppressions=$(ROOT)/tests/c/valgrind.supp \
	--show-leak-kinds=all --error-exitcode=1
# 8 threads x 100,000 operations natively; memcheck serializes threads and
# runs ~50x slower, so it gets a smaller count (the same code paths).
C_THREAD_OPS := 100000
C_THREAD_OPS_VALGRIND := 10000
C_TESTS := $(C_BUILD)/test_errors $(C_BUILD)/test_tokens $(C_BUILD)/test_into $(C_BUILD)/test_threads \
	$(C_BUILD)/test_cpp $(C_BUILD)/conformance $(C_BUILD)/test_hostile $(C_BUILD)/test_nonce

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DESTDIR ?=

.PHONY: setup-c lib-c header check-header test-c install demo-c bench-c c-conformance-runner

setup-c:
	@if ! command -v valgrind >/dev/null || ! command -v pkg-config >/dev/null \
	    || [ ! -f /usr/include/cjson/cJSON.h ] || ! command -v cc >/dev/null \
	    || ! command -v c++ >/dev/null; then \
	  apt-get update && apt-get install -y valgrind pkg-config libcjson-dev gcc g++; \
	fi
	@if ! "$(CBINDGEN)" --version 2>/dev/null | grep -qx 'cbindgen $(CBINDGEN_VERSION)'; then \
	  $(CARGO) install --quiet --force cbindgen --version $(CBINDGEN_VERSION) --locked --root $(C_TOOLS); \
	fi

# The pinned cbindgen, project-local (CI starts without it).
$(CBINDGEN):
	$(CARGO) install --quiet cbindgen --version $(CBINDGEN_VERSION) --locked --root $(C_TOOLS)

lib-c: $(C_BUILD)/lib/.built

$(C_BUILD)/lib/.built: $(C_SOURCES)
	$(CARGO) build --quiet --release -p paysig-ffi
	mkdir -p $(C_BUILD)/lib
	ln -sf $(C_RELEASE)/libpaysig.so $(C_BUILD)/lib/libpaysig.so
	ln -sf $(C_RELEASE)/libpaysig.so $(C_BUILD)/lib/libpaysig.so.0
	touch $@

header: $(CBINDGEN)
	$(CBINDGEN) --quiet --config $(ROOT)/ffi/cbindgen.toml --crate paysig-ffi \
	  --output $(ROOT)/include/paysig.h $(ROOT)/ffi
	$(CBINDGEN) --quiet --config $(ROOT)/ffi/cbindgen-php.toml --crate paysig-ffi \
	  --output $(ROOT)/include/paysig_ffi.h $(ROOT)/ffi

check-header: $(CBINDGEN)
	@fresh=$$(mktemp -d); trap 'rm -rf "$$fresh"' EXIT; \
	$(CBINDGEN) --quiet --config $(ROOT)/ffi/cbindgen.toml --crate paysig-ffi \
	  --output "$$fresh/paysig.h" $(ROOT)/ffi; \
	$(CBINDGEN) --quiet --config $(ROOT)/ffi/cbindgen-php.toml --crate paysig-ffi \
	  --output "$$fresh/paysig_ffi.h" $(ROOT)/ffi; \
	if ! diff -u $(ROOT)/include/paysig.h "$$fresh/paysig.h" \
	   || ! diff -u $(ROOT)/include/paysig_ffi.h "$$fresh/paysig_ffi.h"; then \
	  echo "check-header: FAIL: include/ is not what cbindgen $(CBINDGEN_VERSION) generates; run make header" >&2; \
	  exit 1; \
	fi; \
	if grep -n '^[[:space:]]*#' $(ROOT)/include/paysig_ffi.h; then \
	  echo "check-header: FAIL: include/paysig_ffi.h has preprocessor lines PHP FFI cannot read" >&2; \
	  exit 1; \
	fi; \
	echo "check-header: include/paysig.h and include/paysig_ffi.h are current"

$(C_BUILD)/%: $(ROOT)/tests/c/%.c $(ROOT)/include/paysig.h $(C_BUILD)/lib/.built
	@mkdir -p $(@D)
	$(CC) $(C_CFLAGS) -o $@ $< $(C_LDFLAGS) -lcjson -lpthread -lm

$(C_BUILD)/test_cpp: $(ROOT)/tests/c/test_cpp.cpp $(ROOT)/include/paysig.h $(C_BUILD)/lib/.built
	$(CXX) -std=c++11 -Wall -Wextra -Werror -g -I$(ROOT)/include -o $@ $< $(C_LDFLAGS)

c-conformance-runner: $(C_BUILD)/conformance

test-c: check-header $(C_TESTS)
	$(C_VALGRIND) $(C_BUILD)/test_errors
	$(C_VALGRIND) $(C_BUILD)/test_tokens
	$(C_VALGRIND) $(C_BUILD)/test_into
	$(C_VALGRIND) $(C_BUILD)/test_cpp
	$(C_VALGRIND) $(C_BUILD)/test_threads $(C_THREAD_OPS_VALGRIND)
	$(C_BUILD)/test_threads $(C_THREAD_OPS)
	$(C_VALGRIND) $(C_BUILD)/test_hostile 4
	$(C_BUILD)/test_hostile 100
	$(C_VALGRIND) $(C_BUILD)/test_nonce 8 200
	$(C_BUILD)/test_nonce 8 20000
	PAYSIG_C_VALGRIND=1 $(PYTHON) $(ROOT)/tests/conformance/check.py c
	@$(MAKE) --no-print-directory test-c-install

# `make install` into a temporary prefix, then the documented build line.
.PHONY: test-c-install
test-c-install: $(C_BUILD)/lib/.built
	@prefix=$$(mktemp -d); trap 'rm -rf "$$prefix"' EXIT; \
	$(MAKE) --no-print-directory -s install PREFIX="$$prefix" DESTDIR= LIBDIR="$$prefix/lib" INCLUDEDIR="$$prefix/include"; \
	export PKG_CONFIG_PATH="$$prefix/lib/pkgconfig"; \
	cc -Wall -Wextra -Werror -o "$$prefix/example" $(ROOT)/tests/c/example.c $$(pkg-config --cflags --libs paysig); \
	want=$$($(PYTHON) -c 'import json,sys; print(json.load(open(sys.argv[1]))["cases"][0]["expect"]["headers"]["x-api-signature"])' $(ROOT)/tests/vectors/onchainpay.json); \
	got=$$(LD_LIBRARY_PATH="$$prefix/lib" "$$prefix/example" | sed -n 's/^x-api-signature: //p'); \
	if [ "$$got" != "$$want" ]; then \
	  echo "test-c-install: FAIL: the installed example printed '$$got', the vector says '$$want'" >&2; exit 1; \
	fi; \
	echo "test-c-install: 1 passed, 0 failed (make install + cc example.c \$$(pkg-config --cflags --libs paysig))"

install: $(C_BUILD)/lib/.built
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/paysig
	install -m 0755 $(C_RELEASE)/libpaysig.so $(DESTDIR)$(LIBDIR)/libpaysig.so.$(C_VERSION)
	ln -sf libpaysig.so.$(C_VERSION) $(DESTDIR)$(LIBDIR)/libpaysig.so.0
	ln -sf libpaysig.so.0 $(DESTDIR)$(LIBDIR)/libpaysig.so
	install -m 0644 $(C_RELEASE)/libpaysig.a $(DESTDIR)$(LIBDIR)/libpaysig.a
	install -m 0644 $(ROOT)/include/paysig.h $(ROOT)/include/paysig_ffi.h $(DESTDIR)$(INCLUDEDIR)/paysig/
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(C_VERSION)|' \
	  $(ROOT)/ffi/paysig.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/paysig.pc
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

demo-c: $(C_BUILD)/example

bench-c: $(C_BUILD)/bench
	$(C_BUILD)/bench
	$(CARGO) test --quiet --release -p paysig-ffi --lib overhead -- --ignored --nocapture

$(C_BUILD)/bench: $(ROOT)/tests/c/bench.c $(ROOT)/include/paysig.h $(C_BUILD)/lib/.built
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -I$(ROOT)/include -o $@ $< $(C_LDFLAGS) -lcjson

SETUP_TARGETS += setup-c
TEST_TARGETS += test-c
DEMO_TARGETS += demo-c
