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


def source_line(c: Citation, quote_limit: int | None = None, number: str = "") -> str:
    """``[n] title, section, s. page: «quote»``: one source as a line of text."""
    return c.line(quote_limit, number)


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
