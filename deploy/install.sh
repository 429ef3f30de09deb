#!/usr/bin/env bash
# The install steps of the Docker image, in one place: the Dockerfile runs this script,
# and `make test` runs it in a fresh venv (tests/test_deploy.py), so the two cannot drift.
#
#   deploy/install.sh VENV [SOURCE]
#
# TORCH_INDEX_URL: where the CPU build of torch comes from (the Dockerfile sets the
# PyTorch CPU index; left empty, pip's own configuration is used, which on these
# machines resolves torch==2.13.0 to the CPU build on local disk).
set -euo pipefail
venv="${1:?usage: deploy/install.sh VENV [SOURCE]}"
source_dir="${2:-$(cd "$(dirname "$0")/.." && pwd)}"
python="${PYTHON:-python3.11}"

"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
if [ -n "${TORCH_INDEX_URL:-}" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check --index-url "$TORCH_INDEX_URL" torch==2.13.0
else
  "$venv/bin/pip" install --quiet --disable-pip-version-check torch==2.13.0
fi
# Not editable: the image holds a plain installed copy (packages, web assets, prompts).
"$venv/bin/pip" install --quiet --disable-pip-version-check "$source_dir"
"$venv/bin/hfa" --help >/dev/null
