"""Answers to "Hvilke organer har helsefellesskapet i Telemark?" and "Hvordan er de to
helsefellesskapene organisert?": each health community's bodies from the structure map
(corpus/structure.yaml), top levels first, each with the documents' own words for its
role, cited. The bodies, their order and the quotes are corpus data; only the Norwegian
words that ask for the organisation live here.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.answering.followup import Topics
from assistant.answering.generators.citations import cite
from assistant.domain import Citation, Draft, Filters, Hit, as_passage
from assistant.retrieval.hybrid import Retriever
from indexer.analysis import fold_for_match

# "hvilke organer", "kva for nivå", "hvordan er … organisert", "organiseringen av helsefellesskapet"
_ASKS_ORGANISATION = re.compile(
    # "på kva nivå er dei med?" asks where one thing is, not how the whole is organised
    r"(?<!på )(?<!i )\b(?:hvilke|kva for|kva) (?:\w+ )?(?:organer|organ|nivåer|nivå)\b|"
    r"\borganisering(?:en|a)? (?:av|i|til) (?:\w+ )?(?:helsefellesskap\w{0,4}|helsesamarbeid\w{0,3}|"
    r"samarbeid\w{0,3})\b|"
    r"\borganisasjonskart\w{0,3}\b|\bmøtestruktur\w{0,3}\b",
    re.IGNORECASE,
)
# "Kva for organ tek avgjerder i saker som …?", "Hvilket nivå godkjenner …?": which body does
# one thing, answered by the passage that says so, not by the overview
_WHICH_DOES = re.compile(
    r"\b(?:hvilket|hvilke|kva for(?: eit| nokre)?|kva) (?:\w+ )?(?:organ|organer|organet|nivå|nivået)\b"
    r"(?:\W+\w+){0,8}?\W+(?:tek|tar|fatter|fattar|beslutter|beslutta\w{0,2}|vedtar|vedtek|godkjenner|"
    r"godkjenn|bestemmer|avgjør|avgjer|behandler|handsamar|prioriterer|legger|legg|"
    r"har (?:ansvar|ansvaret|myndighet))\b",
    re.IGNORECASE,
)
MAX_DEPTH = 2  # the levels an overview names: the top body, the one below, and the one below that
ROLE_KINDS = ("rolle", "sammensetning")  # the fact that says what a body is, in this order


# "Hvordan er de to helsefellesskapene organisert?": of the community as a whole (not "Hvordan
# er handlingsplanen organisert?", whose subject is a thing of its own)
_HOW_ORGANISED = re.compile(
    r"\b(?:hvordan|korleis) er\b(?P<subject>(?:\W+\w+){0,8}?)\W+"
    r"(?:organisert|organisera|bygd opp|bygget opp|strukturert)\b",
    re.IGNORECASE,
)
_THING = re.compile(r"\w{3,}(?:en|et|a|ene|ane|ingen|inga)$")  # a noun in its definite form
# the community, or its levels, bodies and structure ("de tre nivåene", "utvalgene")
_WHOLE = ("fellesskap", "samarbeid", "nivå", "organ", "struktur", "utval")


def _of_the_whole(subject: str) -> bool:
    return not any(
        _THING.match(word) and not any(whole in word for whole in _WHOLE)
        for word in re.findall(r"\w+", subject.lower())
    )


def asks_organisation(question: str, topics: Topics) -> bool:
    """Does the question ask how a health community is organised, naming no one body?"""
    how = _HOW_ORGANISED.search(question)
    listed = bool(_ASKS_ORGANISATION.search(question)) and not _WHICH_DOES.search(question)
    asked = listed or (how is not None and _of_the_whole(how.group("subject")))
    return asked and not any(kind == "body" for kind, _ in topics.find(question))


def organisation_draft(
    retriever: Retriever, regions: list[str], filters: Filters, intro: str
) -> tuple[Draft, list[Hit]] | None:
    """The bodies of ``regions`` (top levels first), each with its role quoted from the
    passage that holds it; None when the structure map has none the caller may see.
    ``intro`` is the Norwegian lead for one region ("{region} er organisert slik:")."""
    snapshot = retriever.snapshot()
    data = snapshot.structure or {"regions": {}}
    visible = [p for p in snapshot.passages if filters.can_see(p)]
    parts: list[str] = []
    citations: list[Citation] = []
    hits: list[Hit] = []
    for region in regions:
        bodies = (data["regions"].get(region) or {}).get("bodies") or []
        lines = []
        for body in _top_levels(bodies):
            found = _role(body, visible)
            if found is None:
                continue
            passage, quote = found
            number = len(citations) + 1
            hit = next((h for h in hits if h.passage["id"] == passage["id"]), None) or Hit(as_passage(passage), 1.0)
            if hit not in hits:
                hits.append(hit)
            citations.append(cite(number, hit, quote))
            lines.append(f"- {body['name']}: «{' '.join(quote.split())}» [{number}]")
        if lines:
            meta = retriever.manifest.regions.get(region)
            parts.append("\n".join([intro.format(region=meta.name if meta else region), *lines]))
    if not citations:
        return None
    return Draft("\n\n".join(parts), citations), hits


def _top_levels(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bodies at most MAX_DEPTH below a top body, in the map's order."""
    parent = {body["id"]: body.get("reports_to") for body in bodies}

    def depth(body_id: str) -> int:
        steps, current = 0, parent.get(body_id)
        while current and steps <= len(parent):
            steps, current = steps + 1, parent.get(current)
        return steps

    return [body for body in bodies if depth(body["id"]) <= MAX_DEPTH]


def _role(body: dict[str, Any], passages: list[dict[str, Any]]) -> tuple[dict[str, Any], str] | None:
    """The passage and quote of the body's first role (else composition) fact."""
    for kind in ROLE_KINDS:
        for fact in body.get("facts") or []:
            if fact.get("kind") != kind:
                continue
            citation = fact["citation"]
            wanted = fold_for_match(citation["quote"])
            holder = next(
                (p for p in passages if p["doc_id"] == citation["doc_id"] and wanted in fold_for_match(p["text"])),
                None,
            )
            if holder is not None:
                return holder, citation["quote"]
    return None
