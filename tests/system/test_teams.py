"""The Teams bot through `/api/messages` of a running `hfa serve`: real Bot Framework
Activity JSON in, the outgoing activities captured by a local stand-in of the Bot
Connector service (Microsoft's side, which cannot run here) that speaks its REST
format (`POST /v3/conversations/{id}/activities/{replyToId}` → `{"id": …}`)."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.guard import WARNING as GUARD_WARNING
from tests.conftest import running_server
from tests.standins.loopback import JsonHandler, poll, serve

PUBLIC_URL = "https://hfa.example"
FNR = "15048543216"


class Connector:
    def __init__(self) -> None:
        self.activities: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.url = ""

    def wait_for(self, count: int, kind: str = "message", timeout: float = 60) -> list[dict[str, Any]]:
        def look() -> list[dict[str, Any]] | None:
            with self.lock:
                found = [a for a in self.activities if a["body"].get("type") == kind]
            return found if len(found) >= count else None

        return poll(look, f"{count} {kind} activities at the connector", timeout)

    def reset(self) -> None:
        with self.lock:
            self.activities.clear()


@contextmanager
def connector() -> Iterator[Connector]:
    state = Connector()

    class Handler(JsonHandler):
        def do_POST(self) -> None:
            body = self.read_json()
            match = re.fullmatch(r"/v3/conversations/([^/]+)/activities(?:/([^/]+))?", self.path)
            if not match:
                self.send_error(404)
                return
            reply_id = f"1:reply-{next(state.ids)}"
            with state.lock:
                state.activities.append(
                    {"conversation": match.group(1), "reply_to": match.group(2), "id": reply_id, "body": body}
                )
            self.send_json({"id": reply_id})

    with serve(Handler) as url:
        state.url = f"{url}/"
        yield state


@pytest.fixture(scope="module")
def teams(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Connector, Path]]:
    work = tmp_path_factory.mktemp("teams")
    shutil.copytree(corpus_index, work / "data")
    with connector() as standin:
        env = {
            "HFA_TEAMS_ALLOW_ANONYMOUS": "true",
            "HFA_PUBLIC_URL": PUBLIC_URL,
            "HFA_TEAMS_FILTERS": json.dumps({"19:trondelag-team@thread.tacv2": {"region": "trondelag"}}),
            "HFA_LOG_LEVEL": "DEBUG",
        }
        with running_server(work / "data", work, env) as base:
            yield base, standin, work


_ids = itertools.count(1)


def activity(
    standin: Connector, text: str, conversation: str = "a:personal-1", channel_data: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "type": "message",
        "id": f"1700000000{next(_ids):03d}",
        "timestamp": "2026-11-24T08:00:00.000Z",
        "serviceUrl": standin.url,
        "channelId": "msteams",
        "from": {"id": "29:lege", "name": "Lege Legesen", "aadObjectId": "00000000-aaaa-bbbb-cccc-000000000001"},
        "conversation": {"id": conversation, "conversationType": "personal", "tenantId": "tenant-1"},
        "recipient": {"id": "28:hfa-bot", "name": "hfa"},
        "text": text,
        "textFormat": "plain",
        "locale": "nb-NO",
        "channelData": channel_data or {"tenant": {"id": "tenant-1"}},
    }


def post(base: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{base}/api/messages", json=body, timeout=60)


def test_message_gets_an_answer_with_teams_citations(teams: tuple[str, Connector, Path]) -> None:
    base, standin, _ = teams
    standin.reset()
    incoming = activity(standin, "Hvor ofte møtes SSU?")
    assert post(base, incoming).status_code in (200, 202)
    typing = standin.wait_for(1, "typing")[0]
    assert typing["reply_to"] == incoming["id"]
    reply = standin.wait_for(1)[0]
    body = reply["body"]
    assert reply["conversation"] == "a:personal-1" and reply["reply_to"] == incoming["id"]
    assert body["replyToId"] == incoming["id"] and body["recipient"]["id"] == "29:lege"
    assert "fire ganger årlig" in body["text"] and "[1]" in body["text"]
    assert "**Kilder**" in body["text"] and "[1] Retningslinje 1" in body["text"]
    assert body["channelData"]["feedbackLoop"] == {"type": "default"}
    entity = body["entities"][0]
    assert entity["@type"] == "Message" and entity["additionalType"] == ["AIGeneratedContent"]
    claim = entity["citation"][0]
    assert claim["@type"] == "Claim" and claim["position"] == 1
    appearance = claim["appearance"]
    assert appearance["@type"] == "DigitalDocument" and len(appearance["name"]) <= 80
    assert len(appearance["abstract"]) <= 160 and "fire ganger årlig" in appearance["abstract"]
    assert appearance["url"].startswith(f"{PUBLIC_URL}/#kilde?doc=telemark-retningslinje-1")
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", body["text"])}
    assert markers == {c["position"] for c in entity["citation"]}


def test_follow_up_uses_the_conversation(teams: tuple[str, Connector, Path]) -> None:
    base, standin, _ = teams
    standin.reset()
    post(base, activity(standin, "Hvor ofte møtes SSU?", conversation="a:personal-2"))
    standin.wait_for(1)
    post(base, activity(standin, "Hvem sitter i det utvalget?", conversation="a:personal-2"))
    assert "Kommunalsjefer helse og omsorg" in standin.wait_for(2)[1]["body"]["text"]


def test_channel_mention_in_a_filtered_team(teams: tuple[str, Connector, Path]) -> None:
    base, standin, _ = teams
    standin.reset()
    channel_data = {"tenant": {"id": "tenant-1"}, "team": {"id": "19:trondelag-team@thread.tacv2"}}
    conversation = "19:kanal@thread.tacv2;messageid=1700000000999"
    incoming = activity(standin, "<at>hfa</at> Hvem har sekretariatsfunksjonen?", conversation, channel_data)
    incoming["entities"] = [
        {"type": "mention", "text": "<at>hfa</at>", "mentioned": {"id": "28:hfa-bot", "name": "hfa"}}
    ]
    post(base, incoming)
    reply = standin.wait_for(1)[0]
    assert reply["conversation"] == conversation
    assert "Telemark" not in reply["body"]["text"]


def test_feedback_votes_are_stored(teams: tuple[str, Connector, Path]) -> None:
    base, standin, work = teams
    standin.reset()
    post(base, activity(standin, "Hvem sitter i SSU?", conversation="a:personal-3"))
    reply = standin.wait_for(1)[0]
    invoke = activity(standin, "", conversation="a:personal-3")
    invoke.update(
        type="invoke",
        name="message/submitAction",
        replyToId=reply["id"],
        value={"actionName": "feedback", "actionValue": {"reaction": "like", "feedback": '{"feedbackText":"Bra"}'}},
    )
    del invoke["text"]
    response = post(base, invoke)
    assert response.status_code == 200
    with sqlite3.connect(work / "data" / "feedback.sqlite3") as db:
        row = db.execute(
            "SELECT a.question, v.vote, v.user FROM votes v JOIN answers a ON a.id = v.answer_id WHERE a.channel = ?",
            ("a:personal-3",),
        ).fetchone()
    assert row == ("Hvem sitter i SSU?", 1, "00000000-aaaa-bbbb-cccc-000000000001")
    unknown = {**invoke, "replyToId": "1:finnes-ikke", "id": "x1"}
    assert post(base, unknown).status_code == 404


def test_identity_numbers_are_never_answered_stored_or_logged(teams: tuple[str, Connector, Path]) -> None:
    base, standin, work = teams
    standin.reset()
    post(base, activity(standin, f"Pasient {FNR}: hvem skal varsles ved utskrivning?", conversation="a:personal-4"))
    reply = standin.wait_for(1)[0]["body"]
    assert reply["text"] == GUARD_WARNING and "entities" not in reply
    # issue 16: judged on the normalised text, so a number split by a line break is caught
    post(base, activity(standin, "Pasient 150485\n43216: hvem skal varsles?", conversation="a:personal-4"))
    assert standin.wait_for(2)[1]["body"]["text"] == GUARD_WARNING
    with sqlite3.connect(work / "data" / "feedback.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM answers WHERE channel = 'a:personal-4'").fetchone() == (0,)
    assert FNR.encode() not in (work / "data" / "feedback.sqlite3").read_bytes()
    logs = "".join(p.read_text(errors="replace") for p in work.glob("server-*.log"))
    assert "Patient-data guard fired" in logs and FNR not in logs


def test_requests_without_a_token_are_refused_unless_anonymous_is_allowed(corpus_index: Path, tmp_path: Path) -> None:
    env = {"HFA_TEAMS_APP_ID": "11111111-2222-3333-4444-555555555555", "HFA_TEAMS_TENANT_ID": "tenant-1"}
    with connector() as standin, running_server(corpus_index, tmp_path, env) as base:
        response = post(base, activity(standin, "Hvor ofte møtes SSU?"))
        assert response.status_code == 401
        forged = httpx.post(
            f"{base}/api/messages",
            json=activity(standin, "Hvor ofte møtes SSU?"),
            headers={"Authorization": "Bearer not-a-jwt"},
            timeout=60,
        )
        assert forged.status_code == 401
        time.sleep(0.5)
        assert not standin.activities


def test_app_package_holds_the_manifest_and_valid_icons(tmp_path: Path) -> None:
    import struct
    import zipfile
    import zlib

    from assistant.channels.teams_package import build_package
    from assistant.settings import Settings

    app_id = "11111111-2222-3333-4444-555555555555"
    package = build_package(Settings(teams_app_id=app_id, public_url="https://hfa.example.no/"), tmp_path / "p.zip")
    with zipfile.ZipFile(package) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        icons = {name: archive.read(name) for name in ("color.png", "outline.png")}
    assert manifest["id"] == app_id and manifest["bots"][0]["botId"] == app_id
    assert manifest["validDomains"] == ["hfa.example.no"] and "${" not in json.dumps(manifest)
    for name, size in (("color.png", 192), ("outline.png", 32)):
        data = icons[name]
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", data[16:24])
        assert (width, height) == (size, size)
        idat = data[data.index(b"IDAT") + 4 : data.index(b"IEND") - 8]
        assert len(zlib.decompress(idat)) == size * (1 + 4 * size)
