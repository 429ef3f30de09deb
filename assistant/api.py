"""HTTP API (FastAPI) and the web chat page. Routes only translate; the logic lives in
the engine, retrieval and the catalog. Errors: every `HfaError` becomes
``{"error": {"message": …}}`` with its status, in one handler."""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant import catalog, logs, openai_compat
from assistant.engine import Engine, Result
from assistant.errors import HfaError
from assistant.followup import Turn
from assistant.retrieval import EMPTY_QUESTION, LONG_QUESTION, Filters, visibility_for
from assistant.schemas import (
    AskRequest,
    AskResponse,
    ChatCompletion,
    ChatRequest,
    DocumentDetail,
    DocumentList,
    ErrorResponse,
    Health,
    ModelCard,
    ModelList,
    SearchResponse,
    SearchResult,
)
from assistant.settings import Settings, get_settings

log = logging.getLogger(__name__)

WEB = Path(__file__).resolve().parent / "web"
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Innholdet kunne ikke leses"},
    401: {"model": ErrorResponse, "description": "Mangler eller ugyldig API-nøkkel"},
    422: {"model": ErrorResponse, "description": "Ugyldig forespørsel"},
    503: {"model": ErrorResponse, "description": "Indeksen er ikke klar"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorResponse, "description": "Finnes ikke"}}
SSE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "Hendelser: token …, final (svaret med kilder)"}
}


def _validation_message(errors: list[Any]) -> str:
    """One Norwegian sentence for pydantic's error list (English details go to the log)."""
    first = errors[0] if errors else {}
    kind = first.get("type", "")
    where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "body"
    if where == "question" and kind in ("string_too_short", "string_too_long"):
        return EMPTY_QUESTION if kind == "string_too_short" else LONG_QUESTION
    if kind == "json_invalid":
        return "Ugyldig forespørsel: innholdet er ikke gyldig JSON."
    if kind == "missing":
        return f"Ugyldig forespørsel: feltet «{where}» mangler."
    if kind == "extra_forbidden":
        return f"Ugyldig forespørsel: ukjent felt «{where}»."
    return f"Ugyldig forespørsel: sjekk feltet «{where}»."


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def caller(request: Request) -> tuple[str, ...]:
    """The visibilities this request may see (public documents plus its key's groups).
    Without configured keys every caller is anonymous and sees public documents only."""
    keys: dict[str, tuple[str, ...]] = request.app.state.api_keys
    if not keys:
        return visibility_for(())
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        for key, groups in keys.items():
            if hmac.compare_digest(given.strip(), key):
                return visibility_for(groups)
    raise HfaError(
        "Mangler eller ugyldig API-nøkkel. Send den som «Authorization: Bearer <nøkkel>».",
        401,
        "missing or invalid API key",
    )


Caller = Annotated[tuple[str, ...], Depends(caller)]


