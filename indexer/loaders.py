"""Load documents into pages of text: .txt, .md and .pdf (pypdf).

A loader returns the document's pages in order; page numbers start at 1. Plain-text
files that came from PDF extraction carry no page markers, so pages are recovered
from what the extraction left behind: a form feed, or a page that starts with a
stray leading space or after a run of empty lines (see ``split_text_pages``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from indexer.analysis import normalize_text

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf")


class LoadError(Exception):
    """A document could not be read; the message is Norwegian and names the file."""


@dataclass(frozen=True)
class LoadedDocument:
    path: Path
    pages: list[str]
    kind: str  # "text" | "markdown" | "pdf"


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


def _decode_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise LoadError(f"{path.name}: filen ser ut til å være binær, ikke tekst. Den er hoppet over.")
    for encoding in ("utf-8-sig", "cp1252"):
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


def load_pdf(path: Path) -> LoadedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise LoadError(f"{path.name}: PDF-en er kryptert eller passordbeskyttet. Den er hoppet over.")
        pages = [normalize_text(page.extract_text() or "") for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AssertionError) as exc:
        log.warning("Could not read PDF %s: %s", path, exc)
        raise LoadError(f"{path.name}: PDF-en er skadet og kan ikke leses. Den er hoppet over.") from exc
    if not any(page.strip() for page in pages):
        raise LoadError(f"{path.name}: PDF-en inneholder ingen tekst (kanskje skannet uten tekstlag).")
    return LoadedDocument(path, strip_repeated_lines(pages), "pdf")


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


def load_document(path: Path, max_bytes: int = MAX_FILE_BYTES) -> LoadedDocument:
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(
            f"{path.name}: filen er for stor ({size / 1024 / 1024:.0f} MB; grensen er "
            f"{max_bytes / 1024 / 1024:.0f} MB, HFA_MAX_FILE_MB). Del den opp eller øk grensen."
        )
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return load_pdf(path)
    if suffix == ".md":
        return load_markdown(path)
    if suffix == ".txt":
        return load_text(path)
    raise LoadError(f"{path.name}: filtypen {suffix or '(ingen)'} støttes ikke (bruk .txt, .md eller .pdf).")
