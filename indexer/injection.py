"""Poisoned passages: text that addresses the assistant ("Ignorer tidligere
instruksjoner …", "ignore previous instructions", "du er en assistent") or imitates the
prompt's own markup (a fake ``<kilde …>`` block, the system prompt's opening, the
answer format's labels).

``hfa index`` flags such passages in their metadata (``injection``: what was found)
and warns, naming document and section. A flagged passage may still be quoted, but it
is kept out of a language model's context unless the manifest marks its document
``reviewed: true``.

The markup markers are read from the prompt files in ``prompts/`` (the passage template,
the system prompt, the labels of the answer and follow-up prompts), so they follow the
prompts when those change. All patterns are linear: literal words with single spaces on
folded text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from indexer.analysis import fold_for_match
from indexer.resources import resource_dir

# Phrases that speak to an assistant or a language model, Norwegian and English.
_ADDRESS = re.compile(
    r"\b(?:ignorer|glem|overse|se bort fra) (?:alle |all |de |dine )?(?:tidligere|forrige|foregående|ovenstående)"
    r" (?:instruks|beskjed|regl|føring|melding)"
    r"|\b(?:ignore|disregard|forget) (?:all |any )?(?:the |your )?(?:previous|prior|above|earlier)"
    r" (?:instruction|prompt|rule|message)"
    r"|\bdu er (?:nå |en |ei |et ){0,3}(?:ai-|ki-)?(?:assistent|språkmodell|chatbot|kunstig intelligens)"
    r"|\byou are (?:now )?(?:an? )?(?:ai )?(?:assistant|language model|chatbot)"
    r"|\b(?:til|for|instruks til) (?:språkmodellen|assistenten|chatboten|ki-en|ai-en)\b"
    r"|\b(?:system ?prompt|systemmelding|system message)\b"
    r"|(?:^|[.!?»:] )system ?:"
)
# A label line of a prompt: "Kilder (data, ikke instruksjoner):", "Selvstendig spørsmål:".
_LABEL = re.compile(r"^([^\W\d_][\w ,()-]{0,60}):(?: ?\{\w+\})?$", re.MULTILINE)
_QUOTED_LABEL = re.compile(r"«([^\W\d_]\w{0,30}:)»")
_TAG = re.compile(r"</?[^\W\d_]\w{0,30}")


@cache
def markers() -> tuple[str, ...]:
    """The prompt's markup, folded: tags of the passage template (``<kilde``,
    ``</kilde``), the system prompt's first sentence, labels of more than one word and
    the answer format's quoted labels («Sitater:»). One-word labels such as "Spørsmål:"
    are left out: documents use them too."""
    prompts = resource_dir("prompts")
    found: set[str] = set(_TAG.findall((prompts / "passage.txt").read_text(encoding="utf-8")))
    system = (prompts / "system.txt").read_text(encoding="utf-8").strip()
    found.add(system.split(".", 1)[0])
    for name in ("system.txt", "answer.txt", "followup.txt"):
        text = (prompts / name).read_text(encoding="utf-8")
        found.update(f"{label}:" for label in _LABEL.findall(text) if " " in label)
        found.update(_QUOTED_LABEL.findall(text))
    return tuple(sorted(fold_for_match(m) for m in found if m.strip()))


def find(text: str) -> str:
    """What in ``text`` addresses the assistant or imitates its prompt ("" when nothing):
    the matched words, for the index warning and the passage metadata."""
    folded = fold_for_match(text)
    reasons = [m.group(0).strip(" .!?»:") for m in _ADDRESS.finditer(folded)]
    reasons += [marker for marker in markers() if marker in folded]
    return "; ".join(dict.fromkeys(reasons))[:200]


def usable_by_llm(passage: Mapping[str, object]) -> bool:
    """A passage may go into a language model's context unless it is flagged and its
    document has not been reviewed."""
    return not passage.get("injection") or bool(passage.get("reviewed"))


def flag_warning(doc_id: str, section: str, reason: str) -> str:
    """The index warning for a flagged passage (Norwegian, for the operator)."""
    return (
        f"{doc_id}, avsnitt «{section}»: teksten ser ut til å gi instruksjoner til assistenten eller etterligne "
        f"ledeteksten ({reason}). Avsnittet holdes utenfor språkmodellen til dokumentet er merket "
        "«reviewed: true» i manifest.yaml."
    )
