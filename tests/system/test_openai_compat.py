"""hfa as a model for OpenAI-compatible chat front ends, tested with the official
`openai` Python client against the running server."""

from __future__ import annotations

import json
import time
from pathlib import Path

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


# -- what hfa does not do is refused, in OpenAI's error shape ------------------------------
@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"n": 2}, "n"),
        ({"tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]}, "tools"),
        ({"tool_choice": "required"}, "tool_choice"),
        ({"functions": [{"name": "f", "parameters": {"type": "object"}}]}, "functions"),
        ({"response_format": {"type": "json_object"}}, "response_format"),
    ],
)
def test_unsupported_parameters_are_refused_with_a_400(client: OpenAI, extra: dict[str, object], param: str) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        client.chat.completions.create(
            model="hfa", messages=[{"role": "user", "content": "Hvem sitter i SSU?"}], **extra
        )  # type: ignore[call-overload]
    error = refused.value.body
    assert isinstance(error, dict) and error["type"] == "invalid_request_error" and error["param"] == param
    assert error["code"] == "unsupported" and error["message"].startswith("hfa ")
    assert any(words in error["message"] for words in ("«n» må være 1", "kan ikke kalle verktøy", "støttes ikke"))


def test_harmless_values_of_those_parameters_are_accepted(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model="hfa",
        messages=[{"role": "user", "content": "Hvor ofte møtes SSU?"}],
        n=1,
        response_format={"type": "text"},
    )
    assert "fire ganger årlig" in (completion.choices[0].message.content or "")


def test_usage_counts_cl100k_tokens_and_include_usage_sends_a_last_usage_chunk(client: OpenAI) -> None:
    import tiktoken
    from llama_index.core.utils import get_tokenizer

    get_tokenizer()  # loads cl100k_base from llama-index's bundled vocabulary, offline
    encoding = tiktoken.get_encoding("cl100k_base")
    messages = [{"role": "user", "content": "Hvor ofte møtes SSU?"}]
    plain = client.chat.completions.create(model="hfa", messages=messages)  # type: ignore[arg-type]
    content = plain.choices[0].message.content or ""
    assert plain.usage is not None
    assert plain.usage.prompt_tokens == len(encoding.encode("Hvor ofte møtes SSU?")) == 9
    assert plain.usage.completion_tokens == len(encoding.encode(content)) != len(content.split())

    chunks = list(
        client.chat.completions.create(
            model="hfa",
            messages=messages,
            stream=True,
            stream_options={"include_usage": True},  # type: ignore[arg-type]
        )
    )
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None
    assert (last.usage.prompt_tokens, last.usage.completion_tokens) == (
        plain.usage.prompt_tokens,
        plain.usage.completion_tokens,
    )
    assert all(chunk.usage is None for chunk in chunks[:-1])
    without = list(client.chat.completions.create(model="hfa", messages=messages, stream=True))  # type: ignore[arg-type]
    assert without[-1].choices and without[-1].usage is None


# -- task prompts that chat front ends send (their real default texts) ----------------------
PROMPTS = Path(__file__).parent / "chat_task_prompts"  # Open WebUI's default task prompts, verbatim


def _recorded(name: str) -> str:
    return (PROMPTS / f"{name}.txt").read_text(encoding="utf-8").replace("{chat}", CHAT).rstrip("\n")


CHAT = "USER: Hvor ofte møtes SSU?\nASSISTANT: SSU møtes fire ganger årlig [1].\n\nKilder:\n[1] Retningslinje 1, …"
OPEN_WEBUI_TAGS = _recorded("open_webui_tags")
OPEN_WEBUI_FOLLOW_UPS = _recorded("open_webui_follow_ups")
OPEN_WEBUI_QUERIES = _recorded("open_webui_queries")
LIBRECHAT_TITLE = (
    "Provide a concise, 5-word-or-less title for the conversation, using its same language, with no punctuation. "
    "Apply title case conventions appropriate for the language. Never directly mention the language name or the "
    'word "title" and only return the title itself.\n\nConversation:\nUser: Hvem sitter i SSU?\nAI: Fagdirektør STHF …'
)


def _reply(client: OpenAI, prompt: str, stream: bool = False) -> str:
    messages = [{"role": "user", "content": prompt}]
    if stream:
        chunks = client.chat.completions.create(model="hfa", messages=messages, stream=True)  # type: ignore[arg-type]
        return "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    return client.chat.completions.create(model="hfa", messages=messages).choices[0].message.content or ""  # type: ignore[arg-type]


@pytest.mark.parametrize("recorded", ["open_webui_title", "open_webui_title_current"])
def test_an_open_webui_title_task_gets_a_short_title_without_citations(client: OpenAI, recorded: str) -> None:
    """Open WebUI used to get an SSU answer with "Kilder" back as the chat's title (its
    title prompt as released for a long time, and its current wording)."""
    for stream in (False, True):
        reply = _reply(client, _recorded(recorded), stream)
        assert json.loads(reply) == {"title": "Hvor ofte møtes SSU"}
        assert "Kilder" not in reply and "[1]" not in reply


def test_open_webui_tags_follow_ups_and_queries_get_json_in_their_format(client: OpenAI) -> None:
    assert json.loads(_reply(client, OPEN_WEBUI_TAGS)) == {"tags": ["Helsefellesskap", "SSU"]}
    follow_ups = json.loads(_reply(client, OPEN_WEBUI_FOLLOW_UPS))["follow_ups"]
    assert follow_ups == ["Hvem sitter i SSU?", "Hvor ofte møtes SSU?", "Hvilke oppgaver har SSU?"]
    assert json.loads(_reply(client, OPEN_WEBUI_QUERIES)) == {"queries": ["Hvor ofte møtes SSU?"]}


def test_a_librechat_title_task_gets_a_plain_title(client: OpenAI) -> None:
    assert _reply(client, LIBRECHAT_TITLE) == "Hvem sitter i SSU"


def test_a_question_that_mentions_titles_is_still_a_question(client: OpenAI) -> None:
    reply = _reply(client, "Hvem sitter i SSU? Gi svaret en tittel.")
    assert "Fagdirektør STHF" in reply and "Kilder:" in reply


def test_task_recognition_stays_fast_on_long_hostile_input() -> None:
    from assistant.answering import chat_tasks

    hostile = "### Task:\n" + "Generate a concise " + "tittel " * 50_000 + "USER: x\n" * 20_000
    started = time.perf_counter()
    assert chat_tasks.recognise(hostile) is None  # "title" too far from "Generate a concise"
    task = chat_tasks.recognise("### Task:\nGenerate a concise, 3-5 word title\n" + "USER: SSU?\n" * 100_000)
    assert time.perf_counter() - started < 0.5
    assert task is not None and task.kind == "title" and len(task.user_turns) < 2_000  # only the first 20,000 chars


def test_a_title_task_never_repeats_patient_data(client: OpenAI) -> None:
    chat = "USER: Hvem varsler kommunen om pasient 15048543216?\nASSISTANT: Jeg kan ikke svare på dette."
    prompt = _recorded("open_webui_title").replace(CHAT, chat)
    assert json.loads(_reply(client, prompt)) == {"title": "Spørsmål om helsefellesskapet"}
