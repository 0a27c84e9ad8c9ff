# Two commands on a fresh machine:  `make run` (the web chat on the embedded defaults) and
# `make test` (lint, types, tests). Both create .venv on first use; nothing is downloaded at run time.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run ask test lint typecheck pytest install install-dev index bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[llm]'
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	# torch is pinned first so that the `st` extra takes the local CPU build, never a CUDA one
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev,llm,st]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	$(VENV)/bin/assistant index build
	$(VENV)/bin/streamlit run app.py

ask: $(VENV)/.installed
	$(VENV)/bin/assistant chat

index: $(VENV)/.installed
	$(VENV)/bin/assistant index build

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .

typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy

pytest: $(VENV)/.installed-dev
	$(VENV)/bin/python -m pytest

test: lint typecheck pytest

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/bench_scoring.py

clean:
	rm -rf $(VENV) .assistant .pytest_cache .mypy_cache .ruff_cache
