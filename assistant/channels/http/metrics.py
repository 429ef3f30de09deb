"""Prometheus metrics for `hfa serve`, served at ``/metrics`` (prometheus-client).

Labels carry route templates (``/v1/documents/{doc_id}``), methods, status codes,
outcomes and collection names, never a raw path, a query string or a question, so no
patient data can reach a metric. Counted: HTTP requests and their latency per route;
answers found, refused and guarded (patient data) through the HTTP API (web page, API,
OpenAI-compatible); LLM answers whose citations failed validation and were replaced;
query embedding time; and, read at scrape time, each collection's index generation,
build time, age, passages and size on disk.

Several workers (``HFA_WORKERS`` > 1): each worker counts for itself, and a scrape
reaches one of them. Set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory before
`hfa serve` starts and ``/metrics`` sums every worker's counters (prometheus-client's
multiprocess mode).
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from assistant import guard
from assistant.answering.collections import Collections
from assistant.domain import Result

REQUESTS = Counter("hfa_http_requests", "HTTP requests by route template and status", ["method", "route", "status"])
LATENCY = Histogram(
    "hfa_http_request_duration_seconds",
    "Time to the response's first byte, by route template",
    ["method", "route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
ANSWERS = Counter("hfa_answers", "Answers through the HTTP API by outcome (found, refused, guarded)", ["outcome"])
CITATION_REPLACEMENTS = Counter(
    "hfa_citation_replacements", "Generated answers whose citations failed validation and were replaced"
)
EMBEDDING = Histogram(
    "hfa_query_embedding_seconds",
    "Time to embed one question",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


def outcome(result: Result) -> None:
    ANSWERS.labels("guarded" if result.guarded else "found" if result.found else "refused").inc()
    if result.replaced:
        CITATION_REPLACEMENTS.inc()


class TimedEmbedder:
    """The retriever's embedder, with each query's embedding time measured."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def embed_query(self, text: str) -> Any:
        started = time.perf_counter()
        try:
            return self.inner.embed_query(text)
        finally:
            EMBEDDING.observe(time.perf_counter() - started)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def instrument(retriever: Any) -> None:
    """Measure the retriever's query embeddings (idempotent)."""
    if not isinstance(retriever.embedder, TimedEmbedder):
        retriever.embedder = TimedEmbedder(retriever.embedder)


class GuardCollector(Collector):
    """Texts the patient-data guard scanned in this worker (one per distinct question,
    however many boundaries check it)."""

    def collect(self) -> Iterator[Metric]:
        yield CounterMetricFamily(
            "hfa_guard_scans", "Texts the patient-data guard's patterns scanned", guard.scan_count()
        )


class IndexCollector(Collector):
    """Index generation, build time, age, passages and bytes per collection, read when
    Prometheus scrapes (a collection whose index is not built is left out)."""

    def __init__(self, collections: Collections) -> None:
        self.collections = collections
        self._sizes: dict[Path, int] = {}

    def collect(self) -> Iterator[Metric]:
        labels = ["collection"]
        info = GaugeMetricFamily("hfa_index_generation_info", "Index generation in use", labels=[*labels, "generation"])
        built = GaugeMetricFamily("hfa_index_built_timestamp_seconds", "When the index in use was built", labels=labels)
        age = GaugeMetricFamily("hfa_index_age_seconds", "Age of the index generation in use", labels=labels)
        passages = GaugeMetricFamily("hfa_index_passages", "Passages in the index", labels=labels)
        size = GaugeMetricFamily("hfa_index_size_bytes", "Size of the index generation on disk", labels=labels)
        now = time.time()
        for name in self.collections.names:
            try:
                snapshot = self.collections.engine(name).retriever.snapshot()
            except Exception:  # not built yet, or built with another embedder: /readyz tells
                continue
            when = _built_at(snapshot.path)
            info.add_metric([name, snapshot.path.name], 1)
            built.add_metric([name], when)
            age.add_metric([name], max(0.0, now - when))
            passages.add_metric([name], len(snapshot.passages))
            size.add_metric([name], self._size(snapshot.path))
        yield from (info, built, age, passages, size)

    def _size(self, path: Path) -> int:
        if path not in self._sizes:  # a generation never changes once it is in use
            self._sizes[path] = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        return self._sizes[path]


def _built_at(generation: Path) -> float:
    """Build time from the generation's name (``gen-<nanoseconds>``), else its mtime."""
    stamp = generation.name.removeprefix("gen-")
    return int(stamp) / 1e9 if stamp.isdigit() else generation.stat().st_mtime


def install(app: Any, collections: Collections) -> None:
    """``/metrics`` and the request middleware on a FastAPI app."""
    index = IndexCollector(collections)

    @app.middleware("http")
    async def measure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = getattr(request.scope.get("route"), "path", None) or "other"
            LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
            REQUESTS.labels(request.method, route, str(status)).inc()

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(_registry(index)), media_type=CONTENT_TYPE_LATEST)


def _registry(index: IndexCollector) -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = CollectorRegistry()
        registry.register(_Default())
    registry.register(index)
    registry.register(GuardCollector())
    return registry


class _Default(Collector):
    """This process's counters and histograms (the default registry)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()
