"""Patient-data guard: a question holding a Norwegian national identity number
(fødselsnummer or D-nummer) is not answered, stored or logged.

An identity number is 11 digits (a space or dot may separate the birth date from the
personal number) whose two mod-11 check digits are right. The date part is not
checked: D-numbers add 40 to the day, and H-numbers and synthetic test numbers add
to the month, so the checksums are the test.
"""

from __future__ import annotations

import re

_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# 11 digits, optionally "ddmmåå nnnnn" or "ddmmåå.nnnnn", not part of a longer number
_CANDIDATE = re.compile(r"(?<![\d])(\d{6})[ .\u00a0]?(\d{5})(?![\d])")


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


WARNING = (
    "⚠️ Spørsmålet ser ut til å inneholde et fødselsnummer eller D-nummer. Del aldri "
    "pasientopplysninger her. Jeg har ikke besvart eller lagret spørsmålet; still det på "
    "nytt uten personopplysninger."
)
