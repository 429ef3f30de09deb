"""The generator interface and the answer types every generator returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from assistant.domain import Citation, Hit


@dataclass
class Draft:
    """What a generator proposes; the engine validates it before anything leaves."""

    answer: str
    citations: list[Citation] = field(default_factory=list)
    found: bool = True


class Generator(ABC):
    @abstractmethod
    def generate(self, question: str, hits: list[Hit]) -> Draft:
        """Answer ``question`` from ``hits`` (best first) with numbered citations."""
