# Go: the paysig package in go/ (cgo over libpaysig; go/README.md). It
# links through pkg-config: here build/pkgconfig/paysig-uninstalled.pc
# (written by lib-c), which names the tree's build/c/lib.
#
#   test-go   go vet, then go test ./... (the vectors through
#             tests/conformance/run.sh go, the Transport against an
#             httptest.Server behind the Middleware, errors.Is, threads)
#   bench-go  testing.B per scheme (not part of `test`)
#   demo-go   build the conformance runner

GO ?= go
GO_PKG_CONFIG_PATH := $(ROOT)/build/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))
GO_DIR := $(ROOT)/go
GO_SOURCES := $(shell find $(GO_DIR) -name '*.go' 2>/dev/null) $(GO_DIR)/go.mod
# Go's build cache does not hash the library cgo links: this stamp, part
# of -ldflags, makes a rebuilt libpaysig relink.
GO_LIB_STAMP = $(shell sha256sum $(ROOT)/target/release/libpaysig.so 2>/dev/null | cut -c1-16)
GO_LDFLAGS = -ldflags=-X=paysig.dev/go/paysig.libraryBuild=$(GO_LIB_STAMP)

.PHONY: test-go bench-go demo-go go-conformance-runner setup-go-pkg-config

test-go bench-go $(ROOT)/build/go/conformance: export PKG_CONFIG_PATH := $(GO_PKG_CONFIG_PATH)

# cgo runs pkg-config, which a bare machine lacks (the demo installs it too).
setup-go-pkg-config:
	@command -v pkg-config >/dev/null || { apt-get update && apt-get install -y pkg-config; }

go-conformance-runner: $(ROOT)/build/go/conformance

$(ROOT)/build/go/conformance: $(GO_SOURCES) $(ROOT)/build/c/lib/.built | setup-go-pkg-config
	@mkdir -p $(@D)
	cd $(GO_DIR) && $(GO) build $(GO_LDFLAGS) -o $@ ./cmd/conformance

test-go: $(ROOT)/build/c/lib/.built setup-go-pkg-config
	@command -v $(GO) >/dev/null || { echo "test-go: FAIL: go is not installed" >&2; exit 1; }
	cd $(GO_DIR) && $(GO) vet ./...
	cd $(GO_DIR) && $(GO) test $(GO_LDFLAGS) -count=1 ./...

bench-go: $(ROOT)/build/c/lib/.built
	cd $(GO_DIR) && $(GO) test $(GO_LDFLAGS) -run '^$$' -bench . -benchmem ./...

demo-go: go-conformance-runner

TEST_TARGETS += test-go
DEMO_TARGETS += demo-go
