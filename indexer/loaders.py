"""Load documents into pages of text: .txt, .md, .pdf (pypdf; scanned pages through OCR,
``indexer/ocr.py``), and Word, OpenDocument and HTML (``indexer/formats.py``).

A loader returns the document's pages in order; page numbers start at 1. Plain-text
files that came from PDF extraction carry no page markers, so pages are recovered
from what the extraction left behind: a form feed, or a page that starts with a
stray leading space or after a run of empty lines (see ``split_text_pages``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.analysis import normalize_text
from indexer.errors import IndexerError

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".odt", ".html", ".htm")


class LoadError(IndexerError):
    """A document could not be read; the message is Norwegian and names the file."""


@dataclass(frozen=True)
class LoadedDocument:
    path: Path
    pages: list[str]
    kind: str  # "text" | "markdown" (also Word, OpenDocument and HTML, rendered as markdown) | "pdf"
    title: str = ""  # the document's own title, when the format records one
    warnings: list[str] = field(default_factory=list)  # Norwegian, for the index report


_STRAY_SPACE_PAGE = re.compile(r"^ [^\s]")


def split_text_pages(text: str) -> tuple[list[str], bool]:
    """Split extracted text into pages. Returns (pages, inferred).

    Form feeds are real page breaks. Without them, a page break is inferred where the
    extraction shows one: a line that begins with a single stray space, or three or more
    consecutive empty lines (page boundaries in the PDF-extracted sources).
    """
    if "\f" in text:
        return [page for page in text.split("\f")], False
    lines = text.split("\n")
    pages: list[list[str]] = [[]]
    empty_run = longest_gap = 0  # consecutive empty lines / longest such run since the last text
    for line in lines:
        has_text = bool(line.strip())
        page_has_text = any(l.strip() for l in pages[-1])
        if has_text and page_has_text and (_STRAY_SPACE_PAGE.match(line) or longest_gap >= 3):
            pages.append([])
        pages[-1].append(line)
        empty_run = empty_run + 1 if line == "" else 0
        longest_gap = 0 if has_text else max(longest_gap, empty_run)
    return ["\n".join(page) for page in pages], len(pages) > 1


def _sniff_utf16(data: bytes) -> str:
    """ "utf-16-le"/"utf-16-be" when the NULs fall on every other byte (UTF-16 text of
    mostly Latin characters without a BOM), else ""."""
    sample = data[:8192]
    if len(sample) < 4:
        return ""
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.4 * len(odd) and even.count(0) <= 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.4 * len(even) and odd.count(0) <= 0.05 * len(odd):
        return "utf-16-be"
    return ""


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _decode_text(path: Path) -> str:
    data = path.read_bytes()
    encodings = [encoding for bom, encoding in _BOMS if data.startswith(bom)][:1]
    if not encodings and b"\x00" in data[:8192]:
        encodings = [_sniff_utf16(data)] if _sniff_utf16(data) else []
        if not encodings:
            raise LoadError(f"{path.name}: filen ser ut til å være binær, ikke tekst. Den er hoppet over.")
    for encoding in encodings or ["utf-8", "cp1252"]:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LoadError(f"{path.name}: ukjent tegnkoding. Lagre filen som UTF-8.")


def load_text(path: Path) -> LoadedDocument:
    text = normalize_text(_decode_text(path))
    if not text.strip():
        raise LoadError(f"{path.name}: filen er tom.")
    pages, _ = split_text_pages(text)
    return LoadedDocument(path, pages, "text")


def load_markdown(path: Path) -> LoadedDocument:
    text = normalize_text(_decode_text(path))
    if not text.strip():
        raise LoadError(f"{path.name}: filen er tom.")
    return LoadedDocument(path, text.split("\f"), "markdown")


def _pdf_pages(path: Path) -> tuple[list[str], list[bool]]:
    """Each page's text, and whether the page holds images (a scan when it has no text)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise LoadError(f"{path.name}: PDF-en er kryptert eller passordbeskyttet. Den er hoppet over.")
        pages = [normalize_text(page.extract_text() or "") for page in reader.pages]
        images = [_has_images(page) for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AssertionError) as exc:
        log.warning("Could not read PDF %s: %s", path, exc)
        raise LoadError(f"{path.name}: PDF-en er skadet og kan ikke leses. Den er hoppet over.") from exc
    return pages, images


