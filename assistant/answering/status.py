"""Status and time questions: "Er det vedtatt at SSU skal deles?", "Gjelder retningslinje 1?",
"Når ble strategien vedtatt, og av hvem?".

The answer starts with what the question asks — Ja / Nei / "Det er et forslag" — from the
document's status in the manifest (gjeldende, forslag, innspill), then gives the
document's title, date and issuer, cited to the passage that states them when one does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering.demands import asked_sentences
from indexer.analysis import MONTHS

# Words that ask whether something is decided, in force or a proposal.
_ASKS_DECIDED = re.compile(
    r"\b(?:gjelder|gjeld|gyldig\w{0,2}|i kraft|vedtatt|vedteke|vedtekne|besluttet|bestemt|godkjent|godkjend|"
    r"godkjende|gjeldende|gjeldande|innført|endelig|endeleg|bindende|bindande|offisiell\w{0,2}|vedtok|godkjente|"
    r"bestemte)\b",
    re.IGNORECASE,
)
# "en bestemt pasientgruppe", "noen bestemte tiltak": "bestemt" as "particular"
_PARTICULAR = re.compile(r"\b(?:en|et|ei|ein|eit|noen|nokre|nokon|visse)\s+bestemte?\b", re.IGNORECASE)
# "Er innspillet et vedtak?": a noun that asks the same (not "Kan SSU fatte vedtak?")
_IS_A_DECISION = re.compile(
    r"^\s*(?:og\s+)?(?:er|var)\b(?:\s+[\w.-]+){0,12}?\s+(?:et|eit)\s+(?:\w+\s+)?vedtak\b", re.IGNORECASE
)
# "Har helsefellesskapet en vedtatt handlingsplan?": asks what exists, not a document's status
_HAS_DECIDED = re.compile(
    r"^\s*(?:og\s+)?(?:har|hadde|fins|finnes)\b(?:\s+[\w.-]+){0,10}?\s+(?:en|et|ei|eit|ein|noen|nokon)\s+"
    # "en egen vedtatt strategi", "ein felles godkjend plan"
    r"(?:(?:egen|eget|eiga|eige|felles|ny|nytt|skriftlig|skriftleg|formell|formelt)\s+)?"
    r"(?:vedtatt|vedteke|godkjent|godkjend|gjeldende|gjeldande)\b",
    re.IGNORECASE,
)
# "Gjelder grensen også for kommunene rundt St. Olav?": to whom a rule applies, not whether it is in force
_ASKS_SCOPE = re.compile(r"\b(?:gjelder|gjeld)\b[^?]{0,80}?\b(?:også|òg|bare|berre|kun)\s+for\b", re.IGNORECASE)
# "Er strategien noe partnerskapet vedtar?": of a named document, adopting in the present
# asks its status too (not "Er det SSU som beslutter …?", of no document)
_ADOPTS = re.compile(r"\b(?:vedtar|vedtas|vedtek|vedtakast)\b", re.IGNORECASE)
_ASKS_PROPOSAL = re.compile(r"\bforslag\w{0,3}\b", re.IGNORECASE)
# "Er det vedtatt …?", "Gjelder …?": a yes/no question (the verb comes first).
_YES_NO = re.compile(
    r"^\s*(?:og\s+)?(?:er|var|ble|blei|vart|har|gjelder|gjeld|skal|kan|finnes|fins|blir|vert|"
    r"vedtok|besluttet|bestemte|godkjente|godkjende)\b",
    re.IGNORECASE,
)
# Asking a document's status outright.
_EXPLICIT = re.compile(
    r"\bstatus\b|\bi kraft\b|\bfortsatt gyldig\b|\bframleis gyldig\b|\bbare et forslag\b|"
    r"\b(?:hva|kva) slags dokument\b|\b(?:hvilken|hvilket|kva for ein|kva for eit) (?:periode|tidsrom)\b",
    re.IGNORECASE,
)
# "Når ble strategien vedtatt?", "Hvem står bak notatet?": asked of a named document.
_WHEN_WHO = re.compile(
    r"\b(når|kva tid|hvilken dato|kva dato|hvilket år|kva år|hvem|kven|hvilke|kva for)\b.{0,160}"
    r"\b(vedtatt|vedteke|vedtok|godkjent|godkjend|godkjente|besluttet|utgitt|utgjeve|"
    r"datert|skrevet|skreiv|skrev|sendt|sendte|signert|signerte|står bak|sto bak|stod bak|stått bak|"
    r"utarbeidet|utarbeidd|laget|laga|avsender|publisert|adressert|adressa|rettet til|retta til|mottaker|mottakar|"
    # "Hvem gjorde vedtak om strategien?", "Kven tok avgjerda om …?"
    r"(?:gjorde|gjort|gjer|gjør|fattet|fatta|fattar|fatter|tok|tatt)\s+(?:et\s+|eit\s+|en\s+|ei\s+|ein\s+)?"
    r"(?:vedtak\w{0,3}|beslutning\w{0,3}|avgjørelse\w{0,3}|avgjerd\w{0,3}))\b",
    re.IGNORECASE,
)
# When a yes/no question says something was decided: "i mars 2024", "på møtet 1. mars 2024",
# "i 2023" (a month with or without its year, or a year after a preposition)
_PINNED_TIME = re.compile(
    rf"\b(?:(?:i|på|den)\s+)?(?:(?P<day>\d{{1,2}})\.\s?)?(?P<month>{'|'.join(MONTHS)})(?:\s+(?P<year>(?:19|20)\d{{2}}))?\b|"
    r"\b(?:i|på|høsten|hausten|våren|sommeren|vinteren)\s+(?P<only_year>(?:19|20)\d{2})(?![\d–-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StatusAsk:
    yes_no: bool
    asks_decided: bool  # "vedtatt", "gjelder": in force is "ja"
    asks_proposal: bool  # "er det et forslag": a proposal is "ja"


# "Hvilke tiltak står i handlingsdelen som SSU har laget?": a relative clause says which
# document, it does not ask who made it
_WHICH = re.compile(r"^(?:hvilke|hvilken|hvilket|kva for)$", re.IGNORECASE)
_RELATIVE_END = re.compile(r"\bsom\s+(?:\S+\s+){0,3}$", re.IGNORECASE)
_MAIN_VERB = re.compile(r"\b(?:står|stod|sto|stend|finnes|fins|nevnes|nemnast|inneholder|inneheld)\b", re.IGNORECASE)


def _asks_when_who(question: str) -> bool:
    match = _WHEN_WHO.search(question)
    if match is None:
        return False
    between = question[match.start() : match.start(2)]
    # "Hvilke tiltak står i handlingsdelen SSU har laget?": the verb that asks came first
    relative = _RELATIVE_END.search(between) or _MAIN_VERB.search(between)
    return not (_WHICH.match(match.group(1)) and relative)


def status_ask(question: str, names_document: bool) -> StatusAsk | None:
    """What a status question asks, or None when the question is not about status.
    ``names_document``: the question names a document (or its kind: "strategien")."""
    # what the question's statements say ("I mars 2024 ble det anbefalt …") asks nothing
    question = " ".join(asked_sentences(question))
    if _HAS_DECIDED.search(question) or _ASKS_SCOPE.search(question):  # what they have, to whom it applies
        return None
    yes_no = bool(_YES_NO.match(question))
    # "en bestemt pasientgruppe": a particular one, not a decided one
    decided = (
        bool(_ASKS_DECIDED.search(_PARTICULAR.sub(" ", question)))
        or bool(_IS_A_DECISION.search(question))
        or (names_document and bool(_ADOPTS.search(question)))
    )
    proposal = bool(_ASKS_PROPOSAL.search(question))
    asks = (
        (yes_no and (decided or proposal))
        or bool(_EXPLICIT.search(question))
        or (names_document and _asks_when_who(question))
    )
    if not asks:
        return None
    return StatusAsk(yes_no=yes_no, asks_decided=decided, asks_proposal=proposal)


def claim(question: str) -> str:
    """What a status question claims, without the words that ask about status: "Er det
    vedtatt at SSU skal deles?" -> "SSU skal deles" (searched for the document that says it)."""
    text = _YES_NO.sub(" ", question, count=1)
    text = _ASKS_DECIDED.sub(" ", text)
    text = re.sub(r"^\W*(?:det|dette|den)?\s*(?:at|om)?\b", " ", text.strip(), flags=re.IGNORECASE)
    return " ".join(text.split()).strip(" ?")


