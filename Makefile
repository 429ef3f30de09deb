# One task runner for people and CI. `make run` and `make test` do all the set-up.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install run index serve test lint eval bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Fant ikke $(PYTHON); sett PYTHON=/sti/til/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

index: install
	$(BIN)/hfa index

serve: install
	$(BIN)/hfa serve

run: index serve

lint: install
	$(BIN)/ruff check assistant indexer tests bench
	$(BIN)/ruff format --check assistant indexer tests bench
	$(BIN)/mypy assistant indexer bench

test: lint
	$(BIN)/pytest

eval: index
	$(BIN)/hfa eval

bench: index
	$(BIN)/python bench/bench_core.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
