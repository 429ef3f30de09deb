"""Housekeeping tasks that chat front ends send to the chat model.

Open WebUI asks the chat model for a conversation title, tags, follow-up questions and
search queries; LibreChat asks for a title. They arrive as ordinary chat completions
whose last user message is an instruction with the conversation pasted in. Answered
as questions they would get a cited answer about the instruction ("Kilder" as a
title), so they are recognised here and answered in the requested format, from the
user's own words, without retrieval and without citations. A turn that holds patient
data (the engine's guard) is left out, so it cannot become a stored chat title.

What to recognise is data: ``prompts/chat_tasks.yaml`` holds the patterns (bounded
regexes, run only on the first ``max_chars`` characters) and the Norwegian fallbacks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from assistant.guard import personal_data
from assistant.resources import resource_dir

TERM = re.compile(r"(?<![\w-])[A-ZÆØÅ]{2,8}(?![\w-])")  # abbreviations such as SSU, FSU, KAD
TRAILING = ".?!:;,…\"'«»“”"


@dataclass(frozen=True)
class Task:
    kind: str  # title, tags, follow_ups, queries or autocomplete
    wants_json: bool
    user_turns: tuple[str, ...]  # the user's messages as quoted in the task prompt, oldest first


@cache
def _config() -> dict[str, Any]:
    return dict(yaml.safe_load((resource_dir("prompts") / "chat_tasks.yaml").read_text(encoding="utf-8")))


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (kind, re.compile(pattern, re.IGNORECASE))
        for kind, spec in _config()["tasks"].items()
        for pattern in spec["patterns"]
    )


def recognise(message: str) -> Task | None:
    """The task a front end's message asks for, or None for an ordinary question."""
    head = message[: int(_config()["max_chars"])]
    for kind, pattern in _patterns():
        if pattern.search(head):
            return Task(kind, "json" in head.lower(), _user_turns(head))
    return None


def _user_turns(text: str) -> tuple[str, ...]:
    """The user's messages in the pasted conversation ("USER: …" / "User: …" lines and
    the lines that continue them)."""
    config = _config()
    users, others = tuple(config["user_labels"]), tuple(config["other_labels"])
    turns: list[list[str]] = []
    speaking = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(users):
            turns.append([stripped.split(":", 1)[1].strip()])
            speaking = True
        elif stripped.startswith(others) or stripped.startswith(("</chat_history>", "###")):
            speaking = False
        elif speaking and stripped:
            turns[-1].append(stripped)
    return tuple(" ".join(parts) for parts in turns if any(parts))


def answer(task: Task) -> str:
    """The reply in the format the front end asked for (JSON when its prompt says so)."""
    config = _config()
    turns = [turn for turn in task.user_turns if not personal_data(turn)]  # no patient data in a chat title
    first = turns[0] if turns else ""
    last = turns[-1] if turns else ""
    value: Any
    if task.kind == "title":
        value = title(first) or config["fallback_title"]
    elif task.kind == "tags":
        value = list(dict.fromkeys([config["fallback_tag"], *terms(" ".join(turns))[:2]]))
    elif task.kind == "follow_ups":
        found = terms(last) or terms(first)
        value = (
            [q.format(term=found[0]) for q in config["follow_ups_with_term"]]
            if found
            else list(config["follow_ups_general"])
        )
    elif task.kind == "queries":
        value = [last[:300]] if last else []
    else:  # autocomplete: hfa does not guess what the user will type
        value = ""
    if not task.wants_json:
        return value if isinstance(value, str) else "\n".join(value)
    key = {"autocomplete": "text"}.get(task.kind, task.kind)
    return json.dumps({key: value}, ensure_ascii=False)


def title(question: str) -> str:
    """A short title from the user's question: its first words, no closing punctuation."""
    words = question.split()[: int(_config()["title_words"])]
    text = " ".join(words).strip(TRAILING + " ")
    return text[:1].upper() + text[1:]


def terms(text: str) -> list[str]:
    """Abbreviations in a text (SSU, FSU …), first occurrence first."""
    return list(dict.fromkeys(TERM.findall(text[: int(_config()["max_chars"])])))
