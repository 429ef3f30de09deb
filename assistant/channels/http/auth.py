"""Who is calling the HTTP API: the bearer key's groups (what it may see) and the
collections it may use. Without configured keys every caller is anonymous and sees
public documents in every collection."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from assistant.answering.service import Scope, visibility_for
from assistant.domain import Filters
from assistant.errors import HfaError


@dataclass(frozen=True)
class Access:
    visible: tuple[str, ...]  # document visibilities: "offentlig" plus the key's groups
    collections: tuple[str, ...] = ()  # collections the key may use; empty = all

    def scope(self, collection: str | None = None, filters: Filters | None = None) -> Scope:
        """The answering service's scope for this caller and request."""
        return Scope(collection, self.collections, filters or Filters(), self.visible)


def caller(request: Request) -> Access:
    """What this request may see."""
    keys: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = request.app.state.api_keys
    if not keys:
        return Access(visibility_for(()))
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        # Compared as UTF-8 bytes (compare_digest refuses non-ASCII str), in constant time.
        # Starlette decodes headers as Latin-1; a UTF-8 key arrives as its bytes.
        given_bytes = given.strip().encode("latin-1", errors="replace")
        for key, (groups, collections) in keys.items():
            if hmac.compare_digest(given_bytes, key.encode("utf-8")):
                return Access(visibility_for(groups), collections)
    raise HfaError(
        "Mangler eller ugyldig API-nøkkel. Send den som «Authorization: Bearer <nøkkel>».",
        401,
        "missing or invalid API key",
    )


Caller = Annotated[Access, Depends(caller)]
CollectionParam = Annotated[str | None, Query(description="Samling (standard: den første nøkkelen har tilgang til)")]
