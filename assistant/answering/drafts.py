"""Draft case documents (saksfremlegg) for FSU members: which body decides and why, the
sections a proposal needs, the strategy's relevant focus areas for the topic, and the
meeting frequencies that set the timeline — every rule cited with a verbatim quote.

The rules come from the structure map (quotes checked against the documents when the
index is built); the strategy part is an extractive answer over the strategy's passages
(or, with an LLM configured, the model's prose, whose citations pass the same validation
as answers and are replaced by the extractive text when they do not hold).
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from typing import Any

import yaml

from assistant import guard
from assistant.answering.engine import Engine
from assistant.domain import Citation, Draft, Filters, Hit
from assistant.errors import HfaError
from assistant.resources import resource_dir
from indexer.analysis import normalize_question

STRATEGY_KIND = "strategi"
_MARKER = re.compile(r"\[(\d+)\]")


@dataclass
class CaseDraft:
    topic: str
    markdown: str
    citations: list[Citation] = field(default_factory=list)
    guarded: bool = False  # the topic held patient data: the draft is the guard's warning

    def as_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "markdown": self.markdown, "citations": [c.as_dict() for c in self.citations]}


def _texts() -> dict[str, Any]:
    return dict(yaml.safe_load((resource_dir("prompts") / "draft.yaml").read_text(encoding="utf-8")))


class _Sources:
    """Numbered sources of one draft; the same quote gets the same number."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []

    def cite(self, c: dict[str, Any] | Citation) -> str:
        data = c.as_dict() if isinstance(c, Citation) else c
        for existing in self.citations:
            if (existing.doc_id, existing.section, existing.quote) == (data["doc_id"], data["section"], data["quote"]):
                return f"[{existing.id}]"
        number = len(self.citations) + 1
        self.citations.append(
            Citation(
                number,
                data["doc_id"],
                data["title"],
                data["section"],
                int(data["page"]),
                data["quote"],
                data.get("url", ""),
            )
        )
        return f"[{number}]"


# The structure-map rules a case draft cites (corpus/structure.yaml fact ids).
RULES = ("fsu-forslag", "ssu-myndighet", "partnerskapet-rolle", "partnerskapet-uenighet", "fsu-okonomi")


def _facts(
    engine: Engine, region: str | None, visible: tuple[str, ...] | None
) -> tuple[str, dict[str, dict[str, Any]]]:
    """The region a draft is for and its structure-map facts by id. Without a region: the
    first region (manifest order) whose structure map holds the rules a draft cites —
    a fact of the corpus, not of the code."""
    data = engine.structure(region, visible)
    by_region = {
        r["region"]: {fact["id"]: fact for body in r["bodies"] for fact in body["facts"]} for r in data["regions"]
    }
    if region is None:
        order = [*engine.region_ids, *by_region]
        region = next(
            (r for r in order if all(name in by_region.get(r, {}) for name in RULES)), order[0] if order else ""
        )
    return region, by_region.get(region, {})


def _strategy_part(engine: Engine, topic: str, region: str, visible: tuple[str, ...] | None) -> tuple[Draft, list[Hit]]:
    filters = Filters(region=region, kind=STRATEGY_KIND, visible=visible)
    try:
        hits = engine.search(f"{topic} innsatsområde pasientgruppe", k=3, filters=filters)
    except HfaError:
        hits = []
    if not hits:
        return Draft("", [], found=False), []
    question = f"Hvilke innsatsområder og pasientgrupper i strategien gjelder {topic}?"
    return engine.grounded(question, hits), hits  # an LLM's uncited prose never passes


