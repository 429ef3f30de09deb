"""Write a complete generation, make it current and prune the old ones (see ``layout``)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from indexer.store.chroma import drop_collection, open_collection
from indexer.store.layout import FILTER_FIELDS, current_generation, index_root

CHROMA_BATCH = 4096  # passages per Chroma add() call


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
