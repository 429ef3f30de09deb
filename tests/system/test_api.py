"""The HTTP contract over a real `hfa serve` process (uvicorn on loopback)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import running_server


def _events(response: httpx.Response) -> list[tuple[str, object]]:
    """Parse a server-sent event stream into (event, data) pairs."""
    events: list[tuple[str, object]] = []
    for block in response.text.split("\n\n"):
        if not block.strip():
            continue
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields.get("event", "message"), json.loads(fields["data"])))
    return events


def test_healthz_and_readyz(server: str) -> None:
    assert httpx.get(f"{server}/healthz").json() == {"status": "ok", "generation": None, "passages": None}
    ready = httpx.get(f"{server}/readyz", timeout=30).json()
    assert ready["status"] == "ready" and ready["passages"] > 100


def test_search_contract(server: str) -> None:
    response = httpx.get(f"{server}/v1/search", params={"q": "Hvor ofte møtes SSU?", "k": 3}, timeout=30)
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 3
    for item in results:
        assert {"doc_id", "title", "section", "page", "text", "score"} <= set(item)
        assert isinstance(item["page"], int) and isinstance(item["score"], float)
    assert "møtes fire ganger årlig" in results[0]["text"]
    assert results[0]["score"] >= results[1]["score"] >= results[2]["score"]


def test_search_filters_and_default_k(server: str) -> None:
    response = httpx.get(f"{server}/v1/search", params={"q": "sekretariat", "region": "trondelag"}, timeout=30)
    results = response.json()["results"]
    assert len(results) == 5 and all(r["region"] == "trondelag" for r in results)


def test_search_errors_are_norwegian_json(server: str) -> None:
    empty = httpx.get(f"{server}/v1/search", params={"q": "  "}, timeout=30)
    assert empty.status_code == 422 and "tomt" in empty.json()["error"]["message"]
    unknown = httpx.get(f"{server}/v1/search", params={"q": "SSU", "region": "agder"}, timeout=30)
    assert unknown.status_code == 422 and "agder" in unknown.json()["error"]["message"]
    missing = httpx.get(f"{server}/v1/search", timeout=30)
    assert missing.status_code == 422 and missing.json()["error"]["message"].startswith("Ugyldig forespørsel")
    bad_k = httpx.get(f"{server}/v1/search", params={"q": "SSU", "k": 0}, timeout=30)
    assert bad_k.status_code == 422 and "k" in bad_k.json()["error"]["message"]
    assert "Traceback" not in bad_k.text


def test_ask_contract(server: str) -> None:
    response = httpx.post(f"{server}/v1/ask", json={"question": "Hvor ofte møtes SSU?"}, timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"answer", "found", "citations", "passages"} and body["found"]
    assert "fire ganger årlig" in body["answer"] and "[1]" in body["answer"]
    citation = body["citations"][0]
    assert set(citation) == {"id", "doc_id", "title", "section", "page", "quote", "url"}
    assert citation["id"] == 1 and citation["quote"] in body["passages"][0]["text"]
    assert {"doc_id", "title", "section", "page", "text", "score"} <= set(body["passages"][0])


def test_ask_with_history_and_filters(server: str) -> None:
    history = [
        {"role": "user", "content": "Hvor ofte møtes SSU?"},
        {"role": "assistant", "content": "SSU møtes fire ganger årlig [1]."},
    ]
    follow = httpx.post(f"{server}/v1/ask", json={"question": "Hvem sitter i det?", "history": history}, timeout=30)
    assert follow.status_code == 200 and "Kommunalsjefer helse og omsorg" in follow.json()["answer"]
    only = httpx.post(
        f"{server}/v1/ask",
        json={"question": "Hvem leder sekretariatet?", "filters": {"region": "trondelag"}},
        timeout=30,
    ).json()
    assert only["passages"] and all(p["region"] == "trondelag" for p in only["passages"])


def test_ask_refusal_is_a_200_with_found_false(server: str) -> None:
    body = httpx.post(f"{server}/v1/ask", json={"question": "Hvem vant fotball-VM i 2022?"}, timeout=30).json()
    assert body["found"] is False and body["citations"] == []
    assert body["answer"].startswith("Jeg finner ikke svar på dette i dokumentene")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"question": "   "}, "tomt"),
        ({"question": "x" * 2001}, "for langt"),
        ({"question": "SSU?", "filters": {"region": "agder"}}, "agder"),
        ({"question": "SSU?", "filters": {"fylke": "telemark"}}, "ukjent felt «filters.fylke»"),
        ({"question": "SSU?", "history": [{"role": "system", "content": "x"}]}, "history.0.role"),
        ({}, "feltet «question» mangler"),
        ({"question": 42}, "question"),
    ],
)
def test_ask_validation_errors_are_norwegian(server: str, body: dict[str, object], expected: str) -> None:
    response = httpx.post(f"{server}/v1/ask", json=body, timeout=30)
    assert response.status_code == 422, response.text
    message = response.json()["error"]["message"]
    assert expected in message and "Traceback" not in response.text


def test_malformed_json_and_unknown_routes(server: str) -> None:
    broken = httpx.post(
        f"{server}/v1/ask", content=b'{"question": "SSU', headers={"content-type": "application/json"}, timeout=30
    )
    assert broken.status_code == 422 and "ikke gyldig JSON" in broken.json()["error"]["message"]
    missing = httpx.get(f"{server}/v1/finnes-ikke", timeout=30)
    assert missing.status_code == 404 and missing.json() == {"error": {"message": "Fant ikke siden."}}
    wrong_method = httpx.get(f"{server}/v1/ask", timeout=30)
    assert wrong_method.status_code == 405 and "Metoden" in wrong_method.json()["error"]["message"]


def test_ask_stream_extractive_is_one_final_event(server: str) -> None:
    response = httpx.post(f"{server}/v1/ask/stream", json={"question": "Hvor ofte møtes SSU?"}, timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    events = _events(response)
    assert [name for name, _ in events] == ["final"]
    final = events[0][1]
    assert isinstance(final, dict) and final["found"] and final["citations"]
    bad = httpx.post(f"{server}/v1/ask/stream", json={"question": ""}, timeout=30)
    assert bad.status_code == 422 and "tomt" in bad.json()["error"]["message"]


def test_documents_and_document_detail(server: str) -> None:
    documents = httpx.get(f"{server}/v1/documents", timeout=30).json()["documents"]
    assert len(documents) == 5
    by_id = {d["doc_id"]: d for d in documents}
    memo = by_id["telemark-notat-partnerskapsmote-2024"]
    assert memo["status"] == "forslag" and memo["date"] == "2024-03-01" and memo["passages"] > 0
    assert memo["region_name"] == "Helsefellesskapet i Telemark" and memo["issued_by"]
    assert sum(d["passages"] for d in documents) == httpx.get(f"{server}/readyz", timeout=30).json()["passages"]
    detail = httpx.get(f"{server}/v1/documents/telemark-retningslinje-1", timeout=30).json()
    assert detail["title"].startswith("Retningslinje 1") and len(detail["content"]) == detail["passages"]
    assert any("møtes fire ganger årlig" in part["text"] for part in detail["content"])
    assert {"section", "path", "page", "text"} == set(detail["content"][0])
    unknown = httpx.get(f"{server}/v1/documents/finnes-ikke", timeout=30)
    assert unknown.status_code == 404 and "finnes-ikke" in unknown.json()["error"]["message"]


def test_openapi_and_web_page_are_served(server: str) -> None:
    spec = httpx.get(f"{server}/openapi.json", timeout=30).json()
    for path in ("/v1/ask", "/v1/ask/stream", "/v1/search", "/v1/documents", "/v1/chat/completions", "/v1/models"):
        assert path in spec["paths"], path
    assert httpx.get(f"{server}/docs", timeout=30).status_code == 200
    page = httpx.get(f"{server}/", timeout=30)
    assert page.status_code == 200 and '<html lang="nb">' in page.text
    assert httpx.get(f"{server}/static/app.js", timeout=30).status_code == 200


# -- API keys and CORS ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def keyed_server(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {"HFA_API_KEYS": "nokkel-en, nokkel-to", "HFA_CORS_ORIGINS": "https://intranett.example"}
    with running_server(corpus_index, tmp_path_factory.mktemp("keyed"), env) as base:
        yield base


def test_api_keys_guard_every_v1_route(keyed_server: str) -> None:
    routes = [
        ("GET", "/v1/search?q=SSU", None),
        ("POST", "/v1/ask", {"question": "Hvor ofte møtes SSU?"}),
        ("POST", "/v1/ask/stream", {"question": "Hvor ofte møtes SSU?"}),
        ("GET", "/v1/documents", None),
        ("GET", "/v1/documents/telemark-retningslinje-1", None),
        ("GET", "/v1/models", None),
        ("POST", "/v1/chat/completions", {"model": "hfa", "messages": [{"role": "user", "content": "SSU?"}]}),
    ]
    for method, path, body in routes:
        for headers in ({}, {"Authorization": "Bearer feil"}, {"Authorization": "nokkel-en"}):
            denied = httpx.request(method, f"{keyed_server}{path}", json=body, headers=headers, timeout=30)
            assert denied.status_code == 401, (path, headers)
            assert "API-nøkkel" in denied.json()["error"]["message"]
            assert denied.headers["www-authenticate"] == "Bearer"
        for key in ("nokkel-en", "nokkel-to"):
            allowed = httpx.request(
                method, f"{keyed_server}{path}", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=30
            )
            assert allowed.status_code == 200, (path, allowed.text)
    # operations and the web page itself stay open (the page asks for a key)
    assert httpx.get(f"{keyed_server}/healthz").status_code == 200
    assert httpx.get(f"{keyed_server}/").status_code == 200


def test_cors_allows_only_configured_origins(keyed_server: str, server: str) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
    ok = httpx.options(f"{keyed_server}/v1/ask", headers={"Origin": "https://intranett.example", **preflight})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "https://intranett.example"
    other = httpx.options(f"{keyed_server}/v1/ask", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in other.headers
    plain = httpx.get(f"{server}/healthz", headers={"Origin": "https://intranett.example"})
    assert "access-control-allow-origin" not in plain.headers  # no CORS unless configured