def make_draft(
    engine: Engine,
    topic: str,
    from_body: str = "FSU",
    region: str | None = None,
    visible: tuple[str, ...] | None = None,
) -> CaseDraft:
    if len(topic) > 300 or len(from_body) > 100:  # limits before any pattern runs
        raise HfaError("Temaet er for langt (over 300 tegn). Korte det ned.", 422)
    warning = guard.check(topic, from_body, where="draft")
    if warning:
        return CaseDraft("", warning + "\n", guarded=True)
    topic = normalize_question(topic)  # one line, no control or invisible characters
    if not topic:
        raise HfaError("Skriv et tema for saken, for eksempel «digital hjemmeoppfølging».", 422)
    texts = _texts()
    region, facts = _facts(engine, region, visible)
    if any(name not in facts for name in RULES):
        raise HfaError(f"Strukturkartet for «{region}» mangler reglene et saksfremlegg bygger på.", 422)
    sources = _Sources()

    def rule(name: str) -> str:
        citation = facts[name]["citation"]
        return f"«{citation['quote']}» {sources.cite(citation)}"

    lines = [f"# {texts['title'].format(topic=topic[:1].upper() + topic[1:])}", ""]
    lines += [f"*{texts['note'].format(date=time.strftime('%d.%m.%Y'))}*", ""]
    if from_body:
        lines += [f"Fra: {from_body}", ""]
    d = texts["decides"]
    lines += [f"## {d['heading']}", ""]
    lines += [f"- {d['fsu']} {rule('fsu-forslag')}", f"- {d['ssu']} {rule('ssu-myndighet')}"]
    lines += [f"- {d['partnership']} {rule('partnerskapet-rolle')}; {rule('partnerskapet-uenighet')}", ""]
    lines += [d["conclusion"], ""]

    b = texts["background"]
    lines += [f"## {b['heading']}", "", b["placeholder"], ""]
    strategy, _ = _strategy_part(engine, topic, region, visible)
    if strategy.found and strategy.citations:
        lines += [f"### {b['strategy']}", ""]
        by_id = {c.id: c for c in strategy.citations}
        text = _MARKER.sub(
            lambda m: sources.cite(by_id[int(m.group(1))]) if int(m.group(1)) in by_id else "", strategy.answer
        )
        lines += [text, ""]

    lines += [f"## {texts['proposal']['heading']}", "", texts["proposal"]["placeholder"], ""]
    lines += [f"## {texts['economy']['heading']}", "", rule("fsu-okonomi"), "", texts["economy"]["placeholder"], ""]
    users = _first_fact(facts, "brukermedvirkning") or _usage_sentence(
        engine, "brukermedvirkning representert", region, visible
    )
    lines += [f"## {texts['users']['heading']}", ""]
    if users:
        lines += [f"«{users['quote']}» {sources.cite(users)}", ""]
    lines += [texts["users"]["placeholder"], ""]
    lines += [f"## {texts['anchoring']['heading']}", ""]
    if "ssu-forankring" in facts:
        lines += [rule("ssu-forankring"), ""]
    lines += [texts["anchoring"]["placeholder"], ""]
    lines += [f"## {texts['timeline']['heading']}", ""]
    for name, label in (("fsu-moter", "FSU"), ("ssu-moter", "SSU"), ("partnerskapet-moter", "Partnerskapet")):
        if name in facts:
            lines.append(f"- {label}: {rule(name)}")
    lines += ["", texts["timeline"]["placeholder"], ""]

    lines += [f"## {texts['sources']}", ""]
    for c in sources.citations:
        lines.append(c.line(number=f"{c.id}."))
    return CaseDraft(topic, "\n".join(lines).rstrip() + "\n", sources.citations)


def _first_fact(facts: dict[str, dict[str, Any]], kind_word: str) -> dict[str, Any] | None:
    for fact in facts.values():
        if kind_word in fact["id"]:
            return dict(fact["citation"])
    return None


def _usage_sentence(engine: Engine, query: str, region: str, visible: tuple[str, ...] | None) -> dict[str, Any] | None:
    """A cited sentence about ``query`` from the guideline (for user participation)."""
    hits = engine.search(query, k=1, filters=Filters(region=region, kind="retningslinje", visible=visible))
    if not hits:
        return None
    draft = engine.extract(query, hits)
    if not draft.citations:
        return None
    c = draft.citations[0]
    return {"doc_id": c.doc_id, "title": c.title, "section": c.section, "page": c.page, "quote": c.quote, "url": c.url}


def to_docx(markdown: str) -> bytes:
    """The draft as a Word document with the same headings (python-docx)."""
    from docx import Document

    document = Document()
    for line in xml_safe(markdown).splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            level = len(stripped) - len(stripped.lstrip("#"))
            document.add_heading(stripped[level:].strip(), level=min(level, 3) if level > 1 else 0)
        elif stripped.startswith("- "):
            document.add_paragraph(_plain(stripped[2:]), style="List Bullet")
        elif re.match(r"^\d+\. ", stripped):
            document.add_paragraph(_plain(stripped.split(". ", 1)[1]), style="List Number")
        else:
            document.add_paragraph(_plain(stripped))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# Characters XML 1.0 cannot hold (C0 controls except tab and line breaks, surrogates,
# U+FFFE/U+FFFF): python-docx refuses them, so they are dropped.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def _plain(text: str) -> str:
    return text.replace("**", "").strip("*")
