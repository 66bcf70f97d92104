# gongkai — everything a fresh machine with Python 3.11 needs, installed by the targets themselves.
PYTHON ?= python3.11
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
VENV := .venv
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
# installed packages compiled once: where PYTHONDONTWRITEBYTECODE is set, every start would
# otherwise compile dagster, polars and the rest again (seconds per command)
export UV_COMPILE_BYTECODE := 1

.PHONY: setup run test ui ui-check lint bench eval fuzz report suites clean

setup: $(VENV)/.synced $(DAGSTER_HOME)/dagster.yaml
	@$(VENV)/bin/python -c "from pipelines.readers.pdfium_native import main; main()"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock Makefile | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

## Build data/warehouse/gongkai.duckdb from data/raw/ through Dagster, then print a summary.
## A failed build says why in a line (status 2); a crash (status 1) shows the log's last lines.
run: setup
	@$(VENV)/bin/python -m assets.run 2> $(DAGSTER_HOME)/last-run.log; status=$$?; \
	if [ $$status -eq 1 ]; then tail -n 15 $(DAGSTER_HOME)/last-run.log; fi; \
	if [ $$status -ne 0 ]; then echo "(the run's log: $(DAGSTER_HOME)/last-run.log)"; fi; \
	exit $$status

## The whole test suite.
test: setup
	$(VENV)/bin/ruff check pipelines assets expectations tests scripts benchmarks fuzz
	$(VENV)/bin/pytest

## Dagster UI on http://127.0.0.1:3000 over the same definitions and instance as `make run`.
ui: setup
	$(VENV)/bin/dagster dev --host 127.0.0.1 --port 3000 --workspace workspace.yaml

## Reader speed, gongkai check on a 100,000-row spreadsheet and a 1,000-page PDF made for it,
## and the Dagster job end to end on synthetic corpora (BENCH_SIZES, default 1000,10000),
## written to benchmarks/results/.
bench: setup
	$(VENV)/bin/python benchmarks/formats.py
	$(VENV)/bin/python benchmarks/large.py
	$(VENV)/bin/python benchmarks/corpus.py

## gongkai on real disclosures (EVAL_DIR, default ../shared/corpus): files accounted for, printed
## numbers read, checks passing, metadata, hand-read truth; written to benchmarks/results/eval.md.
## Then the tests marked `corpus`: ../shared/corpus built with one process, two, and in reversed
## order stages the same rows.
EVAL_DIR ?= ../shared/corpus
eval: setup
	$(VENV)/bin/gongkai eval $(EVAL_DIR)
	$(VENV)/bin/pytest -m corpus

## Coverage-guided fuzzing of each reader (atheris) for FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz: setup
	$(UV) sync --frozen --python $(PYTHON) --group fuzz
	for format in text html docx xlsx pdf; do \
		$(VENV)/bin/python fuzz/fuzz_readers.py $$format -max_total_time=$(FUZZ_SECONDS) \
			-rss_limit_mb=4096 -timeout=30 -print_final_stats=1 || exit 1; \
	done
	touch $(VENV)/.synced

## HTML report of every loaded document in data/reports/, and a PNG of each rendered by
## headless Chromium where it is installed (apt-get install chromium), to look at.
report: run
	for id in $$($(VENV)/bin/gongkai query "SELECT document_id FROM v_documents WHERE status = 'loaded'" --csv | tail -n +2); do \
		$(VENV)/bin/gongkai report $$id --out data/reports/$$id.html || exit 1; \
		if command -v chromium >/dev/null; then \
			chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
				--disable-component-update --disable-sync --no-first-run \
				--user-data-dir=$$(mktemp -d) --window-size=1200,3000 \
				--screenshot=data/reports/$$id.png file://$(CURDIR)/data/reports/$$id.html 2>/dev/null; \
		fi; \
	done

## The UI in a real browser: headless Chromium (apt-get install chromium) via Playwright shows
## the checks of the last run and a failing check's failures; screenshots in data/reports/.
ui-check: run
	$(UV) sync --frozen --python $(PYTHON) --group ui
	$(VENV)/bin/python scripts/ui_check.py
	touch $(VENV)/.synced

## The Great Expectations suites, written from the rule families of the check registry
## (pipelines/description/checks.toml).
suites: setup
	$(VENV)/bin/python -m expectations.runner

lint: setup
	$(VENV)/bin/ruff check pipelines assets expectations tests scripts benchmarks fuzz
	$(VENV)/bin/ruff format --check pipelines assets expectations tests

clean:
	rm -rf data/warehouse $(DAGSTER_HOME)
