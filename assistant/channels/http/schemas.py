"""Wire models of the HTTP API."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from assistant.retrieval.hybrid import MAX_QUESTION_CHARS

# Limits that hold before the guard or any other pattern sees a text (the body itself is
# limited by HFA_MAX_BODY_BYTES, see assistant.channels.http.hardening).
MAX_TURN_CHARS = 8000  # one history turn or chat message
MAX_HISTORY_TURNS = 20  # earlier turns of /v1/ask
MAX_MESSAGES = 2 * MAX_HISTORY_TURNS + 2  # chat messages: the history, a system message and the question
MAX_CONTENT_PARTS = 20
TurnText = Annotated[str, StringConstraints(max_length=MAX_TURN_CHARS)]


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
    warning: str | None = Field(None, description="The patient-data guard's warning; the query was not searched")


class ErrorBody(BaseModel):
    message: str = Field(description="Norwegian message for the user")


class ErrorResponse(BaseModel):
    error: ErrorBody


class Health(BaseModel):
    status: str
    generation: str | None = None
    passages: int | None = None


# -- ask ---------------------------------------------------------------------------------
class HistoryTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: TurnText


class AskFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region: str | None = Field(None, description="Helsefellesskap, e.g. telemark or trondelag")
    kind: str | None = Field(None, description="Document kind, e.g. retningslinje, strategi, notat")
    status: str | None = Field(None, description="gjeldende, forslag or innspill")
    doc_id: str | None = Field(None, description="One document")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(
        min_length=1, max_length=MAX_QUESTION_CHARS, description="The question, in Norwegian (at most 2,000 characters)"
    )
    history: list[HistoryTurn] = Field(
        default_factory=list, max_length=MAX_HISTORY_TURNS, description="Earlier turns, oldest first"
    )
    filters: AskFilters | None = None
    collection: str | None = Field(None, description="Collection (default: the first the API key may use)")


class SourceRef(BaseModel):
    """Where a quote stands: document, section and page."""

    doc_id: str
    title: str
    section: str
    page: int
    quote: str = Field(description="Verbatim text from the cited passage")
    url: str = ""


class CitationOut(SourceRef):
    id: int


class PassageOut(SearchResult):
    pass


class AskResponse(BaseModel):
    answer: str
    found: bool
    citations: list[CitationOut]
    passages: list[PassageOut]


# -- documents ---------------------------------------------------------------------------
class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    region: str
    region_name: str
    kind: str
    status: str
    status_note: str
    date: str
    issued_by: str
    url: str
    passages: int
    sections: int


class DocumentList(BaseModel):
    documents: list[DocumentSummary]


class CollectionInfo(BaseModel):
    name: str
    title: str


class CollectionList(BaseModel):
    collections: list[CollectionInfo]
    default: str


class DocumentSection(BaseModel):
    section: str
    path: str = Field(description="The section's place in the document, outermost first")
    page: int
    text: str


class DocumentDetail(DocumentSummary):
    content: list[DocumentSection] = Field(description="The document's passages in reading order")


# -- OpenAI-compatible -------------------------------------------------------------------
class ChatMessage(BaseModel):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: TurnText | Annotated[list[dict[str, Any]], Field(max_length=MAX_CONTENT_PARTS)] | None = None

    @model_validator(mode="after")
    def _bounded(self) -> ChatMessage:
        if len(self.text()) > MAX_TURN_CHARS:  # content parts together, like one string
            raise ValueError(f"message longer than {MAX_TURN_CHARS} characters")
        return self

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        if isinstance(self.content, list):  # content parts: keep the text parts
            return "\n".join(str(part.get("text", "")) for part in self.content if part.get("type") == "text")
        return ""


class ChatStreamOptions(BaseModel):
    include_usage: bool = Field(False, description="Send a last chunk with usage and no choices")


class ChatRequest(BaseModel):
    """The fields hfa reads; others (temperature, max_tokens …) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str = "hfa"
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    stream_options: ChatStreamOptions | None = None
    # Refused with a 400 unless they ask for nothing hfa cannot do (n=1, no tools, text).
    n: int | None = Field(None, description="Must be 1: hfa gives one answer")
    tools: list[Any] | None = Field(None, description="Not supported (400 when given)")
    tool_choice: Any = Field(None, description="Not supported (400 unless none)")
    functions: list[Any] | None = Field(None, description="Not supported (400 when given)")
    function_call: Any = Field(None, description="Not supported (400 unless none)")
    response_format: dict[str, Any] | None = Field(None, description='Only {"type": "text"}')


class ChatChoiceMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int = 0
    message: ChatChoiceMessage
    finish_reason: Literal["stop"] = "stop"


class ChatUsage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: ChatUsage


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "hfa"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


# -- structure and glossary ----------------------------------------------------------------
class Fact(BaseModel):
    id: str
    kind: str = Field(description="rolle, sammensetning, møter, oppgaver or myndighet")
    text: str
    citation: SourceRef


class Body(BaseModel):
    id: str
    name: str
    reports_to: str | None
    facts: list[Fact]


class RegionStructure(BaseModel):
    region: str
    name: str
    bodies: list[Body]


class StructureResponse(BaseModel):
    regions: list[RegionStructure]


class GlossaryEntry(BaseModel):
    abbr: str
    expansion: str
    region: str
    citation: SourceRef | None


class GlossaryResponse(BaseModel):
    terms: list[GlossaryEntry]


# -- drafts ------------------------------------------------------------------------------------
class DraftRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: str = Field(min_length=1, max_length=300, description="What the case is about")
    from_body: str = Field("FSU", max_length=100, description="The body the proposal comes from")
    region: str | None = Field(
        None,
        description="The health community whose rules apply (default: the first in the corpus manifest that has them)",
    )
    collection: str | None = None


class DraftResponse(BaseModel):
    topic: str
    markdown: str
    citations: list[CitationOut]
