"""Structured document formats: Word (.docx), OpenDocument (.odt) and HTML.

Each reader turns its file into ``Block``s (headings with their level, paragraphs, list
items, table rows, page breaks), and ``render_blocks`` writes them as markdown pages
that the cleaner reads in markdown mode:

- a heading that carries its own number ("2.1 Sammensetning") becomes a numbered
  markdown heading, so the chunker treats it like a numbered section of a PDF;
- unnumbered headings are kept as a trail ("Avtalen › Ansvar › Kommunen") and written
  as one markdown sub-heading before the content under them, so every passage names
  the headings it sits under;
- table rows become text rows, cells separated by " | ", written as list items;
- page breaks (explicit ones in the file) start a new page.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from indexer.errors import IndexerError

_NUMBERED = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+\S")
_LEADING_HASHES = re.compile(r"^#+\s*")
MAX_HEADING_LEVEL = 4
MAX_HTML_CHARS = 20_000_000  # decoded HTML larger than this is refused before parsing


class FormatError(IndexerError):
    """The file could not be read as its format; the message is Norwegian."""


@dataclass
class Block:
    text: str = ""
    heading: int = 0  # 1..4: a heading of that level; 0: content
    bullet: bool = False
    page_break: bool = False  # a new page starts before this block


@dataclass
class Structured:
    pages: list[str]
    title: str
    date: str = ""  # YYYY-MM-DD when the file records one (HTML: dcterms.modified and the like)


def _clean(text: str) -> str:
    return " ".join(text.split())


def render_blocks(blocks: list[Block], title: str = "") -> Structured:
    """Markdown pages from blocks (see module doc). ``title``: the document's own title,
    which is not repeated as a section."""
    pages: list[list[str]] = [[]]
    trail: list[tuple[int, str]] = []  # unnumbered headings in force, below the last numbered one
    numbered_level = 0
    trail_pending = False
    for block in blocks:
        if block.page_break and any(pages[-1]):
            pages.append([])
        text = _clean(block.text)
        if not text:
            continue
        if block.heading:
            level = min(block.heading, MAX_HEADING_LEVEL)
            if _NUMBERED.match(text):
                pages[-1].append(f"{'#' * level} {text}")
                numbered_level, trail, trail_pending = level, [], False
            elif text != title or trail or numbered_level:
                trail = [(lvl, t) for lvl, t in trail if lvl < level] + [(level, text)]
                trail_pending = True
            continue
        if trail_pending:
            pages[-1].append("## " + " › ".join(t for _, t in trail))
            trail_pending = False
        text = _LEADING_HASHES.sub("", text)  # content must not read as a markdown heading
        pages[-1].append(f"- {text}" if block.bullet else text)
    return Structured(["\n".join(page) for page in pages], title)


# --- Word (.docx) ---------------------------------------------------------------

_HEADING_STYLE = re.compile(r"^(?:heading|overskrift)\s*(\d)$", re.IGNORECASE)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_paragraph(paragraph: Any) -> list[Block]:
    """The paragraph's text, split where it holds an explicit page break (a page-break
    run, "page break before", or the break Word recorded when it last laid out pages)."""
    style = paragraph.style.name if paragraph.style is not None else ""
    element = paragraph._p
    match = _HEADING_STYLE.match(style or "")
    heading = int(match.group(1)) if match else 0
    bullet = "list" in (style or "").lower() or element.find(f"{_W}pPr/{_W}numPr") is not None
    blocks = [Block("", heading, bullet, element.find(f"{_W}pPr/{_W}pageBreakBefore") is not None)]
    for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}lastRenderedPageBreak"):
        if node.tag == f"{_W}t":
            blocks[-1].text += node.text or ""
        elif node.tag == f"{_W}tab" or (node.tag == f"{_W}br" and node.get(f"{_W}type") != "page"):
            blocks[-1].text += " "
        else:
            blocks.append(Block("", heading, bullet, page_break=True))
    return blocks


def _table_rows(rows: list[list[str]]) -> list[Block]:
    blocks = []
    for cells in rows:
        unique = [c for i, c in enumerate(cells) if c and (i == 0 or c != cells[i - 1])]  # merged cells repeat
        if unique:  # a list item: a table is kept whole like a list, and a row never reads as a heading
            blocks.append(Block(" | ".join(unique), bullet=True))
    return blocks


def read_docx(path: Path) -> Structured:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FormatError(f"{path.name}: Word-filen er skadet og kan ikke leses. Den er hoppet over.") from exc
    title = _clean(document.core_properties.title or "")
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            if item.style is not None and item.style.name == "Title":
                title = title or _clean(item.text)
                continue
            blocks.extend(_docx_paragraph(item))
        elif isinstance(item, Table):
            rows = [[_clean(cell.text) for cell in row.cells] for row in item.rows]
            blocks.extend(_table_rows(rows))
    return render_blocks(blocks, title)


# --- OpenDocument (.odt) ----------------------------------------------------------


def read_odt(path: Path) -> Structured:
    from odfdo import Document, Header, List, Paragraph, Table

    try:
        document = Document(str(path))
        body = document.body
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise FormatError(f"{path.name}: OpenDocument-filen er skadet og kan ikke leses. Den er hoppet over.") from exc
    title = _clean(document.meta.get_title() or "")
    blocks: list[Block] = []
    for child in body.children:
        if isinstance(child, Header):
            blocks.append(Block(child.text_recursive, heading=int(child.level or 1)))
        elif isinstance(child, Paragraph):
            if (child.style or "").lower() == "title":
                title = title or _clean(child.text_recursive)
                continue
            blocks.append(Block(child.text_recursive))
        elif isinstance(child, List):
            items = child.get_elements("text:list-item")
            blocks.extend(Block(item.text_recursive, bullet=True) for item in items)
        elif isinstance(child, Table):
            blocks.extend(_table_rows([[_clean(str(cell)) for cell in row.traverse()] for row in child.traverse()]))
    return render_blocks(blocks, title)


# --- HTML -------------------------------------------------------------------------

_DROPPED = {"nav", "header", "footer", "script", "style", "aside", "noscript", "template", "svg", "form", "iframe"}
_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "tr",
    "br",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "figcaption",
}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
_IMPLIED_END = {"li", "tr", "td", "th", "dt", "dd", "option"}
_CONTAINERS = {"ul", "ol", "table", "tbody", "thead", "tfoot", "dl", "select"}
MAX_DEPTH = 256
_VOID = {"br", "img", "hr", "meta", "link", "input", "source", "wbr", "col", "area", "base", "embed", "track"}


class _HtmlBlocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.title = ""
        self.h1s: list[str] = []
        self._skip_depth = 0  # inside nav/footer/script …
        self._stack: list[str] = []
        self._text: list[str] = []
        self._heading = 0
        self._bullet = False
        self._cells: list[str] | None = None
        self._in_title = False
        self.meta: dict[str, str] = {}  # <meta name|property=… content=…>, names lower-cased

    def _flush(self) -> None:
        text = _clean("".join(self._text))
        self._text = []
        if not text:
            return
        if self._cells is not None and not self._heading:
            self._cells.append(text)
            return
        if self._heading == 1:
            self.h1s.append(text)
        self.blocks.append(Block(text, heading=self._heading, bullet=self._bullet and not self._heading))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = dict(attrs)
            key = (values.get("name") or values.get("property") or "").lower()
            if key and values.get("content"):
                self.meta.setdefault(key, str(values["content"]))
        if tag in _VOID:
            if tag == "br" and not self._skip_depth:
                self._text.append(" ")
            return
        if self._stack and self._stack[-1] == "p" and (tag in _BLOCK_TAGS or tag in _HEADINGS):
            self.handle_endtag("p")  # HTML's implied end: a block closes an open paragraph
        if tag in _IMPLIED_END:
            self._implied_end(tag)
        if len(self._stack) >= MAX_DEPTH:
            return  # deeper nesting is read as text of its parent: end tags stay cheap to match
        self._stack.append(tag)
        if self._skip_depth or tag in _DROPPED or ("role", "navigation") in attrs:
            self._skip_depth += 1
            return
        if tag == "title":
            self._in_title = True
        elif tag in _HEADINGS:
            self._flush()
            self._heading = _HEADINGS[tag]
        elif tag == "tr":
            self._flush()
            self._cells = []
        elif tag in ("td", "th") and self._cells is not None:
            self._flush()
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._bullet = tag == "li"

    def _implied_end(self, tag: str) -> None:
        """<li>a<li>b, <td>1<td>2, <tr>…<tr>: an open element of the same kind in the
        same list or table ends where the next one starts."""
        for open_tag in reversed(self._stack[-4:]):
            if open_tag == tag:
                self.handle_endtag(tag)
                return
            if open_tag in _CONTAINERS:
                return

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self._stack:
            return
        while self._stack:  # close what the page left open inside this element
            open_tag = self._stack.pop()
            if self._skip_depth:
                self._skip_depth -= 1
                if open_tag == tag:
                    return
                continue
            self._close(open_tag)
            if open_tag == tag:
                return

    def _close(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _HEADINGS:
            self._flush()
            self._heading = 0
        elif tag in ("td", "th"):
            self._flush()
        elif tag == "tr":
            self._flush()
            if self._cells:
                self.blocks.extend(_table_rows([self._cells]))
            self._cells = None
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._bullet = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip_depth:
            self._text.append(data)


def read_html_text(html: str, name: str) -> Structured:
    """Blocks from an HTML page: h1–h4 are headings (h5/h6 count as h4); navigation,
    header, footer, asides, scripts and styles are dropped. The title is the page's
    only <h1> (then not a section of its own), else its <title>."""
    if len(html) > MAX_HTML_CHARS:
        raise FormatError(f"{name}: HTML-siden er for stor til å leses. Den er hoppet over.")
    parser = _HtmlBlocks()
    parser.feed(html)
    parser.close()
    parser._flush()
    title = _clean(parser.title)
    if len(parser.h1s) == 1:  # one h1: the page's title (<title> often adds the site's name)
        title = parser.h1s[0]
        blocks = [b for b in parser.blocks if not (b.heading == 1 and b.text == title)]
    else:
        blocks = parser.blocks
    structured = render_blocks(blocks, title)
    dates = (parser.meta.get(key, "")[:10] for key in _DATE_META)
    structured.date = next((d for d in dates if _ISO_DATE.match(d)), "")
    return structured


_DATE_META = ("dcterms.modified", "dcterms.date", "article:modified_time", "article:published_time", "date")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset=["']?([A-Za-z0-9_-]{1,40})""", re.IGNORECASE)


def decode_html(data: bytes) -> str:
    """HTML bytes as text: a BOM, else the <meta charset> in the first 4 KB, else UTF-8
    with cp1252 as the fallback."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    match = _META_CHARSET.search(data[:4096])
    encodings = [match.group(1).decode("ascii")] if match else []
    for encoding in [*encodings, "utf-8", "cp1252"]:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace")


def read_html(path: Path) -> Structured:
    return read_html_text(decode_html(path.read_bytes()), path.name)
