"""The one place that builds the assistant's parts from ``Settings``: the embedder, the
retriever, the language model, an engine per collection, the collections and the
feedback store. Channels and the command line call these; the answering and retrieval
layers take their parts ready-made and never read settings."""

from __future__ import annotations

from typing import Any

from assistant.answering.collections import Collections
from assistant.answering.engine import Engine
from assistant.answering.feedback import FeedbackStore
from assistant.answering.generators.llm import LLMGenerator, make_llm
from assistant.retrieval.hybrid import Retriever, embedder_from_settings
from indexer.embedders import Embedder


def embedder(settings: Any) -> Embedder:
    """The embedder the ``HFA_EMBED_*`` settings describe."""
    return embedder_from_settings(settings)


def retriever(settings: Any) -> Retriever:
    """A retriever over the index in ``settings.data_dir``."""
    return Retriever.from_settings(settings)


def engine(settings: Any) -> Engine:
    """An engine over one collection: the retriever and, when one is configured, the LLM
    (else the extractive generator)."""
    llm = make_llm(settings)
    return Engine(retriever(settings), LLMGenerator(llm) if llm is not None else None)


def collections_from_settings(settings: Any, first: Engine | None = None) -> Collections:
    """The configured collections, each engine built on first use (``first``: a ready
    engine for the default collection, as tests and benchmarks pass one)."""
    return Collections(settings, {settings.collection_names()[0]: first} if first else None, build=engine)


def feedback_store(settings: Any) -> FeedbackStore:
    """The votes and posted answers, in ``HFA_DATA_DIR/feedback.sqlite3``."""
    return FeedbackStore.from_settings(settings)
