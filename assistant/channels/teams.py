"""Microsoft Teams adapter on the Microsoft 365 Agents SDK, at `/api/messages` in the same
FastAPI app. Translates Teams activities to engine questions and engine results to
replies with Teams citations; nothing here decides what to answer.

- Replies in the conversation (in a channel: in the thread where the bot was @mentioned);
  follow-ups use the conversation's earlier questions and answers as history.
- The answer's [n] markers are Teams citations (an AI-generated-content entity whose
  claims carry title, section, page and the quote), and the text ends with a "Kilder"
  list so clients without citation support still show the sources.
- Teams' own 👍/👎 feedback loop is switched on; votes arrive as `message/submitAction`
  invokes and go to the same store as Slack's.
- The patient-data guard answers with its warning only: nothing is stored or logged.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.activity.entity.ai_entity import ClientCitation, ClientCitationAppearance, ClientCitationImage
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core import (
    AgentApplication,
    AgentAuthConfiguration,
    MemoryStorage,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.fastapi import CloudAdapter, jwt_authorization_decorator, start_agent_process

from assistant import wiring
from assistant.answering.collections import Collections
from assistant.answering.feedback import FeedbackStore
from assistant.answering.service import AnswerService, Scope
from assistant.channels.render import citation_link
from assistant.domain import Result, Turn, shorten
from assistant.settings import Settings

log = logging.getLogger(__name__)

HELP = "Still meg et spørsmål om styringsdokumentene i helsefellesskapet, for eksempel «Hvor ofte møtes SSU?»."
THANKS = "Takk for tilbakemeldingen!"
MAX_CITATION_NAME = 80  # Teams' limits for a citation's title and abstract
MAX_CITATION_ABSTRACT = 160
_MENTION = re.compile(r"<at>[^<]*</at>\s*")


def reply_activity(result: Result, public_url: str = "", collection: str = "") -> Activity:
    """The answer as a Teams message: markdown text with [n] markers, a "Kilder" list,
    Teams citations for the markers, and Teams' feedback buttons."""
    lines = [result.answer]
    if result.citations:
        lines += ["", "**Kilder**"]
        for c in result.citations:
            lines.append(f"[{c.id}] {c.title}, {c.section}, s. {c.page}: «{shorten(c.quote, 300)}»")
    activity = Activity(type=ActivityTypes.message, text="\n\n".join(lines), text_format="markdown")
    if result.citations:
        citations = [
            ClientCitation(
                position=c.id,
                appearance=ClientCitationAppearance(
                    name=shorten(f"{c.title} – {c.section}", MAX_CITATION_NAME),
                    abstract=shorten(f"s. {c.page}: {c.quote}", MAX_CITATION_ABSTRACT),
                    url=citation_link(public_url, c, collection) or None,
                    image=ClientCitationImage(name="Text"),
                    keywords=[c.doc_id],
                ),
            )
            for c in result.citations
        ]
        activity.add_ai_metadata(citations)
    if result.found or result.citations:
        activity.channel_data = {"feedbackLoop": {"type": "default"}}
    return activity


def _question(activity: Any) -> str:
    return _MENTION.sub("", activity.text or "").strip()


