"""Several collections (one per health community) served by one deployment, chosen per
request, per API key, per Slack channel and per Teams team."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import CORPUS, hfa_command, running_server

TELEMARK = [p.name for p in CORPUS.glob("telemark-*.txt")]
TRONDELAG = [p.name for p in CORPUS.glob("st-olav-*.txt")]
ALL, ONLY_TELEMARK = "nokkel-alle", "nokkel-telemark"


@pytest.fixture(scope="module")
def deployment(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    root = tmp_path_factory.mktemp("collections")
    collections: dict[str, Any] = {}
    for name, files in (("telemark", TELEMARK), ("trondelag", TRONDELAG)):
        corpus = root / f"corpus-{name}"
        corpus.mkdir()
        for file in [*files, "manifest.yaml", "glossary.yaml"]:
            shutil.copy(CORPUS / file, corpus / file)
        shutil.copytree(corpus_index / "cache", root / "data" / "collections" / name / "cache")  # no re-embedding
        collections[name] = {"corpus_dir": str(corpus), "title": f"Helsefellesskapet {name.title()}"}
    env = {
        "HFA_COLLECTIONS": json.dumps(collections),
        "HFA_API_KEYS": f"{ALL},{ONLY_TELEMARK}=;telemark",
        "HFA_TEAMS_ALLOW_ANONYMOUS": "true",
        "HFA_TEAMS_COLLECTIONS": json.dumps({"19:trondelag@thread.tacv2": "trondelag"}),
    }
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
    run_env.update(env, HFA_DATA_DIR=str(root / "data"), HFA_LOG_LEVEL="WARNING")
    indexed = subprocess.run([*hfa_command(), "index"], env=run_env, capture_output=True, text=True, timeout=600)
    assert indexed.returncode == 0, indexed.stderr
    assert f"[telemark] Indeksert {len(TELEMARK)} dokumenter" in indexed.stdout
    assert f"[trondelag] Indeksert {len(TRONDELAG)} dokumenter" in indexed.stdout
    with running_server(root / "data", root, env) as base:
        yield base, env


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_collections_are_listed_per_key(deployment: tuple[str, dict[str, str]]) -> None:
    base, _ = deployment
    every = httpx.get(f"{base}/v1/collections", headers=_auth(ALL), timeout=60).json()
    assert [c["name"] for c in every["collections"]] == ["telemark", "trondelag"] and every["default"] == "telemark"
    assert every["collections"][1]["title"] == "Helsefellesskapet Trondelag"
    one = httpx.get(f"{base}/v1/collections", headers=_auth(ONLY_TELEMARK), timeout=60).json()
    assert [c["name"] for c in one["collections"]] == ["telemark"]


def test_a_request_chooses_its_collection(deployment: tuple[str, dict[str, str]]) -> None:
    base, _ = deployment
    for name, region in (("telemark", "telemark"), ("trondelag", "trondelag")):
        body = {"question": "Hvem har sekretariatsfunksjonen?", "collection": name}
        answer = httpx.post(f"{base}/v1/ask", json=body, headers=_auth(ALL), timeout=60).json()
        assert answer["passages"] and {p["region"] for p in answer["passages"]} == {region}
        docs = httpx.get(f"{base}/v1/documents", params={"collection": name}, headers=_auth(ALL), timeout=60).json()
        assert {d["region"] for d in docs["documents"]} == {region}
        hits = httpx.get(
            f"{base}/v1/search", params={"q": "SSU", "collection": name}, headers=_auth(ALL), timeout=60
        ).json()
        assert {h["region"] for h in hits["results"]} == {region}
    default = httpx.post(f"{base}/v1/ask", json={"question": "Hvor ofte møtes SSU?"}, headers=_auth(ALL), timeout=60)
    assert "fire ganger årlig" in default.json()["answer"]  # the first collection


def test_a_key_only_reaches_its_collections(deployment: tuple[str, dict[str, str]]) -> None:
    base, _ = deployment
    body = {"question": "Hvem har sekretariatsfunksjonen?", "collection": "trondelag"}
    refused = httpx.post(f"{base}/v1/ask", json=body, headers=_auth(ONLY_TELEMARK), timeout=60)
    assert refused.status_code == 404
    assert refused.json()["error"]["message"] == "Ukjent samling «trondelag». Tilgjengelige samlinger: telemark."
    unknown = httpx.get(f"{base}/v1/documents", params={"collection": "agder"}, headers=_auth(ALL), timeout=60)
    assert unknown.status_code == 404 and "agder" in unknown.json()["error"]["message"]


def test_openai_models_name_the_collections(deployment: tuple[str, dict[str, str]]) -> None:
    from openai import OpenAI

    base, _ = deployment
    client = OpenAI(base_url=f"{base}/v1", api_key=ALL, max_retries=0)
    ids = [m.id for m in client.models.list()]
    assert "hfa-telemark" in ids and "hfa-trondelag" in ids
    reply = client.chat.completions.create(
        model="hfa-trondelag", messages=[{"role": "user", "content": "Hvem har sekretariatsfunksjonen?"}]
    )
    assert "Telemark" not in (reply.choices[0].message.content or "")
    limited = OpenAI(base_url=f"{base}/v1", api_key=ONLY_TELEMARK, max_retries=0)
    assert "hfa-trondelag" not in [m.id for m in limited.models.list()]


def test_a_teams_team_gets_its_collection(deployment: tuple[str, dict[str, str]]) -> None:
    from tests.system.test_access import _teams_activity
    from tests.system.test_teams import connector

    base, _ = deployment
    with connector() as standin:
        question = "Hvem har sekretariatsfunksjonen?"
        httpx.post(f"{base}/api/messages", json=_teams_activity(question, "19:trondelag@thread.tacv2", standin.url))
        reply = standin.wait_for(1)[0]["body"]
        assert "Telemark" not in reply["text"] and "St. Olav" in reply["text"]


def test_a_slack_channel_gets_its_collection(deployment: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    from tests.standins.slack_standin import slack_standin
    from tests.system.test_slack import SECRET, answer_of, mention, send_event

    _, env = deployment
    data = Path(json.loads(env["HFA_COLLECTIONS"])["telemark"]["corpus_dir"]).parent / "data"
    with slack_standin() as standin:
        slack_env = {
            **env,
            "HFA_SLACK_BOT_TOKEN": "xoxb-test",
            "HFA_SLACK_SIGNING_SECRET": SECRET,
            "HFA_SLACK_API_URL": f"{standin.url}/api/",
            "HFA_SLACK_CHANNEL_COLLECTIONS": json.dumps({"CTRD": "trondelag"}),
        }
        with running_server(data, tmp_path, slack_env) as base:
            send_event(base, mention(standin, "CTRD", "Hvem har sekretariatsfunksjonen?"))
            assert "Telemark" not in answer_of(standin)["text"]
            send_event(base, mention(standin, "COTHER", "Hvor ofte møtes SSU?"))
            assert "fire ganger årlig" in answer_of(standin, 2)["text"]


def test_the_web_page_offers_the_collections(deployment: tuple[str, dict[str, str]]) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.system.test_web import CHROMIUM_ARGS, ask, chromium_path

    base, _ = deployment
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(30_000)
        page.goto(base)
        page.fill("#key-input", ALL)
        page.press("#key-input", "Enter")
        expect(page.locator("#collection-box")).to_be_visible()
        expect(page.locator("#collection option")).to_have_count(2)
        page.select_option("#collection", "trondelag")
        ask(page, "Hvem har sekretariatsfunksjonen?")
        answer = page.locator(".msg.assistant").last
        expect(answer).not_to_contain_text("Telemark")
        page.click("#tab-docs")
        expect(page.locator("#docs-table tbody tr")).to_have_count(len(TRONDELAG))
        browser.close()
