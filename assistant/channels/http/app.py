"""HTTP API (FastAPI) and the web chat page. Routes only translate; the logic lives in
the engine, retrieval and the catalog. Errors: every `HfaError` becomes
``{"error": {"message": …}}`` with its status, in one handler."""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant import guard, logs
from assistant.answering import chat_tasks, drafts
from assistant.answering.collections import Collections
from assistant.answering.engine import Engine
from assistant.channels.http import metrics, streams
from assistant.channels.http import openai as openai_compat
from assistant.channels.http.hardening import Hardening, security_headers
from assistant.channels.http.schemas import (
    AskRequest,
    AskResponse,
    ChatCompletion,
    ChatRequest,
    CollectionList,
    DocumentDetail,
    DocumentList,
    DraftRequest,
    DraftResponse,
    ErrorResponse,
    GlossaryResponse,
    Health,
    ModelCard,
    ModelList,
    SearchResponse,
    SearchResult,
    StructureResponse,
)
from assistant.domain import Filters, Result, Turn
from assistant.errors import HfaError, OpenAIRequestError
from assistant.retrieval import catalog
from assistant.retrieval.glossary import glossary_entries
from assistant.retrieval.hybrid import EMPTY_QUESTION, LONG_QUESTION, validate_question, visibility_for
from assistant.settings import Settings, get_settings

log = logging.getLogger(__name__)

WEB = Path(__file__).resolve().parent / "web"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Innholdet kunne ikke leses"},
    401: {"model": ErrorResponse, "description": "Mangler eller ugyldig API-nøkkel"},
    404: {"model": ErrorResponse, "description": "Ukjent samling, dokument eller modell"},
    422: {"model": ErrorResponse, "description": "Ugyldig forespørsel"},
    503: {"model": ErrorResponse, "description": "Indeksen er ikke klar"},
}
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
    if kind in ("string_too_long", "too_long") or (kind == "value_error" and "longer than" in str(first.get("msg"))):
        return f"Ugyldig forespørsel: «{where}» er for langt. Korte det ned."
    if kind == "json_invalid":
        return "Ugyldig forespørsel: innholdet er ikke gyldig JSON."
    if kind == "missing":
        return f"Ugyldig forespørsel: feltet «{where}» mangler."
    if kind == "extra_forbidden":
        return f"Ugyldig forespørsel: ukjent felt «{where}»."
    return f"Ugyldig forespørsel: sjekk feltet «{where}»."


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@dataclass(frozen=True)
class Access:
    visible: tuple[str, ...]  # document visibilities: "offentlig" plus the key's groups
    collections: tuple[str, ...] = ()  # collections the key may use; empty = all


def caller(request: Request) -> Access:
    """What this request may see. Without configured keys every caller is anonymous and
    sees public documents in every collection."""
    keys: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = request.app.state.api_keys
    if not keys:
        return Access(visibility_for(()))
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        # Compared as UTF-8 bytes (compare_digest refuses non-ASCII str), in constant time.
        # Starlette decodes headers as Latin-1; a UTF-8 key arrives as its bytes.
        given_bytes = given.strip().encode("latin-1", errors="replace")
        for key, (groups, collections) in keys.items():
            if hmac.compare_digest(given_bytes, key.encode("utf-8")):
                return Access(visibility_for(groups), collections)
    raise HfaError(
        "Mangler eller ugyldig API-nøkkel. Send den som «Authorization: Bearer <nøkkel>».",
        401,
        "missing or invalid API key",
    )


Caller = Annotated[Access, Depends(caller)]
CollectionParam = Annotated[str | None, Query(description="Samling (standard: den første nøkkelen har tilgang til)")]


