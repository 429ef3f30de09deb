"""The generator interface and the answer types every generator returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.retrieval import Hit


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


@dataclass
class Draft:
    """What a generator proposes; the engine validates it before anything leaves."""

    answer: str
    citations: list[Citation] = field(default_factory=list)
    found: bool = True
    # How many citations carry the answer itself; the rest support it (None: all do).
    # What the question demands must be in the answer itself, not only in its support.
    answering: int | None = None


class Generator(ABC):
    @abstractmethod
    def generate(self, question: str, hits: list[Hit]) -> Draft:
        """Answer ``question`` from ``hits`` (best first) with numbered citations."""
