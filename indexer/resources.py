"""Where the project's data folders are: `prompts/`, `evals/`, `teams/`, `slack/`.

In a source checkout they sit next to the packages; an installed copy (the Docker image)
has them under ``<prefix>/share/hfa/`` (pyproject's data-files)."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parent.parent


@cache
def resource_dir(name: str) -> Path:
    for base in (SOURCE_ROOT, Path(sys.prefix) / "share" / "hfa"):
        if (base / name).is_dir():
            return base / name
    raise FileNotFoundError(f"{name}/ is missing from the installation (looked in {SOURCE_ROOT} and {sys.prefix})")
