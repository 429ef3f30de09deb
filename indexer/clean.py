"""Turn PDF-extracted pages into clean logical lines.

Repairs what PDF extraction leaves behind: lines broken mid-sentence, words
hyphenated across lines, bullets in several styles (•, o, ·, ●, -, –), stray and
doubled spaces. Each logical line is classified (numbered heading, sub-heading,
list lead-in, bullet, text) and keeps the page it starts on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADING = "heading"
SUBHEADING = "subheading"
LEADIN = "leadin"
BULLET = "bullet"
TEXT = "text"

_BULLET = re.compile(r"^\s*(?P<mark>[•·●▪■◦‣∙*]|o(?=\s)|[-–—](?=\s))\s+(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^\s*(?P<num>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<text>[A-ZÆØÅa-zæøå«(].*)$")
# Trailing "##" of a closed heading are stripped in code: a lazy group before "\s*#*\s*$"
# would rescan the tail from every position (quadratic on a long run of "#").
_MD_HEADING = re.compile(r"^\s*(?P<hashes>#{1,6})\s+(?P<text>\S.*)$")
_SENTENCE_END = re.compile(r"[.!?:;»”\"]\s*$")
# Words that cannot end a sentence: a line ending with one continues on the next.
_OPEN_ENDINGS = {
    "og",
    "i",
    "av",
    "til",
    "for",
    "med",
    "som",
    "på",
    "om",
    "en",
    "et",
    "ei",
    "det",
    "der",
    "de",
    "den",
    "å",
    "at",
    "eller",
    "samt",
    "fra",
    "ved",
    "mellom",
    "under",
    "etter",
    "mot",
    "hos",
    "innen",
    "enn",
    "men",
    "jf",
    "bl.a.",
    "f.eks.",
    "blant",
    "annet",
    "sin",
    "sitt",
    "sine",
}
WRAP_WIDTH = 70  # extracted lines at least this long, without an ending, were wrapped


@dataclass
class Line:
    kind: str
    text: str
    page: int
    level: int = 0  # bullet depth (1, 2) or heading depth (1 = "2", 2 = "2.1")
    number: str = ""  # heading number, e.g. "2.2"


def _is_successor(candidate: list[int], current: list[int]) -> bool:
    """True if heading number `candidate` may follow `current` (siblings, first child,
    or the next sibling of an ancestor)."""
    if candidate == [*current, 1]:
        return True
    return any(candidate == [*current[: depth - 1], current[depth - 1] + 1] for depth in range(len(current), 0, -1))


def _looks_like_subheading(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 6
        and len(text) <= 60
        and text[0].isupper()
        and not re.search(r"[.,;:!?)]$", text)
        and not text[0].isdigit()
        and not _ends_open(text)
    )


def _ends_open(text: str) -> bool:
    """The line clearly continues: no sentence end, or ends with a comma, hyphen, dash
    or a word that cannot end a sentence."""
    stripped = text.rstrip()
    if not stripped:
        return False
    if stripped[-1] in ",-–":
        return True
    last = stripped.split()[-1].lower()
    return last in _OPEN_ENDINGS


def _join(left: str, right: str) -> str:
    left = left.rstrip()
    right = right.strip()
    match = re.search(r"([A-Za-zÆØÅæøå])-$", left)
    if match:
        first = right.split(" ", 1)[0].lower()
        if first in {"og", "eller", "til", "samt"} or right[:1].isupper():
            return f"{left} {right}" if first in {"og", "eller", "til", "samt"} else f"{left}{right}"
        return f"{left[:-1]}{right}"  # de-hyphenate a word split across lines
    return f"{left} {right}"


def logical_lines(pages: list[str], markdown: bool = False) -> list[Line]:
    """Clean pages into classified logical lines (see module doc)."""
    raw: list[tuple[str, int, bool]] = []  # (text, page, a blank line or a page break above it)
    for page_no, page_text in enumerate(pages, start=1):
        blank_above = True
        for line in page_text.split("\n"):
            text = " ".join(line.split())
            if text:
                raw.append((text, page_no, blank_above))
            blank_above = not text

    lines: list[Line] = []
    current_number: list[int] = [0]
    spaced_bullet = False  # the last bullet began after a blank line: its own lines follow it unbroken
    for text, page, blank_above in raw:
        previous = lines[-1] if lines else None

        if markdown:
            md = _MD_HEADING.match(text)
            if md:
                inner = md.group("text").rstrip().rstrip("#").rstrip() or md.group("text")
                numbered = _NUMBERED.match(inner)
                if numbered:
                    number = numbered.group("num")
                    current_number = [int(p) for p in number.split(".")]
                    lines.append(Line(HEADING, numbered.group("text").strip(), page, len(current_number), number))
                else:
                    lines.append(Line(SUBHEADING, inner, page, len(md.group("hashes"))))
                continue

        numbered = _NUMBERED.match(text)
        if numbered:
            parts = [int(p) for p in numbered.group("num").split(".")]
            continues = (
                previous is not None and previous.kind in (TEXT, BULLET, HEADING) and (_ends_open(previous.text))
            )
            title = numbered.group("text").strip()
            skipped_one = len(parts) == 1 and parts[0] == current_number[0] + 2 and _looks_like_subheading(title)
            if (_is_successor(parts, current_number) or skipped_one) and not continues:
                current_number = parts
                lines.append(Line(HEADING, numbered.group("text").strip(), page, len(parts), ".".join(map(str, parts))))
                continue

        bullet = _BULLET.match(text)
        if bullet:
            mark = bullet.group("mark")
            level = 2 if mark in ("o", "◦", "‣") else 1
            lines.append(Line(BULLET, bullet.group("text").strip(), page, level))
            spaced_bullet = blank_above
            continue

        if previous is not None and previous.kind in (TEXT, BULLET, HEADING, LEADIN):
            starts_lower = text[:1].islower() or text[:1] in "()«" or text[:1].isdigit()
            wrapped = len(previous.text) >= WRAP_WIDTH and not _SENTENCE_END.search(previous.text)
            if previous.kind == HEADING:
                # A heading only continues on the next line when it was clearly cut off.
                join = (starts_lower or _ends_open(previous.text)) and not _SENTENCE_END.search(previous.text)
                join = join or (len(previous.text) >= WRAP_WIDTH and starts_lower)
            elif previous.kind == LEADIN:
                join = False
            else:
                # A bullet continues only when the next line clearly belongs to it; a long
                # text line without an ending was wrapped by the PDF layout.
                join = not _SENTENCE_END.search(previous.text) and (
                    starts_lower
                    or _ends_open(previous.text)
                    or (previous.kind == TEXT and wrapped and not _looks_like_subheading(text))
                )
                # Bullets set apart by blank lines: a line right under one, with no blank
                # line between, is still that bullet ("… nå FACT).\nFungerer godt …").
                join = join or (
                    previous.kind == BULLET and spaced_bullet and not blank_above and not _looks_like_subheading(text)
                )
            if join:
                previous.text = _join(previous.text, text)
                if previous.kind == TEXT and previous.text.endswith(":") and len(previous.text) <= 120:
                    previous.kind = LEADIN
                continue

        if text.endswith(":") and len(text) <= 120:
            lines.append(Line(LEADIN, text, page))
        elif _looks_like_subheading(text):
            lines.append(Line(SUBHEADING, text, page))
        else:
            lines.append(Line(TEXT, text, page))

    return lines
