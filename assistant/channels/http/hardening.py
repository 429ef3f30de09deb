"""Limits and headers applied to every HTTP request before any route runs (ASGI
middleware, so nothing is parsed or pattern-matched first):

- the request body is at most ``HFA_MAX_BODY_BYTES`` (by its Content-Length, and by
  counting when it is streamed without one): larger bodies get 413 with the usual JSON
  error, and are never read whole;
- the URL (path and query) is at most ``MAX_URL_BYTES``: longer ones get 414;
- every response carries security headers: a Content-Security-Policy that allows only
  the page's own script, style and API calls (the API documentation pages load
  Swagger UI from its CDN and get a policy that allows that), nosniff, no framing and
  no referrer outside the site.

The per-field limits (question, message and history-turn length, number of turns) are
in ``assistant.channels.http.schemas``; they hold before the guard or any other pattern runs.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_URL_BYTES = 8192
# uvicorn's own limit for a request line and headers (h11): above this it answers with
# its plain-text 400 before the app runs, so it is set well above ``MAX_URL_BYTES``.
MAX_HEADER_BYTES = 65536

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


def security_headers() -> dict[str, str]:
    """The headers as a dict, for the one response this middleware does not wrap: the
    500 that Starlette's outermost error middleware sends."""
    return {k.decode(): v.decode() for k, v in (*HEADERS, (b"content-security-policy", PAGE_POLICY.encode()))}


class BodyTooLarge(Exception):
    """Raised to stop reading a body past the limit (the middleware answers 413)."""


def _error(status: int, message: str) -> tuple[Message, Message]:
    body = json.dumps({"error": {"message": message}}, ensure_ascii=False).encode()
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    }
    return start, {"type": "http.response.body", "body": body}


def body_too_large(limit: int) -> str:
    return f"Forespørselen er for stor (over {limit // 1024} KB). Korte ned spørsmålet eller historikken."


URL_TOO_LONG = f"Adressen er for lang (over {MAX_URL_BYTES // 1024} KB). Korte ned søket."


class Hardening:
    """Body and URL limits plus security headers, as one ASGI middleware."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        policy = (DOCS_POLICY if path.startswith(DOCS_PATHS) else PAGE_POLICY).encode()
        started, exceeded = False, False

        async def emit(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-security-policy"]
                message = {**message, "headers": [*headers, *HEADERS, (b"content-security-policy", policy)]}
            await send(message)

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                if started:
                    return
                started = True
                if exceeded:  # whatever the app made of a cut-off body, the answer is 413
                    await self._reply(emit, 413, body_too_large(self.max_body_bytes))
                    return
            elif exceeded:
                return
            await emit(message)

        if len(scope.get("raw_path") or path.encode()) + len(scope.get("query_string", b"")) > MAX_URL_BYTES:
            await self._reply(emit, 414, URL_TOO_LONG)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._reply(emit, 413, body_too_large(self.max_body_bytes))
            return

        received = 0

        async def counted_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    exceeded = True
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                started = True
                await self._reply(emit, 413, body_too_large(self.max_body_bytes))

    @staticmethod
    async def _reply(send: Send, status: int, message: str) -> None:
        start, body = _error(status, message)
        await send(start)
        await send(body)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def uvicorn_options() -> dict[str, Any]:
    """uvicorn's protocol limits: h11 (whose incomplete-event limit bounds the request
    line and headers), a short keep-alive so idle connections do not hold workers."""
    return {"http": "h11", "h11_max_incomplete_event_size": MAX_HEADER_BYTES, "timeout_keep_alive": 5}
