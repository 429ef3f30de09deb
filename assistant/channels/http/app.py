"""HTTP API (FastAPI) and the web chat page. Routes only translate; the logic lives in
the answering service, retrieval and the catalog. Errors: every `HfaError` becomes
``{"error": {"message": …}}`` with its status, in one handler (errors.py)."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from assistant.answering.service import AnswerService
from assistant.channels.http import metrics, routes
from assistant.channels.http.errors import install_error_handlers
from assistant.channels.http.hardening import Hardening
from assistant.settings import Settings

log = logging.getLogger(__name__)

WEB = Path(__file__).resolve().parent / "web"


def create_api(settings: Settings, service: AnswerService) -> FastAPI:
    """The HTTP API over ``service``: middleware, error handlers, routes, metrics."""
    app = FastAPI(
        title="Helsefellesskap-assistenten",
        description="Svar med kilder fra styringsdokumentene til helsefellesskapene.",
        version="0.1.0",
    )
    app.state.api_keys = settings.api_key_access()
    _middleware(app, settings)
    install_error_handlers(app)
    app.include_router(routes.operations(service))
    app.include_router(routes.v1_router(service, settings))
    if settings.metrics:
        metrics.install(app, service.collections)
    return app


def _middleware(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(Hardening, max_body_bytes=settings.max_body_bytes)
    origins = settings.cors_origin_list()
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type"],
        )


def mount_web(app: FastAPI) -> None:
    """The web chat page at / and its static files."""

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(WEB / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=WEB), name="static")
