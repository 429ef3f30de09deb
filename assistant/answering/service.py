"""The answering service: what every channel calls with a question.

``AnswerService.ask(question, history, scope)`` runs the patient-data guard once, picks
the collection the caller may use, builds the document filter with the caller's
visibility (access control, applied inside retrieval before anything is ranked) and
asks that collection's engine. Channels only translate their wire format into a
question and a ``Scope`` and the ``Result`` back; none of them chooses a collection,
builds filters or decides visibility itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant import guard
from assistant.answering.collections import Collections
from assistant.answering.engine import Engine
from assistant.domain import Filters, Result, Turn
from assistant.errors import HfaError
from indexer.manifest import PUBLIC

log = logging.getLogger(__name__)


def visibility_for(groups: Iterable[str] | None) -> tuple[str, ...]:
    """What a caller with these groups may see: public documents and the groups' own."""
    return tuple(sorted({PUBLIC, *(groups or ())}))


@dataclass(frozen=True)
class Scope:
    """Where a question comes from: the collection it names (None: the caller's first,
    else the default), the collections the caller may use (empty: all), the document
    filter it asks for and what the caller may see (None: everything, the operator)."""

    collection: str | None = None
    allowed: tuple[str, ...] = ()
    filters: Filters = field(default_factory=Filters)
    visible: tuple[str, ...] | None = None

    @classmethod
    def of(
        cls,
        wanted: Mapping[str, str] | None = None,
        groups: Iterable[str] | None = None,
        collection: str | None = None,
    ) -> Scope:
        """A bot conversation's scope: its configured filter (region, kind, status,
        doc_id), its groups (public documents plus theirs) and its collection."""
        wanted = wanted or {}
        filters = Filters(wanted.get("region"), wanted.get("kind"), wanted.get("status"), wanted.get("doc_id"))
        return cls(collection, (), filters, visibility_for(groups))

    def search_filters(self) -> Filters:
        return self.filters if self.visible is None else self.filters.seeing(self.visible)


class AnswerService:
    """One question in, one validated ``Result`` out, the same way for every channel."""

    def __init__(self, collections: Collections, on_engine: Callable[[Engine], None] | None = None) -> None:
        self.collections = collections
        self._on_engine = on_engine  # e.g. the HTTP channel's metrics instrument the retriever

    def engine(self, scope: Scope) -> Engine:
        """The engine of the collection this scope may use (HfaError 404 otherwise)."""
        engine = self.collections.engine(self.collections.resolve(scope.collection, scope.allowed))
        if self._on_engine is not None:
            self._on_engine(engine)
        return engine

    def warning(self, question: str, where: str = "question") -> str | None:
        """The guard's warning for ``question``, or None: the one guard run per question."""
        return guard.check(question or "", where=where)

    def answer(self, question: str, history: list[Turn] | None = None, scope: Scope | None = None) -> Result:
        """Guard, scope, engine: the answer, or HfaError for a bad request (the HTTP
        channel turns it into its status code)."""
        scope = scope or Scope()
        warning = self.warning(question)
        if warning:
            return Result(warning, False, guarded=True)
        return self.engine(scope).ask(question, history or [], scope.search_filters())

    def answer_stream(
        self, question: str, history: list[Turn] | None = None, scope: Scope | None = None
    ) -> Iterator[tuple[str, Any]]:
        """Like ``answer``, as ("token", text) events and one ("final", Result); a bad
        question raises here, before the stream starts."""
        scope = scope or Scope()
        warning = self.warning(question)
        if warning:
            return iter([("final", Result(warning, False, guarded=True))])
        return self.engine(scope).ask_stream(question, history or [], scope.search_filters())

    def ask(self, question: str, history: list[Turn] | None = None, scope: Scope | None = None) -> Result:
        """``answer`` with every HfaError as a Result holding its Norwegian message: what
        the chat channels (Slack, Teams, CLI) show the user."""
        try:
            return self.answer(question, history, scope)
        except HfaError as exc:
            log.warning("Question failed: %s", exc.log_message)
            return Result(exc.message, False)
