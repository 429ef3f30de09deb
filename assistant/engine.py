"""The engine: question (+ earlier turns) -> retrieve -> answer -> validated citations.

Every interface (CLI, HTTP, Slack, Teams) calls ``Engine.ask``; nothing that decides
what to answer lives in an adapter. An answer leaves only after citation validation;
when the documents do not hold the answer, the engine says so and suggests the
nearest sections instead of inventing one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from assistant import guard
from assistant.answerability import answerable
from assistant.followup import Turn, standalone_question
from assistant.generators.base import Citation, Draft, Generator
from assistant.generators.citations import validate
from assistant.generators.extractive import ExtractiveGenerator
from assistant.glossary import asked_term, glossary_draft
from assistant.guard import personal_data
from assistant.retrieval import Filters, Hit, Retriever, validate_question

log = logging.getLogger(__name__)

ANSWER_K = 5


@dataclass
class Result:
    answer: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[dict[str, Any]] = field(default_factory=list)
    question: str = ""  # the standalone question that was searched
    guarded: bool = False  # held patient data: not answered, and must not be stored or logged

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "found": self.found,
            "citations": [c.as_dict() for c in self.citations],
            "passages": self.passages,
        }


class Engine:
    def __init__(self, retriever: Retriever, generator: Generator | None = None) -> None:
        self.retriever = retriever
        manifest = retriever.manifest
        self.regions = dict(manifest.regions)
        self.extractive = ExtractiveGenerator(retriever.glossary, self.regions, idf=retriever.idf)
        self.generator = generator or self.extractive
        self._other_regions = [
            (name, re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)) for name in manifest.other_regions
        ]

    @classmethod
    def from_settings(cls, settings: Any) -> Engine:
        from assistant.generators.llm import LLMGenerator, make_llm

        retriever = Retriever.from_settings(settings)
        llm = make_llm(settings)
        return cls(retriever, LLMGenerator(llm) if llm is not None else None)

    def ask(self, question: str, history: list[Turn] | None = None, filters: Filters | None = None) -> Result:
        prepared = self._prepare(question, history, filters)
        if isinstance(prepared, Result):
            return prepared
        standalone, hits, passages = prepared
        return self._finish(self.generator.generate(standalone, hits), standalone, hits, passages)

    def ask_stream(
        self, question: str, history: list[Turn] | None = None, filters: Filters | None = None
    ) -> Iterator[tuple[str, Any]]:
        """("token", text) events while an LLM writes, then one ("final", Result). The
        final answer is the validated one; it replaces the streamed text when the
        model's citations did not hold. The question is checked before this returns, so
        a bad question raises here, not in the middle of a stream."""
        prepared = self._prepare(question, history, filters)
        return self._stream(prepared)

    def _stream(self, prepared: Result | tuple[str, list[Hit], list[dict[str, Any]]]) -> Iterator[tuple[str, Any]]:
        from assistant.generators.llm import LLMGenerator, parse_answer

        if isinstance(prepared, Result):
            yield "final", prepared
            return
        standalone, hits, passages = prepared
        if not isinstance(self.generator, LLMGenerator):
            yield "final", self._finish(self.generator.generate(standalone, hits), standalone, hits, passages)
            return
        pieces: list[str] = []
        for token in self.generator.stream(standalone, hits):
            pieces.append(token)
            yield "token", token
        draft = parse_answer("".join(pieces), self.generator.context(hits))
        yield "final", self._finish(draft, standalone, hits, passages)

    def _prepare(
        self, question: str, history: list[Turn] | None, filters: Filters | None
    ) -> Result | tuple[str, list[Hit], list[dict[str, Any]]]:
        warning = guard.check(question or "")
        if warning:
            return Result(warning, False, guarded=True)
        question = validate_question(question)
        term = asked_term(question, self.retriever.glossary.terms)
        if term is not None:  # "Hva betyr USHT?": the glossary, cited where the corpus uses it
            found = glossary_draft(self.retriever, term, filters or Filters())
            if found is not None:
                draft, hits = found
                return self._finish(draft, question, hits, [hit.public() for hit in hits])
        history = [turn for turn in history or [] if not personal_data(turn.content)]
        standalone = self.standalone(question, history)
        hits = self.retriever.search(standalone, k=ANSWER_K, filters=filters)
        passages = [hit.public() for hit in hits]
        elsewhere = self.uncovered_region(standalone)
        if elsewhere:
            covered = " og ".join(r.name for r in self.regions.values())
            text = self.extractive.texts["other_region"].format(covered=covered, region=elsewhere)
            return Result(text, False, [], passages, standalone)
        if not self.answerable(standalone, hits):
            return self.refusal(standalone, hits, passages)
        return standalone, hits, passages

    def _finish(self, draft: Draft, standalone: str, hits: list[Hit], passages: list[dict[str, Any]]) -> Result:
        if not draft.found:
            return self.refusal(standalone, hits, passages)
        check = validate(draft, hits)
        if not check.ok:
            log.warning(
                "Generated answer failed citation validation (%s); using the extractive answer",
                "; ".join(check.problems),
            )
            draft = self.extractive.generate(standalone, hits)
            if not validate(draft, hits).ok:  # pragma: no cover - extractive quotes are verbatim
                return self.refusal(standalone, hits, passages)
        return Result(draft.answer, True, draft.citations, passages, standalone)

    def standalone(self, question: str, history: list[Turn]) -> str:
        """Rule-based rewrite; with an LLM configured, the model rewrites follow-ups."""
        from assistant.followup import is_followup
        from assistant.generators.llm import LLMGenerator

        if history and is_followup(question) and isinstance(self.generator, LLMGenerator):
            rewritten = self.generator.rewrite(question, [(t.role, t.content) for t in history])
            if rewritten:
                return rewritten
        return standalone_question(question, history)

    def uncovered_region(self, question: str) -> str:
        """The area a question names when the corpus has no documents from it."""
        if self.retriever.regions_in(question):
            return ""
        for name, pattern in self._other_regions:
            if pattern.search(question):
                return name
        return ""

    def answerable(self, question: str, hits: list[Hit]) -> bool:
        return answerable(question, hits, self.retriever.region_patterns.values())

    def refusal(self, question: str, hits: list[Hit], passages: list[dict[str, Any]]) -> Result:
        texts = self.extractive.texts
        lines = [texts["refusal"]]
        if hits:
            lines.append(texts["suggestions_intro"])
            for hit in hits[:3]:
                p = hit.passage
                lines.append(f"- {p['title']}, {p['section']} (s. {p['page']})")
        return Result("\n".join(lines), False, [], passages, question)