def _mount_slack(app: FastAPI, settings: Settings, collections: Collections) -> None:
    """Slack's HTTP events at /slack/events, verified by the signing secret."""
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
    from starlette.concurrency import run_in_threadpool

    from assistant.answering.feedback import FeedbackStore
    from assistant.channels.slack import build_slack_app

    try:  # verifies the bot token with Slack (auth.test)
        bolt = build_slack_app(settings, collections, FeedbackStore.from_settings(settings))
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
    logs.configure(settings.log_level, settings.log_redact, settings.log_format)  # also in uvicorn's workers
    collections = Collections(settings, {settings.collection_names()[0]: engine} if engine else None)
    app = FastAPI(
        title="Helsefellesskap-assistenten",
        description="Svar med kilder fra styringsdokumentene til helsefellesskapene.",
        version="0.1.0",
    )
    app.state.api_keys = settings.api_key_access()
    app.add_middleware(Hardening, max_body_bytes=settings.max_body_bytes)
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

    @app.exception_handler(OpenAIRequestError)
    async def openai_error(_: Request, exc: OpenAIRequestError) -> JSONResponse:
        log.warning("Request refused (400): %s", exc.log_message)
        error = {"message": exc.message, "type": "invalid_request_error", "param": exc.param, "code": "unsupported"}
        return JSONResponse(status_code=400, content={"error": error})

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
            status_code=500,
            content={"error": {"message": "Noe gikk galt hos oss. Prøv igjen om litt."}},
            headers=security_headers(),  # sent outside the Hardening middleware
        )

    # -- operations ----------------------------------------------------------------------
    @app.get("/healthz", response_model=Health, tags=["drift"])
    def healthz() -> Health:
        return Health(status="ok")

    @app.get("/readyz", response_model=Health, responses=ERRORS, tags=["drift"])
    def readyz() -> Health:  # every collection loaded; counts public passages only (nothing restricted leaks)
        public = Filters(visible=visibility_for(()))
        count, generations = 0, []
        for name in collections.names:
            snapshot = collections.engine(name).retriever.snapshot()
            count += sum(1 for p in snapshot.passages if public.can_see(p))
            generations.append(snapshot.path.name)
        return Health(status="ready", generation=",".join(generations), passages=count)

    v1 = APIRouter(prefix="/v1", dependencies=[Depends(caller)], responses=ERRORS)

    # -- questions -----------------------------------------------------------------------
    def _args(body: AskRequest, access: Access) -> tuple[str, list[Turn], Filters]:
        history = [Turn(t.role, t.content) for t in body.history]
        f = body.filters
        filters = Filters(f.region, f.kind, f.status, f.doc_id) if f else Filters()
        return body.question, history, filters.seeing(access.visible)

    def _engine(requested: str | None, access: Access) -> Engine:
        engine = collections.engine(collections.resolve(requested, access.collections))
        metrics.instrument(engine.retriever)
        return engine

    @v1.post("/ask", response_model=AskResponse, tags=["spørsmål"])
    def ask(body: AskRequest, access: Caller) -> dict[str, Any]:
        result = _engine(body.collection, access).ask(*_args(body, access))
        metrics.outcome(result)
        return result.as_dict()

    @v1.post("/ask/stream", tags=["spørsmål"], responses=SSE_RESPONSE, response_class=StreamingResponse)
    def ask_stream(body: AskRequest, access: Caller) -> Response:
        events = _engine(body.collection, access).ask_stream(
            *_args(body, access)
        )  # a bad question raises here: a 4xx, not a stream

        def stream() -> Iterator[str]:
            try:
                for kind, payload in events:
                    if kind == "token":
                        yield _sse("token", {"text": payload})
                    elif isinstance(payload, Result):
                        metrics.outcome(payload)
                        yield _sse("final", payload.as_dict())
            except HfaError as exc:
                log.warning("Stream failed: %s", exc.log_message)
                yield _sse("error", {"message": exc.message})
            except Exception:
                log.exception("Stream failed")
                yield _sse("error", {"message": "Noe gikk galt hos oss. Prøv igjen om litt."})

        return streams.event_stream(stream(), settings.sse_ping_seconds)

    @v1.get("/search", response_model=SearchResponse, response_model_exclude_none=True, tags=["søk"])
    def search(
        access: Caller,
        q: Annotated[str, Query(description="Spørsmål eller søkeord", max_length=2000)],
        k: Annotated[int | None, Query(ge=1, le=50, description="Antall treff (standard HFA_SEARCH_K)")] = None,
        region: str | None = None,
        kind: str | None = None,
        status: str | None = None,
        doc_id: str | None = None,
        collection: CollectionParam = None,
    ) -> SearchResponse:
        warning = guard.check(q, where="search")
        if warning:  # like an asked question: the warning, not searched
            return SearchResponse(results=[], warning=warning)
        retriever = _engine(collection, access).retriever
        filters = Filters(region, kind, status, doc_id, visible=access.visible)
        hits = retriever.search(q, k=k or settings.search_k, filters=filters)
        return SearchResponse(results=[SearchResult(**hit.public()) for hit in hits])

    # -- documents -----------------------------------------------------------------------
    @v1.get("/documents", response_model=DocumentList, tags=["dokumenter"])
    def documents(access: Caller, collection: CollectionParam = None) -> dict[str, Any]:
        retriever = _engine(collection, access).retriever
        return {"documents": catalog.list_documents(retriever, access.visible)}

    @v1.get("/documents/{doc_id}", response_model=DocumentDetail, tags=["dokumenter"])
    def document(doc_id: str, access: Caller, collection: CollectionParam = None) -> dict[str, Any]:
        warning = guard.check(doc_id, where="document id")
        if warning:  # no document has such an id; the id is neither echoed nor logged
            raise HfaError(warning, 404, "patient-data guard (document id)")
        return catalog.document_detail(_engine(collection, access).retriever, doc_id, access.visible)

    @v1.get("/structure", response_model=StructureResponse, tags=["struktur"])
    def structure(access: Caller, region: str | None = None, collection: CollectionParam = None) -> dict[str, Any]:
        return catalog.structure(_engine(collection, access).retriever, region, access.visible)

    @v1.get("/glossary", response_model=GlossaryResponse, tags=["struktur"])
    def glossary(access: Caller, collection: CollectionParam = None) -> dict[str, Any]:
        retriever = _engine(collection, access).retriever
        return {"terms": glossary_entries(retriever, Filters(visible=access.visible))}

    @v1.post("/draft", response_model=DraftResponse, tags=["utkast"])
    def draft(body: DraftRequest, access: Caller) -> dict[str, Any]:
        engine = _engine(body.collection, access)
        return drafts.make_draft(engine, body.topic, body.from_body, body.region, access.visible).as_dict()

    @v1.post(
        "/draft/docx",
        tags=["utkast"],
        response_class=Response,
        responses={200: {"content": {DOCX: {}}, "description": "Utkastet som Word-dokument"}},
    )
    def draft_docx(body: DraftRequest, access: Caller) -> Response:
        engine = _engine(body.collection, access)
        case = drafts.make_draft(engine, body.topic, body.from_body, body.region, access.visible)
        name = re.sub(r"[^a-z0-9]+", "-", case.topic.lower().translate(str.maketrans("æøå", "eoa"))).strip("-")
        headers = {"Content-Disposition": f'attachment; filename="saksfremlegg-{name[:60] or "utkast"}.docx"'}
        return Response(drafts.to_docx(case.markdown), media_type=DOCX, headers=headers)

    @v1.get("/collections", response_model=CollectionList, tags=["dokumenter"])
    def list_collections(access: Caller) -> dict[str, Any]:
        usable = collections.usable(access.collections)
        return {"collections": [{"name": n, "title": collections.title(n)} for n in usable], "default": usable[0]}

    # -- OpenAI-compatible ---------------------------------------------------------------
    @v1.get("/models", response_model=ModelList, tags=["openai"])
    def models(access: Caller) -> ModelList:
        created = int(time.time())
        ids = openai_compat.model_ids(settings.model_name, _model_targets(access))
        return ModelList(data=[ModelCard(id=ident, created=created) for ident in ids])

    def _model_targets(access: Access) -> dict[str, tuple[str, Filters]]:
        """Model id suffix -> (collection, filters): one per collection when there are
        several, one per region of each collection."""
        targets: dict[str, tuple[str, Filters]] = {}
        for name in collections.usable(access.collections):
            prefix = f"{name}-" if len(collections.names) > 1 else ""
            if prefix:
                targets[name] = (name, Filters())
            for region in collections.engine(name).regions:
                targets[f"{prefix}{region}"] = (name, Filters(region=region))
        return targets

    @v1.post("/chat/completions", response_model=ChatCompletion, tags=["openai"], responses=SSE_RESPONSE)
    def chat_completions(body: ChatRequest, access: Caller) -> Any:
        openai_compat.check_supported(body)
        collection, filters = openai_compat.target_for_model(body.model, settings.model_name, _model_targets(access))
        question, history = openai_compat.conversation(body)
        task = chat_tasks.recognise(question)  # a front end's title/tags/follow-up prompt, not a question
        engine = _engine(collection, access)

        def content() -> str:
            if task is not None:
                return chat_tasks.answer(task)
            result = engine.ask(question, history, filters.seeing(access.visible))
            metrics.outcome(result)
            return openai_compat.render(result)

        prompt = openai_compat.prompt_text(body)
        if not body.stream:
            return openai_compat.completion(content(), body.model, prompt)
        if task is None and guard.check(question) is None:
            validate_question(question)  # a bad question is a 4xx, not a broken stream (a guarded one: the warning)
        usage = bool(body.stream_options and body.stream_options.include_usage)
        return streams.event_stream(
            openai_compat.stream_chunks(content, body.model, prompt, usage), settings.sse_ping_seconds
        )

    app.include_router(v1)
    if settings.metrics:
        metrics.install(app, collections)
    if settings.slack_signing_secret.get_secret_value():
        _mount_slack(app, settings, collections)
    if settings.teams_app_id or settings.teams_allow_anonymous:
        from assistant.channels.teams import mount_teams

        mount_teams(app, settings, collections)

    # -- web chat page -------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(WEB / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=WEB), name="static")
    return app
