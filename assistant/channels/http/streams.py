"""Server-sent event responses that survive reverse proxies (sse-starlette).

Every stream (``/v1/ask/stream`` and streamed chat completions) is sent with
``Cache-Control: no-cache`` and ``X-Accel-Buffering: no`` (nginx passes each event on
at once instead of buffering the response), and a ``: ping`` comment line every
``HFA_SSE_PING_SECONDS`` while the answer is being made, so proxies and browsers do not
close a quiet connection. Clients ignore comment lines (the SSE specification; the
`openai` client and the web page do too).
"""

from __future__ import annotations

from collections.abc import Iterator

from sse_starlette import EventSourceResponse, ServerSentEvent

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def _ping() -> ServerSentEvent:
    return ServerSentEvent(comment="ping", sep="\n")


def event_stream(events: Iterator[str], ping_seconds: float) -> EventSourceResponse:
    """A response for already formatted events (``event: …\\ndata: …\\n\\n``); the sync
    iterator runs in a worker thread, so pings go out while it waits for the engine."""
    return EventSourceResponse(
        (event.encode("utf-8") for event in events),
        headers=HEADERS,
        ping=ping_seconds,
        sep="\n",
        ping_message_factory=_ping,
    )
