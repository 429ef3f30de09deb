"""Evaluate retrieval on the gold set, side by side with a llama-index baseline.

Metrics per category: hit@1, hit@5, MRR@5 and "hit within the first 4,000 characters of
results" (fair across chunk sizes). A result is a hit when its text contains one of the
question's evidence phrases. The baseline is llama-index's default ``SentenceSplitter``
chunks with dense-only retrieval over the same embedder.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.answering.followup import standalone_question
from assistant.domain import Turn
from assistant.errors import HfaError
from assistant.resources import resource_dir
from indexer.analysis import fold_for_match

CHAR_BUDGET = 4000


@dataclass
class GoldQuestion:
    id: str
    question: str
    group: str
    type: str
    answerable: bool = True
    doc: str = ""
    region: str = ""
    evidence: list[str] = field(default_factory=list)
    key_facts: list[str] = field(default_factory=list)
    history: list[Turn] = field(default_factory=list)
    split: str = "dev"  # "dev": used to choose parameters; "heldout"/"test": never tuned on
    set: str = "gold"  # the file it comes from (gold, dev, test)
    evidence_sides: list[list[str]] = field(default_factory=list)  # comparisons: evidence per side


def question_files() -> list[Path]:
    """The question sets in evals/: gold.yaml (the first set), dev.yaml (tune on it),
    test.yaml (report only), then any other set by name (dev2.yaml: tune on it)."""
    folder = resource_dir("evals")
    order = {"gold": 0, "dev": 1, "test": 2}
    return sorted(folder.glob("*.yaml"), key=lambda p: (order.get(p.stem, 9), p.stem))


def load_sets(paths: list[Path] | None = None) -> list[GoldQuestion]:
    return [q for path in paths or question_files() for q in load_gold(path)]


def load_gold(path: Path | None = None) -> list[GoldQuestion]:
    path = Path(path) if path else resource_dir("evals") / "gold.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise HfaError(f"Kunne ikke lese spørsmålsfilen {path}: {exc}", 400) from exc
    questions = []
    for item in data.get("questions") or []:
        history = [Turn(t["role"], t["content"]) for t in item.get("history") or []]
        questions.append(
            GoldQuestion(
                id=str(item["id"]),
                question=str(item["question"]),
                group=str(item.get("group", "")),
                type=str(item.get("type", "fact")),
                answerable=bool(item.get("answerable", True)),
                doc=str(item.get("doc", "")),
                region=str(item.get("region", "")),
                evidence=[str(e) for e in item.get("evidence") or []],
                key_facts=[str(k) for k in item.get("key_facts") or []],
                history=history,
                split=str(item.get("split", "dev")),
                set=path.stem,
                evidence_sides=[[str(e) for e in side] for side in item.get("evidence_sides") or []],
            )
        )
    return questions


_BULLET = re.compile(r"^\s*[•·▪◦*-]\s+")
_DASH = re.compile(r" ?([–—]) ?")


def fold_fact(text: str) -> str:
    """Fold an answer or a key fact for matching: as for quotes, and a dash between two
    words or numbers is one dash with or without spaces ("2025 – 2029" is "2025–2029")."""
    return _DASH.sub(r"\1", fold_for_match(text))


# "Politisk samarbeidsutvalg (PSU)": the abbreviation the answer adds after a spelled-out
# name (extractive.with_abbreviation_note) is the engine's, not the document's wording.
_ADDED_ABBREVIATION = re.compile(r" \([A-ZÆØÅ]{2,8}\)(?= |[.,;:]|$)")


def holds_fact(answer: str, fact: str) -> bool:
    """Does the answer state the key fact, as written or with an abbreviation it added
    after a name inside the fact ("… samarbeidsutvalg (PSU) og …")?"""
    folded = fold_fact(fact)
    return folded in fold_fact(answer) or folded in fold_fact(_ADDED_ABBREVIATION.sub("", answer))


def first_hit(texts: list[str], evidence: list[str]) -> int | None:
    """Rank (0-based) of the first text containing an evidence phrase. A list item's
    bullet ("• Utvalget beslutter …", copied from a document) is formatting: the index
    writes every bullet as "- "."""
    folded = [fold_for_match(_BULLET.sub("", e)) for e in evidence]
    for rank, text in enumerate(texts):
        haystack = fold_for_match(text)
        if any(e in haystack for e in folded):
            return rank
    return None


def within_budget(texts: list[str], evidence: list[str], budget: int = CHAR_BUDGET) -> bool:
    """Is an evidence phrase inside the first ``budget`` characters of the results?"""
    kept, used = [], 0
    for text in texts:
        if used >= budget:
            break
        kept.append(text[: budget - used])
        used += len(text)
    return first_hit(kept, evidence) is not None


def _metrics(rows: list[dict[str, Any]]) -> dict[str, float]:
    n = len(rows)
    if n == 0:
        return {"n": 0}
    ranks = [r["rank"] for r in rows]
    return {
        "n": n,
        "hit@1": round(sum(1 for r in ranks if r == 0) / n, 4),
        "hit@5": round(sum(1 for r in ranks if r is not None and r < 5) / n, 4),
        "mrr@5": round(sum(1 / (r + 1) for r in ranks if r is not None and r < 5) / n, 4),
        "hit@4000chars": round(sum(1 for r in rows if r["in_budget"]) / n, 4),
    }


def _by_category(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        part = f"{row.get('set', 'gold')}/{row['split']}"
        groups[f"type:{row['type']}"].append(row)
        groups[f"group:{row['group']}"].append(row)
        groups[f"split:{part}"].append(row)
        groups[f"{part}/{row['type']}"].append(row)
    return {"all": _metrics(rows), **{k: _metrics(v) for k, v in sorted(groups.items())}}


def evaluate_system(
    questions: list[GoldQuestion],
    search: Callable[[str], list[str]],
    standalone: Callable[[str, list[Turn]], str] = standalone_question,
) -> tuple[list[dict[str, Any]], list[float]]:
    rows, latencies = [], []
    for q in questions:
        if not q.answerable:
            continue
        query = standalone(q.question, q.history)
        started = time.perf_counter()
        texts = search(query)
        latencies.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "id": q.id,
                "type": q.type,
                "group": q.group,
                "split": q.split,
                "set": q.set,
                "query": query,
                "rank": first_hit(texts[:5], q.evidence),
                "in_budget": within_budget(texts, q.evidence),
            }
        )
    return rows, latencies


def evaluate_answers(questions: list[GoldQuestion], engine: Any) -> tuple[dict[str, Any], list[float]]:
    """Answer quality of the engine: key facts, found/refused, verbatim citations, per
    set, split and category."""
    rows, latencies = [], []
    for q in questions:
        started = time.perf_counter()
        result = engine.ask(q.question, history=q.history)
        latencies.append((time.perf_counter() - started) * 1000)
        texts = [fold_for_match(p["text"]) for p in result.passages]
        rows.append(
            {
                "id": q.id,
                "type": q.type,
                "split": q.split,
                "set": q.set,
                "answerable": q.answerable,
                "found": result.found,
                "key_facts": all(holds_fact(result.answer, f) for f in q.key_facts) if q.answerable else None,
                "cited": bool(result.citations),
                "verbatim": all(any(fold_for_match(c.quote) in t for t in texts) for c in result.citations),
                # comparisons: does the answer rest on passages from every side?
                "both_sides": all(any(fold_for_match(e) in t for e in side for t in texts) for side in q.evidence_sides)
                if q.evidence_sides
                else None,
            }
        )
    summary = _answer_metrics(rows)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        part = f"{row['set']}/{row['split']}"
        groups[part].append(row)
        groups[f"{part}/{row['type']}"].append(row)
    summary["by_category"] = {name: _answer_metrics(items, brief=True) for name, items in sorted(groups.items())}
    return summary, latencies


def _answer_metrics(rows: list[dict[str, Any]], brief: bool = False) -> dict[str, Any]:
    answerable = [r for r in rows if r["answerable"]]
    oos = [r for r in rows if not r["answerable"]]
    found = [r for r in answerable if r["found"]]
    refused = [r for r in rows if not r["found"]]

    def share(items: list[dict[str, Any]], key: str) -> float | None:
        return round(sum(1 for r in items if r[key]) / len(items), 4) if items else None

    metrics: dict[str, Any] = {
        "n": len(rows),
        "key_fact_accuracy": share(answerable, "key_facts"),
        "found_on_answerable": share(answerable, "found"),
        "refused_out_of_scope": round(sum(1 for r in oos if not r["found"]) / len(oos), 4) if oos else None,
        "wrongly_refused_share": round(1 - (share(answerable, "found") or 0.0), 4) if answerable else None,
        # refusal as a classifier: of the refusals, how many were right (precision), and
        # of the questions the documents cannot answer, how many were refused (recall)
        "refusal_precision": round(sum(1 for r in refused if not r["answerable"]) / len(refused), 4)
        if refused
        else None,
        "citations_verbatim": share(found, "verbatim"),
        "both_sides": share([r for r in rows if r.get("both_sides") is not None], "both_sides"),
    }
    if brief:
        return metrics
    metrics.update(
        {
            "answers_with_citation": share(found, "cited"),
            "key_fact_accuracy_followups": share([r for r in answerable if r["type"] == "followup"], "key_facts"),
            "key_fact_accuracy_by_split": {
                split: share([r for r in answerable if r["split"] == split], "key_facts")
                for split in sorted({r["split"] for r in answerable})
            },
            "misses": [r["id"] for r in answerable if not r["key_facts"]],
            "wrongly_refused": [r["id"] for r in answerable if not r["found"]],
            "wrongly_answered": [r["id"] for r in oos if r["found"]],
        }
    )
    return metrics


def _latency(latencies: list[float]) -> dict[str, float]:
    if not latencies:
        return {}
    ordered = sorted(latencies)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
    }


def run_eval(
    settings: Any,
    questions_file: str | Path | list[str] | list[Path] | None = None,
    baseline: bool = True,
    output: str | Path | None = None,
    answers: bool = True,
) -> dict[str, Any]:
    from assistant import wiring
    from assistant.answering.engine import Engine

    if isinstance(questions_file, list):
        questions = load_sets([Path(f) for f in questions_file])
    else:
        questions = load_gold(Path(questions_file)) if questions_file else load_sets()
    retriever = wiring.retriever(settings)
    snapshot = retriever.snapshot()
    engine = Engine(retriever)

    def hfa_search(query: str) -> list[str]:
        return [hit.passage["text"] for hit in retriever.search(query, k=20)]

    rows, latencies = evaluate_system(questions, hfa_search, engine.standalone)
    lengths = [len(p["text"]) for p in snapshot.passages]
    report: dict[str, Any] = {
        "questions": len(questions),
        "answerable": sum(q.answerable for q in questions),
        "out_of_scope": sum(not q.answerable for q in questions),
        "embedder": retriever.embedder.name,
        "hfa": {
            "metrics": _by_category(rows),
            "latency": _latency(latencies),
            "passages": len(lengths),
            "avg_passage_chars": round(sum(lengths) / max(1, len(lengths)), 1),
            "misses": [r for r in rows if r["rank"] != 0],
        },
    }
    if answers:
        answer_metrics, answer_latencies = evaluate_answers(questions, engine)
        report["answers"] = {**answer_metrics, "latency": _latency(answer_latencies)}
    if baseline:
        from assistant.eval.baseline import BaselineIndex

        base = BaselineIndex.build(settings.corpus_dir, settings.data_dir, retriever.embedder)
        base_rows, base_latencies = evaluate_system(questions, lambda q: base.search(q, k=20), engine.standalone)
        report["baseline"] = {
            "name": "llama-index SentenceSplitter (standard) + kun tett søk",
            "metrics": _by_category(base_rows),
            "latency": _latency(base_latencies),
            "passages": len(base.chunk_lengths),
            "avg_passage_chars": round(sum(base.chunk_lengths) / max(1, len(base.chunk_lengths)), 1),
        }
        report["delta_hit@1"] = round(
            report["hfa"]["metrics"]["all"]["hit@1"] - report["baseline"]["metrics"]["all"]["hit@1"], 4
        )
    out = Path(output) if output else settings.data_dir / "eval" / f"eval-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    report["output"] = str(out)
    return report


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"Gullsett: {report['questions']} spørsmål ({report['answerable']} besvarbare, "
        f"{report['out_of_scope']} utenfor dokumentene). Embedder: {report['embedder']}",
        "",
        f"{'kategori':<22}{'n':>4}  {'hit@1':>6} {'hit@5':>6} {'MRR@5':>6} {'4000t':>6}"
        + ("   | baseline hit@1 hit@5 MRR@5 4000t" if "baseline" in report else ""),
    ]
    hfa_metrics = report["hfa"]["metrics"]
    base_metrics = report.get("baseline", {}).get("metrics", {})
    for name, m in hfa_metrics.items():
        line = (
            f"{name:<22}{m['n']:>4}  {m['hit@1']:>6.2f} {m['hit@5']:>6.2f} "
            f"{m['mrr@5']:>6.2f} {m['hit@4000chars']:>6.2f}"
        )
        if name in base_metrics:
            b = base_metrics[name]
            line += f"   |        {b['hit@1']:>6.2f} {b['hit@5']:>5.2f} {b['mrr@5']:>5.2f} {b['hit@4000chars']:>5.2f}"
        lines.append(line)
    lines.append("")
    lines.append(
        f"hfa: {report['hfa']['passages']} passasjer, snitt {report['hfa']['avg_passage_chars']} tegn; "
        f"søketid median {report['hfa']['latency'].get('median_ms')} ms, "
        f"p95 {report['hfa']['latency'].get('p95_ms')} ms"
    )
    if "baseline" in report:
        base = report["baseline"]
        lines.append(
            f"baseline: {base['passages']} biter, snitt {base['avg_passage_chars']} tegn; "
            f"hit@1-forskjell {report['delta_hit@1']:+.2f}"
        )
    if "answers" in report:
        a = report["answers"]
        lines.append(
            f"svar (ekstraktivt): nøkkelfakta {a['key_fact_accuracy']:.2f}, funnet {a['found_on_answerable']:.2f} "
            f"av besvarbare, avvist {a['refused_out_of_scope']:.2f} utenfor dokumentene, ordrette sitater "
            f"{a['citations_verbatim']:.2f}, med kilde {a['answers_with_citation']:.2f}; "
            f"svartid median {a['latency'].get('median_ms')} ms, p95 {a['latency'].get('p95_ms')} ms"
        )
        lines.append("")
        lines.append(
            f"{'svar per sett/del/kategori':<34}{'n':>4} {'nøkkelf.':>8} {'funnet':>7} {'avvist':>7} "
            f"{'feilavv.':>8} {'avv.pres.':>9} {'ordrett':>8}"
        )

        def cell(value: float | None, width: int) -> str:
            return f"{value:>{width}.2f}" if value is not None else f"{'–':>{width}}"

        for name, m in a.get("by_category", {}).items():
            lines.append(
                f"{name:<34}{m['n']:>4} {cell(m['key_fact_accuracy'], 8)} {cell(m['found_on_answerable'], 7)} "
                f"{cell(m['refused_out_of_scope'], 7)} {cell(m['wrongly_refused_share'], 8)} "
                f"{cell(m['refusal_precision'], 9)} {cell(m['citations_verbatim'], 8)}"
            )
    lines.append(f"Rapport skrevet til {report.get('output')}")
    return "\n".join(lines)
