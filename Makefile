# One task runner for people and CI. `make run` and `make test` do all the set-up.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install browser nginx axe run index serve test lint eval bench bench-load clean

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
	$(BIN)/hadolint Dockerfile

# The web tests drive Debian's Chromium (no browser download from a hub).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installerer Chromium fra Debian for nettlesertestene …"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }; }

# The stream tests put Debian's nginx in front of `hfa serve`.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  echo "Installerer nginx fra Debian for strømmetestene …"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q nginx-light >/dev/null 2>&1 || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q nginx-light; }; }

# axe-core (npm) for the accessibility tests, into test-artifacts/ (never committed).
axe:
	@test -f test-artifacts/node_modules/axe-core/axe.min.js || { \
	  mkdir -p test-artifacts && npm install --silent --no-audit --no-fund --prefix test-artifacts axe-core; }

test: lint browser nginx axe
	$(BIN)/pytest

eval: index
	$(BIN)/hfa eval

bench: index
	$(BIN)/python bench/bench_core.py
	$(BIN)/python bench/bench_embedders.py

bench-load: index
	$(BIN)/python bench/bench_load.py

clean:
	rm -rf $(VENV) data test-artifacts .pytest_cache .mypy_cache .ruff_cache
