"""Structure-aware chunking: numbered sections -> passages with section path and page.

A document is split along its own numbered headings ("2.2 Strategisk samarbeidsutvalg
(SSU)"). Inside a section, a sub-heading ("Sammensetning") or lead-in ("Hvert FSU skal
bestå av:") stays in the same passage as the list it introduces. Passages hold at most
``MAX_CHARS`` characters; a long list is split with its heading repeated, a long
paragraph is split at sentence ends with one sentence of overlap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.clean import BULLET, HEADING, LEADIN, SUBHEADING, Line

CHUNKER_VERSION = "1"
TARGET_CHARS = 850
MAX_CHARS = 1000
LONG_HEADING = 100  # a "heading" longer than this is a numbered paragraph
PREAMBLE = "Innledning"


@dataclass
class Passage:
    doc_id: str
    index: int
    text: str
    section: str  # "2.2 Strategisk samarbeidsutvalg (SSU) › Sammensetning"
    section_number: str  # "2.2", "" before the first numbered heading
    section_path: str  # "2 › 2.2"
    page: int
    page_end: int

    @property
    def id(self) -> str:
        return f"{self.doc_id}:{self.index:04d}"


@dataclass
class _Unit:
    lines: list[Line]
    label: str = ""  # sub-heading this unit sits under

    @property
    def text(self) -> str:
        return "\n".join(render(line) for line in self.lines)


@dataclass
class _Section:
    number: str
    title: str
    path: list[str]
    lines: list[Line] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip() if self.number else self.title


def render(line: Line) -> str:
    if line.kind == BULLET:
        return ("  - " if line.level > 1 else "- ") + line.text
    return line.text


def shorten(text: str, limit: int = 80) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " …"


def _sections(lines: list[Line]) -> list[_Section]:
    sections = [_Section("", PREAMBLE, [])]
    path_titles: dict[str, str] = {}
    for line in lines:
        if line.kind != HEADING:
            sections[-1].lines.append(line)
            continue
        long_heading = len(line.text) > LONG_HEADING
        title = shorten(line.text) if long_heading else line.text
        path_titles[line.number] = title
        parts = line.number.split(".")
        path = [".".join(parts[: i + 1]) for i in range(len(parts))]
        section = _Section(line.number, title, path)
        if long_heading:  # the numbered paragraph's text is content, not just a title
            section.lines.append(Line("text", line.text, line.page))
        sections.append(section)
    return [s for s in sections if s.lines]


def _units(section: _Section) -> list[_Unit]:
    units: list[_Unit] = []
    pending: list[Line] = []  # sub-headings / lead-ins waiting for their content
    label = ""
    for line in section.lines:
        if line.kind == SUBHEADING:
            if pending and pending[-1].kind == SUBHEADING and not any(p.kind == LEADIN for p in pending):
                label = f"{label} › {line.text}" if label else line.text
            else:
                label = line.text
            if pending and pending[-1].kind == LEADIN:
                units.append(_Unit(pending, label))
                pending = []
            pending.append(line)
            continue
        if line.kind == LEADIN:
            pending.append(line)
            continue
        if line.kind == BULLET:
            if units and units[-1].lines[-1].kind == BULLET and not pending:
                units[-1].lines.append(line)
            else:
                units.append(_Unit(pending + [line], label))
                pending = []
            continue
        units.append(_Unit(pending + [line], label))
        pending = []
    if pending:
        units.append(_Unit(pending, label))
    return units


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ«(0-9])")


def _split_long_unit(unit: _Unit) -> list[_Unit]:
    if len(unit.text) <= MAX_CHARS:
        return [unit]
    head = [l for l in unit.lines if l.kind in (SUBHEADING, LEADIN)]
    body = [l for l in unit.lines if l.kind not in (SUBHEADING, LEADIN)]
    head_len = sum(len(l.text) + 1 for l in head)
    pieces: list[_Unit] = []
    if all(l.kind == BULLET for l in body):
        current: list[Line] = []
        for line in body:
            size = head_len + sum(len(render(l)) + 1 for l in current) + len(render(line))
            if current and size > TARGET_CHARS:
                pieces.append(_Unit(head + current, unit.label))
                current = []
            current.append(line)
        pieces.append(_Unit(head + current, unit.label))
        return pieces
    # Paragraph text: split at sentence ends, one sentence of overlap between pieces.
    result: list[_Unit] = []
    for line in body:
        if len(line.text) + head_len <= MAX_CHARS:
            result.append(_Unit([*head, line] if not result else [line], unit.label))
            continue
        sentences = _SENTENCE_SPLIT.split(line.text)
        chunk: list[str] = []
        for sentence in sentences:
            if chunk and len(" ".join(chunk)) + len(sentence) + head_len > TARGET_CHARS:
                result.append(_Unit([*head, Line(line.kind, " ".join(chunk), line.page)] if not result else
                                    [Line(line.kind, " ".join(chunk), line.page)], unit.label))
                chunk = chunk[-1:] if len(chunk[-1]) < 300 else []
            chunk.append(sentence)
        if chunk:
            result.append(_Unit([Line(line.kind, " ".join(chunk), line.page)] if result else
                                [*head, Line(line.kind, " ".join(chunk), line.page)], unit.label))
    return result


def chunk_lines(doc_id: str, lines: list[Line]) -> list[Passage]:
    """Split a document's logical lines into passages (see module doc)."""
    passages: list[Passage] = []
    for section in _sections(lines):
        units = [piece for unit in _units(section) for piece in _split_long_unit(unit)]
        group: list[_Unit] = []

        def flush() -> None:
            if not group:
                return
            label = group[0].label
            if section.number:
                name = f"{section.label} › {label}" if label and label != section.label else section.label
            else:  # before the first numbered heading: a sub-heading names the part best
                name = label or section.label
            pages = [l.page for u in group for l in u.lines]
            passages.append(
                Passage(
                    doc_id=doc_id,
                    index=len(passages),
                    text="\n".join(u.text for u in group),
                    section=name,
                    section_number=section.number,
                    section_path=" › ".join(section.path),
                    page=min(pages),
                    page_end=max(pages),
                )
            )
            group.clear()

        for unit in units:
            size = sum(len(u.text) + 1 for u in group) + len(unit.text)
            new_label = bool(group) and unit.label != group[-1].label and bool(unit.label)
            if group and (size > TARGET_CHARS or (new_label and size > TARGET_CHARS // 2)):
                flush()
            group.append(unit)
        flush()
    return passages


def search_text(title: str, passage: Passage) -> str:
    """The text that is embedded and BM25-indexed: title and section give context."""
    return f"{title}\n{passage.section}\n{passage.text}"
