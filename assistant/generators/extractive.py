"""The extractive generator: answers with the documents' own sentences or list items.

It needs no language model. From the best passages it picks the sentence(s) that share
the most with the question, or — for "who sits in / which bodies / which tasks"
questions — the list itself. Each fact is cited [n] with a verbatim quote, says which
health community it belongs to when the corpus has more than one, and is marked when
its document is not in force. Abbreviations are spelled out the first time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.generators.base import Citation, Draft, Generator
from assistant.generators.citations import cite
from assistant.retrieval import Glossary, Hit
from indexer.analysis import canonical_spelling, intent_terms, tokenize
from indexer.manifest import Region

PROMPTS = Path(__file__).resolve().parent.parent.parent / "prompts"
LIST_QUESTION = re.compile(
    r"\b(?:hvem (?:sitter|deltar|er med|møter|består)|hvilke|hvilken|består\w* av|sammensetning\w*|"
    r"oppgave\w*|medlem\w*|hva gjør|hvem er representert)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ«(])")
_BULLET = re.compile(r"^(\s*)- (.*)$")
MAX_SENTENCES = 3
MAX_PASSAGES = 3


def load_texts(path: Path | None = None) -> dict[str, str]:
    data = yaml.safe_load((path or PROMPTS / "answers.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


@dataclass
class _Unit:
    hit_rank: int
    text: str  # verbatim from the passage
    tokens: set[str]
    kind: str  # "sentence" | "list"
    heading: str = ""


def _units(rank: int, hit: Hit) -> list[_Unit]:
    lines = hit.passage["text"].split("\n")
    units: list[_Unit] = []
    block: list[str] = []
    heading = ""
    previous = ""
    for line in [*lines, ""]:
        if _BULLET.match(line):
            if not block and previous and len(previous) <= 120 and not _BULLET.match(previous):
                block.append(previous)  # the line that introduces the list belongs to it
                heading = previous
            block.append(line)
            previous = line
            continue
        if block:
            text = "\n".join(block)
            units.append(_Unit(rank, text, set(tokenize(heading + " " + text)), "list", heading))
            block = []
            heading = ""
        previous = line
        if not line.strip():
            continue
        if line[:1].islower() and units and units[-1].kind == "sentence" and units[-1].hit_rank == rank:
            # the line continues the sentence above (e.g. a date broken over two lines)
            last = units[-1]
            last.text = f"{last.text}\n{line}"
            last.tokens |= set(tokenize(line))
            continue
        for sentence in _SENTENCE_END.split(line):
            if len(sentence) > 15 and (len(sentence) > 45 or sentence.rstrip().endswith((".", "!", "?"))):
                units.append(_Unit(rank, sentence, set(tokenize(sentence)), "sentence"))
    return units


class ExtractiveGenerator(Generator):
    def __init__(
        self,
        glossary: Glossary,
        regions: dict[str, Region],
        texts: dict[str, str] | None = None,
        idf: Callable[[str], float] | None = None,
    ) -> None:
        self.glossary = glossary
        self.regions = regions
        self.texts = texts or load_texts()
        self.idf = idf or (lambda token: 1.0)

    def question_tokens(self, question: str) -> set[str]:
        expansion = self.glossary.expand(question)
        extra = " ".join([*expansion.added, *intent_terms(question)])
        wanted = set(tokenize(f"{canonical_spelling(question)} {extra}"))
        # Naming the health community says where, not what: it must not pick the sentence.
        background = set(tokenize("helsefellesskap " + " ".join(r.name for r in self.regions.values())))
        return (wanted - background) or wanted

    def generate(self, question: str, hits: list[Hit]) -> Draft:
        top = hits[:MAX_PASSAGES]
        wanted = self.question_tokens(question)
        units = [unit for rank, hit in enumerate(top) for unit in _units(rank, hit)]
        if not units:
            return Draft(self.texts["refusal"], [], found=False)
        wants_list = bool(LIST_QUESTION.search(canonical_spelling(question)))

        unit_weight = sum(self.idf(t) for t in wanted) / max(1, len(wanted))  # one "typical" word

        def score(unit: _Unit) -> float:
            context = unit.tokens
            if unit.kind == "list" and wants_list:  # the section names what the list is of
                section = top[unit.hit_rank].passage.get("trail") or top[unit.hit_rank].passage["section"]
                context = context | set(tokenize(section))
            overlap = sum(self.idf(t) for t in wanted & context)
            prior = unit_weight / (unit.hit_rank + 1)
            shape = unit_weight if wants_list == (unit.kind == "list") else 0.0
            return overlap + prior + shape

        ranked = sorted(units, key=lambda u: (-score(u), u.hit_rank))
        best = ranked[0]
        chosen = [best]
        if best.kind == "sentence":
            for unit in ranked[1:]:
                if len(chosen) >= MAX_SENTENCES:
                    break
                if (
                    unit.kind == "sentence"
                    and unit.hit_rank == best.hit_rank  # context from the same passage only
                    and score(unit) >= 0.5 * score(best)
                    and unit.text not in best.text
                ):
                    chosen.append(unit)
            order = top[best.hit_rank].passage["text"]
            chosen.sort(key=lambda u: order.find(u.text))  # in the document's own order
        return self._compose(chosen, top)

    # -- composing ------------------------------------------------------------------
    def _compose(self, chosen: list[_Unit], top: list[Hit]) -> Draft:
        citations: list[Citation] = []
        numbers: dict[int, int] = {}
        parts: list[str] = []
        multi_region = len(self.regions) > 1
        groups: list[list[_Unit]] = []
        for unit in chosen:  # sentences from one passage make one paragraph with one marker
            if groups and groups[-1][0].hit_rank == unit.hit_rank and unit.kind == "sentence":
                groups[-1].append(unit)
            else:
                groups.append([unit])
        for group in groups:
            first = group[0]
            hit = top[first.hit_rank]
            if first.hit_rank not in numbers:
                numbers[first.hit_rank] = len(citations) + 1
                citations.append(cite(numbers[first.hit_rank], hit, first.text))
            existing = citations[numbers[first.hit_rank] - 1]
            for unit in group:
                existing.quote = _join_quotes(hit.passage["text"], existing.quote, unit.text)
            marker = f"[{numbers[first.hit_rank]}]"
            prefix = self._region_prefix(hit) if multi_region else ""
            status = self._status_mark(hit)
            if first.kind == "list":
                intro = self.texts["list_intro"].format(section=hit.passage["section"], title=hit.passage["title"])
                parts.append(f"{prefix}{intro}{' ' + status if status else ''}\n{first.text} {marker}")
            else:
                text = " ".join(" ".join(u.text.split()) for u in group)
                parts.append(f"{prefix}{text}{' ' + status if status else ''} {marker}")
        answer = self.expand_abbreviations("\n\n".join(parts))
        return Draft(answer, citations, found=True)

    def _region_prefix(self, hit: Hit) -> str:
        region = self.regions.get(hit.passage["region"])
        return self.texts["region_prefix"].format(region_name=region.name) if region else ""

    def _status_mark(self, hit: Hit) -> str:
        passage: dict[str, Any] = hit.passage
        if passage["status"] == "gjeldende":
            return ""
        note = passage.get("status_note") or passage["status"]
        return self.texts["status_mark"].format(status_note=note)

    def expand_abbreviations(self, text: str) -> str:
        """Spell out each glossary abbreviation the first time it appears (in one pass,
        so an inserted expansion is never expanded again)."""
        terms = {t.abbr: t for t in self.glossary.terms if t.expand and t.expansion.lower() not in text.lower()}
        if not terms:
            return text
        # "(FSU)" already follows its expansion in the documents' own wording: leave it.
        pattern = re.compile(r"(?<![\w(-])(" + "|".join(re.escape(a) for a in terms) + r")(?![\w)-])")
        done: set[str] = set()

        def replace(match: re.Match[str]) -> str:
            abbr = match.group(1)
            if abbr in done:
                return abbr
            done.add(abbr)
            return f"{abbr} ({terms[abbr].expansion})"

        return pattern.sub(replace, text)


def _join_quotes(passage_text: str, first: str, second: str) -> str:
    """Two quotes from one passage: the verbatim span from the first to the second."""
    start, end = passage_text.find(first), passage_text.find(second)
    if start < 0 or end < 0:
        return first
    lo, hi = min(start, end), max(start + len(first), end + len(second))
    return passage_text[lo:hi]
