"""The structure map (`corpus/structure.yaml`): the bodies of each health community and
facts about them, each with a verbatim quote. The indexer checks every quote against the
documents and stores the facts with their citations (document, section, page) in the
index generation, so the API serves exactly what the indexed documents say."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from indexer.analysis import fold_for_match
from indexer.errors import IndexerError

STRUCTURE_FILE = "structure.yaml"
KINDS = ("rolle", "sammensetning", "møter", "oppgaver", "myndighet")


class StructureError(IndexerError):
    """structure.yaml is malformed or a fact no longer matches its document (Norwegian)."""


def load_structure(corpus_dir: Path) -> dict[str, Any] | None:
    path = corpus_dir / STRUCTURE_FILE
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise StructureError(f"{STRUCTURE_FILE} er ikke gyldig YAML: {exc}") from exc
    if not isinstance(data.get("regions"), dict):
        raise StructureError(f"{STRUCTURE_FILE}: mangler «regions».")
    return data


def resolve_structure(
    data: dict[str, Any], passages: list[dict[str, Any]], warnings: list[str] | None = None
) -> dict[str, Any]:
    """Every fact with the passage that holds its quote (document, title, section, page).
    Raises StructureError naming every stale or broken fact: a document that no longer
    says what a fact quotes. A fact whose document is not in this corpus at all (a
    partial corpus, or a document taken out) is left out with a warning."""
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for passage in passages:
        by_doc.setdefault(passage["doc_id"], []).append(passage)
    problems: list[str] = []
    regions: dict[str, Any] = {}
    every = {b.get("id") for body_list in data["regions"].values() for b in (body_list or {}).get("bodies") or []}
    for region, body_list in data["regions"].items():
        bodies = []
        known = {b.get("id") for b in (body_list or {}).get("bodies") or []}
        for body in (body_list or {}).get("bodies") or []:
            facts = []
            if body.get("reports_to") and body["reports_to"] not in known:
                problems.append(f"organet «{body.get('id')}» rapporterer til ukjent organ «{body['reports_to']}»")
            if body.get("counterpart") and (body["counterpart"] not in every or body["counterpart"] in known):
                problems.append(f"organet «{body.get('id')}» har ukjent motstykke «{body['counterpart']}»")
            for fact in body.get("facts") or []:
                name = f"«{fact.get('id', '?')}» ({body.get('name', body.get('id'))}, {region})"
                if fact.get("kind") not in KINDS:
                    problems.append(f"faktumet {name} har ukjent kind «{fact.get('kind')}»")
                    continue
                quote, doc = str(fact.get("quote", "")), str(fact.get("doc", ""))
                wanted = fold_for_match(quote)
                if doc not in by_doc:
                    if warnings is not None:
                        warnings.append(
                            f"{STRUCTURE_FILE}: faktumet {name} er utelatt; dokumentet «{doc}» er ikke i korpuset"
                        )
                    continue
                holder = next((p for p in by_doc[doc] if wanted and wanted in fold_for_match(p["text"])), None)
                if holder is None:
                    problems.append(f"faktumet {name}: sitatet «{quote[:80]}» står ikke (lenger) i dokumentet «{doc}»")
                    continue
                facts.append(
                    {
                        "id": fact["id"],
                        "kind": fact["kind"],
                        "text": str(fact.get("text", "")),
                        "citation": {
                            "doc_id": doc,
                            "title": holder["title"],
                            "section": holder["section"],
                            "page": int(holder["page"]),
                            "quote": quote,
                            "url": holder.get("url", ""),
                        },
                    }
                )
            bodies.append(
                {
                    "id": body["id"],
                    "name": body.get("name", body["id"]),
                    "aliases": [str(a) for a in body.get("aliases") or []],
                    "reports_to": body.get("reports_to"),
                    "counterpart": body.get("counterpart"),
                    "facts": facts,
                }
            )
        regions[region] = {"bodies": bodies}
    if problems:
        raise StructureError(f"{STRUCTURE_FILE} stemmer ikke med dokumentene: " + "; ".join(problems) + ".")
    return {"regions": regions}
