"""The Slack bot through its real HTTP endpoint (`/slack/events` of a running `hfa serve`),
with correctly signed Slack payloads, its Web API client pointed at a local stand-in of
Slack's Web API (tests/slack_standin.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest

from assistant.answering.engine import Engine
from assistant.channels.slack import SEARCHING, THANKS, answer_blocks
from assistant.guard import WARNING as GUARD_WARNING
from tests.conftest import CORPUS, hfa_command, running_server
from tests.standins.slack_standin import BOT_ID, SlackStandIn, slack_standin

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
PUBLIC_URL = "https://hfa.example"
FNR = "15048543216"  # passes both mod-11 checks
NOT_FNR = "15048543217"  # fails the second check


@pytest.fixture(scope="module")
def slack(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, SlackStandIn, Path]]:
    work = tmp_path_factory.mktemp("slack")
    data = work / "data"
    shutil.copytree(corpus_index, data)
    with slack_standin() as standin:
        env = {
            "HFA_SLACK_BOT_TOKEN": "xoxb-test-token",
            "HFA_SLACK_SIGNING_SECRET": SECRET,
            "HFA_SLACK_API_URL": f"{standin.url}/api/",
            "HFA_PUBLIC_URL": PUBLIC_URL,
            "HFA_SLACK_CHANNEL_FILTERS": json.dumps({"CTRD": {"region": "trondelag"}}),
            "HFA_LOG_LEVEL": "DEBUG",  # the guard must keep patient data out even of debug logs
        }
        with running_server(data, work, env) as base:
            yield base, standin, work


@pytest.fixture
def engine(retriever) -> Engine:  # type: ignore[no-untyped-def]
    return Engine(retriever)


def signed_post(base: str, body: str, content_type: str, extra: dict[str, str] | None = None) -> httpx.Response:
    timestamp = str(int(time.time()))
    signature = "v0=" + hmac.new(SECRET.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
        **(extra or {}),
    }
    return httpx.post(f"{base}/slack/events", content=body.encode(), headers=headers, timeout=30)


_event_ids = iter(range(1, 10_000))


def send_event(base: str, event: dict[str, Any], event_id: str = "", retry: int = 0) -> httpx.Response:
    payload = {
        "token": "legacy",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_ids):08d}",
        "event_time": int(time.time()),
        "event": {"event_ts": event["ts"], **event},
        "authorizations": [{"team_id": "T0001", "user_id": "UHFA", "is_bot": True}],
    }
    headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
    return signed_post(base, json.dumps(payload), "application/json", headers)


def mention(standin: SlackStandIn, channel: str, text: str, thread_ts: str | None = None) -> dict[str, Any]:
    ts = standin.user_message(channel, f"<@UHFA> {text}", thread_ts=thread_ts)
    event = {"type": "app_mention", "user": "U1", "text": f"<@UHFA> {text}", "ts": ts, "channel": channel}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def answer_of(standin: SlackStandIn, count: int = 1) -> dict[str, Any]:
    return standin.wait_for("chat.update", count)[count - 1]["body"]


def test_unsigned_requests_are_rejected(slack: tuple[str, SlackStandIn, Path]) -> None:
    base, _, _ = slack
    response = httpx.post(f"{base}/slack/events", json={"type": "url_verification", "challenge": "x"}, timeout=30)
    assert response.status_code == 401
    challenge = signed_post(base, json.dumps({"type": "url_verification", "challenge": "abc"}), "application/json")
    assert challenge.status_code == 200 and challenge.json() == {"challenge": "abc"}


def test_mention_gets_searching_then_the_answer_blocks_in_a_thread(
    slack: tuple[str, SlackStandIn, Path], engine: Engine
) -> None:
    base, standin, _ = slack
    standin.reset()
    event = mention(standin, "C1", "Hvor ofte møtes SSU?")
    started = time.monotonic()
    ack = send_event(base, event)
    assert ack.status_code == 200 and time.monotonic() - started < 3  # acknowledged before answering
    status = standin.wait_for("chat.postMessage")[0]
    assert status["auth"] == "Bearer xoxb-test-token"
    assert status["body"]["text"] == SEARCHING and status["body"]["thread_ts"] == event["ts"]
    update = answer_of(standin)
    blocks = update["blocks"]
    answer_id = blocks[-1]["elements"][0]["value"]
    expected = answer_blocks(engine.ask("Hvor ofte møtes SSU?"), answer_id, PUBLIC_URL)
    assert blocks == expected  # exactly the blocks the engine's answer makes
    assert "fire ganger årlig" in blocks[0]["text"]["text"] and update["text"].startswith("Helsefellesskapet i")
    assert blocks[2]["text"]["text"] == "*Kilder*"
    source = blocks[3]["text"]["text"]
    assert source.startswith("*[1]* <https://hfa.example/#kilde?doc=telemark-retningslinje-1&section=2.2")
    assert "\n>" in source and "s. 2" in source
    assert [e["action_id"] for e in blocks[-1]["elements"]] == ["hfa_vote_up", "hfa_vote_down"]


def test_follow_up_in_the_thread_uses_earlier_turns(slack: tuple[str, SlackStandIn, Path]) -> None:
    base, standin, _ = slack
    standin.reset()
    first = mention(standin, "C1", "Hvor ofte møtes SSU?")
    send_event(base, first)
    answer_of(standin)
    follow = mention(standin, "C1", "Hvem sitter i det utvalget?", thread_ts=first["ts"])
    send_event(base, follow)
    replies = standin.wait_for("conversations.replies")[0]["body"]
    assert replies["channel"] == "C1" and replies["ts"] == first["ts"]
    second = answer_of(standin, 2)
    assert "Kommunalsjefer helse og omsorg" in second["text"]
    assert standin.of("chat.postMessage")[1]["body"]["thread_ts"] == first["ts"]


def test_direct_message_is_answered_in_a_thread_and_own_messages_are_ignored(
    slack: tuple[str, SlackStandIn, Path],
) -> None:
    base, standin, _ = slack
    standin.reset()
    ts = standin.user_message("D1", "Hvem sitter i SSU?")
    send_event(
        base,
        {
            "type": "message",
            "channel_type": "im",
            "user": "U1",
            "text": "Hvem sitter i SSU?",
            "ts": ts,
            "channel": "D1",
        },
    )
    assert standin.wait_for("chat.postMessage")[0]["body"]["thread_ts"] == ts
    assert "Fagdirektør STHF" in answer_of(standin)["text"]
    own = {
        "type": "message",
        "channel_type": "im",
        "bot_id": BOT_ID,
        "text": "svar",
        "ts": standin.next_ts(),
        "channel": "D1",
    }
    send_event(base, own)
    channel_chat = {
        "type": "message",
        "channel_type": "channel",
        "user": "U1",
        "text": "hei",
        "ts": standin.next_ts(),
        "channel": "C1",
    }
    send_event(base, channel_chat)
    time.sleep(1.5)
    assert len(standin.of("chat.postMessage")) == 1  # neither our own message nor channel chatter


def test_retries_and_repeated_events_are_answered_once(slack: tuple[str, SlackStandIn, Path]) -> None:
    base, standin, _ = slack
    standin.reset()
    event = mention(standin, "C1", "Hvor ofte møtes Partnerskapet?")
    assert send_event(base, event, event_id="EvRETRY1").status_code == 200
    assert send_event(base, event, event_id="EvRETRY1", retry=1).status_code == 200
    assert send_event(base, event, event_id="EvRETRY1").status_code == 200  # delivered again without the header
    answer_of(standin)
    time.sleep(1.5)
    assert len(standin.of("chat.postMessage")) == 1 and len(standin.of("chat.update")) == 1


def test_channel_filter_limits_a_channel_to_one_region(slack: tuple[str, SlackStandIn, Path]) -> None:
    base, standin, _ = slack
    standin.reset()
    send_event(base, mention(standin, "CTRD", "Hvem har sekretariatsfunksjonen?"))
    text = answer_of(standin)["text"]
    assert "Telemark" not in text


def _command(base: str, text: str, channel: str = "C1") -> httpx.Response:
    form = {
        "token": "legacy",
        "team_id": "T0001",
        "channel_id": channel,
        "channel_name": "fagutvalg",
        "user_id": "U1",
        "user_name": "lege",
        "command": "/hfa",
        "text": text,
        "api_app_id": "A0001",
        "response_url": f"{_standin_url(base)}/response/cmd-1",
        "trigger_id": "1.2.3",
    }
    return signed_post(base, urlencode(form), "application/x-www-form-urlencoded")


_STANDIN: dict[str, str] = {}


def _standin_url(base: str) -> str:
    return _STANDIN[base]


def _action(base: str, action_id: str, value: str, channel: str = "C1") -> httpx.Response:
    payload = {
        "type": "block_actions",
        "user": {"id": "U1", "username": "lege", "team_id": "T0001"},
        "api_app_id": "A0001",
        "team": {"id": "T0001", "domain": "hfa-test"},
        "channel": {"id": channel, "name": "fagutvalg"},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": channel, "is_ephemeral": True},
        "trigger_id": "1.2.3",
        "response_url": f"{_standin_url(base)}/response/act-1",
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "hfa_feedback",
                "value": value,
                "action_ts": str(time.time()),
                "text": {"type": "plain_text", "text": "x"},
            }
        ],
    }
    return signed_post(base, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def test_slash_command_answers_privately_and_can_be_shared(slack: tuple[str, SlackStandIn, Path]) -> None:
    base, standin, _ = slack
    _STANDIN[base] = standin.url
    standin.reset()
    ack = _command(base, "Hvem sitter i SSU?")
    assert ack.status_code == 200 and ack.json()["text"] == SEARCHING
    ephemeral = standin.wait_for("chat.postEphemeral")[0]["body"]
    assert ephemeral["channel"] == "C1" and ephemeral["user"] == "U1"
    buttons = ephemeral["blocks"][-1]["elements"]
    assert [b["action_id"] for b in buttons] == ["hfa_share", "hfa_vote_up", "hfa_vote_down"]
    assert buttons[0]["text"]["text"] == "Del i kanalen"
    assert "Kommunalsjefer helse og omsorg" in ephemeral["text"]

    _action(base, "hfa_share", buttons[0]["value"])
    shared = standin.wait_for("chat.postMessage")[0]["body"]
    assert shared["channel"] == "C1" and "thread_ts" not in shared
    assert shared["blocks"][-2]["elements"][0]["text"] == "Delt av <@U1> · Spørsmål: Hvem sitter i SSU?"
    deleted = standin.wait_for("response_url")[0]
    assert deleted["path"] == "/response/act-1" and deleted["body"]["delete_original"] is True

    empty = _command(base, "   ")
    assert "Skriv et spørsmål" in empty.json()["text"]


def test_votes_are_stored_and_exported_as_gold_questions(slack: tuple[str, SlackStandIn, Path]) -> None:
    base, standin, work = slack
    _STANDIN[base] = standin.url
    standin.reset()
    send_event(base, mention(standin, "C1", "Hvor ofte møtes SSU?"))
    answer_id = answer_of(standin)["blocks"][-1]["elements"][0]["value"]
    _action(base, "hfa_vote_up", answer_id)
    thanks = standin.wait_for("chat.postEphemeral")[0]["body"]
    assert thanks == {"channel": "C1", "user": "U1", "text": THANKS}
    with sqlite3.connect(work / "data" / "feedback.sqlite3") as db:
        row = db.execute(
            "SELECT a.question, a.channel, a.citations, v.vote FROM votes v JOIN answers a ON a.id = v.answer_id "
            "WHERE a.id = ?",
            (answer_id,),
        ).fetchone()
    assert row[0] == "Hvor ofte møtes SSU?" and row[1] == "C1" and row[3] == 1
    assert "møtes fire ganger årlig" in row[2]

    env = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
    env.update(HFA_DATA_DIR=str(work / "data"), HFA_CORPUS_DIR=str(CORPUS))
    out = work / "feedback.yaml"
    subprocess.run([*hfa_command(), "feedback", "export", "-o", str(out)], env=env, check=True, timeout=120)
    from assistant.eval.evaluation import load_gold

    exported = [q for q in load_gold(out) if q.question == "Hvor ofte møtes SSU?"]
    assert exported and exported[0].evidence and "møtes fire ganger årlig" in exported[0].evidence[0]


def test_identity_numbers_are_never_answered_stored_or_logged(slack: tuple[str, SlackStandIn, Path]) -> None:
    base, standin, work = slack
    _STANDIN[base] = standin.url
    standin.reset()
    send_event(base, mention(standin, "C1", f"Pasient {FNR} skal utskrives, hvem varsler kommunen?"))
    warning = standin.wait_for("chat.postMessage")[0]["body"]
    assert warning["text"] == GUARD_WARNING
    spaced = "150485 43216"
    assert _command(base, f"Gjelder {spaced}: hvem har ansvaret?").json()["text"] == GUARD_WARNING
    hidden = "150485\u200b43216"  # issue 16: judged on the normalised text (zero-width space removed)
    assert _command(base, f"Gjelder {hidden}: hvem har ansvaret?").json()["text"] == GUARD_WARNING
    d_number = "41019012393"
    send_event(
        base,
        {
            "type": "message",
            "channel_type": "im",
            "user": "U1",
            "text": d_number,
            "ts": standin.next_ts(),
            "channel": "D1",
        },
    )
    assert standin.wait_for("chat.postMessage", 2)[1]["body"]["text"] == GUARD_WARNING
    time.sleep(1.5)
    assert not standin.of("chat.update") and not standin.of("chat.postEphemeral")  # nothing was answered

    send_event(base, mention(standin, "C1", f"Hva betyr tallet {NOT_FNR} i avtalen?"))  # checksum fails: a question
    assert answer_of(standin)["text"] != GUARD_WARNING

    stored = (work / "data" / "feedback.sqlite3").read_bytes()
    for number in (FNR, "43216", d_number):
        assert number.encode() not in stored
    logs = "".join(p.read_text(errors="replace") for p in work.glob("server-*.log"))
    assert "Patient-data guard fired" in logs
    for number in (FNR, spaced, d_number):
        assert number not in logs


def test_citation_links_open_the_web_viewer(slack: tuple[str, SlackStandIn, Path]) -> None:
    base, standin, _ = slack
    standin.reset()
    send_event(base, mention(standin, "C1", "Hvor ofte møtes SSU?"))
    source = answer_of(standin)["blocks"][3]["text"]["text"]
    url = source.split("<", 1)[1].split("|", 1)[0]
    parsed = urlparse(url)
    assert f"{parsed.scheme}://{parsed.netloc}" == PUBLIC_URL and parsed.fragment.startswith("kilde?")
    query = parse_qs(parsed.fragment.split("?", 1)[1])
    assert query["doc"] == ["telemark-retningslinje-1"] and "fire ganger årlig" in query["quote"][0]


def test_blocks_respect_slack_limits() -> None:
    from assistant.domain import Citation, Result

    long_answer = "\n".join(f"- punkt {i} " + "tekst " * 60 for i in range(40))
    citations = [Citation(i, "d", "Tittel & <noe>", "1 Avsnitt", 1, "sitat " * 200) for i in range(1, 30)]
    blocks = answer_blocks(Result(long_answer, True, citations), "abc", PUBLIC_URL)
    assert len(blocks) <= 50 and blocks[-1]["type"] == "actions"
    for block in blocks:
        text = block.get("text", {}).get("text", "")
        assert len(text) <= 3000
    texts = [b.get("text", {}).get("text", "") for b in blocks]
    assert texts[texts.index("*Kilder*") + 1].startswith("*[1]* <https://hfa.example/#kilde?doc=d&")
    assert "|Tittel &amp; &lt;noe&gt;>" in texts[texts.index("*Kilder*") + 1]


def test_socket_mode_answers_without_a_public_url(corpus_index: Path, tmp_path: Path) -> None:
    """`hfa slack` connects out over a WebSocket (Socket Mode) and answers a mention."""
    from tests.standins.slack_standin import socket_mode_standin

    shutil.copytree(corpus_index, tmp_path / "data")
    with slack_standin() as web, socket_mode_standin() as socket:
        web.socket_url = socket.url
        env = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
        env.update(
            HFA_DATA_DIR=str(tmp_path / "data"),
            HFA_CORPUS_DIR=str(CORPUS),
            HFA_SLACK_BOT_TOKEN="xoxb-test-token",
            HFA_SLACK_APP_TOKEN="xapp-test-token",
            HFA_SLACK_API_URL=f"{web.url}/api/",
        )
        with (tmp_path / "slack.log").open("wb") as log:
            process = subprocess.Popen([*hfa_command(), "slack"], env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                assert socket.connected.wait(60), (tmp_path / "slack.log").read_text()
                assert web.of("auth.test")  # the bot token is verified at start-up
                opened = web.wait_for("apps.connections.open")[0]
                assert opened["auth"] == "Bearer xapp-test-token"
                event = mention(web, "C1", "Hvor ofte møtes SSU?")
                envelope = socket.push(
                    "events_api",
                    {
                        "team_id": "T0001",
                        "api_app_id": "A0001",
                        "type": "event_callback",
                        "event_id": "EvSOCKET1",
                        "event_time": int(time.time()),
                        "event": {"event_ts": event["ts"], **event},
                    },
                )
                assert socket.wait_for_ack(envelope) == {"envelope_id": envelope}
                assert "fire ganger årlig" in answer_of(web)["text"]
            finally:
                process.terminate()
                process.wait(timeout=30)


def guard_scans(base: str) -> float:
    """The server's ``hfa_guard_scans_total``: texts the patient-data guard has scanned."""
    lines = httpx.get(f"{base}/metrics", timeout=10).text.splitlines()
    return next(float(line.split()[-1]) for line in lines if line.startswith("hfa_guard_scans_total "))


def test_the_guard_scans_a_slack_question_once(slack: tuple[str, SlackStandIn, Path]) -> None:
    """Issue 17: the adapter, the engine, validate_question and Retriever.search each ran
    the guard's patterns, four scans per question. Now the answering service checks it
    once and the later boundaries read that verdict."""
    base, standin, _ = slack
    standin.reset()
    before = guard_scans(base)
    send_event(base, mention(standin, "C1", "Hvor mange medlemmer har SSU i det nye året 2031?"))
    assert answer_of(standin)["text"]
    assert guard_scans(base) - before == 1
