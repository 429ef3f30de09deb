"""Wire models of the HTTP API."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SearchResult(BaseModel):
    doc_id: str
    title: str
    section: str
    page: int
    text: str
    score: float
    region: str
    kind: str
    status: str


class SearchResponse(BaseModel):
    results: list[SearchResult]


class ErrorBody(BaseModel):
    message: str = Field(description="Norwegian message for the user")


class ErrorResponse(BaseModel):
    error: ErrorBody


class Health(BaseModel):
    status: str
    generation: str | None = None
    passages: int | None = None
