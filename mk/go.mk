# Go: the paysig package in go/ (cgo over libpaysig.a; go/README.md).
#
#   test-go   go vet, then go test ./... (the vectors through
#             tests/conformance/run.sh go, the Transport against an
#             httptest.Server behind the Middleware, errors.Is, threads)
#   bench-go  testing.B per scheme (not part of `test`)
#   demo-go   build the conformance runner

GO ?= go
GO_DIR := $(ROOT)/go
GO_SOURCES := $(shell find $(GO_DIR) -name '*.go' 2>/dev/null) $(GO_DIR)/go.mod
# Go's build cache does not hash the static library cgo links by path:
# this stamp, part of -ldflags, makes a rebuilt libpaysig.a relink.
GO_LIB_STAMP = $(shell sha256sum $(ROOT)/target/release/libpaysig.a 2>/dev/null | cut -c1-16)
GO_LDFLAGS = -ldflags=-X=paysig.dev/go/paysig.libraryBuild=$(GO_LIB_STAMP)

.PHONY: test-go bench-go demo-go go-conformance-runner

go-conformance-runner: $(ROOT)/build/go/conformance

$(ROOT)/build/go/conformance: $(GO_SOURCES) $(ROOT)/build/c/lib/.built
	@mkdir -p $(@D)
	cd $(GO_DIR) && $(GO) build $(GO_LDFLAGS) -o $@ ./cmd/conformance

test-go: $(ROOT)/build/c/lib/.built
	@command -v $(GO) >/dev/null || { echo "test-go: FAIL: go is not installed" >&2; exit 1; }
	cd $(GO_DIR) && $(GO) vet ./...
	cd $(GO_DIR) && $(GO) test $(GO_LDFLAGS) -count=1 ./...

bench-go: $(ROOT)/build/c/lib/.built
	cd $(GO_DIR) && $(GO) test $(GO_LDFLAGS) -run '^$$' -bench . -benchmem ./...

demo-go: go-conformance-runner

TEST_TARGETS += test-go
DEMO_TARGETS += demo-go