class Service:
    """The engine, built on first use (workers start fast; `/healthz` answers at once)."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self._engine = engine
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = Engine.from_settings(self.settings)
        return self._engine

    def regions(self) -> list[str]:
        return list(self.engine.regions)


def _mount_slack(app: FastAPI, settings: Settings, service: Service) -> None:
    """Slack's HTTP events at /slack/events, verified by the signing secret."""
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    from assistant.feedback import FeedbackStore
    from assistant.slack_bot import build_slack_app

    try:  # verifies the bot token with Slack (auth.test)
        bolt = build_slack_app(settings, lambda: service.engine, FeedbackStore.from_settings(settings))
    except Exception as exc:
        log.error("Slack app not started: %s", exc)
        bolt = None

    @app.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        if bolt is None:
            raise HfaError("Slack-integrasjonen er ikke startet; se serverloggen.", 503, "slack app not started")
        bolt_request = to_bolt_request(request, await request.body())
        return to_starlette_response(await run_in_threadpool(bolt.dispatch, bolt_request))


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    logs.configure(settings.log_level, settings.log_redact)  # also in uvicorn's worker processes
    service = Service(settings, engine)
    app = FastAPI(
        title="Helsefellesskap-assistenten",
        description="Svar med kilder fra styringsdokumentene til helsefellesskapene.",
        version="0.1.0",
    )
    app.state.api_keys = settings.api_key_groups()
    origins = settings.cors_origin_list()
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type"],
        )

    # -- errors: one project exception, mapped once ---------------------------------------
    @app.exception_handler(HfaError)
    async def hfa_error(_: Request, exc: HfaError) -> JSONResponse:
        log.warning("Request failed (%s): %s", exc.status, exc.log_message)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(status_code=exc.status, content={"error": {"message": exc.message}}, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        log.info("Invalid request: %s", [(e.get("type"), e.get("loc")) for e in exc.errors()])  # never the input
        return JSONResponse(status_code=422, content={"error": {"message": _validation_message(list(exc.errors()))}})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {
            400: "Ugyldig forespørsel: innholdet kunne ikke leses (ugyldig JSON eller tegnkoding).",
            404: "Fant ikke siden.",
            405: "Metoden er ikke tillatt her.",
        }
        message = messages.get(exc.status_code, "Forespørselen kunne ikke behandles.")
        return JSONResponse(status_code=exc.status_code, content={"error": {"message": message}}, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected_error(_: Request, exc: Exception) -> JSONResponse:
        log.exception("Unexpected error", exc_info=exc)
        return JSONResponse(
            status_code=500, content={"error": {"message": "Noe gikk galt hos oss. Prøv igjen om litt."}}
        )

    # -- operations ----------------------------------------------------------------------
    @app.get("/healthz", response_model=Health, tags=["drift"])
    def healthz() -> Health:
        return Health(status="ok")

    @app.get("/readyz", response_model=Health, responses=ERRORS, tags=["drift"])
    def readyz() -> Health:  # counts public passages only: no count of restricted documents leaks
        snapshot = service.engine.retriever.snapshot()
        public = Filters(visible=visibility_for(()))
        count = sum(1 for p in snapshot.passages if public.can_see(p))
        return Health(status="ready", generation=snapshot.path.name, passages=count)

    v1 = APIRouter(prefix="/v1", dependencies=[Depends(caller)], responses=ERRORS)

    # -- questions -----------------------------------------------------------------------
    def _args(body: AskRequest, visible: tuple[str, ...]) -> tuple[str, list[Turn], Filters]:
        history = [Turn(t.role, t.content) for t in body.history]
        f = body.filters
        filters = Filters(f.region, f.kind, f.status, f.doc_id) if f else Filters()
        return body.question, history, filters.seeing(visible)

    @v1.post("/ask", response_model=AskResponse, tags=["spørsmål"])
    def ask(body: AskRequest, visible: Caller) -> dict[str, Any]:
        return service.engine.ask(*_args(body, visible)).as_dict()

    @v1.post("/ask/stream", tags=["spørsmål"], responses=SSE_RESPONSE, response_class=StreamingResponse)
    def ask_stream(body: AskRequest, visible: Caller) -> StreamingResponse:
        events = service.engine.ask_stream(*_args(body, visible))  # a bad question raises here: a 4xx, not a stream

        def stream() -> Iterator[str]:
            try:
                for kind, payload in events:
                    if kind == "token":
                        yield _sse("token", {"text": payload})
                    elif isinstance(payload, Result):
                        yield _sse("final", payload.as_dict())
            except HfaError as exc:
                log.warning("Stream failed: %s", exc.log_message)
                yield _sse("error", {"message": exc.message})
            except Exception:
                log.exception("Stream failed")
                yield _sse("error", {"message": "Noe gikk galt hos oss. Prøv igjen om litt."})

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    @v1.get("/search", response_model=SearchResponse, tags=["søk"])
    def search(
        visible: Caller,
        q: Annotated[str, Query(description="Spørsmål eller søkeord", max_length=2000)],
        k: Annotated[int | None, Query(ge=1, le=50, description="Antall treff (standard HFA_SEARCH_K)")] = None,
        region: str | None = None,
        kind: str | None = None,
        status: str | None = None,
        doc_id: str | None = None,
    ) -> SearchResponse:
        retriever = service.engine.retriever
        filters = Filters(region, kind, status, doc_id, visible=visible)
        hits = retriever.search(q, k=k or settings.search_k, filters=filters)
        return SearchResponse(results=[SearchResult(**hit.public()) for hit in hits])

    # -- documents -----------------------------------------------------------------------
    @v1.get("/documents", response_model=DocumentList, tags=["dokumenter"])
    def documents(visible: Caller) -> dict[str, Any]:
        return {"documents": catalog.list_documents(service.engine.retriever, visible)}

    @v1.get("/documents/{doc_id}", response_model=DocumentDetail, tags=["dokumenter"], responses=NOT_FOUND)
    def document(doc_id: str, visible: Caller) -> dict[str, Any]:
        return catalog.document_detail(service.engine.retriever, doc_id, visible)

    # -- OpenAI-compatible ---------------------------------------------------------------
    @v1.get("/models", response_model=ModelList, tags=["openai"])
    def models() -> ModelList:
        created = int(time.time())
        ids = openai_compat.model_ids(settings.model_name, service.regions())
        return ModelList(data=[ModelCard(id=ident, created=created) for ident in ids])

    @v1.post(
        "/chat/completions", response_model=ChatCompletion, tags=["openai"], responses={**SSE_RESPONSE, **NOT_FOUND}
    )
    def chat_completions(body: ChatRequest, visible: Caller) -> Any:
        filters = openai_compat.filters_for_model(body.model, settings.model_name, service.regions()).seeing(visible)
        question, history = openai_compat.conversation(body)
        result = service.engine.ask(question, history, filters)
        if body.stream:
            return StreamingResponse(openai_compat.stream_chunks(result, body.model), media_type="text/event-stream")
        return openai_compat.completion(result, body.model, question)

    app.include_router(v1)
    if settings.slack_signing_secret.get_secret_value():
        _mount_slack(app, settings, service)
    if settings.teams_app_id or settings.teams_allow_anonymous:
        from assistant.teams_bot import mount_teams

        mount_teams(app, settings, lambda: service.engine)

    # -- web chat page -------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(WEB / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=WEB), name="static")
    return app
