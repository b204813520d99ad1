# Set-up and the two everyday commands. `make demo` and `make test` create the environment on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= eventwire.duckdb
FUZZ_SECONDS ?= 30

.PHONY: demo test lint bench eval fuzz audit clean-env

demo: $(STAMP)  ## process examples/articles/ into eventwire.duckdb and show what was found
	$(BIN)/eventwire run examples/articles/ --db $(DB)
	@echo
	$(BIN)/eventwire articles --db $(DB)

test: $(STAMP)  ## lint, type-check, then the whole test suite
	$(BIN)/ruff check src tests bench fuzz
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

fuzz: $(STAMP)  ## fuzz each target with atheris for FUZZ_SECONDS (default 30); exit 1 on a finding
	$(BIN)/python fuzz/run.py --seconds $(FUZZ_SECONDS)

audit: $(STAMP)  ## known vulnerabilities of every locked package (pip-audit; asks PyPI's vulnerability data)
	$(BIN)/pip-audit -r requirements.lock --require-hashes --disable-pip --strict --progress-spinner off

lint: $(STAMP)
	$(BIN)/ruff check src tests bench fuzz
	$(BIN)/mypy

eval: $(STAMP)  ## accuracy figures on ../shared/data
	$(BIN)/eventwire eval ../shared/data/clean/l3s-gn1-dev.jsonl --task clean
	$(BIN)/eventwire eval ../shared/data/html/l3s-gn1-dev.jsonl --task clean
	$(BIN)/python bench/places_eval.py
	$(BIN)/python bench/times_eval.py
	$(BIN)/python bench/quotes_eval.py
	$(BIN)/python bench/checks_eval.py
	$(BIN)/python bench/checks_eval.py --corpus ../shared/data/seed/baghuz.txt --show --no-gate
	$(BIN)/python bench/fusion_eval.py

bench: $(STAMP)  ## speed against bare spaCy on ../shared/data/corpus/bbc.jsonl; gazetteer; exports; fusion
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/stages_speed.py
	$(BIN)/python bench/gazetteer_speed.py
	$(BIN)/python bench/export_speed.py
	$(BIN)/python bench/fusion_speed.py

# The environment: pinned, hash-checked dependencies from requirements.lock, then eventwire itself.
$(STAMP): requirements-pip.lock requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-pip.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

clean-env:
	rm -rf $(VENV)
