"""The eval baseline: llama-index defaults (SentenceSplitter chunks, dense-only
retrieval through VectorStoreIndex) over the same documents and the same embedder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import PrivateAttr

from indexer.build import corpus_files
from indexer.cache import EmbeddingCache, content_key
from indexer.embedders import Embedder
from indexer.loaders import LoadError, load_document


def llama_embedding(embedder: Embedder, cache: EmbeddingCache | None = None) -> Any:
    """Wrap an hfa Embedder as a llama-index BaseEmbedding (vectors cached by content)."""
    from llama_index.core.base.embeddings.base import BaseEmbedding

    class _Adapter(BaseEmbedding):
        _embedder: Embedder = PrivateAttr()
        _cache: EmbeddingCache | None = PrivateAttr()

        def __init__(self) -> None:
            super().__init__(model_name=embedder.name, embed_batch_size=8)
            self._embedder = embedder
            self._cache = cache

        def _get_query_embedding(self, query: str) -> list[float]:
            return [float(x) for x in self._embedder.embed_query(query)]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._get_text_embeddings([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            keys = [content_key(self._embedder.name, t) for t in texts]
            found = self._cache.get_many(keys) if self._cache else {}
            missing = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in found]
            if missing:
                vectors = self._embedder.embed_passages([t for _, t in missing])
                new = {k: vectors[i] for i, (k, _) in enumerate(missing)}
                if self._cache:
                    self._cache.put_many(new)
                found.update(new)
            return [[float(x) for x in found[k]] for k in keys]

    return _Adapter()


class BaselineIndex:
    def __init__(self, retriever: Any, chunk_lengths: list[int]) -> None:
        self._retriever = retriever
        self.chunk_lengths = chunk_lengths

    @classmethod
    def build(cls, corpus_dir: Path, data_dir: Path, embedder: Embedder) -> BaselineIndex:
        from llama_index.core import Document, Settings, VectorStoreIndex
        from llama_index.core.llms import MockLLM
        from llama_index.core.node_parser import SentenceSplitter

        documents = []
        for path in corpus_files(corpus_dir):
            try:
                loaded = load_document(path)
            except LoadError:
                continue
            documents.append(Document(text="\n".join(loaded.pages), metadata={"file": path.name}))
        cache = EmbeddingCache(data_dir / "cache" / "embeddings.sqlite")
        Settings.llm = MockLLM()
        Settings.embed_model = llama_embedding(embedder, cache)
        nodes = SentenceSplitter().get_nodes_from_documents(documents)
        index = VectorStoreIndex(nodes, embed_model=Settings.embed_model)
        return cls(index.as_retriever(similarity_top_k=20), [len(n.get_content()) for n in nodes])

    def search(self, query: str, k: int = 20) -> list[str]:
        results = self._retriever.retrieve(query)
        return [r.node.get_content() for r in results[:k]]
