"""HTTP API (FastAPI). Routes only translate; the logic lives in retrieval and the engine."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from assistant.errors import HfaError
from assistant.retrieval import Filters, Retriever
from assistant.schemas import ErrorResponse, Health, SearchResponse, SearchResult
from assistant.settings import Settings, get_settings

log = logging.getLogger(__name__)

ERRORS: dict[int | str, dict[str, object]] = {
    422: {"model": ErrorResponse, "description": "Ugyldig forespørsel"},
    503: {"model": ErrorResponse, "description": "Indeksen er ikke klar"},
}


def create_app(settings: Settings | None = None, retriever: Retriever | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Helsefellesskap-assistenten",
        description="Svar med kilder fra styringsdokumentene til helsefellesskapene.",
        version="0.1.0",
    )
    state: dict[str, Retriever] = {}

    def get_retriever() -> Retriever:
        if "retriever" not in state:
            state["retriever"] = retriever or Retriever.from_settings(settings)
        return state["retriever"]

    @app.exception_handler(HfaError)
    async def hfa_error(_: Request, exc: HfaError) -> JSONResponse:
        log.warning("Request failed (%s): %s", exc.status, exc.log_message)
        return JSONResponse(status_code=exc.status, content={"error": {"message": exc.message}})

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = ", ".join(".".join(str(p) for p in err.get("loc", ())[1:]) or "body" for err in exc.errors())
        log.info("Invalid request: %s", exc.errors())
        return JSONResponse(
            status_code=422, content={"error": {"message": f"Ugyldig forespørsel: sjekk feltet {fields}."}}
        )

    @app.exception_handler(Exception)
    async def unexpected_error(_: Request, exc: Exception) -> JSONResponse:
        log.exception("Unexpected error", exc_info=exc)
        return JSONResponse(
            status_code=500, content={"error": {"message": "Noe gikk galt hos oss. Prøv igjen om litt."}}
        )

    @app.get("/healthz", response_model=Health, tags=["drift"])
    def healthz() -> Health:
        return Health(status="ok")

    @app.get("/readyz", response_model=Health, responses=ERRORS, tags=["drift"])
    def readyz() -> Health:
        snapshot = get_retriever().snapshot()
        return Health(status="ready", generation=snapshot.path.name, passages=len(snapshot.passages))

    @app.get("/v1/search", response_model=SearchResponse, responses=ERRORS, tags=["søk"])
    def search(
        q: Annotated[str, Query(description="Spørsmål eller søkeord", max_length=2000)],
        k: Annotated[int | None, Query(ge=1, le=50, description="Antall treff (standard HFA_SEARCH_K)")] = None,
        region: str | None = None,
        kind: str | None = None,
        status: str | None = None,
        doc_id: str | None = None,
    ) -> SearchResponse:
        hits = get_retriever().search(q, k=k or settings.search_k, filters=Filters(region, kind, status, doc_id))
        return SearchResponse(results=[SearchResult(**hit.public()) for hit in hits])

    return app
