"""Load benchmark: concurrent clients against `POST /v1/ask` of a real `hfa serve` on
loopback, extractive mode. Prints throughput, latency percentiles and errors; asserts
nothing. Run with `make bench-load` (indexes first) or:

    python bench/bench_load.py [--clients 20] [--seconds 60] [--workers 1] [--url http://…]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def questions() -> list[str]:
    from assistant.eval.evaluation import load_gold

    return [q.question for q in load_gold() if not q.history]


async def client_loop(
    client: httpx.AsyncClient, url: str, pool: itertools.cycle[str], deadline: float, out: dict[str, list[float]]
) -> None:
    while time.monotonic() < deadline:
        question = next(pool)
        started = time.perf_counter()
        try:
            response = await client.post(f"{url}/v1/ask", json={"question": question})
            ok = response.status_code == 200 and "answer" in response.json()
        except httpx.HTTPError:
            ok = False
        elapsed = time.perf_counter() - started
        out["latency" if ok else "errors"].append(elapsed)


async def run_load(url: str, clients: int, seconds: float, pool_questions: list[str]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"latency": [], "errors": []}
    pool = itertools.cycle(pool_questions)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await client.post(f"{url}/v1/ask", json={"question": "Hvor ofte møtes SSU?"})  # warm up
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(client_loop(client, url, pool, deadline, out) for _ in range(clients)))
    return out


def rss_mb(pid: int) -> float:
    total = 0.0
    for child in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except FileNotFoundError:
            pass
    return total


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids = (task / "children").read_text().split()
        for kid in kids:
            found += [int(kid), *children(int(kid))]
    return found


def start_server(workers: int, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """`hfa serve` on a free loopback port, once it answers /readyz."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    hfa = Path(sys.executable).parent / "hfa"
    command = [str(hfa), "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if httpx.get(f"{url}/readyz", timeout=30).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers of the server this script starts")
    parser.add_argument("--url", default="", help="an already running server instead of starting one")
    args = parser.parse_args()

    process = None
    url = args.url.rstrip("/")
    if not url:
        process, url = start_server(args.workers, {**os.environ, "HFA_LOG_LEVEL": "WARNING"})
    try:
        rss_before = rss_mb(process.pid) if process else float("nan")
        started = time.monotonic()
        out = asyncio.run(run_load(url, args.clients, args.seconds, questions()))
        wall = time.monotonic() - started
        rss_after = rss_mb(process.pid) if process else float("nan")
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
    latency = [t * 1000 for t in out["latency"]]
    total = len(latency) + len(out["errors"])
    print(f"POST /v1/ask, extractive, {args.clients} clients, {args.seconds:.0f} s, {args.workers} worker(s)")
    print(f"requests      {total}")
    print(f"errors        {len(out['errors'])}")
    print(f"throughput    {len(latency) / wall:.1f} answers/s")
    if latency:
        print(f"latency p50   {statistics.median(latency):.0f} ms")
        print(f"latency p95   {percentile(latency, 0.95):.0f} ms")
        print(f"latency max   {max(latency):.0f} ms")
    print(f"server RSS    {rss_before:.0f} MB before, {rss_after:.0f} MB after")


if __name__ == "__main__":
    main()
