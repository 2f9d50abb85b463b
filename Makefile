# The two set-up commands of the README: `make run` and `make test`.
# Both create the virtual environment on first use. Set AIEI_MIRROR to work offline.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: run build compile test lint clean bundle static

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $(STAMP)

# plotly.js with only the traces the app draws; skipped (full plotly.js used) without npm.
PLOTLY_BUNDLE := assets/plotly-aiei.min.js
$(PLOTLY_BUNDLE): dashboard/plotly_bundle/entry.js dashboard/plotly_bundle/package-lock.json
	@if command -v npm >/dev/null; then \
	  cd dashboard/plotly_bundle && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build; \
	else echo "npm not found: the app will use the full plotly.js"; fi

# axe-core for the accessibility tests (tests/test_accessibility.py), pinned by its lock
# file; installed here, never fetched from a CDN while the tests run.
AXE := tests/axe/node_modules/axe-core/axe.min.js
$(AXE): tests/axe/package.json tests/axe/package-lock.json
	@if command -v npm >/dev/null; then \
	  cd tests/axe && npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the accessibility tests will be skipped"; fi

# Bytecode written once (as `pip install` would), even where PYTHONDONTWRITEBYTECODE is set.
compile: $(STAMP)
	$(VENV)/bin/python -m compileall -q etl dashboard

# Static files at brotli quality 11, once per change (~8 s), instead of per request.
static: $(STAMP) $(PLOTLY_BUNDLE)
	$(VENV)/bin/python -m dashboard.static_files

run: compile static  ## build the data, then serve the dashboard on http://127.0.0.1:8050
	$(VENV)/bin/aiei build
	$(VENV)/bin/aiei serve

build: compile
	$(VENV)/bin/aiei build

test: lint $(PLOTLY_BUNDLE) $(AXE)  ## style, then unit, integration and browser tests
	$(VENV)/bin/pytest

lint: $(STAMP)  ## one formatter and one linter over the whole tree
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

bundle: $(PLOTLY_BUNDLE)

clean:
	rm -rf data/raw data/staging data/processed data/sources.lock.json data/cache
