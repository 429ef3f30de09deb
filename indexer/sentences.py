"""Answer units of a passage: its sentences, lists and list items.

The indexer embeds each sentence and item (with its section as context) so that the
retriever can score a passage by its best sentence and the answer can be chosen by
meaning; the extractive generator reads the same units, so both agree on what a
sentence is. Splitting is on the passage text exactly as stored (quotes stay verbatim).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A sentence ends at . ! ? before a capital — not after an abbreviation ("St. Olavs", "bl.a. KS").
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\bSt\.)(?<!\bbl\.a\.)(?<!\bca\.)(?<!\bnr\.)(?<!\bpkt\.)(?<!\bPkt\.)(?<!\bjf\.)\s+(?=[A-ZÆØÅ«(])"
)
_BULLET = re.compile(r"^(\s*)- (.*)$")
MAX_HEADING_CHARS = 120


@dataclass
class TextUnit:
    text: str  # verbatim from the passage
    kind: str  # "sentence" | "list" | "item"
    heading: str = ""  # a short line just above it (a sub-heading or a list's lead-in)
    items: list[str] = field(default_factory=list)  # a list's items
    parent: int = -1  # an item's list, as an index into the passage's units


# A short line that states a full date ("Dato 30. mars 2022") says when, like a sentence.
_FULL_DATE = re.compile(
    r"\b\d{1,2}\.\s?(?:januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember)"
    r"\s\d{4}\b",
    re.IGNORECASE,
)


def is_sentence(text: str) -> bool:
    return len(text) > 45 or text.rstrip().endswith((".", "!", "?")) or _FULL_DATE.search(text) is not None


def passage_units(text: str) -> list[TextUnit]:
    """Sentences, lists and their items, in the passage's order."""
    lines = text.split("\n")
    units: list[TextUnit] = []
    block: list[str] = []
    heading = ""  # a short line that is no sentence ("§ 6-1.Plikt til å inngå samarbeidsavtale")
    previous = ""
    for line in [*lines, ""]:
        if _BULLET.match(line):
            if not block and previous and len(previous) <= MAX_HEADING_CHARS and not _BULLET.match(previous):
                block.append(previous)  # the line that introduces the list belongs to it
                heading = previous
            block.append(line)
            previous = line
            continue
        if block:
            bullets = [match.group(2).strip() for item in block if (match := _BULLET.match(item))]
            units.append(TextUnit("\n".join(block), "list", heading, bullets))
            parent = len(units) - 1
            for bullet in bullets:  # an item can answer on its own
                units.append(TextUnit(bullet, "item", heading, parent=parent))
            block = []
            heading = ""
        previous = line
        if not line.strip():
            continue
        if line[:1].islower() and units and units[-1].kind == "sentence":
            # the line continues the sentence above (e.g. a date broken over two lines)
            units[-1].text = f"{units[-1].text}\n{line}"
            continue
        sentences = [s for s in _SENTENCE_END.split(line) if len(s) > 15]
        if not any(is_sentence(s) for s in sentences):
            heading = line
            continue
        for sentence in sentences:
            if is_sentence(sentence):
                units.append(TextUnit(sentence, "sentence", heading))
        heading = ""
    return units


def embedding_text(section: str, unit: TextUnit) -> str:
    """What is embedded for a sentence or item: the unit with its section and heading,
    so "Møtes fire ganger årlig" knows whose meetings it speaks of."""
    context = " – ".join(part for part in (section, unit.heading) if part)
    flat = " ".join(unit.text.split())
    return f"{context}: {flat}" if context else flat


def embedded_units(section: str, text: str) -> list[tuple[int, str]]:
    """(unit index, text to embed) for the units that get a vector of their own:
    sentences and list items (a list scores by its best item and its lead-in)."""
    return [
        (i, embedding_text(section, unit))
        for i, unit in enumerate(passage_units(text))
        if unit.kind in ("sentence", "item")
    ]
