"""Soak benchmark: steady load on a real `hfa serve` (loopback) for a long time, with a
re-index in the middle. Prints errors, latency, and the server's RSS over time; asserts
nothing. Bounded: a fixed request rate and duration.

    python bench/bench_soak.py [--minutes 30] [--rate 20] [--workers 1]

Works on private copies of the corpus and index (the index is built first if needed);
in the middle it adds a document to the copy and runs `hfa index` while the load goes on.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_load import percentile, questions, rss_mb, start_server  # noqa: E402

EXTRA_DOCUMENT = """Retningslinje for kaffeordningen

1 Formål
Kaffeordningen skal sikre at det serveres kaffe og frukt på alle møter i strategisk samarbeidsutvalg.

2 Evaluering
Ordningen evalueres av sekretariatet hvert annet år.
"""


async def run(args: argparse.Namespace, base: str, corpus: Path, env: dict[str, str], pid: int) -> None:
    pool = itertools.cycle(questions())
    latencies: list[float] = []
    errors: list[str] = []
    samples: list[tuple[float, float]] = []
    reindex: dict[str, float] = {}
    duration = args.minutes * 60
    started = time.monotonic()

    async def one(client: httpx.AsyncClient) -> None:
        roll = random.random()
        t0 = time.perf_counter()
        try:
            if roll < 0.8:
                response = await client.post(f"{base}/v1/ask", json={"question": next(pool)})
                ok = response.status_code == 200 and "answer" in response.json()
            elif roll < 0.9:
                response = await client.get(f"{base}/v1/search", params={"q": next(pool)})
                ok = response.status_code == 200
            elif roll < 0.95:
                response = await client.get(f"{base}/v1/documents")
                ok = response.status_code == 200
            else:
                response = await client.post(f"{base}/v1/ask/stream", json={"question": next(pool)})
                ok = response.status_code == 200 and "event: final" in response.text
            if not ok:
                errors.append(f"{response.status_code} {response.text[:200]}")
        except httpx.HTTPError as exc:
            errors.append(repr(exc))
        latencies.append((time.perf_counter() - t0) * 1000)

    async def do_reindex() -> None:
        await asyncio.sleep(duration / 2)
        (corpus / "kaffeordningen.txt").write_text(EXTRA_DOCUMENT, encoding="utf-8")
        t0 = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "hfa"), "index", "--quiet", env=env
        )
        reindex["exit"] = float(await process.wait())
        reindex["seconds"] = time.monotonic() - t0
        reindex["at"] = t0 - started

    async def sample() -> None:
        while time.monotonic() - started < duration:
            samples.append((time.monotonic() - started, rss_mb(pid)))
            await asyncio.sleep(30)
        samples.append((time.monotonic() - started, rss_mb(pid)))

    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=64)) as client:
        tasks = [asyncio.create_task(do_reindex()), asyncio.create_task(sample())]
        pending: set[asyncio.Task[None]] = set()
        interval = 1.0 / args.rate
        next_at = time.monotonic()
        while time.monotonic() - started < duration:
            task = asyncio.create_task(one(client))
            pending.add(task)
            task.add_done_callback(pending.discard)
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        await asyncio.gather(*pending, *tasks)
        new_doc = (await client.get(f"{base}/v1/search", params={"q": "kaffeordningen frukt", "k": 1})).json()

    print(f"soak: {args.minutes:.0f} min at {args.rate:.0f} requests/s, {args.workers} worker(s), loopback")
    print(f"requests        {len(latencies)}")
    print(f"errors          {len(errors)}" + (f"  first: {errors[0]}" if errors else ""))
    print(f"latency p50     {statistics.median(latencies):.0f} ms")
    print(f"latency p95     {percentile(latencies, 0.95):.0f} ms")
    at, took, code = (reindex.get(key, float("nan")) for key in ("at", "seconds", "exit"))
    served = new_doc["results"][0]["doc_id"] == "kaffeordningen"
    print(f"re-index        at {at / 60:.1f} min, {took:.1f} s, exit {code:.0f}; new document served: {served}")
    print(
        "server RSS      "
        + ", ".join(f"{t / 60:.0f} min {rss:.0f} MB" for t, rss in samples[:: max(1, len(samples) // 8)])
    )
    print(f"RSS start/end   {samples[0][1]:.0f} MB → {samples[-1][1]:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second, all clients together")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        corpus, data = Path(tmp) / "corpus", Path(tmp) / "data"
        shutil.copytree(ROOT / "corpus", corpus)
        if (ROOT / "data" / "index").exists():
            shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("feedback.sqlite3*", "eval"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
        env.update(HFA_DATA_DIR=str(data), HFA_CORPUS_DIR=str(corpus), HFA_LOG_LEVEL="WARNING")
        hfa = str(Path(sys.executable).parent / "hfa")
        subprocess.run([hfa, "index", "--quiet"], env=env, check=True)
        server, base = start_server(args.workers, env)
        try:
            asyncio.run(run(args, base, corpus, env, server.pid))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
