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

import errno
import json
import logging
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from indexer.errors import IndexerError

log = logging.getLogger(__name__)

COLLECTION = "hfa-passages"
STORE_VERSION = "2"
FILTER_FIELDS = ("region", "kind", "status", "doc_id")
CHROMA_BATCH = 4096  # passages per Chroma add() call


class StoreError(IndexerError):
    """The index is missing, stale or unreadable; the message is Norwegian."""


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


def write_generation(
    data_dir: Path,
    passages: list[dict[str, Any]],
    vectors: np.ndarray,
    tokens: list[list[str]],
    params: dict[str, Any],
    chroma_url: str = "",
    extras: dict[str, Any] | None = None,
    arrays: dict[str, np.ndarray] | None = None,
) -> Path:
    """Write a complete generation and make it current. ``passages[i]`` has vector
    ``vectors[i]`` and BM25 tokens ``tokens[i]``."""
    import bm25s
    from llama_index.core.schema import BaseNode, TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

    root = index_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    generation = root / f"gen-{time.time_ns()}"
    generation.mkdir()
    try:
        collection = open_collection(generation, create=True, chroma_url=chroma_url)
        store = ChromaVectorStore(chroma_collection=collection)
        nodes: list[BaseNode] = []
        for passage, vector in zip(passages, vectors, strict=True):
            metadata = {key: passage[key] for key in (*FILTER_FIELDS, "visibility", "row")}
            nodes.append(
                TextNode(
                    id_=passage["id"],
                    text=passage["text"],
                    metadata=metadata,
                    embedding=[float(x) for x in vector],
                    excluded_embed_metadata_keys=list(metadata),
                    excluded_llm_metadata_keys=list(metadata),
                )
            )
        for start in range(0, len(nodes), CHROMA_BATCH):  # Chroma refuses batches over ~5,400
            store.add(nodes[start : start + CHROMA_BATCH])

        retriever = bm25s.BM25(k1=1.5, b=0.5)  # b < 0.75: long lists are not less relevant
        # bm25s needs at least one token per document; an empty passage gets a placeholder.
        retriever.index([t or ["\u2205"] for t in tokens] or [["\u2205"]], show_progress=False)
        retriever.save(str(generation / "bm25"), show_progress=False)

        with (generation / "passages.jsonl").open("w", encoding="utf-8") as handle:
            for passage in passages:
                handle.write(json.dumps(passage, ensure_ascii=False) + "\n")
        for name, array in (arrays or {}).items():  # e.g. units.npy: sentence vectors
            np.save(generation / f"{name}.npy", array, allow_pickle=False)
        for name, content in (extras or {}).items():  # e.g. structure.json, checked against these passages
            (generation / name).write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")
        (generation / "params.json").write_text(json.dumps(params, ensure_ascii=False, indent=2), encoding="utf-8")
    except BaseException as exc:
        drop_collection(generation, chroma_url)
        shutil.rmtree(generation, ignore_errors=True)  # a failed build leaves nothing behind
        text = str(exc).lower()
        if not isinstance(exc, OSError) and ("disk is full" in text or "no space" in text):
            raise OSError(errno.ENOSPC, "disk full while writing the index") from exc
        if not isinstance(exc, OSError) and "readonly" in text:
            raise OSError(errno.EROFS, "read-only data dir", str(root)) from exc
        raise

    pointer_tmp = root / f"CURRENT.{os.getpid()}.tmp"
    pointer_tmp.write_text(generation.name, encoding="utf-8")
    os.replace(pointer_tmp, root / "CURRENT")
    _fsync_dir(root)
    prune_generations(data_dir, chroma_url=chroma_url)
    return generation


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prune_generations(data_dir: Path, keep: int = 2, chroma_url: str = "") -> None:
    """Remove old and abandoned generations, keeping the current one and the one before
    (a server that has not yet noticed the swap may still be reading it)."""
    root = index_root(data_dir)
    current = current_generation(data_dir)
    generations = sorted((p for p in root.glob("gen-*") if p.is_dir()), key=lambda p: p.name)
    complete = [p for p in generations if (p / "params.json").exists()]
    keep_set = {p for p in complete[-keep:]} | ({current} if current else set())
    for path in generations:
        if path in keep_set:
            continue
        if not (path / "params.json").exists() and time.time() - path.stat().st_mtime < 3600:
            continue  # maybe a build running in another process right now
        drop_collection(path, chroma_url)
        shutil.rmtree(path, ignore_errors=True)


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
        store = ChromaVectorStore(chroma_collection=open_collection(generation, create=False, chroma_url=chroma_url))
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
    return IndexSnapshot(generation, params, passages, bm25, store, structure, units, unit_vectors)
