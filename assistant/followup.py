"""Turn a follow-up question and the earlier turns into a standalone question (rule-based).

"Hvem sitter i det utvalget?" after "Hvor ofte møtes SSU?" becomes "Hvem sitter i
SSU?"; "Hva med barn og unge?" after a question about the strategy keeps the strategy
as context; "Hvorfor det?" takes the claim from the previous answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Turn:
    role: str  # "user" | "assistant"
    content: str


# Bodies, documents and regions a conversation can be about, most specific first.
_ANCHORS = [
    r"Partnerskapsmøte\w*",
    r"Partnerskapet",
    r"SSU",
    r"Strategisk samarbeidsutvalg\w*",
    r"FSU\w*",
    r"Faglig\w* samarbeidsutvalg\w*",
    r"PSU",
    r"Politisk samarbeidsutvalg\w*",
    r"ASU",
    r"Administrativt samarbeidsutvalg\w*",
    r"fagråd\w*",
    r"sekretariat\w*",
    r"arbeidsutvalg\w*",
    r"brukerutvalg\w*",
    r"strategi\w*",
    r"retningslinje \d+",
    r"retningslinje\w*",
    r"samarbeidsavtale\w*",
    r"notat\w*",
    r"handlingsplan\w*",
    r"innsatsområde\w*",
    r"høringsinnspill\w*",
    r"St\. Olav\w*",
    r"Trøndelag",
    r"Telemark",
    r"kommunedirektør\w*",
]
_ANCHOR_RE = re.compile(r"\b(?:" + "|".join(_ANCHORS) + r")", re.IGNORECASE)

_DEICTIC = re.compile(
    r"\b(det|den|de|dem|der|dit|dette|disse|deres|denne|utvalget|organet|gruppen|dokumentet|"
    r"dei|det utvalet|hit|samme|sånn|slik)\b",
    re.IGNORECASE,
)
_WHAT_ABOUT = re.compile(r"^\s*(?:og\s+)?(?:hva|kva)\s+med\s+(?P<topic>.+?)\s*\??\s*$", re.IGNORECASE)
_BARE_WHY = re.compile(
    r"^\s*(?:og\s+)?(?:hvorfor|kvifor|hvordan|korleis)(?:\s+(?:det|da|det da))?\s*\??\s*$", re.IGNORECASE
)
_CITATION = re.compile(r"\s*\[\d+\]")


def _anchors(text: str) -> list[str]:
    seen: list[str] = []
    for match in _ANCHOR_RE.finditer(text):
        value = match.group(0)
        if value.lower() not in {s.lower() for s in seen}:
            seen.append(value)
    return seen


def is_followup(question: str) -> bool:
    words = question.split()
    if _WHAT_ABOUT.match(question) or _BARE_WHY.match(question):
        return True
    if question.strip().lower().startswith("og "):
        return True
    return len(words) <= 10 and bool(_DEICTIC.search(question)) and not _anchors(question)


def standalone_question(question: str, history: Sequence[Turn] | None) -> str:
    """The question itself when it stands alone; otherwise the question with the topic
    of the conversation made explicit."""
    if not history or not is_followup(question):
        return question
    users = [t.content for t in history if t.role == "user"]
    assistants = [t.content for t in history if t.role == "assistant"]
    last_user = users[-1] if users else ""
    last_answer = _CITATION.sub("", assistants[-1]) if assistants else ""

    if _BARE_WHY.match(question):
        claim = re.split(r"(?<=[.!?])\s", last_answer.strip(), maxsplit=1)[0] if last_answer else last_user
        return f"{question.rstrip('?').strip()}: {claim}".strip()

    what_about = _WHAT_ABOUT.match(question)
    if what_about:
        topic = what_about.group("topic")
        context = [a for a in _anchors(last_user) if a.lower() not in topic.lower()]
        return f"{topic} {' '.join(context)}".strip() + "?"

    anchors = _anchors(last_user) or _anchors(last_answer)
    if not anchors:
        return f"{question} {last_user}".strip()
    return f"{question.rstrip('?').strip()} ({', '.join(anchors)})?"
