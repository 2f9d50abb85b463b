# The two set-up commands of the README: `make run` and `make test`.
# Both create the virtual environment on first use. Set AIEI_MIRROR to work offline.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: run build test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)  ## build the data, then serve the dashboard on http://127.0.0.1:8050
	$(VENV)/bin/aiei build
	$(VENV)/bin/aiei serve

build: $(STAMP)
	$(VENV)/bin/aiei build

test: $(STAMP)  ## unit, integration and browser tests
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf data/raw data/staging data/processed data/sources.lock.json
