"""Load the current generation for retrieval: passages, BM25, vectors, structure and units."""

from __future__ import annotations

import errno
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from indexer.store.chroma import open_collection
from indexer.store.layout import StoreError, current_generation, read_params

log = logging.getLogger(__name__)


@dataclass
class IndexSnapshot:
    """A loaded, read-only generation."""

    path: Path
    params: dict[str, Any]
    passages: list[dict[str, Any]]
    bm25: Any
    vector_store: Any
    structure: dict[str, Any] | None = None  # structure.json: bodies and cited facts
    units: list[dict[str, Any]] = field(default_factory=list)  # units.json: {"row", "unit"} per sentence vector
    unit_vectors: np.ndarray | None = None  # units.npy, one row per entry of ``units``
    passage_vectors: np.ndarray | None = None  # the vector store's passage vectors, by row


def load_generation(data_dir: Path, chroma_url: str = "") -> IndexSnapshot:
    import bm25s
    from llama_index.vector_stores.chroma import ChromaVectorStore

    generation = current_generation(data_dir)
    if generation is None:
        raise StoreError("Fant ingen indeks. Kjør `hfa index` først.")
    try:
        params = read_params(generation)
        with (generation / "passages.jsonl").open(encoding="utf-8") as handle:
            passages = [json.loads(line) for line in handle if line.strip()]
        bm25 = bm25s.BM25.load(str(generation / "bm25"))
        if bool(params.get("chroma_url", "")) != bool(chroma_url):  # on disk vs on a server
            raise StoreError(
                "Indeksen er bygget for en annen Chroma-lagring (HFA_CHROMA_URL) enn den som er satt. Kjør `hfa index`."
            )
        collection = open_collection(generation, create=False, chroma_url=chroma_url)
        store = ChromaVectorStore(chroma_collection=collection)
        passage_vectors = _passage_vectors(collection, len(passages))
    except StoreError:
        raise
    except Exception as exc:
        log.error("Could not load index generation %s: %s", generation, exc)
        if chroma_url and not isinstance(exc, OSError):
            raise StoreError(
                f"Fikk ikke kontakt med Chroma-serveren på {chroma_url}, eller den mangler indeksen. "
                "Sjekk HFA_CHROMA_URL og kjør `hfa index`."
            ) from exc
        if "disk is full" in str(exc) or (isinstance(exc, OSError) and exc.errno == errno.ENOSPC):
            raise StoreError("Disken er full, så indeksen kan ikke åpnes. Frigjør plass i HFA_DATA_DIR.") from exc
        if not os.access(generation, os.W_OK) or "readonly" in str(exc):
            raise StoreError(
                f"Indeksen i {data_dir} kan ikke åpnes fordi datamappen er skrivebeskyttet; "
                "Chroma trenger skrivetilgang. Gi tjenesten skrivetilgang til HFA_DATA_DIR."
            ) from exc
        raise StoreError("Indeksen kunne ikke leses. Kjør `hfa index` på nytt.") from exc
    structure_path = generation / "structure.json"
    structure = json.loads(structure_path.read_text(encoding="utf-8")) if structure_path.exists() else None
    units: list[dict[str, Any]] = []
    unit_vectors = None
    if (generation / "units.npy").exists() and (generation / "units.json").exists():
        units = json.loads((generation / "units.json").read_text(encoding="utf-8"))
        unit_vectors = np.load(generation / "units.npy", allow_pickle=False)
    return IndexSnapshot(generation, params, passages, bm25, store, structure, units, unit_vectors, passage_vectors)


def _passage_vectors(collection: Any, count: int) -> np.ndarray | None:
    """The passage vectors the collection holds, one row per passage (by its ``row``
    metadata); None when any passage is missing from it."""
    got = collection.get(include=["embeddings", "metadatas"])
    embeddings, metadatas = got.get("embeddings"), got.get("metadatas")
    if embeddings is None or metadatas is None or len(embeddings) != count or count == 0:
        return None
    matrix = np.zeros((count, len(embeddings[0])), dtype=np.float32)
    seen = np.zeros(count, dtype=bool)
    for vector, metadata in zip(embeddings, metadatas, strict=True):
        row = int((metadata or {}).get("row", -1))
        if not 0 <= row < count:
            return None
        matrix[row], seen[row] = vector, True
    return matrix if seen.all() else None
