"""The one citation renderer: how an answer's sources read in every channel.

Each channel has its own wire format (plain text for the CLI and OpenAI-compatible
clients, Block Kit for Slack, markdown and citation entities for Teams), but a source is
named the same way everywhere — ``[n] title, section, s. page: «quote»`` — and a long
quote is shortened the same way. Channels call these; none writes a source line itself.
"""

from __future__ import annotations

from urllib.parse import urlencode

from assistant.domain import Citation, Result

SOURCES_HEADING = "Kilder:"


def flat(text: str) -> str:
    """``text`` on one line (runs of white space become one space)."""
    return " ".join(text.split())


def shorten(text: str, limit: int | None = None, mark: str = "…") -> str:
    """``text`` on one line; longer than ``limit``, cut at the last word boundary so the
    cut text and ``mark`` fit within ``limit``."""
    line = flat(text)
    if limit is None or len(line) <= limit:
        return line
    return line[: max(line.rfind(" ", 0, limit - len(mark)), 1)] + mark


def source_line(c: Citation, quote_limit: int | None = None, number: str = "") -> str:
    """``[n] title, section, s. page: «quote»``: one source as a line of text."""
    return f"{number or f'[{c.id}]'} {c.title}, {c.section}, s. {c.page}: «{shorten(c.quote, quote_limit)}»"


def plain(result: Result, quote_limit: int | None = None, heading: str = SOURCES_HEADING) -> str:
    """The answer and its numbered sources as plain text (CLI, OpenAI-compatible clients)."""
    if not result.citations:
        return result.answer
    return "\n".join([result.answer, "", heading, *(source_line(c, quote_limit) for c in result.citations)])


def citation_link(public_url: str, citation: Citation, collection: str = "") -> str:
    """Where a source's title links: the web page's citation view, else the document's URL."""
    if public_url:
        fields = {"doc": citation.doc_id, "section": citation.section, "quote": citation.quote[:300]}
        query = urlencode({**fields, **({"collection": collection} if collection else {})})
        return f"{public_url.rstrip('/')}/#kilde?{query}"
    return str(citation.url or "")
