"""OpenAI-compatible chat completions over the engine, so chat front ends (Open WebUI,
LibreChat) and the official `openai` client can use hfa as a model.

The last user message is the question, earlier user and assistant messages are the
history, and the answer carries its sources as a "Kilder" list. Model ids are the
configured name (all documents) and ``<name>-<region>`` (one health community).
Only validated answers are sent: in streaming mode the answer arrives in pieces after
the engine has checked its citations, never as raw model tokens that could be
contradicted afterwards.

The endpoint is honest about what it does not do: several choices (``n > 1``), tool and
function calling and JSON response formats are refused with a 400 in OpenAI's error
shape instead of being ignored. ``usage`` counts tokens with tiktoken's ``cl100k_base``
(llama-index's default tokenizer, from the vocabulary it ships), else words.
Housekeeping prompts from chat front ends (titles, tags …) go to `assistant.answering.chat_tasks`.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from assistant.channels.http.schemas import ChatRequest
from assistant.channels.render import SOURCES_HEADING
from assistant.domain import Filters, Turn
from assistant.errors import HfaError, OpenAIRequestError

log = logging.getLogger(__name__)

TOKENIZER = "cl100k_base"  # tiktoken encoding that ``usage`` counts in
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


def check_supported(request: ChatRequest) -> None:
    """Refuse what hfa cannot do, instead of silently ignoring it (OpenAI's 400)."""
    if request.n is not None and request.n != 1:
        raise OpenAIRequestError(
            "hfa gir ett svar per forespørsel; «n» må være 1.", "n", f"n={request.n} not supported"
        )
    for param in ("tools", "tool_choice", "functions", "function_call"):
        if getattr(request, param) not in (None, [], "none"):
            raise OpenAIRequestError(
                "hfa kan ikke kalle verktøy eller funksjoner; send forespørselen uten «tools», "
                "«tool_choice» og «functions».",
                param,
                f"{param} not supported",
            )
    kind = (request.response_format or {}).get("type", "text")
    if kind != "text":
        raise OpenAIRequestError(
            f"hfa svarer bare med tekst (med kilder); «response_format» {kind!r} støttes ikke.",
            "response_format",
            f"response_format {kind!r} not supported",
        )


@cache
def _tokenizer() -> Callable[[str], list[int]] | None:
    """llama-index's default tokenizer: tiktoken's ``cl100k_base``, read from the
    vocabulary llama-index ships (nothing is downloaded); None if it cannot load."""
    try:
        from llama_index.core.utils import get_tokenizer

        tokenizer: Callable[[str], list[int]] = get_tokenizer()
        return tokenizer
    except Exception:  # no tiktoken, or no vocabulary: count words
        log.warning("tiktoken %s not available; usage counts words", TOKENIZER)
        return None


def count_tokens(text: str) -> int:
    tokenizer = _tokenizer()
    return len(tokenizer(text)) if tokenizer is not None else len(text.split())


def usage(prompt: str, content: str) -> dict[str, int]:
    prompt_tokens, completion_tokens = count_tokens(prompt), count_tokens(content)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def prompt_text(request: ChatRequest) -> str:
    """Everything the client sent as messages (what ``prompt_tokens`` counts)."""
    return "\n".join(m.text() for m in request.messages)


def completion(content: str, model: str, prompt: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": usage(prompt, content),
    }


def stream_chunks(
    make_content: Callable[[], str], model: str, prompt: str, include_usage: bool = False
) -> Iterator[str]:
    """Server-sent events in OpenAI's chunk format, ending with ``data: [DONE]``. The
    answer is made inside the stream (keep-alive pings flow meanwhile); a failure is an
    ``error`` event, as OpenAI sends it. With ``include_usage`` a last chunk carries
    ``usage`` and no choices."""
    ident, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

    def chunk(choices: list[dict[str, Any]], **extra: Any) -> str:
        body = {
            "id": ident,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": choices,
            **extra,
        }
        if include_usage and "usage" not in body:
            body["usage"] = None
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    def delta(part: dict[str, str], finish: str | None = None) -> str:
        return chunk([{"index": 0, "delta": part, "finish_reason": finish}])

    yield delta({"role": "assistant", "content": ""})
    try:
        content = make_content()
    except Exception as exc:
        message = exc.message if isinstance(exc, HfaError) else "Noe gikk galt hos oss. Prøv igjen om litt."
        log.warning("Chat completion stream failed: %s", getattr(exc, "log_message", type(exc).__name__))
        yield f"data: {json.dumps({'error': {'message': message, 'type': 'server_error'}}, ensure_ascii=False)}\n\n"
        return
    for start in range(0, len(content), CHUNK_CHARS):
        yield delta({"content": content[start : start + CHUNK_CHARS]})
    yield delta({}, "stop")
    if include_usage:
        yield chunk([], usage=usage(prompt, content))
    yield "data: [DONE]\n\n"
