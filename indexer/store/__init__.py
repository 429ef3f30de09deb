"""The index on disk, one generation at a time (see ``layout.py`` for the files).

- ``layout``: where generations live, ``CURRENT``, params, ``StoreError``
- ``chroma``: the vectors' Chroma collection (on disk or on a Chroma server)
- ``writer``: write a complete generation, make it current, prune old ones
- ``reader``: load the current generation for retrieval
"""

from __future__ import annotations

from indexer.store.layout import (
    FILTER_FIELDS,
    STORE_VERSION,
    StoreError,
    current_generation,
    index_root,
    read_params,
)
from indexer.store.reader import IndexSnapshot, load_generation
from indexer.store.writer import prune_generations, write_generation

__all__ = [
    "FILTER_FIELDS",
    "STORE_VERSION",
    "IndexSnapshot",
    "StoreError",
    "current_generation",
    "index_root",
    "load_generation",
    "prune_generations",
    "read_params",
    "write_generation",
]
