"""Citation validation: every [n] in an answer must name a citation, and every
citation's quote must stand verbatim in the passage it cites."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.domain import Citation, Draft, Hit
from indexer.analysis import fold_for_match

MARKER = re.compile(r"\[(\d{1,3})\]")


@dataclass
class Validation:
    ok: bool
    problems: list[str] = field(default_factory=list)


def validate(draft: Draft, hits: list[Hit]) -> Validation:
    problems: list[str] = []
    by_id = {c.id: c for c in draft.citations}
    passages: dict[tuple[str, str, int], list[str]] = {}
    for hit in hits:  # several passages can share document, section and page
        key = (hit.passage["doc_id"], hit.passage["section"], int(hit.passage["page"]))
        passages.setdefault(key, []).append(fold_for_match(hit.passage["text"]))
    used = {int(m) for m in MARKER.findall(draft.answer)}
    if draft.found and not used:
        problems.append("answer has no citation markers")
    for number in sorted(used):
        if number not in by_id:
            problems.append(f"marker [{number}] has no citation")
    for citation in draft.citations:
        texts = passages.get((citation.doc_id, citation.section, citation.page))
        quote = fold_for_match(citation.quote)
        if texts is None:
            problems.append(f"citation {citation.id} cites a passage that was not retrieved")
        elif not quote or not any(quote in text for text in texts):
            problems.append(f"citation {citation.id} quote is not verbatim in its passage")
    return Validation(not problems, problems)


def cite(number: int, hit: Hit, quote: str) -> Citation:
    p = hit.passage
    return Citation(number, p["doc_id"], p["title"], p["section"], int(p["page"]), quote, p.get("url", ""))
