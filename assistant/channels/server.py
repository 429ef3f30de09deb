"""The one ASGI server `hfa serve` runs: the HTTP API and web page, plus the Slack
events endpoint and the Teams messaging endpoint when they are configured. This is the
only module that knows all three channels; they never import each other."""

from __future__ import annotations

from fastapi import FastAPI

from assistant import logs, wiring
from assistant.answering.engine import Engine
from assistant.answering.service import AnswerService
from assistant.channels.http import metrics
from assistant.channels.http.app import create_api, mount_web
from assistant.settings import Settings, get_settings


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    logs.configure(settings.log_level, settings.log_redact, settings.log_format)  # also in uvicorn's workers
    collections = wiring.collections(settings, engine)
    app = create_api(settings, AnswerService(collections, on_engine=lambda e: metrics.instrument(e.retriever)))
    if settings.slack_signing_secret.get_secret_value():
        from assistant.channels.slack import mount_slack

        mount_slack(app, settings, collections)
    if settings.teams_app_id or settings.teams_allow_anonymous:
        from assistant.channels.teams import mount_teams

        mount_teams(app, settings, collections)
    mount_web(app)
    return app
