"""Structure-aware chunking: numbered sections -> passages with section path and page.

A document is split along its own numbered headings ("2.2 Strategisk samarbeidsutvalg
(SSU)"). Inside a section, a sub-heading ("Sammensetning") or lead-in ("Hvert FSU skal
bestå av:") stays in the same passage as the list it introduces. Passages hold at most
``MAX_CHARS`` characters; a list, which is one answer, is kept whole up to
``MAX_LIST_CHARS``, a longer one is split with its heading repeated; a long paragraph
is split at sentence ends with one sentence of overlap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.clean import BULLET, HEADING, LEADIN, SUBHEADING, TEXT, Line

CHUNKER_VERSION = "7"
TARGET_CHARS = 850
MAX_CHARS = 1000
MAX_LIST_CHARS = 1500  # a list is one answer: kept whole up to this size
MIN_CHARS = 120  # a passage this short is merged with what follows rather than left alone
LONG_HEADING = 100  # a "heading" longer than this is a numbered paragraph
SENTENCE_HEADING_WORDS = 5  # so is one of this many words or more that ends with a full stop
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
    trail: str = ""  # headings from the top: "2 Organisering … › 2.2 Strategisk samarbeidsutvalg (SSU)"

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
    trail: str = ""

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
        long_heading = len(line.text) > LONG_HEADING or (
            line.text.endswith(".") and len(line.text.split()) >= SENTENCE_HEADING_WORDS
        )  # "4. Temasiden … inneholder nyttig informasjon." says something: it is content
        title = shorten(line.text) if long_heading else line.text
        path_titles[line.number] = title
        parts = line.number.split(".")
        path = [".".join(parts[: i + 1]) for i in range(len(parts))]
        trail = " › ".join(f"{n} {path_titles[n]}" for n in path if n in path_titles)
        section = _Section(line.number, title, path, trail=trail)
        if long_heading:  # the numbered paragraph's text is content, not just a title
            section.lines.append(Line("text", line.text, line.page))
        sections.append(section)
    return [s for s in sections if s.lines]


def _units(section: _Section) -> list[_Unit]:
    units: list[_Unit] = []
    pending: list[Line] = []  # sub-headings / lead-ins waiting for their content
    label = ""
    for position, line in enumerate(section.lines):
        after = section.lines[position + 1] if position + 1 < len(section.lines) else None
        if line.kind == TEXT and line.text.endswith("?") and after is not None and after.kind == BULLET:
            # a question the list below answers introduces it: a lead-in, repeated if the list is split
            pending.append(Line(LEADIN, line.text, line.page))
            continue
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
                units.append(_Unit([*pending, line], label))
                pending = []
            continue
        units.append(_Unit([*pending, line], label))
        pending = []
    if pending:
        units.append(_Unit(pending, label))
    return units


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ«(0-9])")


def _split_long_unit(unit: _Unit) -> list[_Unit]:
    head = [l for l in unit.lines if l.kind in (SUBHEADING, LEADIN)]
    body = [l for l in unit.lines if l.kind not in (SUBHEADING, LEADIN)]
    is_list = bool(body) and all(l.kind == BULLET for l in body)
    if len(unit.text) <= (MAX_LIST_CHARS if is_list else MAX_CHARS):
        return [unit]
    head_len = sum(len(l.text) + 1 for l in head)
    pieces: list[_Unit] = []
    if is_list:
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
                result.append(
                    _Unit(
                        [*head, Line(line.kind, " ".join(chunk), line.page)]
                        if not result
                        else [Line(line.kind, " ".join(chunk), line.page)],
                        unit.label,
                    )
                )
                chunk = chunk[-1:] if len(chunk[-1]) < 300 else []
            chunk.append(sentence)
        if chunk:
            result.append(
                _Unit(
                    [Line(line.kind, " ".join(chunk), line.page)]
                    if result
                    else [*head, Line(line.kind, " ".join(chunk), line.page)],
                    unit.label,
                )
            )
    return result


def _make_passage(doc_id: str, index: int, section: _Section, group: list[_Unit]) -> Passage:
    labels = list(dict.fromkeys(u.label for u in group if u.label))
    label = ", ".join(labels)
    if section.number:
        name = f"{section.label} › {label}" if label and label != section.label else section.label
    else:  # before the first numbered heading: a sub-heading names the part best
        name = label or section.label
    pages = [line.page for unit in group for line in unit.lines]
    return Passage(
        doc_id=doc_id,
        index=index,
        text="\n".join(u.text for u in group),
        section=name,
        section_number=section.number,
        section_path=" › ".join(section.path),
        page=min(pages),
        page_end=max(pages),
        trail=f"{section.trail} › {label}" if section.trail and label else (section.trail or name),
    )


def chunk_lines(doc_id: str, lines: list[Line]) -> list[Passage]:
    """Split a document's logical lines into passages (see module doc)."""
    passages: list[Passage] = []
    for section in _sections(lines):
        units = [piece for unit in _units(section) for piece in _split_long_unit(unit)]
        group: list[_Unit] = []
        for unit in units:
            current = sum(len(u.text) + 1 for u in group)
            new_label = bool(group) and bool(unit.label) and unit.label != group[-1].label
            if group and (current + len(unit.text) > TARGET_CHARS or (new_label and current >= MIN_CHARS)):
                passages.append(_make_passage(doc_id, len(passages), section, group))
                group = []
            group.append(unit)
        if group:
            passages.append(_make_passage(doc_id, len(passages), section, group))
    return passages


def search_text(title: str, passage: Passage) -> str:
    """The text that is embedded: title and section headings give context."""
    return f"{title}\n{passage.trail or passage.section}\n{passage.text}"


def lexical_text(title: str, passage: Passage) -> str:
    """The text that is BM25-indexed: like ``search_text`` with the section headings
    counted twice, since in these documents a heading says most about its passage."""
    trail = passage.trail or passage.section
    return f"{title}\n{trail}\n{trail}\n{passage.text}"