def _has_images(page: Any) -> bool:
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    return bool(xobjects)


def load_pdf(path: Path, ocr_cache: Path | None = None) -> LoadedDocument:
    from indexer.ocr import OcrFailed, OcrUnavailable, ocr_pdf

    pages, images = _pdf_pages(path)
    scanned = [i for i, (text, image) in enumerate(zip(pages, images, strict=True)) if not text.strip() and image]
    warnings: list[str] = []
    if scanned:
        numbers = ", ".join(str(i + 1) for i in scanned[:10]) + (" …" if len(scanned) > 10 else "")
        try:
            ocr_pages, _ = _pdf_pages(ocr_pdf(path, ocr_cache))
            pages = [ocr_pages[i] if i in scanned and i < len(ocr_pages) else text for i, text in enumerate(pages)]
        except (OcrUnavailable, OcrFailed) as exc:
            if not any(page.strip() for page in pages):
                raise LoadError(f"{path.name}: PDF-en er skannet uten tekstlag og kan ikke leses: {exc}.") from exc
            warnings.append(f"{path.name}: side {numbers} er skannet uten tekstlag og er ikke lest: {exc}.")
    if not any(page.strip() for page in pages):
        raise LoadError(f"{path.name}: PDF-en inneholder ingen tekst.")
    return LoadedDocument(path, strip_repeated_lines(pages), "pdf", warnings=warnings)


def load_structured(path: Path) -> LoadedDocument:
    """Word, OpenDocument or HTML, rendered as markdown pages (``indexer/formats.py``)."""
    from indexer.formats import FormatError, read_docx, read_html, read_odt

    readers = {".docx": read_docx, ".odt": read_odt, ".html": read_html, ".htm": read_html}
    try:
        structured = readers[path.suffix.lower()](path)
    except FormatError as exc:
        raise LoadError(str(exc)) from exc
    pages = [normalize_text(page) for page in structured.pages]
    if not any(page.strip() for page in pages):
        raise LoadError(f"{path.name}: filen er tom (ingen tekst å indeksere).")
    return LoadedDocument(path, pages, "markdown", title=structured.title)


_PAGE_NUMBER = re.compile(r"^\s*(?:side\s+)?-?\s*\d{1,4}\s*-?\s*(?:(?:av|/)\s*\d{1,4})?\s*$", re.IGNORECASE)


def strip_repeated_lines(pages: list[str]) -> list[str]:
    """Drop running headers/footers (a line repeated at the top or bottom of at least
    half the pages, digits ignored) and bare page numbers."""

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", " ".join(line.split()).lower())

    edge_counts: dict[str, int] = {}
    split_pages = [page.split("\n") for page in pages]
    for lines in split_pages:
        content = [l for l in lines if l.strip()]
        for line in {key(l) for l in content[:2] + content[-2:]}:
            edge_counts[line] = edge_counts.get(line, 0) + 1
    repeated = {k for k, n in edge_counts.items() if len(pages) >= 3 and n >= max(2, len(pages) // 2)}
    cleaned = []
    for lines in split_pages:
        kept = [l for l in lines if key(l) not in repeated and not _PAGE_NUMBER.match(l)]
        cleaned.append("\n".join(kept))
    return cleaned


MAX_FILE_BYTES = 100 * 1024 * 1024


def load_document(path: Path, max_bytes: int = MAX_FILE_BYTES, ocr_cache: Path | None = None) -> LoadedDocument:
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(
            f"{path.name}: filen er for stor ({size / 1024 / 1024:.0f} MB; grensen er "
            f"{max_bytes / 1024 / 1024:.0f} MB, HFA_MAX_FILE_MB). Del den opp eller øk grensen."
        )
    suffix = path.suffix.lower()
    if size == 0:
        raise LoadError(f"{path.name}: filen er tom.")
    if suffix == ".pdf":
        return load_pdf(path, ocr_cache)
    if suffix in (".docx", ".odt", ".html", ".htm"):
        return load_structured(path)
    if suffix == ".md":
        return load_markdown(path)
    if suffix == ".txt":
        return load_text(path)
    raise LoadError(
        f"{path.name}: filtypen {suffix or '(ingen)'} støttes ikke (bruk .txt, .md, .pdf, .docx, .odt eller .html)."
    )
