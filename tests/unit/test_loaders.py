"""Loaders: PDF (with page numbers), text, Markdown, and bad files reported by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.clean import logical_lines
from indexer.loaders import LoadError, load_document, split_text_pages


def make_pdf(path: Path, pages: list[list[str]], header: str | None = None) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        if header:
            pdf.cell(0, 8, header, new_x="LMARGIN", new_y="NEXT")
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-15)
        pdf.cell(0, 8, f"Side {number} av {len(pages)}", align="C")
    pdf.output(str(path))
    return path


def test_pdf_keeps_page_numbers_and_drops_running_headers(tmp_path: Path) -> None:
    pdf = make_pdf(
        tmp_path / "avtale.pdf",
        [
            [
                "1 Formål",
                "Avtalen skal bidra til gode pasientforløp for pasienter som trenger tjenester fra begge nivåer.",
            ],
            ["2 Organisering", "Samarbeidsutvalget møtes seks ganger i året og ledes av kommunen."],
            ["3 Varighet", "Avtalen gjelder i fire år og kan sies opp med seks måneders varsel."],
        ],
        header="Samarbeidsavtale mellom kommunen og sykehuset",
    )
    loaded = load_document(pdf)
    assert loaded.kind == "pdf" and len(loaded.pages) == 3
    assert "seks ganger i året" in loaded.pages[1]
    assert not any("Samarbeidsavtale mellom" in page for page in loaded.pages), "running header kept"
    assert not any("Side 2 av 3" in page for page in loaded.pages), "page number line kept"

    from indexer.chunking import chunk_lines

    passages = chunk_lines("avtale", logical_lines(loaded.pages))
    by_section = {p.section_number: p for p in passages}
    assert by_section["2"].page == 2 and "seks ganger" in by_section["2"].text
    assert by_section["3"].page == 3 and by_section["1"].page == 1


def test_encrypted_pdf_is_reported_by_name(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("hemmelig")
    path = tmp_path / "låst.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(LoadError, match=r"låst\.pdf.*kryptert"):
        load_document(path)


def test_broken_pdf_is_reported_by_name(tmp_path: Path) -> None:
    path = tmp_path / "ødelagt.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nthis is not a pdf\n")
    with pytest.raises(LoadError, match=r"ødelagt\.pdf"):
        load_document(path)


def test_binary_file_with_txt_name_and_empty_file(tmp_path: Path) -> None:
    binary = tmp_path / "bilde.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(LoadError, match=r"bilde\.txt.*binær"):
        load_document(binary)
    empty = tmp_path / "tom.txt"
    empty.write_text("   \n\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"tom\.txt.*tom"):
        load_document(empty)


def test_text_pages_from_form_feeds_and_extraction_marks() -> None:
    pages, inferred = split_text_pages("side en\fside to\fside tre")
    assert pages == ["side en", "side to", "side tre"] and not inferred
    text = " Første side\nmer tekst\n\n\n\nAndre side starter etter tomme linjer\n Tredje side med innrykk"
    pages, inferred = split_text_pages(text)
    assert inferred and len(pages) == 3
    assert pages[1].startswith("Andre side") and pages[2].startswith(" Tredje")


def test_markdown_headings_become_sections(tmp_path: Path) -> None:
    from indexer.chunking import chunk_lines

    path = tmp_path / "rutine.md"
    path.write_text(
        "# Rutine for utskrivning\n\nInnledende tekst.\n\n## 1 Varsling\n\nSykehuset varsler kommunen.\n\n"
        "## 2 Ansvar\n\n- Kommunen tar imot\n- Sykehuset sender epikrise\n",
        encoding="utf-8",
    )
    loaded = load_document(path)
    passages = chunk_lines("rutine", logical_lines(loaded.pages, markdown=True))
    sections = {p.section_number: p for p in passages}
    assert sections["1"].section == "1 Varsling" and "varsler kommunen" in sections["1"].text
    assert "- Sykehuset sender epikrise" in sections["2"].text


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "notat.xyz"
    path.write_bytes(b"PK")
    with pytest.raises(LoadError, match=r"notat\.xyz: filtypen \.xyz støttes ikke"):
        load_document(path)
