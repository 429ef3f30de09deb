"""The generator interface and the answer types every generator returns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator

from assistant.domain import Draft, Hit


class Generator(ABC):
    streams = False  # True when ``stream`` yields the answer token by token

    @abstractmethod
    def generate(self, question: str, hits: list[Hit]) -> Draft:
        """Answer ``question`` from ``hits`` (best first) with numbered citations."""

    def stream(self, question: str, hits: list[Hit]) -> Iterator[str]:
        """The answer's tokens as they are written (``streams``); the engine turns the
        whole text into a draft with ``finish`` and validates it."""
        raise NotImplementedError(f"{type(self).__name__} does not stream")

    def finish(self, text: str, hits: list[Hit]) -> Draft:
        """The draft a streamed ``text`` makes, its citations from ``hits``."""
        raise NotImplementedError(f"{type(self).__name__} does not stream")

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        """A standalone version of a follow-up question, or "" to keep the rule-based one."""
        return ""
