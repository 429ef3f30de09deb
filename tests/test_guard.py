"""The patient-data guard: identity numbers by their mod-11 check digits."""

from __future__ import annotations

import logging

import httpx
import pytest

from assistant.engine import Engine
from assistant.followup import Turn
from assistant.guard import WARNING, contains_identity_number, valid_identity_number

VALID = ["15048543216", "31129987688", "24057800093"]  # fødselsnumre
D_NUMBERS = ["41019012393"]  # day + 40
INVALID = ["15048543217", "15048543226", "01019012345", "00000000001", "12345678901"]


@pytest.mark.parametrize("number", VALID + D_NUMBERS)
def test_valid_numbers_pass_both_check_digits(number: str) -> None:
    assert valid_identity_number(number)
    assert contains_identity_number(f"Pasienten ({number}) skal utskrives")


@pytest.mark.parametrize("number", INVALID)
def test_numbers_with_a_wrong_check_digit_are_not_identity_numbers(number: str) -> None:
    assert not valid_identity_number(number)
    assert not contains_identity_number(f"Saksnummer {number}")


def test_written_forms_and_boundaries() -> None:
    assert contains_identity_number("fnr 150485 43216, innlagt i går")
    assert contains_identity_number("fnr 150485.43216")
    assert not contains_identity_number("konto 9150485432169")  # part of a longer number
    assert not contains_identity_number("tlf 1504854321")  # ten digits
    assert not contains_identity_number("Hvor ofte møtes SSU i 2025?")


def test_engine_refuses_and_logs_nothing_of_the_question(retriever, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(retriever)
    caplog.set_level(logging.DEBUG)
    result = engine.ask("Hvem varsler kommunen om pasient 15048543216?")
    assert result.guarded and not result.found and result.answer == WARNING
    assert not result.passages and not result.citations  # not even searched
    assert "15048543216" not in caplog.text and "Patient-data guard fired" in caplog.text
    history = [Turn("user", "Pasient 15048543216"), Turn("assistant", WARNING)]
    follow = engine.ask("Hvor ofte møtes SSU?", history=history)  # the earlier turn is dropped, not used
    assert follow.found and "fire ganger årlig" in follow.answer


def test_http_ask_gets_the_warning(server: str) -> None:
    body = httpx.post(f"{server}/v1/ask", json={"question": "Pasient 41019012393 skal hjem"}, timeout=30).json()
    assert body == {"answer": WARNING, "found": False, "citations": [], "passages": []}
