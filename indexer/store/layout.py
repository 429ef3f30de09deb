"""The index on disk: a Chroma collection, a BM25 index, the passages and a params file.

Each build writes a new *generation* directory; ``CURRENT`` names the one in use and is
replaced atomically (``os.replace``) only after the generation is complete, so readers
never see a half-built index and a crashed build leaves the previous one serving.

    data/index/CURRENT               -> "gen-1732390000000000000"
    data/index/gen-…/chroma/         Chroma PersistentClient (vectors + metadata)
    data/index/gen-…/bm25/           bm25s index over the analysed passage texts
    data/index/gen-…/passages.jsonl  passages with metadata, in BM25 row order
    data/index/gen-…/params.json     versions and parameters; written last
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from indexer.errors import IndexerError

STORE_VERSION = "2"
FILTER_FIELDS = ("region", "kind", "status", "doc_id")


class StoreError(IndexerError):
    """The index is missing, stale or unreadable; the message is Norwegian."""


def index_root(data_dir: Path) -> Path:
    return data_dir / "index"


def current_generation(data_dir: Path) -> Path | None:
    pointer = index_root(data_dir) / "CURRENT"
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = index_root(data_dir) / name
    return path if (path / "params.json").exists() else None


def read_params(generation: Path) -> dict[str, Any]:
    return dict(json.loads((generation / "params.json").read_text(encoding="utf-8")))
