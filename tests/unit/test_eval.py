"""The eval runner: metrics, JSON report and the llama-index baseline, on the real index."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.eval.evaluation import first_hit, fold_fact, holds_fact, load_gold, run_eval, within_budget
from assistant.settings import Settings
from tests.conftest import CORPUS


def test_gold_set_covers_what_the_issue_asks_for() -> None:
    questions = load_gold()
    types = {q.type for q in questions}
    assert len(questions) >= 80
    assert {"paraphrase", "nynorsk", "typo", "abbreviation", "region", "followup", "out_of_scope"} <= types
    assert sum(not q.answerable for q in questions) >= 8
    assert {q.group for q in questions} == {"clinician", "fsu", "newcomer"}
    docs = {q.doc for q in questions if q.answerable}
    assert len(docs) == 5
    assert all(q.evidence and q.key_facts for q in questions if q.answerable)
    assert all(q.history for q in questions if q.type == "followup")
    assert {q.split for q in questions} == {"dev", "heldout"}


def test_hit_helpers() -> None:
    texts = ["noe annet", "SSU møtes fire\nganger årlig."]
    assert first_hit(texts, ["møtes fire ganger årlig"]) == 1
    assert first_hit(texts, ["finnes ikke"]) is None
    assert first_hit(["Oppgaver\n- SSU møtes fire ganger årlig"], ["• SSU møtes fire ganger årlig"]) == 0
    assert within_budget(["x" * 3995, "møtes fire ganger"], ["møtes fire"]) is False
    assert within_budget(["x" * 100, "møtes fire ganger"], ["møtes fire"]) is True
    # a key fact matches its answer whatever the spaces around a dash; a hyphen stays as written
    assert fold_fact("strategi 2025 – 2029") in fold_fact("Strategi 2025–2029, vedtatt av Partnerskapet.")
    assert fold_fact("helse- og omsorg") != fold_fact("helse-og omsorg")
    # the abbreviation an answer adds after a name does not hide the fact; other words do
    said = "KS har observatørstatus i Politisk samarbeidsutvalg (PSU) og i Administrativt samarbeidsutvalg (ASU)."
    assert holds_fact(said, "observatørstatus i Politisk samarbeidsutvalg og i Administrativt samarbeidsutvalg")
    assert holds_fact(said, "Politisk samarbeidsutvalg (PSU)")
    assert not holds_fact(
        "Politisk samarbeidsutvalg (som PSU) og i Administrativt", "samarbeidsutvalg og i Administrativt"
    )


def test_run_eval_writes_json_with_baseline(corpus_index: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.yaml"
    questions.write_text(
        "questions:\n"
        "- {id: a, group: newcomer, type: fact, question: 'Hvor ofte møtes SSU?', "
        "evidence: ['møtes fire ganger årlig'], key_facts: ['fire']}\n"
        "- {id: b, group: fsu, type: nynorsk, question: 'Kven skriv under den nye samarbeidsavtalen for kommunane?', "
        "evidence: ['Ordførerne underskriver'], key_facts: ['Ordførerne']}\n"
        "- {id: c, group: clinician, type: out_of_scope, answerable: false, question: 'Hvem vant VM?'}\n",
        encoding="utf-8",
    )
    settings = Settings(data_dir=corpus_index, corpus_dir=CORPUS)
    out = tmp_path / "report.json"
    report = run_eval(settings, questions_file=questions, baseline=True, output=out)
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["answerable"] == 2 and saved["out_of_scope"] == 1
    assert saved["hfa"]["metrics"]["all"]["hit@1"] == 1.0
    assert set(saved["hfa"]["metrics"]["all"]) == {"n", "hit@1", "hit@5", "mrr@5", "hit@4000chars"}
    assert "type:nynorsk" in saved["hfa"]["metrics"] and saved["baseline"]["passages"] > 0
    assert saved["baseline"]["avg_passage_chars"] > saved["hfa"]["avg_passage_chars"]
    assert report["delta_hit@1"] == saved["delta_hit@1"]
    answers = saved["answers"]
    assert answers["refused_out_of_scope"] == 1.0 and answers["citations_verbatim"] == 1.0
    assert answers["found_on_answerable"] == 1.0 and answers["latency"]["median_ms"] > 0


def test_readme_documents_every_setting() -> None:
    readme = (CORPUS.parent / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`HFA_{name.upper()}`" in readme, f"HFA_{name.upper()} missing from README"
