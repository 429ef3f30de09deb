"""OpenAI-compatible chat completions over the engine, so chat front ends (Open WebUI,
LibreChat) and the official `openai` client can use hfa as a model.

The last user message is the question, earlier user and assistant messages are the
history, and the answer carries its sources as a "Kilder" list. Model ids are the
configured name (all documents) and ``<name>-<region>`` (one health community).
Only validated answers are sent: in streaming mode the answer arrives in pieces after
the engine has checked its citations, never as raw model tokens that could be
contradicted afterwards.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from assistant.engine import Result
from assistant.errors import HfaError
from assistant.followup import Turn
from assistant.retrieval import Filters
from assistant.schemas import ChatRequest

SOURCES_HEADING = "Kilder:"
CHUNK_CHARS = 80  # streamed answer pieces


def model_ids(name: str, targets: dict[str, Any]) -> list[str]:
    """The configured name (everything the caller may see) and one id per target
    (``<name>-<region>``, or ``<name>-<collection>[-<region>]`` with several collections)."""
    return [name, *(f"{name}-{suffix}" for suffix in targets)]


def target_for_model(model: str, name: str, targets: dict[str, tuple[str, Filters]]) -> tuple[str | None, Filters]:
    """(collection, filters) a model id stands for; the plain name means the default."""
    if model in ("", name):
        return None, Filters()
    for suffix, target in targets.items():
        if model == f"{name}-{suffix}":
            return target
    known = ", ".join(model_ids(name, targets))
    raise HfaError(f"Ukjent modell «{model}». Tilgjengelige modeller: {known}.", 404, f"unknown model {model!r}")


def conversation(request: ChatRequest) -> tuple[str, list[Turn]]:
    """The question (last user message) and the history (earlier turns, sources cut off)."""
    turns = [(m.role, m.text()) for m in request.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1][0] != "user" or not turns[-1][1].strip():
        raise HfaError("Siste melding må være et spørsmål fra brukeren.", 422, "no trailing user message")
    history = [Turn(role, content.split(f"\n\n{SOURCES_HEADING}")[0]) for role, content in turns[:-1]]
    return turns[-1][1], history


def render(result: Result) -> str:
    """The answer with its numbered sources, as plain text that reads well in any client."""
    if not result.citations:
        return result.answer
    lines = [result.answer, "", SOURCES_HEADING]
    for c in result.citations:
        quote = " ".join(c.quote.split())
        lines.append(f"[{c.id}] {c.title}, {c.section}, s. {c.page}: «{quote}»")
    return "\n".join(lines)


def completion(result: Result, model: str, question: str) -> dict[str, Any]:
    content = render(result)
    prompt_tokens, completion_tokens = len(question.split()), len(content.split())
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def stream_chunks(result: Result, model: str) -> Iterator[str]:
    """Server-sent events in OpenAI's chunk format, ending with ``data: [DONE]``."""
    ident, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

    def chunk(delta: dict[str, str], finish: str | None = None) -> str:
        body = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    content = render(result)
    yield chunk({"role": "assistant", "content": ""})
    for start in range(0, len(content), CHUNK_CHARS):
        yield chunk({"content": content[start : start + CHUNK_CHARS]})
    yield chunk({}, "stop")
    yield "data: [DONE]\n\n"
