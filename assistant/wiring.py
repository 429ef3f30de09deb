"""The one place that builds the assistant's parts from ``Settings``: the embedder, the
retriever, the language model, an engine per collection, the collections and the
feedback store. Channels and the command line call these; the answering and retrieval
layers take their parts ready-made and never read settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.answering.collections import Collections
from assistant.answering.engine import Engine
from assistant.answering.feedback import FeedbackStore
from assistant.answering.generators.llm import LLMGenerator
from assistant.errors import HfaError
from assistant.retrieval.hybrid import Retriever
from assistant.settings import Settings
from indexer.embedders import Embedder, EmbedderError, make_embedder


def embedder(settings: Settings) -> Embedder:
    """The embedder the ``HFA_EMBED_*`` settings describe."""
    return make_embedder(
        settings.embed_backend,
        e5_model_dir(settings) if settings.embed_backend == "e5-torch" else settings.embed_model,
        settings.embed_base_url,
        settings.embed_api_key.get_secret_value(),
        settings.embed_batch_size,
        settings.embed_query_prefix,
        settings.embed_passage_prefix,
        settings.embed_concurrency,
        precision=settings.embed_precision,
        engine=settings.embed_engine,
    )


def e5_model_dir(settings: Settings) -> str:
    """The e5 model directory: HFA_EMBED_MODEL when the e5-torch backend names one, else
    ``HFA_DATA_DIR/models/multilingual-e5-small`` (where ``hfa models build-e5`` writes)."""
    if settings.embed_backend == "e5-torch" and settings.embed_model:
        return str(settings.embed_model)
    return str(Path(settings.data_dir) / "models" / "multilingual-e5-small")


def retriever(settings: Settings) -> Retriever:
    """A retriever over the index in ``settings.data_dir``."""
    try:
        built = embedder(settings)
    except EmbedderError as exc:
        raise HfaError(str(exc), 503) from exc
    return Retriever(
        settings.data_dir,
        settings.corpus_dir,
        built,
        fusion=settings.fusion,
        dense_weight=settings.dense_weight,
        candidates=settings.candidates,
        region_boost=settings.region_boost,
        document_boost=settings.document_boost,
        chroma_url=settings.chroma_url,
        sentence_weight=settings.sentence_weight,
        ask_weight=settings.ask_weight,
        centring=settings.centring,
        query_centring=settings.query_centring,
    )


def llm(settings: Settings) -> Any | None:
    """The configured llama-index LLM, or None for the extractive default."""
    from llama_index.core import Settings as LlamaSettings

    if settings.llm_gguf:
        path = Path(settings.llm_gguf).expanduser()
        if not path.is_file():
            raise HfaError(f"Fant ikke GGUF-modellen {path} (HFA_LLM_GGUF).", 503)
        try:
            from llama_index.llms.llama_cpp import LlamaCPP
        except ImportError as exc:
            raise HfaError(
                "llama.cpp er ikke installert. Installer med `pip install 'hfa[llm]'`.", 503, str(exc)
            ) from exc
        model: Any = LlamaCPP(
            model_path=str(path),  # always a local file: never a download
            temperature=settings.llm_temperature,
            max_new_tokens=settings.llm_max_tokens,
            context_window=settings.llm_context,
            model_kwargs={"n_ctx": settings.llm_context, "verbose": False},
            verbose=False,
        )
    elif settings.llm_base_url:
        from llama_index.llms.openai_like import OpenAILike

        model = OpenAILike(
            model=settings.llm_model or "default",
            api_base=settings.llm_base_url,
            api_key=settings.llm_api_key.get_secret_value() or "ingen-nokkel",
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
            timeout=settings.llm_timeout,
            is_chat_model=False,
            context_window=settings.llm_context,
        )
    else:
        return None
    LlamaSettings.llm = model  # llama-index needs it set explicitly
    return model


def engine(settings: Settings) -> Engine:
    """An engine over one collection: the retriever and, when one is configured, the LLM
    (else the extractive generator)."""
    model = llm(settings)
    return Engine(retriever(settings), LLMGenerator(model) if model is not None else None)


def collections(settings: Settings, first: Engine | None = None) -> Collections:
    """The configured collections, each engine built on first use (``first``: a ready
    engine for the default collection, as tests and benchmarks pass one)."""
    names = settings.collection_names()
    titles = {name: config.title for name, config in settings.collections.items() if config.title}
    return Collections(
        names,
        lambda name: engine(settings.for_collection(name)),
        titles,
        {names[0]: first} if first else None,
    )


def feedback_store(settings: Settings) -> FeedbackStore:
    """The votes and posted answers, in ``HFA_DATA_DIR/feedback.sqlite3``."""
    return FeedbackStore(Path(settings.data_dir) / "feedback.sqlite3")
