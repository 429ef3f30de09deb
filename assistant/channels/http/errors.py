"""Errors over HTTP: one project exception (``HfaError``) and every framework error
become ``{"error": {"message": …}}`` in Norwegian, with the status, mapped once here."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.channels.http.hardening import security_headers
from assistant.channels.http.schemas import ErrorResponse
from assistant.errors import HfaError, OpenAIRequestError
from assistant.retrieval.hybrid import EMPTY_QUESTION, LONG_QUESTION

log = logging.getLogger(__name__)

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Innholdet kunne ikke leses"},
    401: {"model": ErrorResponse, "description": "Mangler eller ugyldig API-nøkkel"},
    404: {"model": ErrorResponse, "description": "Ukjent samling, dokument eller modell"},
    422: {"model": ErrorResponse, "description": "Ugyldig forespørsel"},
    503: {"model": ErrorResponse, "description": "Indeksen er ikke klar"},
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


def install_error_handlers(app: FastAPI) -> None:
    """Every error a request can meet, as one Norwegian message with its status."""

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
