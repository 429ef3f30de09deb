"""The documents of the loaded index: what `/v1/documents` and the citation viewer show."""

from __future__ import annotations

from typing import Any

from assistant.domain import Filters
from assistant.errors import HfaError
from assistant.retrieval.hybrid import Retriever


def _summary(retriever: Retriever, doc_id: str, passages: list[dict[str, Any]]) -> dict[str, Any]:
    first = passages[0]
    meta = retriever.manifest.documents.get(first.get("file", ""))
    region = retriever.manifest.regions.get(first["region"])
    return {
        "doc_id": doc_id,
        "title": first["title"],
        "region": first["region"],
        "region_name": region.name if region else first["region"],
        "kind": first["kind"],
        "status": first["status"],
        "status_note": first.get("status_note", ""),
        "date": first.get("date", ""),
        "issued_by": meta.issued_by if meta else "",
        "url": first.get("url", ""),
        "passages": len(passages),
        "sections": len({p["section"] for p in passages}),
    }


def _by_document(retriever: Retriever, visible: tuple[str, ...] | None) -> dict[str, list[dict[str, Any]]]:
    access = Filters(visible=visible)
    documents: dict[str, list[dict[str, Any]]] = {}
    for passage in sorted(retriever.snapshot().passages, key=lambda p: int(p["row"])):
        if access.can_see(passage):
            documents.setdefault(passage["doc_id"], []).append(passage)
    return documents


def list_documents(retriever: Retriever, visible: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """The documents the caller may see, with metadata and passage counts, by region and title."""
    documents = [_summary(retriever, doc_id, passages) for doc_id, passages in _by_document(retriever, visible).items()]
    return sorted(documents, key=lambda d: (d["region"], d["title"]))


def document_detail(retriever: Retriever, doc_id: str, visible: tuple[str, ...] | None = None) -> dict[str, Any]:
    """One document's metadata and its passages in reading order. A document the caller
    may not see is "not found", exactly like one that does not exist."""
    passages = _by_document(retriever, visible).get(doc_id)
    if not passages:
        raise HfaError(f"Fant ikke dokumentet «{doc_id}».", 404, f"unknown document {doc_id!r}")
    detail = _summary(retriever, doc_id, passages)
    detail["content"] = [
        {"section": p["section"], "path": p.get("section_path", ""), "page": int(p["page"]), "text": p["text"]}
        for p in passages
    ]
    return detail


def structure(
    retriever: Retriever, region: str | None = None, visible: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """The structure map of the loaded index (bodies and cited facts), per region. Facts
    citing a document the caller may not see are left out."""
    snapshot = retriever.snapshot()
    data = snapshot.structure or {"regions": {}}
    if region and region not in data["regions"]:
        known = ", ".join(sorted(data["regions"])) or "(ingen)"
        raise HfaError(f"Ukjent helsefellesskap «{region}». Gyldige verdier: {known}.", 422, f"region {region!r}")
    access = Filters(visible=visible)
    seen_docs = {p["doc_id"] for p in snapshot.passages if access.can_see(p)}
    regions = []
    for name, content in data["regions"].items():
        if region and name != region:
            continue
        meta = retriever.manifest.regions.get(name)
        bodies = [
            {**body, "facts": [f for f in body["facts"] if f["citation"]["doc_id"] in seen_docs]}
            for body in content["bodies"]
        ]
        regions.append({"region": name, "name": meta.name if meta else name, "bodies": bodies})
    return {"regions": regions}
