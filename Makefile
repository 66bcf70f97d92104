# gongkai — everything a fresh machine with Python 3.11 needs, installed by the targets themselves.
PYTHON ?= python3.11
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
VENV := .venv
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: setup run test ui lint bench clean

setup: $(VENV)/.synced $(DAGSTER_HOME)/dagster.yaml

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

$(DAGSTER_HOME)/dagster.yaml:
	mkdir -p $(DAGSTER_HOME)
	printf 'telemetry:\n  enabled: false\n' > $@

## Build data/warehouse/gongkai.duckdb from data/raw/ through Dagster, then print a summary.
run: setup
	$(VENV)/bin/python -m assets.run 2> $(DAGSTER_HOME)/last-run.log || (cat $(DAGSTER_HOME)/last-run.log; exit 1)

## The whole test suite.
test: setup
	$(VENV)/bin/ruff check pipelines assets expectations tests scripts benchmarks
	$(VENV)/bin/pytest

## Dagster UI on http://127.0.0.1:3000 over the same definitions and instance as `make run`.
ui: setup
	$(VENV)/bin/dagster dev --host 127.0.0.1 --port 3000 --workspace workspace.yaml

## Speed of each reader (documents per second), written to benchmarks/results/.
bench: setup
	$(VENV)/bin/python benchmarks/formats.py

lint: setup
	$(VENV)/bin/ruff check pipelines assets expectations tests scripts benchmarks
	$(VENV)/bin/ruff format --check pipelines assets expectations tests

clean:
	rm -rf data/warehouse $(DAGSTER_HOME)