def other_time(question: str, date: str) -> str:
    """The time a yes/no question says the document was decided ("i mars 2024") when the
    document's date ("2024-09-26") says otherwise, as the question writes it; "" when
    the question pins no time, or one of its times fits the date."""
    full = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date.strip())
    if full is None or not 1 <= int(full.group(2)) <= 12:  # dated by its year only: when it was decided is open
        return ""
    year, month, day = full.group(1), MONTHS[int(full.group(2)) - 1], str(int(full.group(3)))
    pinned = list(_PINNED_TIME.finditer(" ".join(asked_sentences(question))))
    for match in pinned:
        asked_year = match.group("year") or match.group("only_year")
        asked_month = (match.group("month") or "").lower()
        if (
            (not asked_year or asked_year == year)
            and (not asked_month or asked_month == month)
            and (not match.group("day") or match.group("day") == day)
        ):
            return ""  # this time fits the document's date
    return pinned[0].group(0) if pinned else ""


def lead(ask: StatusAsk, status: str, texts: dict[str, str]) -> str:
    """ "Ja." / "Nei – det er et forslag …" for a yes/no question, "" otherwise."""
    if not ask.yes_no:
        return ""
    if ask.asks_proposal and not ask.asks_decided:
        return texts["status_yes_proposal"] if status == "forslag" else texts["status_no_proposal"]
    if status == "gjeldende":
        return texts["status_yes"]
    return texts.get(f"status_no_{status}", texts["status_no_other"])


def norwegian_date(value: str) -> str:
    """ "2024-09-26" -> "26. september 2024"; other forms ("2025") as they are."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not match:
        return value
    year, month, day = match.groups()
    if not 1 <= int(month) <= 12:
        return value
    return f"{int(day)}. {MONTHS[int(month) - 1]} {year}"
