"""Slack adapter (slack-bolt): translates Slack events to engine questions and engine
results to Block Kit. Nothing here decides what to answer.

- Mentions in channels and direct messages are answered in a thread; a mention in a
  thread (or any message in a direct-message thread) uses the thread's earlier turns as
  history. The listener acknowledges at once (lazy listener), posts "Søker i dokumentene
  …" and replaces it with the answer.
- `/hfa spørsmål` answers privately (ephemeral) with a "Del i kanalen" button.
- 👍/👎 buttons store votes (assistant/answering/feedback.py).
- Slack retries (`X-Slack-Retry-Num`) and repeated event ids are acknowledged and dropped.
- A question holding an identity number gets the guard's warning and nothing else: it is
  not answered, stored or logged.

Connection modes: HTTP events at `/slack/events` in the FastAPI app (signing secret), or
Socket Mode (`hfa slack`, app-level token) for networks without a public URL.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant import wiring
from assistant.answering.collections import Collections
from assistant.answering.feedback import FeedbackStore
from assistant.answering.service import AnswerService, Scope
from assistant.channels.render import citation_link
from assistant.domain import Citation, Result, Turn, shorten
from assistant.errors import HfaError
from assistant.guard import personal_data
from assistant.settings import Settings

log = logging.getLogger(__name__)

SEARCHING = "Søker i dokumentene …"
THANKS = "Takk for tilbakemeldingen! Den hjelper oss å gjøre svarene bedre."
EMPTY_COMMAND = "Skriv et spørsmål etter kommandoen, for eksempel `/hfa Hvor ofte møtes SSU?`"
FAILED = "Beklager, noe gikk galt da jeg lette i dokumentene. Prøv igjen om litt."
MAX_TEXT = 3000  # characters in one Block Kit text object
MAX_BLOCKS = 50
MAX_SOURCES = 10
MAX_QUOTE = 500
HISTORY_TURNS = 10
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>\s*")


# -- Block Kit ------------------------------------------------------------------------------
def escape(text: str) -> str:
    """Slack's three control characters in mrkdwn text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mrkdwn(text: str) -> str:
    lines = [("• " + line[2:]) if line.startswith("- ") else line for line in text.split("\n")]
    return escape("\n".join(lines))


