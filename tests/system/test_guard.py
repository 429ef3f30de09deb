"""The patient-data guard: identity numbers by their mod-11 check digits."""

from __future__ import annotations

import logging

import httpx
import pytest

from assistant.answering.engine import Engine
from assistant.domain import Turn
from assistant.guard import (
    CONTACT_WARNING,
    WARNING,
    contains_identity_number,
    personal_data,
    redact,
    valid_identity_number,
)
from tests.conftest import running_server

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


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Ring pårørende på 98765432", "phone"),
        ("tlf. +47 987 65 432", "phone"),
        ("sentralbord 35 00 35 00", "phone"),
        ("0047 41234567", "phone"),
        ("send til ola.nordmann@sthf.no", "email"),
        ("Pasient 150485 43216", "identity_number"),
        ("Hvor ofte møtes SSU?", None),
        ("Vedtatt 20240301 i SSU", None),  # a date, not a phone number
        ("Strategien 2025 2029", None),
        ("SSU har avsatt 750 000 kroner", None),
        ("§ 6-1 i helse- og omsorgstjenesteloven", None),
        ("saksnummer 2024/12345", None),
    ],
)
def test_phone_numbers_and_email_addresses(text: str, kind: str | None) -> None:
    assert personal_data(text) == kind
    if kind:
        assert "[fjernet]" in redact(text)
    else:
        assert redact(text) == text


def test_contact_data_gets_its_own_warning(retriever) -> None:  # type: ignore[no-untyped-def]
    result = Engine(retriever).ask("Kan du sende svaret til kari@kommune.no?")
    assert result.guarded and result.answer == CONTACT_WARNING


def test_server_logs_hold_no_question_text(corpus_index, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"HFA_LOG_LEVEL": "DEBUG"}
    with running_server(corpus_index, tmp_path / "on", env) as base:
        refused = httpx.get(f"{base}/v1/search", params={"q": "pasient 15048543216"}, timeout=30)
        assert refused.status_code == 200 and refused.json() == {"results": [], "warning": WARNING}
        httpx.get(f"{base}/v1/search", params={"q": "Hvor ofte møtes SSU"}, timeout=30)
        httpx.post(f"{base}/v1/ask", json={"question": "Ring 98765432 om utskrivning"}, timeout=30)
    logs = "".join(p.read_text(errors="replace") for p in (tmp_path / "on").glob("*.log"))
    assert "Patient-data guard fired (identity_number)" in logs and "Patient-data guard fired (phone)" in logs
    assert "15048543216" not in logs and "98765432" not in logs
    assert "GET /v1/search?[fjernet]" in logs and "ofte" not in logs
    with running_server(corpus_index, tmp_path / "off", {"HFA_LOG_REDACT": "false", "HFA_LOG_LEVEL": "INFO"}) as base:
        httpx.get(f"{base}/v1/search", params={"q": "SSU"}, timeout=30)
    assert "GET /v1/search?q=SSU" in "".join(p.read_text() for p in (tmp_path / "off").glob("*.log"))
