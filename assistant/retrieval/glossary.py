"""Abbreviations: "Hva betyr USHT?" answered from the glossary, with a citation to the
place in the corpus that defines or uses the abbreviation; and the glossary for
`/v1/glossary`, each term with that citation."""

from __future__ import annotations

import re
from typing import Any

from assistant.domain import Citation, Draft, Filters, Hit, as_passage
from assistant.retrieval.hybrid import Retriever
from indexer.manifest import Term

GLOSSARY_QUESTION = re.compile(
    r"^\s*(?:hva|kva)\s+(?:betyr|står|er|meiner|tyder)\s+(?:forkortelsen\s+|forkortinga\s+)?(?:en\s+|et\s+|ein\s+|eit\s+)?"
    r"[«\"']?(?P<term>[A-Za-zÆØÅæøå]{2,10})[»\"']?\s*(?:for|i helsefellesskapet)?\s*\??\s*$",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n")


def asked_term(question: str, terms: list[Term]) -> Term | None:
    """The glossary term a "what does X mean" question asks about, if any."""
    match = GLOSSARY_QUESTION.match(question)
    if not match:
        return None
    word = match.group("term")
    for term in terms:
        if word == term.abbr or (len(term.abbr) >= 3 and word.upper() == term.abbr.upper()):
            return term
    return None


def _mentions(term: Term) -> list[re.Pattern[str]]:
    """Best first: "expansion (ABBR)", "ABBR (expansion)", both in one sentence, the abbreviation."""
    abbr, full = re.escape(term.abbr), re.escape(term.expansion)
    return [
        re.compile(rf"{full}\s*\({abbr}\)", re.IGNORECASE),
        re.compile(rf"(?<!\w){abbr}\s*\({full}\)", re.IGNORECASE),
        re.compile(rf"(?=.*(?<!\w){abbr}(?!\w))(?=.*{full})", re.IGNORECASE),
        re.compile(rf"(?<![\w-]){abbr}(?![\w])"),
        re.compile(rf"\b{full}\b", re.IGNORECASE),
    ]


def find_usage(retriever: Retriever, term: Term, filters: Filters) -> tuple[dict[str, Any], str] | None:
    """The passage and sentence that best define or use ``term``, among those the caller may see."""
    passages = [p for p in retriever.snapshot().passages if filters.can_see(p)]
    for pattern in _mentions(term):
        for passage in sorted(passages, key=lambda p: int(p["row"])):
            for sentence in _SENTENCES.split(passage["text"]):
                if pattern.search(sentence):
                    return passage, sentence.strip().lstrip("-• ").strip()
    return None


def glossary_draft(retriever: Retriever, term: Term, filters: Filters) -> tuple[Draft, list[Hit]] | None:
    """The answer to "Hva betyr <term>?", cited, or None when the corpus never uses it."""
    usage = find_usage(retriever, term, filters)
    if usage is None:
        return None
    passage, sentence = usage
    region = retriever.manifest.regions.get(term.region)
    where = f" i {region.name}" if region else ""
    answer = f"{term.abbr} står for {term.expansion}{where}. Brukt i dokumentene: «{sentence}» [1]"
    citation = Citation(
        1,
        passage["doc_id"],
        passage["title"],
        passage["section"],
        int(passage["page"]),
        sentence,
        passage.get("url", ""),
    )
    return Draft(answer, [citation]), [Hit(as_passage(passage), 1.0)]


def glossary_entries(retriever: Retriever, filters: Filters) -> list[dict[str, Any]]:
    entries = []
    for term in retriever.glossary.terms:
        usage = find_usage(retriever, term, filters)
        citation = None
        if usage is not None:
            passage, sentence = usage
            citation = {
                "doc_id": passage["doc_id"],
                "title": passage["title"],
                "section": passage["section"],
                "page": int(passage["page"]),
                "quote": sentence,
            }
        entries.append({"abbr": term.abbr, "expansion": term.expansion, "region": term.region, "citation": citation})
    return entries
