"""The HTTP API's routes, one small function per group. Routes only translate: a
request becomes ``service.answer(question, history, scope)`` (or a catalog/retrieval
read) and the result becomes its response model."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response, StreamingResponse

from assistant.answering import chat_tasks, drafts
from assistant.answering.service import AnswerService, visibility_for
from assistant.channels import render
from assistant.channels.http import metrics, streams
from assistant.channels.http import openai as openai_compat
from assistant.channels.http.auth import Access, Caller, CollectionParam, caller
from assistant.channels.http.errors import ERRORS
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
    GlossaryResponse,
    Health,
    ModelCard,
    ModelList,
    SearchResponse,
    SearchResult,
    StructureResponse,
)
from assistant.domain import Filters, Result, Turn
from assistant.errors import HfaError
from assistant.retrieval import catalog
from assistant.retrieval.glossary import glossary_entries
from assistant.retrieval.hybrid import validate_question
from assistant.settings import Settings

log = logging.getLogger(__name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SSE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "Hendelser: token …, final (svaret med kilder)"}
}


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def operations(service: AnswerService) -> APIRouter:
    """/healthz and /readyz."""
    router = APIRouter()
    collections = service.collections

    @router.get("/healthz", response_model=Health, tags=["drift"])
    def healthz() -> Health:
        return Health(status="ok")

    @router.get("/readyz", response_model=Health, responses=ERRORS, tags=["drift"])
    def readyz() -> Health:  # every collection loaded; counts public passages only (nothing restricted leaks)
        public = Filters(visible=visibility_for(()))
        count, generations = 0, []
        for name in collections.names:
            snapshot = collections.engine(name).retriever.snapshot()
            count += sum(1 for p in snapshot.passages if public.can_see(p))
            generations.append(snapshot.path.name)
        return Health(status="ready", generation=",".join(generations), passages=count)

    return router


def _question(body: AskRequest, access: Access) -> tuple[str, list[Turn], Any]:
    history = [Turn(t.role, t.content) for t in body.history]
    f = body.filters
    filters = Filters(f.region, f.kind, f.status, f.doc_id) if f else Filters()
    return body.question, history, access.scope(body.collection, filters)


def questions(v1: APIRouter, service: AnswerService, settings: Settings) -> None:
    """/v1/ask and /v1/ask/stream."""

    @v1.post("/ask", response_model=AskResponse, tags=["spørsmål"])
    def ask(body: AskRequest, access: Caller) -> dict[str, Any]:
        result = service.answer(*_question(body, access))
        metrics.outcome(result)
        return result.as_dict()

    @v1.post("/ask/stream", tags=["spørsmål"], responses=SSE_RESPONSE, response_class=StreamingResponse)
    def ask_stream(body: AskRequest, access: Caller) -> Response:
        events = service.answer_stream(*_question(body, access))  # a bad question raises here: a 4xx, not a stream

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


def documents(v1: APIRouter, service: AnswerService, settings: Settings) -> None:
    """/v1/search, /v1/documents, /v1/structure, /v1/glossary and /v1/collections."""
    collections = service.collections

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
        warning = service.warning(q, where="search")
        if warning:  # like an asked question: the warning, not searched
            return SearchResponse(results=[], warning=warning)
        retriever = service.engine(access.scope(collection)).retriever
        filters = Filters(region, kind, status, doc_id, visible=access.visible)
        hits = retriever.search(q, k=k or settings.search_k, filters=filters)
        return SearchResponse(results=[SearchResult(**hit.public()) for hit in hits])

    @v1.get("/documents", response_model=DocumentList, tags=["dokumenter"])
    def list_documents(access: Caller, collection: CollectionParam = None) -> dict[str, Any]:
        retriever = service.engine(access.scope(collection)).retriever
        return {"documents": catalog.list_documents(retriever, access.visible)}

    @v1.get("/documents/{doc_id}", response_model=DocumentDetail, tags=["dokumenter"])
    def document(doc_id: str, access: Caller, collection: CollectionParam = None) -> dict[str, Any]:
        warning = service.warning(doc_id, where="document id")
        if warning:  # no document has such an id; the id is neither echoed nor logged
            raise HfaError(warning, 404, "patient-data guard (document id)")
        return catalog.document_detail(service.engine(access.scope(collection)).retriever, doc_id, access.visible)

    @v1.get("/structure", response_model=StructureResponse, tags=["struktur"])
    def structure(access: Caller, region: str | None = None, collection: CollectionParam = None) -> dict[str, Any]:
        return catalog.structure(service.engine(access.scope(collection)).retriever, region, access.visible)

    @v1.get("/glossary", response_model=GlossaryResponse, tags=["struktur"])
    def glossary(access: Caller, collection: CollectionParam = None) -> dict[str, Any]:
        retriever = service.engine(access.scope(collection)).retriever
        return {"terms": glossary_entries(retriever, Filters(visible=access.visible))}

    _drafts(v1, service)

    @v1.get("/collections", response_model=CollectionList, tags=["dokumenter"])
    def list_collections(access: Caller) -> dict[str, Any]:
        usable = collections.usable(access.collections)
        return {"collections": [{"name": n, "title": collections.title(n)} for n in usable], "default": usable[0]}


def _drafts(v1: APIRouter, service: AnswerService) -> None:
    """/v1/draft and /v1/draft/docx."""

    @v1.post("/draft", response_model=DraftResponse, tags=["utkast"])
    def draft(body: DraftRequest, access: Caller) -> dict[str, Any]:
        engine = service.engine(access.scope(body.collection))
        return drafts.make_draft(engine, body.topic, body.from_body, body.region, access.visible).as_dict()

    @v1.post(
        "/draft/docx",
        tags=["utkast"],
        response_class=Response,
        responses={200: {"content": {DOCX: {}}, "description": "Utkastet som Word-dokument"}},
    )
    def draft_docx(body: DraftRequest, access: Caller) -> Response:
        engine = service.engine(access.scope(body.collection))
        case = drafts.make_draft(engine, body.topic, body.from_body, body.region, access.visible)
        name = re.sub(r"[^a-z0-9]+", "-", case.topic.lower().translate(str.maketrans("æøå", "eoa"))).strip("-")
        headers = {"Content-Disposition": f'attachment; filename="saksfremlegg-{name[:60] or "utkast"}.docx"'}
        return Response(drafts.to_docx(case.markdown), media_type=DOCX, headers=headers)


def openai(v1: APIRouter, service: AnswerService, settings: Settings) -> None:
    """/v1/models and /v1/chat/completions (OpenAI-compatible)."""
    collections = service.collections

    def model_targets(access: Access) -> dict[str, tuple[str, Filters]]:
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

    @v1.get("/models", response_model=ModelList, tags=["openai"])
    def models(access: Caller) -> ModelList:
        created = int(time.time())
        ids = openai_compat.model_ids(settings.model_name, model_targets(access))
        return ModelList(data=[ModelCard(id=ident, created=created) for ident in ids])

    @v1.post("/chat/completions", response_model=ChatCompletion, tags=["openai"], responses=SSE_RESPONSE)
    def chat_completions(body: ChatRequest, access: Caller) -> Any:
        openai_compat.check_supported(body)
        collection, filters = openai_compat.target_for_model(body.model, settings.model_name, model_targets(access))
        question, history = openai_compat.conversation(body)
        task = chat_tasks.recognise(question)  # a front end's title/tags/follow-up prompt, not a question
        scope = access.scope(collection, filters)
        service.engine(scope)  # an unknown collection is a 404 before anything streams

        def content() -> str:
            if task is not None:
                return chat_tasks.answer(task)
            result = service.answer(question, history, scope)
            metrics.outcome(result)
            return render.plain(result)

        prompt = openai_compat.prompt_text(body)
        if not body.stream:
            return openai_compat.completion(content(), body.model, prompt)
        if task is None and service.warning(question) is None:
            validate_question(question)  # a bad question is a 4xx, not a broken stream (a guarded one: the warning)
        usage = bool(body.stream_options and body.stream_options.include_usage)
        return streams.event_stream(
            openai_compat.stream_chunks(content, body.model, prompt, usage), settings.sse_ping_seconds
        )


def v1_router(service: AnswerService, settings: Settings) -> APIRouter:
    """Everything under /v1, behind the API key check."""
    v1 = APIRouter(prefix="/v1", dependencies=[Depends(caller)], responses=ERRORS)
    questions(v1, service, settings)
    documents(v1, service, settings)
    openai(v1, service, settings)
    return v1
