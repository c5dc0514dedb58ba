# One command runner. `make run` and `make test` work on a fresh machine: they install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint format bench check-seed fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/nianbao kb load-corpus corpus
	@echo "年报助手已启动：http://127.0.0.1:8501  (Ctrl+C 停止)"
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.headless true --server.port 8501

test: install
	$(BIN)/pytest -q -m "not local_llm"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/bench_checker.py
	$(BIN)/python bench/bench_intake.py
	$(BIN)/python bench/bench_drafting.py

# The reader fuzzers with the long hypothesis profile (CI runs them with a small one).
fuzz: install
	NIANBAO_FUZZ=fuzz-long $(BIN)/pytest -q tests/test_fuzz_readers.py --hypothesis-show-statistics
