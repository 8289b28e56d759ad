# Two commands do all the set-up on a fresh machine (see README):
#   make demo   – install, load demo data into SQLite, serve on http://127.0.0.1:8000
#   make test   – install test extras, start PostgreSQL if needed, run the whole suite
PY      ?= python3
VENV    ?= .venv
BIN      = $(VENV)/bin
HOST    ?= 127.0.0.1
PORT    ?= 8000

.PHONY: install install-test demo serve test test-fast bench load docs docs-site clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,load]"

demo: install
	$(BIN)/skdt-sandbox demo --url http://$(HOST):$(PORT)
	$(BIN)/skdt-sandbox serve --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/skdt-sandbox serve --host $(HOST) --port $(PORT)

test: install-test
	scripts/ensure-postgres.sh
	scripts/ensure-system-packages.sh
	$(BIN)/python -m pytest

test-fast: install-test
	SANDBOX_TEST_SKIP_PG=1 $(BIN)/python -m pytest -m "not slow"

bench: install-test
	scripts/ensure-postgres.sh
	scripts/ensure-system-packages.sh --bench
	$(BIN)/python benchmarks/summary.py

SUITE    ?= end_of_day
SCALE    ?= province
DURATION ?= 60
load: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[load]"
	$(BIN)/skdt-sandbox load $(SUITE) --scale $(SCALE) --duration $(DURATION)

docs: install
	$(BIN)/skdt-sandbox docs

docs-site: install-test
	$(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) var .pytest_cache test-artifacts site examples/node/node_modules
