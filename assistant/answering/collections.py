"""Several collections (e.g. one per health community) served by one deployment: an
engine per collection, built on first use, and the rule for which one a request gets."""

from __future__ import annotations

import threading
from collections.abc import Callable

from assistant.answering.engine import Engine
from assistant.errors import HfaError


class Collections:
    """The collections by name; ``build(name)`` makes a collection's engine (wiring
    passes it, so the answering layer never reads settings)."""

    def __init__(
        self,
        names: list[str],
        build: Callable[[str], Engine],
        titles: dict[str, str] | None = None,
        engines: dict[str, Engine] | None = None,
    ) -> None:
        self.names = list(names)
        self._build = build
        self._titles = dict(titles or {})
        self._engines: dict[str, Engine] = dict(engines or {})
        self._lock = threading.Lock()

    @property
    def default(self) -> str:
        return self.names[0]

    def title(self, name: str) -> str:
        return self._titles.get(name) or name

    def engine(self, name: str | None = None) -> Engine:
        name = name or self.default
        if name not in self._engines:
            with self._lock:
                if name not in self._engines:
                    self._engines[name] = self._build(name)
        return self._engines[name]

    def usable(self, allowed: tuple[str, ...] = ()) -> list[str]:
        """The collections a caller limited to ``allowed`` may use (empty: all)."""
        return [n for n in self.names if not allowed or n in allowed]

    def resolve(self, requested: str | None, allowed: tuple[str, ...] = ()) -> str:
        """The collection a request uses: the one it names, else the caller's first, else
        the default. A collection the caller may not use is "unknown", like a missing one."""
        usable = self.usable(allowed)
        name = requested or (usable[0] if usable else self.default)
        if name not in usable:
            listed = ", ".join(usable) or "(ingen)"
            raise HfaError(f"Ukjent samling «{name}». Tilgjengelige samlinger: {listed}.", 404, f"collection {name!r}")
        return name
