# Python: the paysig wheel (PyO3 + maturin) — python/README.md.
#
#   setup-python  the venv at .venv with python/requirements-dev.txt
#   demo-python   build the wheel and install it into .venv (the conformance
#                 runner tests/conformance/python.sh uses it)
#   test-python   pytest (stubs, HTTP clients, Node differential, threads,
#                 fresh-venv install) + every vector file through the runner
#   bench-python  the benchmarks of python/benchmarks (not part of `test`)

VENV := $(ROOT)/.venv
VENV_PY := $(VENV)/bin/python
PY_WHEEL_DIR := $(ROOT)/target/python-wheels
# maturin builds with PYO3_BUILD_EXTENSION_MODULE set; its own target dir
# keeps it from invalidating `cargo build --workspace` and the reverse.
PY_TARGET_DIR := $(ROOT)/target/python
PY_INSTALLED := $(VENV)/.paysig-wheel-installed
PY_SOURCES := $(shell find $(ROOT)/python/src $(ROOT)/python/paysig $(ROOT)/core/src -type f 2>/dev/null) \
	$(ROOT)/python/Cargo.toml $(ROOT)/python/pyproject.toml $(ROOT)/python/README.md \
	$(ROOT)/core/Cargo.toml $(ROOT)/Cargo.lock

.PHONY: setup-python demo-python test-python bench-python

setup-python: $(VENV)/.requirements-dev.txt

# Installs what is missing: python3 with venv, node (the differential
# tests), then the pinned tools. Re-runs only when the pins change.
$(VENV)/.requirements-dev.txt: $(ROOT)/python/requirements-dev.txt
	@if ! python3 -c 'import venv, ensurepip' 2>/dev/null || ! command -v node >/dev/null; then \
	  apt-get update && apt-get install -y python3 python3-venv python3-pip nodejs; \
	fi
	@test -x $(VENV_PY) || python3 -m venv $(VENV)
	$(VENV_PY) -m pip install --quiet --disable-pip-version-check -r $<
	cp $< $@

$(PY_INSTALLED): $(VENV)/.requirements-dev.txt $(PY_SOURCES)
	rm -rf $(PY_WHEEL_DIR)
	CARGO_TARGET_DIR=$(PY_TARGET_DIR) $(VENV)/bin/maturin build --quiet --release \
	  -m $(ROOT)/python/Cargo.toml -o $(PY_WHEEL_DIR)
	$(VENV_PY) -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall $(PY_WHEEL_DIR)/paysig-*.whl
	touch $@

demo-python: $(PY_INSTALLED)

test-python: $(PY_INSTALLED)
	cd $(ROOT) && PAYSIG_WHEEL_DIR=$(PY_WHEEL_DIR) $(VENV_PY) -m pytest -c python/pyproject.toml python/tests
	$(PYTHON) $(ROOT)/tests/conformance/check.py python

bench-python: $(PY_INSTALLED)
	cd $(ROOT) && $(VENV_PY) -m pytest -c python/pyproject.toml python/benchmarks --benchmark-only \
	  --benchmark-columns=min,median,mean,ops --benchmark-sort=name

SETUP_TARGETS += setup-python
TEST_TARGETS += test-python
DEMO_TARGETS += demo-python
