"""Patient-data guard, the one check every interface passes (ask, stream, search, chat
completions, drafts, Slack, Teams, document ids in paths): a text holding a Norwegian
national identity number (fødselsnummer, D-, H- or FH-nummer), a phone number or an
e-mail address is not answered, stored or logged; the user gets a warning in Norwegian
and the log says only that the guard fired.

``check`` is that boundary. It works on the normalised text (invisible characters
removed, spaces and line breaks collapsed), so ``170583\u200b43757`` and
``170583\n43757`` are caught like ``170583 43757``.

An identity number is 11 digits whose two mod-11 check digits are right, written whole
(17058343757) or grouped with spaces, dots or hyphens (170583 43757, 170583-43757,
170583 437 57, 17.05.83 43757). The date part is not checked: D-numbers add 4 to the
first digit, H-numbers 4 to the third, FH-numbers start with 8 or 9, so the checksums
are the test. A phone number is a Norwegian 8-digit number (first digit 2–9, optionally
+47/0047) written 91234567, 912 34 567, 91 23 45 67, 9123 4567 or with hyphens
(912-34-567); an 8-digit run that reads as a date (20240301) or two years (2025 2029)
is not one.

Every pattern is linear in the length of its input: bounded separators between fixed
digit groups, and an e-mail pattern that starts only at the beginning of a word.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict

from indexer.analysis import normalize_question

log = logging.getLogger(__name__)

# One per distinct text (a question checked at several boundaries is scanned once);
# /metrics reports it as hfa_guard_scans_total. A plain number, not a prometheus
# Counter: the serving parent process imports the guard (log redaction) and must not
# create a metrics file of its own.
_scans = 0
_MEMO_SIZE = 4096
_VERDICTS: OrderedDict[bytes, str | None] = OrderedDict()
_VERDICTS_LOCK = threading.Lock()

_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# What may stand between digit groups: spaces (a line break in raw log text), dots,
# hyphens and invisible characters, at most three of them.
_INVISIBLE = "\u00ad\u200b-\u200d\u2060\ufeff"
_SEP = rf"[\s.\-\u00a0{_INVISIBLE}]{{0,3}}"
_PSEP = rf"[\s\-\u00a0{_INVISIBLE}]{{1,3}}"
# 11 digits as ddmmåå nnnnn, with or without separators, the personal number whole or
# as nnn nn. A lookahead, so every start is tried (an invalid number never hides a
# valid one that overlaps it).
_CANDIDATE = re.compile(rf"(?<!\d)(?=(\d\d{_SEP}\d\d{_SEP}\d\d{_SEP}(?:\d{{5}}|\d{{3}}{_SEP}\d\d))(?!\d))")
_PHONE = re.compile(
    rf"(?<![\w+])(?=((?:(?:\+|00)47{_PSEP}?)?"  # +47 or 0047
    rf"(?:[2-9]\d{{7}}|[2-9]\d\d{_PSEP}\d\d{_PSEP}\d{{3}}|[2-9]\d(?:{_PSEP}\d\d){{3}}|[2-9]\d{{3}}{_PSEP}\d{{4}})"
    rf")(?!\d))"
)
_DATE = re.compile(r"^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$")
_YEARS = re.compile(r"^(?:19|20)\d\d(?:19|20)\d\d$")
# Starts only where a word starts, so a long run without "@" is scanned once, not once
# per character.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

WARNING = (
    "⚠️ Spørsmålet ser ut til å inneholde et fødselsnummer eller D-nummer. Del aldri "
    "pasientopplysninger her. Jeg har ikke besvart eller lagret spørsmålet; still det på "
    "nytt uten personopplysninger, og slett meldingen din i Slack eller Teams."
)
CONTACT_WARNING = (
    "⚠️ Spørsmålet ser ut til å inneholde et telefonnummer eller en e-postadresse. Del aldri "
    "pasient- eller personopplysninger her. Jeg har ikke besvart eller lagret spørsmålet; "
    "still det på nytt uten personopplysninger, og slett meldingen din i Slack eller Teams."
)


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int | None:
    remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return None if check == 10 else check


def valid_identity_number(number: str) -> bool:
    """True when ``number`` (11 digits) has both check digits right."""
    if len(number) != 11 or not number.isdigit():
        return False
    digits = [int(c) for c in number]
    k1 = _check_digit(digits[:9], _WEIGHTS_1)
    if k1 is None or k1 != digits[9]:
        return False
    k2 = _check_digit(digits[:10], _WEIGHTS_2)
    return k2 is not None and k2 == digits[10]


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _identity_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(1), m.end(1)) for m in _CANDIDATE.finditer(text) if valid_identity_number(_digits(m.group(1)))]


def _phone_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in _PHONE.finditer(text):
        local = _digits(m.group(1))[-8:]
        if not (_DATE.match(local) or _YEARS.match(local)):
            spans.append((m.start(1), m.end(1)))
    return spans


def contains_identity_number(text: str) -> bool:
    return bool(_identity_spans(text))


def contains_phone_number(text: str) -> bool:
    return bool(_phone_spans(text))


def contains_email(text: str) -> bool:
    return bool(_EMAIL.search(text))


def personal_data(text: str) -> str | None:
    """What kind of personal data ``text`` holds ("identity_number", "phone", "email"),
    or None, judged on the normalised text. The kind may be logged; the text never.

    A question passes several boundaries (the answering service, the engine, retrieval);
    the patterns run once per text: later checks of the same normalised text read the
    verdict from a small memo keyed by the text's SHA-256, which keeps no text itself."""
    text = normalize_question(text or "")
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    with _VERDICTS_LOCK:
        if key in _VERDICTS:
            _VERDICTS.move_to_end(key)
            return _VERDICTS[key]
    kind = _scan(text)
    with _VERDICTS_LOCK:
        _VERDICTS[key] = kind
        if len(_VERDICTS) > _MEMO_SIZE:
            _VERDICTS.popitem(last=False)
    return kind


def scan_count() -> int:
    """Texts this process's guard has scanned."""
    return _scans


def _scan(text: str) -> str | None:
    global _scans
    with _VERDICTS_LOCK:
        _scans += 1
    if contains_identity_number(text):
        return "identity_number"
    if contains_email(text):
        return "email"
    if contains_phone_number(text):
        return "phone"
    return None


def warning_for(kind: str) -> str:
    return WARNING if kind == "identity_number" else CONTACT_WARNING


def check(*texts: str, where: str = "question") -> str | None:
    """The guard's warning when any of ``texts`` holds personal data, else None. Every
    interface calls this before it searches, answers, stores or logs a text; it logs only
    that the guard fired, where, and the kind."""
    for text in texts:
        kind = personal_data(text)
        if kind:
            log.warning("Patient-data guard fired (%s): %s not answered", kind, where)
            return warning_for(kind)
    return None


def redact(text: str) -> str:
    """``text`` with identity numbers, e-mail addresses and phone numbers replaced."""
    text = _replace(text, _identity_spans(text))
    text = _EMAIL.sub("[fjernet]", text)
    return _replace(text, _phone_spans(text))


def _replace(text: str, spans: list[tuple[int, int]]) -> str:
    out: list[str] = []
    last = 0
    for start, end in spans:
        if start >= last:  # overlapping candidates: the first covers it
            out += [text[last:start], "[fjernet]"]
            last = end
    return "".join(out) + text[last:]
