#!/usr/bin/env bash
# The install steps of the Docker image, in one place: the Dockerfile runs this script,
# and `make test` runs it in a fresh venv (tests/system/test_deploy.py), so the two cannot drift.
#
#   deploy/install.sh VENV [SOURCE]
#
# PYTHON: the interpreter (3.11 or newer; default python3).
# HFA_EXTRAS: extras to install with hfa, e.g. "torch" for the sentence-transformers and
# e5-torch embedders (the Dockerfile's default). Empty: only what the main job needs.
# TORCH_INDEX_URL: where the CPU build of torch comes from when the torch extra is
# installed (the Dockerfile sets the PyTorch CPU index; left empty, pip's own
# configuration is used, which on these machines resolves torch==2.13.0 to the CPU
# build on local disk).
set -euo pipefail
venv="${1:?usage: deploy/install.sh VENV [SOURCE]}"
source_dir="${2:-$(cd "$(dirname "$0")/.." && pwd)}"
python="${PYTHON:-python3}"
extras="${HFA_EXTRAS:-}"
pip=("$venv/bin/pip" install --quiet --disable-pip-version-check)

"$python" -m venv "$venv"
"${pip[@]}" --upgrade pip
case ",$extras," in
  *,torch,*)
    if [ -n "${TORCH_INDEX_URL:-}" ]; then
      "${pip[@]}" --index-url "$TORCH_INDEX_URL" torch==2.13.0
    else
      "${pip[@]}" torch==2.13.0
    fi
    ;;
esac
# Not editable: the image holds a plain installed copy (packages, web assets, prompts).
"${pip[@]}" "$source_dir${extras:+[$extras]}"
"$venv/bin/hfa" --help >/dev/null
