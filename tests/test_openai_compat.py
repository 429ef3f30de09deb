"""hfa as a model for OpenAI-compatible chat front ends, tested with the official
`openai` Python client against the running server."""

from __future__ import annotations

import httpx
import openai
import pytest
from openai import OpenAI


@pytest.fixture(scope="module")
def client(server: str) -> OpenAI:
    return OpenAI(base_url=f"{server}/v1", api_key="ikke-i-bruk", max_retries=0, timeout=60)


def test_models_lists_hfa_and_one_model_per_region(client: OpenAI) -> None:
    ids = [model.id for model in client.models.list()]
    assert ids == ["hfa", "hfa-telemark", "hfa-trondelag"]


def test_chat_completion_answers_with_sources(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model="hfa", messages=[{"role": "user", "content": "Hvor ofte møtes SSU?"}], temperature=0.2
    )
    content = completion.choices[0].message.content or ""
    assert completion.object == "chat.completion" and completion.choices[0].finish_reason == "stop"
    assert "fire ganger årlig" in content and "[1]" in content
    assert "\n\nKilder:\n[1] Retningslinje 1" in content and "«" in content
    assert completion.usage is not None and completion.usage.total_tokens > 0


def test_history_makes_follow_ups_work(client: OpenAI) -> None:
    first = client.chat.completions.create(model="hfa", messages=[{"role": "user", "content": "Hvor ofte møtes SSU?"}])
    completion = client.chat.completions.create(
        model="hfa",
        messages=[
            {"role": "system", "content": "Du er en hjelpsom assistent."},
            {"role": "user", "content": "Hvor ofte møtes SSU?"},
            {"role": "assistant", "content": first.choices[0].message.content or ""},
            {"role": "user", "content": "Hvem sitter i det utvalget?"},
        ],
    )
    assert "Kommunalsjefer helse og omsorg" in (completion.choices[0].message.content or "")


def test_streaming_gives_the_same_answer_in_chunks(client: OpenAI) -> None:
    messages = [{"role": "user", "content": "Hvem sitter i SSU?"}]
    plain = client.chat.completions.create(model="hfa", messages=messages).choices[0].message.content  # type: ignore[arg-type]
    stream = client.chat.completions.create(model="hfa", messages=messages, stream=True)  # type: ignore[arg-type]
    pieces, finish = [], None
    for chunk in stream:
        assert chunk.object == "chat.completion.chunk"
        pieces.append(chunk.choices[0].delta.content or "")
        finish = chunk.choices[0].finish_reason or finish
    assert len(pieces) > 2 and finish == "stop"
    assert "".join(pieces) == plain


def test_a_region_model_answers_from_that_region_only(client: OpenAI, server: str) -> None:
    completion = client.chat.completions.create(
        model="hfa-trondelag", messages=[{"role": "user", "content": "Hvor ofte møtes SSU?"}]
    )
    content = completion.choices[0].message.content or ""
    assert "Telemark" not in content


def test_errors_reach_the_client_in_norwegian(client: OpenAI, server: str) -> None:
    with pytest.raises(openai.NotFoundError) as unknown:
        client.chat.completions.create(model="gpt-4", messages=[{"role": "user", "content": "SSU?"}])
    assert "Ukjent modell «gpt-4»" in str(unknown.value)
    with pytest.raises(openai.UnprocessableEntityError) as no_question:
        client.chat.completions.create(model="hfa", messages=[{"role": "assistant", "content": "Hei"}])
    assert "Siste melding må være et spørsmål" in str(no_question.value)
    parts = [{"type": "text", "text": "Hvem sitter i SSU?"}]
    content_parts = httpx.post(
        f"{server}/v1/chat/completions",
        json={"model": "hfa", "messages": [{"role": "user", "content": parts}]},
        timeout=30,
    )
    assert content_parts.status_code == 200 and "Fagdirektør STHF" in content_parts.text
