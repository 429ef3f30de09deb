"""For newcomers and proposal writers: the structure map, glossary answers, and drafts of
case documents, with verbatim citations — through the engine, the API, the CLI and the
web page in Chromium."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
import yaml

from assistant.answering.drafts import make_draft, to_docx
from assistant.answering.engine import Engine
from indexer.analysis import fold_for_match
from tests.conftest import CORPUS, hfa_command

TOPICS = [
    "felles rutine for utskrivning av skrøpelige eldre",
    "digital hjemmeoppfølging",
    "barn og unges psykiske helse",
]


@pytest.fixture(scope="module")
def engine(retriever) -> Engine:  # type: ignore[no-untyped-def]
    return Engine(retriever)


def _corpus_text(retriever) -> list[str]:  # type: ignore[no-untyped-def]
    return [fold_for_match(p["text"]) for p in retriever.snapshot().passages]


def test_every_structure_fact_is_quoted_from_the_corpus(retriever) -> None:  # type: ignore[no-untyped-def]
    source = yaml.safe_load((CORPUS / "structure.yaml").read_text(encoding="utf-8"))
    written = sum(len(b["facts"]) for r in source["regions"].values() for b in r["bodies"])
    indexed = retriever.snapshot().structure
    facts = [f for r in indexed["regions"].values() for b in r["bodies"] for f in b["facts"]]
    assert len(facts) == written > 20
    texts = _corpus_text(retriever)
    for fact in facts:
        assert any(fold_for_match(fact["citation"]["quote"]) in t for t in texts), fact["id"]
        assert fact["citation"]["page"] >= 1 and fact["citation"]["section"]


def test_a_stale_fact_stops_hfa_index_and_is_named(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    text = (corpus / "structure.yaml").read_text(encoding="utf-8")
    (corpus / "structure.yaml").write_text(
        text.replace('quote: "møtes fire ganger årlig"', 'quote: "møtes seks ganger årlig"').replace(
            "counterpart: fsu", "counterpart: fsx"
        ),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
    env.update(HFA_DATA_DIR=str(tmp_path / "data"), HFA_CORPUS_DIR=str(corpus), HFA_LOG_LEVEL="WARNING")
    run = subprocess.run([*hfa_command(), "index"], env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "«ssu-moter»" in run.stderr and "møtes seks ganger årlig" in run.stderr
    assert "ukjent motstykke «fsx»" in run.stderr
    assert not (tmp_path / "data" / "index" / "CURRENT").exists()  # nothing half-true was published


def test_structure_api(server: str) -> None:
    everything = httpx.get(f"{server}/v1/structure", timeout=60).json()
    assert [r["region"] for r in everything["regions"]] == ["telemark", "trondelag"]
    telemark = httpx.get(f"{server}/v1/structure", params={"region": "telemark"}, timeout=60).json()["regions"][0]
    bodies = {b["id"]: b for b in telemark["bodies"]}
    assert bodies["ssu"]["reports_to"] == "partnerskapsmotet" and bodies["fsu"]["reports_to"] == "ssu"
    kinds = {f["kind"] for f in bodies["ssu"]["facts"]}
    assert {"rolle", "møter", "myndighet", "sammensetning", "oppgaver"} <= kinds
    unknown = httpx.get(f"{server}/v1/structure", params={"region": "agder"}, timeout=60)
    assert unknown.status_code == 422 and "agder" in unknown.json()["error"]["message"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Hva betyr USHT?", "USHT står for Utviklingssenter for sykehjem og hjemmetjenester"),
        ("Hva er FSU?", "FSU står for faglig samarbeidsutvalg i Helsefellesskapet i Telemark"),
        ("Hva står PSU for?", "PSU står for politisk samarbeidsutvalg i Helsefellesskapet mellom St. Olavs"),
        ("Kva betyr FFO?", "FFO står for Funksjonshemmedes fellesorganisasjon"),
    ],
)
def test_glossary_questions_are_answered_with_a_citation(engine: Engine, question: str, expected: str) -> None:
    result = engine.ask(question)
    assert result.found and result.answer.startswith(expected)
    quote = result.citations[0].quote
    assert any(fold_for_match(quote) in fold_for_match(p["text"]) for p in result.passages)
    abbr = question.split()[2].rstrip("?")
    assert abbr in quote or re.search(result.answer.split(" står for ")[1].split(" i ")[0], quote, re.IGNORECASE)


def test_glossary_api(server: str) -> None:
    terms = {t["abbr"]: t for t in httpx.get(f"{server}/v1/glossary", timeout=60).json()["terms"]}
    assert terms["SSU"]["expansion"] == "strategisk samarbeidsutvalg"
    assert terms["USHT"]["citation"]["doc_id"] and "USHT" in terms["USHT"]["citation"]["quote"]


@pytest.mark.parametrize("topic", TOPICS)
def test_drafts_name_ssu_include_economy_and_cite_verbatim(engine: Engine, retriever, topic: str) -> None:  # type: ignore[no-untyped-def]
    case = make_draft(engine, topic)
    text = case.markdown
    assert "**Beslutningsorgan: SSU.**" in text
    assert "## Økonomiske konsekvenser" in text and "økonomiske konsekvenser er vurdert" in text
    for heading in ("## Bakgrunn", "## Forslag til vedtak", "## Brukermedvirkning", "## Forankring", "## Tidsplan"):
        assert heading in text
    assert "Hvert FSU møtes minimum fire ganger i året" in text and "møtes fire ganger årlig" in text
    texts = _corpus_text(retriever)
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    assert markers == {c.id for c in case.citations} and len(markers) >= 8
    for citation in case.citations:
        assert any(fold_for_match(citation.quote) in t for t in texts), citation.quote
    strategy = [c for c in case.citations if c.doc_id == "telemark-strategi-2025-2029"]
    assert strategy, "the strategy's relevant focus areas are cited"


def test_docx_holds_the_same_headings(engine: Engine) -> None:
    from docx import Document

    case = make_draft(engine, TOPICS[1])
    document = Document(io.BytesIO(to_docx(case.markdown)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    expected = [line.lstrip("#").strip() for line in case.markdown.splitlines() if line.startswith("#")]
    assert headings == expected


def test_draft_api_and_cli(server: str, corpus_index: Path, tmp_path: Path) -> None:
    from docx import Document

    body = {"topic": "digital hjemmeoppfølging"}
    draft = httpx.post(f"{server}/v1/draft", json=body, timeout=120).json()
    assert draft["markdown"].startswith("# Saksfremlegg: Digital hjemmeoppfølging") and draft["citations"]
    docx = httpx.post(f"{server}/v1/draft/docx", json=body, timeout=120)
    assert (
        docx.status_code == 200 and "saksfremlegg-digital-hjemmeoppfolging.docx" in docx.headers["content-disposition"]
    )
    assert Document(io.BytesIO(docx.content)).paragraphs[0].text == "Saksfremlegg: Digital hjemmeoppfølging"
    empty = httpx.post(f"{server}/v1/draft", json={"topic": ""}, timeout=60)
    assert empty.status_code == 422
    env = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
    env.update(HFA_DATA_DIR=str(corpus_index), HFA_CORPUS_DIR=str(CORPUS), HFA_LOG_LEVEL="WARNING")
    out = tmp_path / "utkast.docx"
    run = subprocess.run(
        [*hfa_command(), "draft", "barn og unges psykiske helse", "--docx", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "**Beslutningsorgan: SSU.**" in run.stdout and out.exists()


def test_structure_and_draft_pages_in_chromium(server: str, tmp_path: Path) -> None:
    from docx import Document
    from playwright.sync_api import expect, sync_playwright

    from tests.system.test_web import ARTIFACTS, CHROMIUM_ARGS, chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.set_default_timeout(30_000)
        page.goto(server)
        page.click("#tab-structure")
        expect(page.locator(".region-map")).to_have_count(2)
        page.get_by_role("button", name="Strategisk samarbeidsutvalg (SSU)").click()
        facts = page.locator("#body-facts")
        expect(facts).to_contain_text("Beslutter saker av strategisk karakter")
        expect(facts).to_contain_text("Møtes fire ganger i året")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "web-structure.png"), full_page=True)
        facts.get_by_role("button").first.click()
        expect(page.locator("#viewer .passage.target mark")).to_be_visible()
        page.keyboard.press("Escape")

        page.click("#tab-draft")
        page.fill("#draft-topic", "felles rutine for utskrivning av skrøpelige eldre")
        page.click("#draft-make")
        expect(page.locator("#draft-output")).to_contain_text("Beslutningsorgan: SSU.")
        expect(page.locator("#draft-output h3", has_text="Økonomiske konsekvenser")).to_be_visible()
        with page.expect_download() as download:
            page.click("#draft-docx")
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        headings = [p.text for p in Document(str(saved)).paragraphs if p.style.name.startswith("Heading")]
        assert "Økonomiske konsekvenser" in headings
        page.screenshot(path=str(ARTIFACTS / "web-draft.png"), full_page=True)
        browser.close()


def test_llm_prose_in_drafts_passes_the_same_validation(retriever) -> None:  # type: ignore[no-untyped-def]
    from assistant.answering.generators.llm import LLMGenerator
    from assistant.domain import Filters
    from assistant.settings import Settings
    from assistant.wiring import llm as make_llm
    from tests.standins.openai_standin import scripted_model

    topic = "digital hjemmeoppfølging"
    hits = retriever.search(
        f"{topic} innsatsområde pasientgruppe", k=3, filters=Filters(region="telemark", kind="strategi")
    )
    sentence = next(s for s in re.split(r"(?<=[.!?])\s+", hits[0].passage["text"]) if len(s) > 40)
    good = f"Strategien peker på dette området [1].\nSitater:\n[1] «{sentence}»"
    bad = "Strategien sier at alle skal få nettbrett [1].\nSitater:\n[1] «alle skal få nettbrett»"
    for reply, used in ((good, True), (bad, False)):
        with scripted_model(reply) as model:
            llm = make_llm(Settings(llm_base_url=model.url, llm_model="scripted", llm_timeout=10))
            case = make_draft(Engine(retriever, LLMGenerator(llm, max_passages=3)), topic)
        assert ("Strategien peker på dette området" in case.markdown) is used
        assert "nettbrett" not in case.markdown
        texts = _corpus_text(retriever)
        assert all(any(fold_for_match(c.quote) in t for t in texts) for c in case.citations)
