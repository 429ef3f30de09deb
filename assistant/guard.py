"""Patient-data guard, used by every interface: a question holding a Norwegian national
identity number (fødselsnummer or D-nummer), a phone number or an e-mail address is not
answered, stored or logged; the user gets a warning in Norwegian and the log says only
that the guard fired.

An identity number is 11 digits (a space or dot may separate the birth date from the
personal number) whose two mod-11 check digits are right. The date part is not
checked: D-numbers add 40 to the day, and H-numbers and synthetic test numbers add
to the month, so the checksums are the test. A phone number is a Norwegian 8-digit
number (first digit 2–9, optionally +47/0047, written 12345678, 123 45 678 or
12 34 56 78); an 8-digit run that reads as a date (20240301) is not one.
"""

from __future__ import annotations

import re

_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# 11 digits, optionally "ddmmåå nnnnn" or "ddmmåå.nnnnn", not part of a longer number
_CANDIDATE = re.compile(r"(?<![\d])(\d{6})[ .\u00a0]?(\d{5})(?![\d])")
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)47[ \u00a0]?)?"  # +47 or 0047
    r"([2-9]\d{7}|[2-9]\d{2}[ \u00a0]\d{2}[ \u00a0]\d{3}|[2-9]\d(?:[ \u00a0]\d{2}){3})"  # the three ways of writing one
    r"(?![\d])"
)
_DATE = re.compile(r"^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

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


def contains_identity_number(text: str) -> bool:
    return any(valid_identity_number(m.group(1) + m.group(2)) for m in _CANDIDATE.finditer(text))


def contains_phone_number(text: str) -> bool:
    return any(not _DATE.match(re.sub(r"\D", "", m.group(1))) for m in _PHONE.finditer(text))


def contains_email(text: str) -> bool:
    return bool(_EMAIL.search(text))


def personal_data(text: str) -> str | None:
    """What kind of personal data ``text`` holds ("identity_number", "phone", "email"),
    or None. The kind may be logged; the text never."""
    if contains_identity_number(text):
        return "identity_number"
    if contains_email(text):
        return "email"
    if contains_phone_number(text):
        return "phone"
    return None


def warning_for(kind: str) -> str:
    return WARNING if kind == "identity_number" else CONTACT_WARNING


def redact(text: str) -> str:
    """``text`` with identity numbers, e-mail addresses and phone numbers replaced."""
    text = _CANDIDATE.sub(lambda m: "[fjernet]" if valid_identity_number(m.group(1) + m.group(2)) else m.group(0), text)
    text = _EMAIL.sub("[fjernet]", text)
    return _PHONE.sub(lambda m: m.group(0) if _DATE.match(re.sub(r"\D", "", m.group(1))) else "[fjernet]", text)
