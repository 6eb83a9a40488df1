# `make test` and `make demo` each work from a fresh clone with only python3 and the
# package index: the first run creates .venv and installs the project with its dev extras.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: test lint typecheck verifytypes pytest demo test-django42 soak bench clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# mypy resolves imports by path, and the core lives in core/ but is imported as
# appconfig_core: a link in build/ gives it that name. pyright (pinned, from npm into
# build/node with the machine's Node.js) checks that the public API is fully typed; it finds
# packages on the venv's sys.path plus PYTHONPATH, and runs from build/node so that the
# checkout is not taken for its project root.
PYRIGHT_VERSION := 1.1.414
PYRIGHT_STAMP := build/node/.pyright-$(PYRIGHT_VERSION)
TYPED_PACKAGES := appconfig_core django_appconfig flask_appconfig

$(PYRIGHT_STAMP):
	npm install --prefix build/node --no-audit --no-fund --silent pyright@$(PYRIGHT_VERSION)
	touch $@

# pyright needs Node.js: without npm the step says so and is skipped (CI machines have it).
typecheck: $(STAMP)
	mkdir -p build/mypy && ln -sfn ../../core build/mypy/appconfig_core
	MYPYPATH=build/mypy $(BIN)/mypy -p appconfig_core -p flask_appconfig -p django_appconfig
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory verifytypes; \
	else echo "skipping pyright --verifytypes: npm not found (install Node.js to run it)"; fi

verifytypes: $(STAMP) $(PYRIGHT_STAMP)
	mkdir -p build/mypy && ln -sfn ../../core build/mypy/appconfig_core
	cd build/node && for package in $(TYPED_PACKAGES); do \
		PATH="$(abspath $(BIN)):$$PATH" PYTHONPATH="$(CURDIR)/build/mypy:$(CURDIR)" \
		$(abspath $(BIN))/python $(CURDIR)/scripts/verifytypes.py node_modules/.bin/pyright $$package || exit 1; \
	done

pytest: $(STAMP)
	$(BIN)/pytest

# The Django adapter's tests on the other supported LTS line (4.2), in a venv of its own.
DJ42 := .venv-django42
$(DJ42)/.installed-stamp: pyproject.toml setup.py
	$(PYTHON) -m venv $(DJ42)
	$(DJ42)/bin/python -m pip install --quiet --upgrade pip
	$(DJ42)/bin/python -m pip install --quiet -e ".[dev]" "Django>=4.2,<5.0"
	touch $@

test-django42: $(DJ42)/.installed-stamp
	$(DJ42)/bin/pytest tests/django

# Side by side with the peers in one run; writes docs/benchmarks.md. Not part of `test`.
BENCH_PEERS := aws-lambda-powertools launchdarkly-server-sdk UnleashClient django-waffle openfeature-sdk
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet $(BENCH_PEERS)
	$(BIN)/python -m benchmarks.run

# A few minutes of load against a real gunicorn while the flags change (not part of `test`).
soak: $(STAMP)
	$(BIN)/pytest tests/reliability -m soak -s

demo: $(STAMP)
	$(BIN)/python example_projects/demo.py

clean:
	rm -rf $(VENV) $(DJ42) .demo .pytest_cache .mypy_cache .ruff_cache
