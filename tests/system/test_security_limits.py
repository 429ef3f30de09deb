"""Issue 16: the defects found by adversarial probing, each reproduced against a real
`hfa serve` (or the real component) and checked here. Every test's docstring names the
defect it guards against."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from assistant.channels.http.schemas import MAX_TURN_CHARS
from assistant.guard import CONTACT_WARNING, WARNING, personal_data, redact
from assistant.logs import RedactFilter
from indexer.analysis import canonical_spelling, normalize_question, tokenize
from indexer.clean import logical_lines
from tests.conftest import running_server
from tests.system.test_cli import run as run_cli

NUMBER = "17058343757"  # a valid fødselsnummer (both check digits right)
ONE_LINE_FORMS = ["170583  43757", "170583\n43757", "170583\u200b43757"]


@pytest.fixture(scope="module")
def probed(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`hfa serve` with default settings and its log file."""
    log_dir = tmp_path_factory.mktemp("probed")
    with running_server(corpus_index, log_dir, {"HFA_LOG_LEVEL": "INFO"}) as base:
        yield base, log_dir


def server_log(log_dir: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in log_dir.glob("*.log"))


# -- 1. limits first; no pattern backtracks ------------------------------------------------------
def _best_of(function: Callable[[str], object], text: str, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - start)
    return best


