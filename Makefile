# One task runner for people and CI. `make run` and `make test` do all the set-up.
#
# `make run` installs only what the main job needs (`pip install -e .`: no torch, no
# llama.cpp, no test tools), indexes corpus/ and serves. `make test` adds the [dev] extra
# (torch, llama.cpp, test tools), lints, runs the whole suite on Python 3.11, then runs
# it again on Python 3.13 in .venv313 with the [test] extra only. The 3.13 pass
# deselects three markers (pyproject.toml): `torch` (needs hfa[torch]: PyPI has only the
# multi-GB CUDA build of torch 2.13.0 for 3.13), `llm` (needs hfa[llm]: llama-cpp-python
# compiles from source, about 8 minutes) and `deploy` (tests/system/test_deploy.py: it installs
# deploy/install.sh with python3.11 in a fresh venv, the same on both passes).
# `make test-unit` runs tests/unit/ only (in process: no servers, subprocesses or browsers);
# tests/system/ holds the tests that start them, tests/standins/ the outside services' stand-ins.
# python3.11 where there is one (the CPU torch wheel on these machines is for 3.11), else python3.
PYTHON    ?= $(shell command -v python3.11 >/dev/null 2>&1 && echo python3.11 || echo python3)
VENV      := .venv
BIN       := $(VENV)/bin
VENV313   := .venv313
SUM       := $(shell cksum < pyproject.toml | cut -d' ' -f1)
STAMP     := $(VENV)/.installed-main-$(SUM)
DEV_STAMP := $(VENV)/.installed-dev-$(SUM)
STAMP313  := $(VENV313)/.installed-test-$(SUM)
PIP       := -m pip install --quiet --disable-pip-version-check
# python3.13 on PATH, else pyenv's (its shim answers only when 3.13 is selected).
ifndef PYTHON313
PYTHON313 := $(firstword $(foreach p,python3.13 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13),$(shell $(p) -c 'print("$(p)")' 2>/dev/null)))
endif

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install dev venv313 browser ocr nginx axe run index serve sync test test311 test313 test-unit lint eval bench bench-load clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { echo "hfa trenger Python 3.11 eller nyere ($(PYTHON) mangler eller er eldre); sett PYTHON=/sti/til/python3"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python $(PIP) -e .
	rm -f $(VENV)/.installed-main-*
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python $(PIP) -e '.[dev]'
	rm -f $(VENV)/.installed-dev-*
	touch $(DEV_STAMP)

$(STAMP313): pyproject.toml
	@test -n "$(PYTHON313)" || { echo "Fant ikke Python 3.13; sett PYTHON313=/sti/til/python3.13"; exit 1; }
	test -x $(VENV313)/bin/python || $(PYTHON313) -m venv $(VENV313)
	$(VENV313)/bin/python $(PIP) -e '.[test]'
	rm -f $(VENV313)/.installed-*
	touch $(STAMP313)

install: $(STAMP)

dev: $(DEV_STAMP)

venv313: $(STAMP313)

index: install
	$(BIN)/hfa index

serve: install
	$(BIN)/hfa serve

sync: install
	$(BIN)/hfa sync

run: index serve

lint: dev
	$(BIN)/ruff check assistant indexer tests bench
	$(BIN)/ruff format --check assistant indexer tests bench
	$(BIN)/mypy assistant indexer bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/hadolint Dockerfile

# Debian packages the tests use, installed when missing: $(1) = command to check, $(2) = packages.
define apt_install
	@$(1) >/dev/null 2>&1 || { \
	  echo "Installerer $(2) fra Debian for testene …"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q $(2) >/dev/null 2>&1 || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q $(2); }; }
endef

# The web tests drive Debian's Chromium (no browser download from a hub).
browser:
	$(call apt_install,command -v chromium,chromium)

# The stream tests put Debian's nginx in front of `hfa serve`.
nginx:
	$(call apt_install,sh -c 'command -v nginx || test -x /usr/sbin/nginx',nginx-light)

# axe-core (npm) for the accessibility tests, into test-artifacts/ (never committed).
axe:
	@test -f test-artifacts/node_modules/axe-core/axe.min.js || { \
	  mkdir -p test-artifacts && npm install --silent --no-audit --no-fund --prefix test-artifacts axe-core; }

# OCR of scanned PDFs (tests/system/test_formats.py renders a page with pdftoppm and OCRs it).
ocr:
	$(call apt_install,sh -c 'command -v ocrmypdf && command -v pdftoppm && tesseract --list-langs | grep -qx nor',ocrmypdf tesseract-ocr-nor poppler-utils)

test311: lint browser ocr nginx axe
	$(BIN)/pytest

test313: venv313 browser ocr
	$(VENV313)/bin/pytest -m "not torch and not llm and not deploy"

test-unit: dev
	$(BIN)/pytest tests/unit

test: test311
	$(MAKE) --no-print-directory test313

eval: index
	$(BIN)/hfa eval

bench: dev index
	$(BIN)/python bench/bench_core.py
	$(BIN)/python bench/bench_embedders.py

bench-load: index
	$(BIN)/python bench/bench_load.py

clean:
	rm -rf $(VENV) $(VENV313) data test-artifacts .pytest_cache .mypy_cache .ruff_cache
