"""A local stand-in for Slack's Web API (the one outside service the Slack tests cannot
run), speaking Slack's wire format: `POST /api/<method>` with a bearer token and a JSON
or form body, answering `{"ok": true, …}` like Slack does, and recording every call.
It also keeps the channel's messages so `conversations.replies` returns a real thread,
and takes response-URL posts at `/response/<id>`."""

from __future__ import annotations

import itertools
import json
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs

from tests.standins.loopback import JsonHandler, poll, serve

BOT_USER = "UHFA"
BOT_ID = "BHFA"


class SlackStandIn:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self._ts = itertools.count(1)
        self.url = ""
        self.socket_url = ""  # Socket Mode: what apps.connections.open hands out

    # -- test helpers ---------------------------------------------------------------------
    def next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def user_message(self, channel: str, text: str, user: str = "U1", thread_ts: str | None = None) -> str:
        """A message a person wrote (Slack stores it before sending us the event)."""
        ts = self.next_ts()
        message = {"type": "message", "user": user, "text": text, "ts": ts, "channel": channel}
        if thread_ts:
            message["thread_ts"] = thread_ts
        with self.lock:
            self.messages.append(message)
        return ts

    def of(self, method: str) -> list[dict[str, Any]]:
        with self.lock:
            return [c for c in self.calls if c["method"] == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 60.0) -> list[dict[str, Any]]:
        def look() -> list[dict[str, Any]] | None:
            found = self.of(method)
            return found if len(found) >= count else None

        return poll(look, f"{count}× {method} (calls so far: {[c['method'] for c in self.calls]})", timeout)

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()

    # -- the API ----------------------------------------------------------------------------
    def handle(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        channel = body.get("channel", "")
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://hfa-test.slack.com/",
                "team": "HFA test",
                "user": "hfa",
                "team_id": "T0001",
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "apps.connections.open":
            if not self.socket_url:
                return {"ok": False, "error": "not_allowed_token_type"}
            return {"ok": True, "url": self.socket_url}
        if method == "chat.postMessage":
            ts = self.next_ts()
            message = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "text": body.get("text", ""), "ts": ts}
            if body.get("thread_ts"):
                message["thread_ts"] = body["thread_ts"]
            if body.get("blocks"):
                message["blocks"] = body["blocks"]
            self.messages.append({**message, "channel": channel})
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.update":
            for message in self.messages:
                if message["ts"] == body.get("ts") and message["channel"] == channel:
                    message["text"] = body.get("text", "")
                    message["blocks"] = body.get("blocks")
                    return {"ok": True, "channel": channel, "ts": body["ts"], "text": message["text"]}
            return {"ok": False, "error": "message_not_found"}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self.next_ts()}
        if method == "conversations.replies":
            thread = body.get("ts")
            found = [
                {k: v for k, v in m.items() if k != "channel"}
                for m in self.messages
                if m["channel"] == channel and (m["ts"] == thread or m.get("thread_ts") == thread)
            ]
            return {"ok": True, "messages": sorted(found, key=lambda m: m["ts"]), "has_more": False}
        return {"ok": False, "error": "unknown_method"}


def _parse(content_type: str, raw: bytes) -> dict[str, Any]:
    if "application/json" in content_type:
        return dict(json.loads(raw or b"{}"))
    form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
    for key in ("blocks", "attachments"):
        if isinstance(form.get(key), str):
            form[key] = json.loads(form[key])
    return form


@contextmanager
def slack_standin() -> Iterator[SlackStandIn]:
    standin = SlackStandIn()

    class Handler(JsonHandler):
        def do_POST(self) -> None:
            body = _parse(self.headers.get("content-type", ""), self.read_raw())
            path = self.path.split("?")[0]
            if path.startswith("/api/"):
                method = path[len("/api/") :]
                with standin.lock:
                    standin.calls.append({"method": method, "auth": self.headers.get("authorization"), "body": body})
                    reply = standin.handle(method, body)
            elif path.startswith("/response/"):
                with standin.lock:
                    standin.calls.append({"method": "response_url", "path": path, "body": body})
                reply = {"ok": True}
            else:
                self.send_error(404)
                return
            self.send_json(reply)

    with serve(Handler) as url:
        standin.url = url
        yield standin


class SocketModeStandIn:
    """Slack's Socket Mode WebSocket endpoint: says hello, pushes envelopes, collects acks."""

    def __init__(self) -> None:
        self.outbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.acks: list[dict[str, Any]] = []
        self.connected = threading.Event()
        self.url = ""

    def push(self, kind: str, payload: dict[str, Any]) -> str:
        envelope_id = f"env-{uuid.uuid4().hex[:12]}"
        self.outbox.put(
            {
                "envelope_id": envelope_id,
                "payload": payload,
                "type": kind,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for ack in list(self.acks):
                if ack.get("envelope_id") == envelope_id:
                    return ack
            time.sleep(0.05)
        raise AssertionError(f"no ack for {envelope_id}; acks: {self.acks}")

    def handler(self, connection: Any) -> None:
        connection.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "standin", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": "A0001"},
                }
            )
        )
        self.connected.set()
        while True:
            try:
                envelope = self.outbox.get(timeout=0.05)
                connection.send(json.dumps(envelope))
            except queue.Empty:
                pass
            try:
                message = connection.recv(timeout=0.05)
            except TimeoutError:
                continue
            except Exception:
                return
            if isinstance(message, str):
                self.acks.append(json.loads(message))


@contextmanager
def socket_mode_standin() -> Iterator[SocketModeStandIn]:
    from websockets.sync.server import serve

    standin = SocketModeStandIn()
    with serve(standin.handler, "127.0.0.1", 0) as server:
        port = server.socket.getsockname()[1]
        standin.url = f"ws://127.0.0.1:{port}/link/?ticket=standin&app_id=A0001"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield standin
        finally:
            server.shutdown()
