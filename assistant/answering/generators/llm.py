"""LLM generators through llama-index: an OpenAI-compatible endpoint (vLLM, Ollama,
llama.cpp server, a cloud model) or llama.cpp in process (a local GGUF file).

The prompt keeps the passages apart as numbered, delimited data; the model is told
never to follow instructions found inside them. Its answer is parsed into text and
citations, and the engine validates those citations before anything is returned.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from assistant.answering.generators.base import Generator
from assistant.answering.generators.citations import MARKER, cite
from assistant.domain import Citation, Draft, Hit
from assistant.errors import HfaError
from assistant.resources import resource_dir
from indexer.injection import usable_by_llm

log = logging.getLogger(__name__)

NOT_FOUND = "jeg finner ikke svar på dette i dokumentene"
_QUOTE_LINE = re.compile(r"^\s*\[(\d{1,3})\]\s*[«\"“](.+?)[»\"”]\s*$")
_QUOTES_HEADER = re.compile(r"^\s*(?:sitater|kilder)\s*:\s*$", re.IGNORECASE | re.MULTILINE)


def read_prompt(name: str) -> str:
    return (resource_dir("prompts") / name).read_text(encoding="utf-8")


def format_passages(hits: list[Hit]) -> str:
    """Passages as delimited data (prompts/passage.txt). Angle brackets inside a passage
    are neutralised so a document cannot close its own block and pose as instructions."""
    template = read_prompt("passage.txt").strip()
    blocks = []
    for number, hit in enumerate(hits, start=1):
        p = hit.passage
        text = p["text"].replace("<", "‹").replace(">", "›")
        fields = {"title": p["title"], "section": p["section"], "page": p["page"], "status": p["status"]}
        blocks.append(template.format(number=number, text=text, **fields))
    return "\n\n".join(blocks)


def build_prompt(question: str, hits: list[Hit]) -> str:
    system = read_prompt("system.txt").strip()
    body = read_prompt("answer.txt").format(passages=format_passages(hits), question=question.strip())
    return f"{system}\n\n{body}"


def parse_answer(text: str, hits: list[Hit]) -> Draft:
    """Split an LLM reply into answer text and citations. A marker without a quote is
    cited with the sentence it stands in; the validator decides whether that holds."""
    parts = _QUOTES_HEADER.split(text, maxsplit=1)
    answer = parts[0].strip()
    quotes: dict[int, str] = {}
    if len(parts) > 1:
        for line in parts[1].splitlines():
            match = _QUOTE_LINE.match(line)
            if match:
                quotes.setdefault(int(match.group(1)), match.group(2).strip())
    if not answer or NOT_FOUND in answer.lower():
        return Draft(answer, [], found=False)
    citations: list[Citation] = []
    for number in sorted({int(m) for m in MARKER.findall(answer)}):
        if not 1 <= number <= len(hits):
            continue  # a number that names no passage: the validator reports it
        quote = quotes.get(number) or _sentence_with_marker(answer, number)
        citations.append(cite(number, hits[number - 1], quote))
    return Draft(answer, citations, found=True)


def _sentence_with_marker(answer: str, number: int) -> str:
    for sentence in re.split(r"(?<=[.!?])\s+", answer):
        if f"[{number}]" in sentence:
            return MARKER.sub("", sentence).strip().rstrip(".").strip()
    return ""


class LLMGenerator(Generator):
    streams = True

    def __init__(self, llm: Any, max_passages: int = 5) -> None:
        self.llm = llm
        self.max_passages = max_passages

    def context(self, hits: list[Hit]) -> list[Hit]:
        """The passages the model sees: the best ``max_passages``, without passages the
        indexer flagged as addressing the assistant (unless their document is reviewed)."""
        return [hit for hit in hits if usable_by_llm(hit.passage)][: self.max_passages]

    def generate(self, question: str, hits: list[Hit]) -> Draft:
        top = self.context(hits)
        try:
            reply = self.llm.complete(build_prompt(question, top))
        except Exception as exc:  # the endpoint is outside our control: any failure is reported
            log.warning("LLM call failed: %s", exc)
            raise HfaError("Språkmodellen svarer ikke akkurat nå.", 503, f"LLM call failed: {exc}") from exc
        return parse_answer(str(reply.text), top)

    def stream(self, question: str, hits: list[Hit]) -> Iterator[str]:
        """Tokens as the model writes them (the engine validates the full text after)."""
        top = self.context(hits)
        try:
            for chunk in self.llm.stream_complete(build_prompt(question, top)):
                if chunk.delta:
                    yield str(chunk.delta)
        except Exception as exc:
            log.warning("LLM stream failed: %s", exc)
            raise HfaError("Språkmodellen svarer ikke akkurat nå.", 503, f"LLM stream failed: {exc}") from exc

    def finish(self, text: str, hits: list[Hit]) -> Draft:
        return parse_answer(text, self.context(hits))

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        """A standalone version of a follow-up question, or "" when the model gives none."""
        lines = "\n".join(f"{'Bruker' if role == 'user' else 'Assistent'}: {content}" for role, content in history)
        prompt = read_prompt("followup.txt").format(history=lines, question=question)
        try:
            reply = str(self.llm.complete(prompt).text)
        except Exception as exc:
            log.warning("LLM rewrite failed: %s", exc)
            return ""
        first = reply.strip().splitlines()[0].strip() if reply.strip() else ""
        return first if 5 <= len(first) <= 300 else ""