def build_teams(
    settings: Settings, collections: Collections, store: FeedbackStore
) -> tuple[AgentApplication[TurnState], CloudAdapter, AgentAuthConfiguration]:
    """The agent application, its adapter and the auth configuration for incoming requests."""
    password = settings.teams_app_password.get_secret_value()
    if settings.teams_app_id:
        auth = AgentAuthConfiguration(
            client_id=settings.teams_app_id,
            client_secret=password or None,
            tenant_id=settings.teams_tenant_id or None,
            anonymous_allowed=settings.teams_allow_anonymous,
        )
    else:
        auth = AgentAuthConfiguration(anonymous_allowed=settings.teams_allow_anonymous)
    connections = MsalConnectionManager(connections_configurations={"SERVICE_CONNECTION": auth})
    adapter = CloudAdapter(connection_manager=connections)
    agent: AgentApplication[TurnState] = AgentApplication[TurnState](
        storage=MemoryStorage(), connection_manager=connections
    )
    service = AnswerService(collections)
    public_url: str = settings.public_url
    filters_by_id: dict[str, dict[str, str]] = settings.teams_filters

    groups_by_id: dict[str, list[str]] = settings.teams_groups
    collection_by_id: dict[str, str] = settings.teams_collections

    def _ids(activity: Any) -> list[str]:
        team = ((activity.channel_data or {}) if isinstance(activity.channel_data, dict) else {}).get("team") or {}
        conversation = activity.conversation.id if activity.conversation else ""
        return [str(team.get("id", "")), conversation.split(";")[0]]

    def collection_for(activity: Any) -> str | None:
        return next((collection_by_id[i] for i in _ids(activity) if i in collection_by_id), None)

    def scope_for(activity: Any) -> Scope:
        """Collection, filter and visibility by team id, else by conversation id (a chat)."""
        ids = _ids(activity)
        wanted = next((filters_by_id[i] for i in ids if i in filters_by_id), {})
        groups = next((groups_by_id[i] for i in ids if i in groups_by_id), [])
        return Scope.of(wanted, groups, collection_for(activity))

    @agent.activity(ActivityTypes.message)
    async def on_message(context: TurnContext, _: TurnState) -> None:
        activity = context.activity
        question = _question(activity)
        warning = service.warning(question, where="Teams message")
        if warning:
            await context.send_activity(Activity(type=ActivityTypes.message, text=warning))
            return
        if not question:
            await context.send_activity(Activity(type=ActivityTypes.message, text=HELP))
            return
        await context.send_activity(Activity(type=ActivityTypes.typing))
        conversation = activity.conversation.id
        history = [
            turn
            for q, a in store.recent_turns("teams", conversation)
            for turn in (Turn("user", q), Turn("assistant", a))
        ]
        result = await asyncio.to_thread(service.ask, question, history, scope_for(activity))
        answer_id = store.record_answer("teams", conversation, question, result)
        named = (collection_for(activity) or "") if len(collections.names) > 1 else ""
        sent = await context.send_activity(reply_activity(result, public_url, named))
        if sent is not None and sent.id:
            store.set_ref(answer_id, f"{conversation}|{sent.id}")

    def is_feedback(context: TurnContext) -> bool:
        return context.activity.type == ActivityTypes.invoke and context.activity.name == "message/submitAction"

    async def on_feedback(context: TurnContext, _: TurnState) -> None:
        activity = context.activity
        value = activity.value if isinstance(activity.value, dict) else {}
        reaction = (value.get("actionValue") or {}).get("reaction")
        answer_id = store.answer_id_for(f"{activity.conversation.id}|{activity.reply_to_id}")
        user = (activity.from_property.aad_object_id or activity.from_property.id) if activity.from_property else ""
        status = 200
        if value.get("actionName") != "feedback" or reaction not in ("like", "dislike"):
            status = 400
        elif answer_id is None or not store.vote(answer_id, user, 1 if reaction == "like" else -1):
            status = 404
        await context.send_activity(Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=status)))

    agent.add_route(is_feedback, on_feedback, is_invoke=True)
    return agent, adapter, auth


def mount_teams(app: FastAPI, settings: Settings, collections: Collections) -> None:
    """`POST /api/messages`, with Bot Framework token validation unless anonymous is allowed."""
    agent, adapter, auth = build_teams(settings, collections, wiring.feedback_store(settings))
    app.state.agent_configuration = auth

    @app.post("/api/messages", include_in_schema=False)
    @jwt_authorization_decorator
    async def messages(request: Request) -> Response:
        response = await start_agent_process(request, agent, adapter)
        return response if response is not None else Response(status_code=202)
