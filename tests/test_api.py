"""The HTTP contract over a real `hfa serve` process (uvicorn on loopback)."""

from __future__ import annotations

import httpx


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


def test_openapi_is_served(server: str) -> None:
    spec = httpx.get(f"{server}/openapi.json", timeout=30).json()
    assert "/v1/search" in spec["paths"] and httpx.get(f"{server}/docs", timeout=30).status_code == 200
