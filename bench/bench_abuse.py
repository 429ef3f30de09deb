"""Abuse benchmark: 20 clients ask normal questions against a real `hfa serve` while
one client sends the largest body the server accepts (HFA_MAX_BODY_BYTES of history
turns, each one long word: the text that made the old e-mail pattern backtrack) once a
second. Prints the p95
latency of the normal clients without and with the abuser, and their ratio (target:
at most 2x). Asserts nothing.

    python bench/bench_abuse.py [--clients 20] [--seconds 30] [--url http://…]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_load import percentile, questions, run_load, start_server  # noqa: E402


def largest_body(limit: int) -> bytes:
    """A /v1/ask body of at most ``limit`` bytes: as many history turns as fit, each at
    the turn limit and one unbroken word, the input that made the old e-mail pattern
    backtrack quadratically (it holds no personal data, so every turn is checked whole)."""
    from assistant.channels.http.schemas import MAX_HISTORY_TURNS, MAX_TURN_CHARS

    turn = "a" * MAX_TURN_CHARS

    def encode(history: list[dict[str, str]]) -> bytes:
        return json.dumps({"question": "Hvor ofte møtes SSU?", "history": history}).encode()

    history: list[dict[str, str]] = []
    while len(history) < MAX_HISTORY_TURNS and len(encode([*history, {"role": "user", "content": turn}])) <= limit:
        history.append({"role": "user", "content": turn})
    room = limit - len(encode([*history, {"role": "user", "content": ""}]))
    if room > 0 and len(history) < MAX_HISTORY_TURNS:
        history.append({"role": "user", "content": turn[:room]})
    return encode(history)


async def abuser(url: str, body: bytes, deadline: float, statuses: list[int], durations: list[float]) -> None:
    async with httpx.AsyncClient(timeout=120) as client:
        while time.monotonic() < deadline:
            started = time.monotonic()
            response = await client.post(f"{url}/v1/ask", content=body, headers={"Content-Type": "application/json"})
            statuses.append(response.status_code)
            durations.append(time.monotonic() - started)
            await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


async def with_abuser(
    url: str, clients: int, seconds: float, pool: list[str], body: bytes
) -> tuple[dict[str, list[float]], list[int], list[float]]:
    statuses: list[int] = []
    durations: list[float] = []
    deadline = time.monotonic() + seconds + 5
    task = asyncio.create_task(abuser(url, body, deadline, statuses, durations))
    out = await run_load(url, clients, seconds, pool)
    await task
    return out, statuses, durations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--url", default="", help="an already running server instead of starting one")
    args = parser.parse_args()

    from assistant.settings import Settings

    limit = Settings().max_body_bytes
    body = largest_body(limit)
    process = None
    url = args.url.rstrip("/")
    if not url:
        process, url = start_server(1, {**os.environ, "HFA_LOG_LEVEL": "WARNING"})
    try:
        pool = questions()
        calm = asyncio.run(run_load(url, args.clients, args.seconds, list(itertools.islice(pool, None))))
        abused, statuses, durations = asyncio.run(with_abuser(url, args.clients, args.seconds, pool, body))
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
    p95_calm = percentile([t * 1000 for t in calm["latency"]], 0.95)
    p95_abused = percentile([t * 1000 for t in abused["latency"]], 0.95)
    print(f"POST /v1/ask, extractive, {args.clients} clients, {args.seconds:.0f} s per run, 1 worker")
    print(f"abuser body   {len(body)} bytes (limit {limit}), {len(statuses)} sent, statuses {sorted(set(statuses))}")
    if durations:
        p50, worst = percentile(durations, 0.5) * 1000, max(durations) * 1000
        print(f"abuser time   p50 {p50:.0f} ms, max {worst:.0f} ms")
    print(f"requests      {len(calm['latency'])} without, {len(abused['latency'])} with the abuser")
    print(f"errors        {len(calm['errors'])} without, {len(abused['errors'])} with the abuser")
    print(f"p95 without   {p95_calm:.0f} ms")
    print(f"p95 with      {p95_abused:.0f} ms")
    print(f"ratio         {p95_abused / p95_calm:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
