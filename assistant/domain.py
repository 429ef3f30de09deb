"""The shared types every layer speaks: a passage of the index, a search hit, the
search filters, a citation, a conversation turn and the result of a question.

Types only (and the few methods that read them); no retrieval, answering or channel
logic lives here, so every layer can import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, TypedDict, cast

from indexer.manifest import PUBLIC
from indexer.store import FILTER_FIELDS


class Passage(TypedDict, total=False):
    """One passage of the index, as ``hfa index`` writes it to passages.jsonl
    (indexer/build.py ``_passage_record``). A TypedDict, so ``p["text"]`` reads stay as
    they are and mypy checks the keys; ``total=False`` because indexes written before a
    key existed (``trail``, ``section_path``) still load."""

    id: str
    row: int
    doc_id: str
    title: str
    region: str
    kind: str
    status: str
    status_note: str
    date: str
    url: str
    visibility: str
    issued_by: str
    reviewed: str
    injection: Any
    file: str
    section: str
    section_number: str
    section_path: list[str]
    trail: str
    page: int
    page_end: int
    text: str


def as_passage(record: Mapping[str, Any]) -> Passage:
    """A passages.jsonl record (the indexer writes plain dicts) as a Passage."""
    return cast(Passage, record)


@dataclass(frozen=True)
class Filters:
    region: str | None = None
    kind: str | None = None
    status: str | None = None
    doc_id: str | None = None
    # Access: the visibilities the caller may see ("offentlig" plus its groups); None
    # means everything (the operator's CLI, the evaluation). Applied inside both
    # retrievers, like the other filters, so nothing restricted is ever ranked.
    visible: tuple[str, ...] | None = None

    def active(self) -> dict[str, str]:
        return {k: v for k in FILTER_FIELDS if (v := getattr(self, k))}

    def can_see(self, passage: Passage | dict[str, Any]) -> bool:
        return self.visible is None or str(passage.get("visibility", PUBLIC)) in self.visible

    def seeing(self, visible: tuple[str, ...] | None) -> Filters:
        return replace(self, visible=visible)


@dataclass
class Hit:
    passage: Passage
    score: float
    dense_rank: int | None = None
    bm25_rank: int | None = None
    dense_score: float | None = None
    bm25_score: float | None = None
    sentence_rank: int | None = None
    sentence_score: float | None = None  # cosine of the passage's best sentence or item
    unit_scores: dict[int, float] = field(default_factory=dict)  # unit index -> cosine to the question
    ask_score: float | None = None  # cosine of the passage's best question in users' words

    def public(self) -> dict[str, Any]:
        p = self.passage
        return {
            "doc_id": p["doc_id"],
            "title": p["title"],
            "section": p["section"],
            "page": p["page"],
            "text": p["text"],
            "score": round(float(self.score), 6),
            "region": p["region"],
            "kind": p["kind"],
            "status": p["status"],
        }


@dataclass
class Citation:
    id: int
    doc_id: str
    title: str
    section: str
    page: int
    quote: str
    url: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self, quote_limit: int | None = None, number: str = "") -> str:
        """``[n] title, section, s. page: «quote»``: how a source reads as text, in every
        channel and in drafts (channels/render.py builds on it)."""
        quote = shorten(self.quote, quote_limit)
        return f"{number or f'[{self.id}]'} {self.title}, {self.section}, s. {self.page}: «{quote}»"


def flat(text: str) -> str:
    """``text`` on one line (runs of white space become one space)."""
    return " ".join(text.split())


def shorten(text: str, limit: int | None = None, mark: str = "…") -> str:
    """``text`` on one line; longer than ``limit``, cut at the last word boundary so the
    cut text and ``mark`` fit within ``limit``."""
    line = flat(text)
    if limit is None or len(line) <= limit:
        return line
    return line[: max(line.rfind(" ", 0, limit - len(mark)), 1)] + mark


@dataclass
class Draft:
    """What a generator proposes; the engine validates it before anything leaves."""

    answer: str
    citations: list[Citation] = field(default_factory=list)
    found: bool = True
    # How many citations carry the answer itself; the rest support it (None: all do).
    # What the question demands must be in the answer itself, not only in its support.
    answering: int | None = None


@dataclass(frozen=True)
class Turn:
    role: str  # "user" | "assistant"
    content: str


@dataclass
class Result:
    answer: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[dict[str, Any]] = field(default_factory=list)
    question: str = ""  # the standalone question that was searched
    guarded: bool = False  # held patient data: not answered, and must not be stored or logged
    replaced: bool = False  # a generated answer's citations failed and the extractive answer replaced it

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "found": self.found,
            "citations": [c.as_dict() for c in self.citations],
            "passages": self.passages,
        }
