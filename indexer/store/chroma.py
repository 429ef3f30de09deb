"""Chroma: the vectors of a generation, on disk in the generation directory or on a
shared Chroma server (``HFA_CHROMA_URL``)."""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from indexer.store.layout import index_root

log = logging.getLogger(__name__)

COLLECTION = "hfa-passages"


def chroma_settings() -> Any:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def open_collection(generation: Path, create: bool, chroma_url: str = "") -> Any:
    """Open the generation's Chroma collection: on disk in the generation directory, or on
    the Chroma server at ``chroma_url``. No embedding function is ever attached: vectors
    always come from our embedder, never from Chroma's default model."""
    client = chroma_client(generation, chroma_url)
    name = collection_name(generation, chroma_url)
    if create:
        return client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
    return client.get_collection(name, embedding_function=None)


def chroma_client(generation: Path, chroma_url: str = "") -> Any:
    import chromadb

    if not chroma_url:
        return chromadb.PersistentClient(path=str(generation / "chroma"), settings=chroma_settings())
    url = urlparse(chroma_url)
    return chromadb.HttpClient(
        host=url.hostname or "localhost",
        port=url.port or (443 if url.scheme == "https" else 8000),
        ssl=url.scheme == "https",
        settings=chroma_settings(),
    )


def collection_name(generation: Path, chroma_url: str = "") -> str:
    """On a shared Chroma server every index (data dir) and generation has its own
    collection: ``hfa-<index id>-<generation>``."""
    if not chroma_url:
        return COLLECTION
    return f"hfa-{index_id(generation.parent.parent)}-{generation.name}"


def index_id(data_dir: Path) -> str:
    """A random id for this data dir, made once (two deployments may share a server)."""
    path = index_root(data_dir) / "ID"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(uuid.uuid4().hex[:12], encoding="utf-8")
        os.replace(tmp, path)
    return path.read_text(encoding="utf-8").strip()


def drop_collection(generation: Path, chroma_url: str) -> None:
    """Remove a generation's collection from the Chroma server (nothing to do on disk)."""
    if not chroma_url:
        return
    try:
        chroma_client(generation, chroma_url).delete_collection(collection_name(generation, chroma_url))
    except Exception as exc:  # already gone, or the server is down: prune again next time
        log.info("Could not drop collection of %s: %s", generation.name, exc)