ADVERSARIAL = {
    "word run (e-mail pattern)": "a" * MAX_TURN_CHARS,
    "dotted run (e-mail pattern)": "a." * (MAX_TURN_CHARS // 2),
    "at-signs (e-mail pattern)": "a@" * (MAX_TURN_CHARS // 2),
    "digit run (identity, phone)": "1" * MAX_TURN_CHARS,
    "spaced digits (identity, phone)": "12 " * (MAX_TURN_CHARS // 3),
    "hashes (markdown heading)": "# a" + "#" * MAX_TURN_CHARS,
}
FUNCTIONS: dict[str, Callable[[str], object]] = {
    "guard": personal_data,
    "redact": redact,
    "normalize_question": normalize_question,
    "canonical_spelling": canonical_spelling,
    "tokenize": tokenize,
    "logical_lines": lambda text: logical_lines([text], markdown=True),
}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_patterns_take_time_in_proportion_to_the_input(name: str) -> None:
    """Defect 1: the e-mail pattern (and a markdown-heading pattern) backtracked
    quadratically: 100,000 characters froze the server for a minute. At 1x and 10x the
    per-message limit, every text function takes roughly ten times as long, not a
    hundred (a ratio, not an absolute time)."""
    function = FUNCTIONS[name]
    for kind, text in ADVERSARIAL.items():
        ratio = _ratio(function, text)
        # the small input takes well under a millisecond: on a loaded machine one preempted
        # round set can look quadratic, a pattern that backtracks does so every time
        for _ in range(2):
            if ratio < 30:
                break
            ratio = min(ratio, _ratio(function, text))
        assert ratio < 30, f"{name} on {kind}: 10x the input took {ratio:.0f}x the time"


def _ratio(function: Callable[[str], object], text: str) -> float:
    small, large = _best_of(function, text), _best_of(function, text * 10)
    return large / max(small, 1e-5)


def test_one_oversized_request_does_not_block_the_server(probed: tuple[str, Path]) -> None:
    """Defect 1: a 100,000-character chat message took 61 s and /healthz waited as long;
    there was no body limit. Now the body is refused at once with a Norwegian 413 and the
    server keeps answering."""
    base, _ = probed
    huge = {"messages": [{"role": "user", "content": "a" * 100_000}]}
    health: list[float] = []

    def probe() -> None:
        start = time.perf_counter()
        httpx.get(f"{base}/healthz", timeout=30)
        health.append(time.perf_counter() - start)

    thread = threading.Thread(target=probe)
    start = time.perf_counter()
    thread.start()
    response = httpx.post(f"{base}/v1/chat/completions", json=huge, timeout=60)
    elapsed = time.perf_counter() - start
    thread.join()
    assert response.status_code == 413, response.text
    assert "for stor" in response.json()["error"]["message"]
    assert elapsed < 5 and health and health[0] < 5

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        body = json.dumps(huge).encode()
        for i in range(0, len(body), 8192):
            yield body[i : i + 8192]

    streamed = httpx.post(
        f"{base}/v1/chat/completions", content=chunks(), headers={"Content-Type": "application/json"}, timeout=60
    )
    assert streamed.status_code == 413 and "for stor" in streamed.json()["error"]["message"]


def test_messages_and_history_turns_have_limits(probed: tuple[str, Path]) -> None:
    """Defect 1: chat messages and history turns had no length limit (10 turns of 20,000
    characters took 12.8 s). Within the body limit, an over-long message or turn, or too
    many turns, is refused as a Norwegian 422 before any pattern runs."""
    base, _ = probed
    long_message = {"messages": [{"role": "user", "content": "a" * (MAX_TURN_CHARS + 1)}]}
    response = httpx.post(f"{base}/v1/chat/completions", json=long_message, timeout=30)
    assert response.status_code == 422 and "for langt" in response.json()["error"]["message"]
    parts = {"messages": [{"role": "user", "content": [{"type": "text", "text": "a" * 5000}] * 2}]}
    response = httpx.post(f"{base}/v1/chat/completions", json=parts, timeout=30)
    assert response.status_code == 422, response.text
    turn = {"role": "user", "content": "a" * (MAX_TURN_CHARS + 1)}
    response = httpx.post(f"{base}/v1/ask", json={"question": "Hvor ofte møtes SSU?", "history": [turn]}, timeout=30)
    assert response.status_code == 422 and "for langt" in response.json()["error"]["message"]
    many = [{"role": "user", "content": "SSU"}] * 21
    response = httpx.post(f"{base}/v1/ask", json={"question": "Hvor ofte møtes SSU?", "history": many}, timeout=30)
    assert response.status_code == 422
    big_turns = [{"role": "user", "content": "a" * 7000}] * 8  # 56 KB: under the body limit
    httpx.post(f"{base}/v1/ask", json={"question": "Hvor ofte møtes SSU?"}, timeout=60)  # loads the index
    start = time.perf_counter()
    response = httpx.post(f"{base}/v1/ask", json={"question": "Hvor ofte møtes SSU?", "history": big_turns}, timeout=30)
    assert response.status_code == 200 and time.perf_counter() - start < 5


# -- 2. API keys as UTF-8 bytes ------------------------------------------------------------------
def test_non_ascii_api_keys_from_the_docs_work(corpus_index: Path, tmp_path: Path) -> None:
    """Defect 2: with HFA_API_KEYS='nøkkel-a,nøkkel-b=intern-ssu' (the docs/security.md
    example) every request with an Authorization header got 500 (hmac.compare_digest
    refuses non-ASCII str)."""
    env = {"HFA_API_KEYS": "nøkkel-a,nøkkel-b=intern-ssu"}
    with running_server(corpus_index, tmp_path, env) as base:
        url = f"{base}/v1/documents"
        assert httpx.get(url, headers={"Authorization": "Bearer abc"}, timeout=30).status_code == 401
        assert httpx.get(url, timeout=30).status_code == 401
        for key in ("nøkkel-a", "nøkkel-b"):
            ok = httpx.get(url, headers={"Authorization": f"Bearer {key}".encode()}, timeout=30)
            assert ok.status_code == 200, ok.text
        wrong = httpx.get(url, headers={"Authorization": "Bearer nøkkel".encode()}, timeout=30)
        assert wrong.status_code == 401 and "API-nøkkel" in wrong.json()["error"]["message"]
        internal = {"Authorization": "Bearer nøkkel-b".encode()}
        seen_b = {d["doc_id"] for d in httpx.get(url, headers=internal, timeout=30).json()["documents"]}
        seen_a = {
            d["doc_id"]
            for d in httpx.get(url, headers={"Authorization": "Bearer nøkkel-a".encode()}, timeout=30).json()[
                "documents"
            ]
        }
        assert seen_a <= seen_b
    assert "Traceback" not in server_log(tmp_path)


# -- 3. logging that cannot break ----------------------------------------------------------------
def test_paths_with_patient_data_are_logged_redacted_without_logging_errors(probed: tuple[str, Path]) -> None:
    """Defect 3: GET /v1/documents/17058343757 broke uvicorn's access formatter
    ("--- Logging error --- ValueError") and the printed traceback held the number;
    /v1/documents/kari.nordmann@sthf.no was logged percent-encoded, past the redaction."""
    base, log_dir = probed
    for path in (NUMBER, "kari.nordmann@sthf.no", "170583%20%2043757", "kari.nordmann%40sthf.no"):
        response = httpx.get(f"{base}/v1/documents/{path}", timeout=30)
        assert response.status_code == 404
        assert "17058343757" not in response.text and "kari.nordmann" not in response.text
        assert response.json()["error"]["message"] in (WARNING, CONTACT_WARNING)
    time.sleep(0.5)
    logs = server_log(log_dir)
    assert "Logging error" not in logs and "Traceback" not in logs
    assert NUMBER not in logs and "43757" not in logs
    assert "kari.nordmann" not in logs and "%40sthf" not in logs
    assert "GET /v1/documents/[fjernet]" in logs


def test_the_redaction_filter_never_raises_and_keeps_the_access_record_shape() -> None:
    """Defect 3: the filter replaced an access record's five arguments by an empty tuple
    (uvicorn's formatter unpacks five), and a record it could not format broke logging."""
    handler = logging.StreamHandler(io.StringIO())
    handler.addFilter(RedactFilter())
    handler.setFormatter(logging.Formatter("%(message)s"))
    args = ("127.0.0.1:5000", "GET", "/v1/documents/kari.nordmann%40sthf.no", "1.1", 404)
    access = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', args, None)
    assert handler.filter(access)
    assert isinstance(access.args, tuple) and len(access.args) == 5 and access.args[4] == 404
    assert access.args[2] == "/v1/documents/[fjernet]"
    assert args[2].endswith("%40sthf.no")  # the caller's arguments are not changed
    broken = logging.LogRecord("x", logging.WARNING, __file__, 1, "%d dokumenter for %s", ("x",), None)
    assert handler.filter(broken)  # an unformattable record: replaced, not raised
    handler.emit(broken)
    stream = handler.stream
    assert isinstance(stream, io.StringIO) and "kunne ikke renses" in stream.getvalue()
    try:
        raise ValueError(f"Fant ikke dokumentet «{NUMBER}»")
    except ValueError:
        import sys

        failed = logging.LogRecord("x", logging.ERROR, __file__, 1, "feil", None, sys.exc_info())
    assert handler.filter(failed)
    handler.emit(failed)
    assert NUMBER not in stream.getvalue() and "Fant ikke dokumentet «[fjernet]»" in stream.getvalue()


# -- 4/5/6. one guard, on normalised text, every channel -----------------------------------------
IDENTITY_FORMS = [
    *ONE_LINE_FORMS,
    "170583-43757",
    "170583 437 57",
    "17.05.83 43757",
    "57058310281",  # D-nummer: 4 added to the first digit
    "17558310057",  # H-nummer: 4 added to the third digit
    "87058310032",  # FH-nummer: first digit 8 or 9
]
PHONE_FORMS = ["9123 4567", "912-34-567", "+47 912 34 567"]
NORMAL_TEXT = [
    "Hvor ofte møtes SSU i 2025?",
    "Hva står i strategien for 2025–2029?",
    "Strategien 2025-2029 og 2025 2029",
    "Hva sier punkt 7.1 og 7.1.2?",
    "Tilskuddet er på 15 000 kroner",
    "Møtet 26. september 2024",
    "SSU har avsatt 750 000 kroner",
    "saksnummer 2024/12345 og § 6-1",
]


@pytest.mark.parametrize("text", IDENTITY_FORMS + PHONE_FORMS)
def test_common_ways_of_writing_numbers_are_caught(text: str) -> None:
    """Defects 5 and 6: identity numbers split by two spaces, a line break or a
    zero-width space, or written 170583-43757, 170583 437 57, 17.05.83 43757, D-, H- and
    FH-numbers, and phones written 9123 4567, 912-34-567, +47 912 34 567 passed the guard."""
    assert personal_data(f"Hvor ofte møtes SSU? {text}") == ("phone" if text in PHONE_FORMS else "identity_number")
    assert "[fjernet]" in redact(text) or "[fjernet]" in redact(normalize_question(text))


@pytest.mark.parametrize("text", NORMAL_TEXT)
def test_normal_text_is_not_guarded(text: str) -> None:
    """Defect 6 fix, the other side: years, ranges, section numbers, amounts and dates are
    not personal data."""
    assert personal_data(text) is None and redact(text) == text


@pytest.mark.parametrize("form", ONE_LINE_FORMS)
def test_every_endpoint_answers_the_guard_warning_on_normalised_text(probed: tuple[str, Path], form: str) -> None:
    """Defect 5: /v1/search checked the raw text and then searched the normalised, joined
    number (200 with results); /v1/ask and chat caught it only after normalising, with a
    422 instead of the usual warning."""
    base, log_dir = probed
    question = f"Hvor ofte møtes SSU? fnr {form}"
    search = httpx.get(f"{base}/v1/search", params={"q": question}, timeout=30)
    assert search.status_code == 200 and search.json() == {"results": [], "warning": WARNING}
    ask = httpx.post(f"{base}/v1/ask", json={"question": question}, timeout=30)
    assert ask.status_code == 200 and ask.json() == {"answer": WARNING, "found": False, "citations": [], "passages": []}
    stream = httpx.post(f"{base}/v1/ask/stream", json={"question": question}, timeout=30)
    assert stream.status_code == 200 and json.dumps(WARNING, ensure_ascii=False) in stream.text
    chat = httpx.post(f"{base}/v1/chat/completions", json={"messages": [{"role": "user", "content": question}]})
    assert chat.status_code == 200 and chat.json()["choices"][0]["message"]["content"] == WARNING
    assert "43757" not in server_log(log_dir)


def test_drafts_are_guarded(probed: tuple[str, Path]) -> None:
    """Defect 4: POST /v1/draft {"topic": "Pasient 17058343757 og legevakt"} gave 200 with
    the number in the draft's title; /v1/draft/docx the same."""
    from docx import Document

    base, log_dir = probed
    body = {"topic": f"Pasient {NUMBER} og legevakt"}
    draft = httpx.post(f"{base}/v1/draft", json=body, timeout=60)
    assert draft.status_code == 200 and NUMBER not in draft.text
    assert draft.json()["markdown"].strip() == WARNING and draft.json()["citations"] == []
    docx = httpx.post(f"{base}/v1/draft/docx", json=body, timeout=60)
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert NUMBER not in text and WARNING in text
    contact = httpx.post(f"{base}/v1/draft", json={"topic": "legevakt", "from_body": "ring 9123 4567"}, timeout=60)
    assert contact.json()["markdown"].strip() == CONTACT_WARNING
    assert NUMBER not in server_log(log_dir)


def test_cli_draft_is_guarded(corpus_index: Path) -> None:
    """Defect 4: `hfa draft` wrote a draft titled with the patient's number."""
    result = run_cli("draft", f"Pasient {NUMBER} og legevakt", data_dir=corpus_index)
    assert result.returncode == 1 and WARNING in result.stderr
    assert NUMBER not in result.stdout + result.stderr


# -- 7. XML-safe Word export -----------------------------------------------------------------------
def test_docx_export_drops_control_characters(probed: tuple[str, Path]) -> None:
    """Defect 7: POST /v1/draft/docx {"topic": "legevakt \\u0001"} gave 500 (python-docx:
    "All strings must be XML compatible")."""
    from docx import Document

    base, _ = probed
    response = httpx.post(f"{base}/v1/draft/docx", json={"topic": "legevakt \u0001", "from_body": "FSU\u0008"})
    assert response.status_code == 200, response.text
    document = Document(io.BytesIO(response.content))
    assert any("Legevakt" in p.text for p in document.paragraphs)


# -- 8. hardening -------------------------------------------------------------------------------------
def test_security_headers_on_pages_and_json(probed: tuple[str, Path]) -> None:
    """Defect 8: no Content-Security-Policy, X-Content-Type-Options or X-Frame-Options /
    frame-ancestors on the web page or the API's JSON."""
    base, _ = probed
    responses = [
        httpx.get(f"{base}/", timeout=30),
        httpx.get(f"{base}/static/app.js", timeout=30),
        httpx.get(f"{base}/v1/search", params={"q": "SSU"}, timeout=30),
        httpx.get(f"{base}/v1/finnes-ikke", timeout=30),
        httpx.post(f"{base}/v1/ask", content=b"{", headers={"Content-Type": "application/json"}, timeout=30),
    ]
    for response in responses:
        headers = response.headers
        assert "script-src 'self'" in headers["content-security-policy"], response.url
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
    docs = httpx.get(f"{base}/docs", timeout=30)
    assert docs.status_code == 200 and "cdn.jsdelivr.net" in docs.headers["content-security-policy"]


def test_over_long_urls_get_the_json_error(probed: tuple[str, Path]) -> None:
    """Defect 8: uvicorn answered over-long URLs with plain text, not the JSON error."""
    base, _ = probed
    for length in (10_000, 40_000):
        response = httpx.get(f"{base}/v1/search", params={"q": "a" * length}, timeout=30)
        assert response.status_code == 414, (length, response.text[:200])
        assert "for lang" in response.json()["error"]["message"]
        assert response.headers["x-content-type-options"] == "nosniff"
