"""The generator interface and the answer types every generator returns."""

from __future__ import annotations

from abc import ABC, abstractmethod

from assistant.domain import Draft, Hit


class Generator(ABC):
    @abstractmethod
    def generate(self, question: str, hits: list[Hit]) -> Draft:
        """Answer ``question`` from ``hits`` (best first) with numbered citations."""
