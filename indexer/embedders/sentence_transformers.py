"""``sentence-transformers``: a local model directory (``HFA_EMBED_MODEL``), loaded with
``local_files_only`` so nothing is fetched from a hub. Imported lazily (slow import)."""

from __future__ import annotations

from typing import Any

import numpy as np

from indexer.embedders.base import Embedder, EmbedderError, normalise


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
        return normalise(np.asarray(vectors, dtype=np.float32))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prompt)

    def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self._encode([text], self._query_prompt)[0]
        return vector