def _chunks(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split on line breaks (or hard, for one very long line) into pieces under ``limit``."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def answer_blocks(
    result: Result,
    answer_id: str = "",
    public_url: str = "",
    share: bool = False,
    note: str = "",
    collection: str = "",
) -> list[dict[str, Any]]:
    """The answer, its numbered sources and the buttons, within Slack's limits."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in _chunks(_mrkdwn(result.answer))
    ]
    if result.citations:
        blocks.append({"type": "divider"})
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "*Kilder*"}})
        for c in result.citations[:MAX_SOURCES]:
            link = citation_link(public_url, c, collection)
            title = f"<{link}|{escape(c.title)}>" if link else escape(c.title)
            text = f"*[{c.id}]* {title}, {escape(c.section)}, s. {c.page}\n>{escape(shorten(c.quote, MAX_QUOTE, ' …'))}"
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_TEXT]}})
    if note:  # mrkdwn, escaped by the caller
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    if answer_id:
        buttons: list[dict[str, Any]] = [
            {
                "type": "button",
                "action_id": "hfa_vote_up",
                "text": {"type": "plain_text", "text": "👍 Nyttig", "emoji": True},
                "value": answer_id,
            },
            {
                "type": "button",
                "action_id": "hfa_vote_down",
                "text": {"type": "plain_text", "text": "👎 Ikke nyttig", "emoji": True},
                "value": answer_id,
            },
        ]
        if share:
            buttons.insert(
                0,
                {
                    "type": "button",
                    "action_id": "hfa_share",
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Del i kanalen"},
                    "value": answer_id,
                },
            )
        blocks.append({"type": "actions", "block_id": "hfa_feedback", "elements": buttons})
    if len(blocks) > MAX_BLOCKS:  # keep the buttons; drop what does not fit before them
        blocks = [*blocks[: MAX_BLOCKS - 2], {"type": "context", "elements": [{"type": "mrkdwn", "text": "…"}]}]
        if answer_id:
            blocks.append(answer_blocks(result, answer_id, public_url, share, collection=collection)[-1])
    return blocks


def fallback_text(result: Result) -> str:
    """The plain `text` of a message (notifications, and the thread history we read back)."""
    return result.answer[:MAX_TEXT]


# -- the app ---------------------------------------------------------------------------------
class _SeenEvents:
    """Event ids already handled (Slack may deliver an event more than once)."""

    def __init__(self, size: int = 2000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        with self._lock:
            if event_id in self._ids:
                return False
            self._ids[event_id] = None
            if len(self._ids) > self._size:
                self._ids.popitem(last=False)
            return True


class _Bot:
    """The Slack channel's handlers: each turns a Slack event, command or button into a
    call of the answering service or the feedback store, and the result into Block Kit."""

    def __init__(self, settings: Settings, service: AnswerService, store: FeedbackStore, client: WebClient) -> None:
        self.service, self.store, self.client = service, store, client
        self.public_url: str = settings.public_url
        self.channel_filters: dict[str, dict[str, str]] = settings.slack_channel_filters
        self.channel_groups: dict[str, list[str]] = settings.slack_channel_groups
        self.channel_collections: dict[str, str] = settings.slack_channel_collections
        self.seen = _SeenEvents()

    def scope(self, channel: str) -> Scope:
        """The channel's collection, document filter and what it may see: public
        documents plus the groups configured for it (a DM is a channel of its own)."""
        return Scope.of(
            self.channel_filters.get(channel), self.channel_groups.get(channel), self.channel_collections.get(channel)
        )

    def collection_of(self, channel: str) -> str:
        """The channel's collection, named in links only when there are several."""
        return self.channel_collections.get(channel, "") if len(self.service.collections.names) > 1 else ""

    def blocks(self, result: Result, channel: str, answer_id: str, **extra: Any) -> list[dict[str, Any]]:
        return answer_blocks(result, answer_id, self.public_url, collection=self.collection_of(channel), **extra)

    def record(self, channel: str, question: str, result: Result) -> str:
        return self.store.record_answer("slack", channel, question, result) if not result.guarded else ""

    def drop_retries(self, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:
        # We acknowledge within milliseconds, so a retry is a duplicate: answer it once only.
        retry = req.headers.get("x-slack-retry-num") or ["0"]  # Socket Mode sends "0" for first deliveries
        if str(retry[0] if isinstance(retry, list) else retry) not in ("", "0"):
            log.info("Dropped Slack retry %s", retry)
            return BoltResponse(status=200, body="")
        event_id = req.body.get("event_id") if isinstance(req.body, dict) else None
        if event_id and not self.seen.first_time(str(event_id)):
            log.info("Dropped repeated Slack event %s", event_id)
            return BoltResponse(status=200, body="")
        return next()

    def thread_history(self, channel: str, thread_ts: str, current_ts: str) -> list[Turn]:
        try:
            replies = self.client.conversations_replies(channel=channel, ts=thread_ts, limit=50)
        except SlackApiError as exc:
            log.warning("Could not read thread history: %s", exc.response.get("error"))
            return []
        turns = []
        for message in replies.get("messages") or []:
            if message.get("ts") == current_ts:
                continue
            text = _MENTION.sub("", message.get("text") or "").strip()
            if not text or text == SEARCHING or personal_data(text):
                continue  # earlier messages with patient data never become history
            turns.append(Turn("assistant" if message.get("bot_id") else "user", text))
        return turns[-HISTORY_TURNS:]

    def answer_in_thread(self, event: dict[str, Any]) -> None:
        channel, ts = event["channel"], event["ts"]
        thread_ts = event.get("thread_ts") or ts
        question = _MENTION.sub("", event.get("text") or "").strip()
        warning = self.service.warning(question, where="Slack message")
        if warning:
            self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=warning)
            return
        if not question:
            text = EMPTY_COMMAND.replace("/hfa", "@hfa")
            self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)
            return
        status = self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=SEARCHING)
        history = self.thread_history(channel, thread_ts, ts) if event.get("thread_ts") else []
        try:
            result = self.service.ask(question, history, self.scope(channel))
            blocks = self.blocks(result, channel, self.record(channel, question, result))
            self.client.chat_update(channel=channel, ts=status["ts"], text=fallback_text(result), blocks=blocks)
        except Exception:
            log.exception("Slack answer failed")
            self.client.chat_update(channel=channel, ts=status["ts"], text=FAILED)

    def on_mention(self, event: dict[str, Any]) -> None:
        self.answer_in_thread(event)

    def on_message(self, event: dict[str, Any]) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return  # channels: only mentions; never our own or edited messages
        self.answer_in_thread(event)

    # -- /hfa: a private answer with a share button -------------------------------------------
    def ack_command(self, ack: Callable[..., None], command: dict[str, Any]) -> None:
        text = (command.get("text") or "").strip()
        if not text:
            ack(response_type="ephemeral", text=EMPTY_COMMAND)
        elif warning := self.service.warning(text, where="Slack command"):
            ack(response_type="ephemeral", text=warning)
        else:
            ack(response_type="ephemeral", text=SEARCHING)

    def answer_command(self, command: dict[str, Any], respond: Callable[..., Any]) -> None:
        question = (command.get("text") or "").strip()
        if not question or personal_data(question):
            return  # answered in the acknowledgement
        channel, user = command["channel_id"], command["user_id"]
        result = self.service.ask(question, [], self.scope(channel))
        blocks = self.blocks(result, channel, self.record(channel, question, result), share=result.found)
        try:
            self.client.chat_postEphemeral(channel=channel, user=user, text=fallback_text(result), blocks=blocks)
        except SlackApiError:  # e.g. the bot is not in the channel: answer through the response URL
            respond(response_type="ephemeral", text=fallback_text(result), blocks=blocks)

    # -- buttons ------------------------------------------------------------------------------
    def vote(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        user, channel = body["user"]["id"], (body.get("channel") or {}).get("id", "")
        ok = self.store.vote(action["value"], user, 1 if action["action_id"] == "hfa_vote_up" else -1)
        text = THANKS if ok else "Fant ikke svaret du vurderte; det kan være slettet."
        if channel:
            self.client.chat_postEphemeral(channel=channel, user=user, text=text)

    def share(self, body: dict[str, Any], action: dict[str, Any], respond: Callable[..., Any]) -> None:
        user, channel = body["user"]["id"], body["channel"]["id"]
        record = self.store.answer(action["value"])
        if record is None:
            respond(response_type="ephemeral", replace_original=False, text="Fant ikke svaret; spør på nytt.")
            return
        result = _result_from_record(record)
        note = f"Delt av <@{user}> · Spørsmål: {escape(record['question'])}"
        blocks = self.blocks(result, channel, record["id"], note=note)
        self.client.chat_postMessage(channel=channel, text=fallback_text(result), blocks=blocks)
        respond(delete_original=True)


def _ack(ack: Callable[..., None]) -> None:
    ack()


def build_slack_app(
    settings: Settings,
    collections: Collections,
    store: FeedbackStore,
    token_verification_enabled: bool = True,
) -> App:
    """The bolt app. Engines are built on first use (the server starts fast); each channel
    asks its own collection (``HFA_SLACK_CHANNEL_COLLECTIONS``) or the default one."""
    bot_token = settings.slack_bot_token.get_secret_value()
    if not bot_token:
        raise HfaError("HFA_SLACK_BOT_TOKEN mangler: Slack-boten trenger bot-tokenet (xoxb-…).", 503)
    client = WebClient(token=bot_token, base_url=settings.slack_api_url)
    app = App(  # the client carries the bot token; auth.test runs on it at start-up
        signing_secret=settings.slack_signing_secret.get_secret_value() or None,
        client=client,
        token_verification_enabled=token_verification_enabled,
        request_verification_enabled=bool(settings.slack_signing_secret.get_secret_value()),
        logger=logging.getLogger("slack_bolt.hfa"),
    )
    bot = _Bot(settings, AnswerService(collections), store, client)
    app.middleware(bot.drop_retries)
    app.event("app_mention")(ack=_ack, lazy=[bot.on_mention])
    app.event("message")(ack=_ack, lazy=[bot.on_message])
    app.command(re.compile(r"^/hfa"))(ack=bot.ack_command, lazy=[bot.answer_command])
    app.action("hfa_vote_up")(ack=_ack, lazy=[bot.vote])
    app.action("hfa_vote_down")(ack=_ack, lazy=[bot.vote])
    app.action("hfa_share")(ack=_ack, lazy=[bot.share])
    return app


def mount_slack(app: FastAPI, settings: Settings, collections: Collections) -> None:
    """Slack's HTTP events at /slack/events, verified by the signing secret."""
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
    from starlette.concurrency import run_in_threadpool

    try:  # verifies the bot token with Slack (auth.test)
        bolt: App | None = build_slack_app(settings, collections, wiring.feedback_store(settings))
    except Exception as exc:
        log.error("Slack app not started: %s", exc)
        bolt = None

    @app.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        if bolt is None:
            raise HfaError("Slack-integrasjonen er ikke startet; se serverloggen.", 503, "slack app not started")
        bolt_request = to_bolt_request(request, await request.body())
        return to_starlette_response(await run_in_threadpool(bolt.dispatch, bolt_request))


def _result_from_record(record: dict[str, Any]) -> Result:
    citations = [Citation(**c) for c in record["citations"]]
    return Result(record["answer"], record["found"], citations)


def run_socket_mode(settings: Settings, collections: Collections, store: FeedbackStore) -> None:
    """`hfa slack`: connect out to Slack over a WebSocket (no public URL needed)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    app_token = settings.slack_app_token.get_secret_value()
    if not app_token:
        raise HfaError("HFA_SLACK_APP_TOKEN mangler: Socket Mode trenger et app-nivå-token (xapp-…).", 503)
    app = build_slack_app(settings, collections, store)
    SocketModeHandler(app, app_token, web_client=app.client).start()  # type: ignore[no-untyped-call]
