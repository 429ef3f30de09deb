"""Cleaning of PDF-extraction artifacts and structure-aware chunking."""

from __future__ import annotations

from pathlib import Path

from indexer.chunking import MAX_CHARS, MAX_LIST_CHARS, chunk_lines
from indexer.clean import BULLET, HEADING, logical_lines
from indexer.loaders import load_document
from indexer.sentences import passage_units

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_lines_broken_mid_sentence_are_joined() -> None:
    page = (
        "Denne retningslinjen tilhører samarbeidsavtalen som er inngått mellom kommunene i Telemark og Sykehuset \n\n"
        "Telemark Helseforetak (STHF). Retningslinjen gjentar ikke de områdene som er omtalt.\n"
        "• To brukerrepresentanter (Leder av brukerutvalget ved STHF og en representant fra pasient-, pårørende- og \n"
        "brukerorganisasjoner) \n"
        "Et godt samarbeid krever kompetanse-\nheving og helse- \nog omsorgstjenester i Helse Sør-\nØst.\n"
    )
    lines = logical_lines([page])
    texts = [line.text for line in lines]
    assert texts[0].startswith("Denne retningslinjen") and "Sykehuset Telemark Helseforetak (STHF)." in texts[0]
    assert lines[1].kind == BULLET and lines[1].text.endswith("og brukerorganisasjoner)")
    assert "kompetanseheving" in texts[2] and "helse- og omsorgstjenester" in texts[2] and "Sør-Øst." in texts[2]


def test_bullet_styles_are_normalised() -> None:
    lines = logical_lines(["Liste:\n• en\n· to\n● tre\no under\n- fire\n– fem"])
    bullets = [(line.text, line.level) for line in lines if line.kind == BULLET]
    assert bullets == [("en", 1), ("to", 1), ("tre", 1), ("under", 2), ("fire", 1), ("fem", 1)]


def test_numbered_headings_follow_the_sequence() -> None:
    page = (
        "1 Formål\nTekst om formål.\n2 Organisering\nTekst.\n2.1 Partnerskapsmøtet\nMøtes to ganger.\n"
        "Digitalisering er prioritert i Nasjonal helse- og samhandlingsplan 2024 – \n"
        "2027. Felles satsing er avgjørende.\n3 Sekretariat\nTekst.\n"
    )
    headings = [(line.number, line.text) for line in logical_lines([page]) if line.kind == HEADING]
    assert headings == [("1", "Formål"), ("2", "Organisering"), ("2.1", "Partnerskapsmøtet"), ("3", "Sekretariat")]


def test_sections_keep_path_page_and_heading_with_list() -> None:
    loaded = load_document(CORPUS / "telemark-retningslinje-1-ansvar-og-oppgaver.txt")
    passages = chunk_lines("r1", logical_lines(loaded.pages))
    composition = next(p for p in passages if p.section == "2.2 Strategisk samarbeidsutvalg (SSU) › Sammensetning")
    assert composition.section_path == "2 › 2.2"
    assert composition.text.startswith("Sammensetning\n- Kommunalsjefer helse og omsorg")
    assert "NAV (Observatør med talerett)" in composition.text  # the whole list stays together
    assert composition.trail.startswith("2 Organisering av helsefellesskapet › 2.2 Strategisk")
    partnership = next(p for p in passages if p.section_number == "2.1")
    assert partnership.page == 2  # the page break is inferred from the extraction's stray space
    tasks = [p for p in passages if p.section_number == "3.1"]
    assert len(tasks) == 1  # a list of ~1,000 characters is one answer and stays whole
    assert "Saksforberedelse" in tasks[0].text and "Ta imot og følge opp henvendelser" in tasks[0].text
    assert all(len(p.text) <= (MAX_LIST_CHARS if "\n- " in p.text else MAX_CHARS) for p in passages)


def test_very_long_list_is_split_with_its_heading_repeated() -> None:
    items = "\n".join(f"• Oppgave nummer {i} for sekretariatet i helsefellesskapet" for i in range(60))
    page = f"1 Oppgaver\nSekretariatet skal:\n{items}\n2 Neste\nTekst.\n"
    parts = [p for p in chunk_lines("liste", logical_lines([page])) if p.section_number == "1"]
    assert len(parts) >= 3
    assert all(p.text.startswith("Sekretariatet skal:") for p in parts)
    assert all(len(p.text) <= MAX_LIST_CHARS for p in parts)
    assert "Oppgave nummer 0 " in parts[0].text and "Oppgave nummer 59 " in parts[-1].text


def test_a_line_right_under_a_spaced_bullet_stays_in_it() -> None:
    # Bullets set apart by blank lines: the bullet's own lines follow it with no blank
    # line between, even when one ends a sentence and the next begins with a capital.
    page = (
        "Eksempler:\n\n● Samarbeid om ambulante team (nå FACT).\nFungerer godt og vurderes utvidet.\n\n"
        "● Konsultasjonstelefon.\n\nEtter listen kommer et nytt avsnitt.\n"
    )
    lines = logical_lines([page])
    bullets = [line.text for line in lines if line.kind == BULLET]
    assert bullets == [
        "Samarbeid om ambulante team (nå FACT). Fungerer godt og vurderes utvidet.",
        "Konsultasjonstelefon.",
    ]
    assert lines[-1].kind != BULLET and lines[-1].text == "Etter listen kommer et nytt avsnitt."
    # bullets with no blank lines between them: a new sentence under one is its own paragraph
    tight = logical_lines(["Eksempler:\n• Første punkt.\n• Andre punkt.\nNytt avsnitt etter listen.\n"])
    assert [line.text for line in tight if line.kind == BULLET] == ["Første punkt.", "Andre punkt."]


def test_a_question_the_list_answers_introduces_it() -> None:
    # Q&A documents repeat their question, then answer with a list: the question is the
    # list's lead-in, kept with it and repeated when the list is split.
    question = "Hvilke justeringer i nasjonale virkemidler (faglige råd, regulering) vil bidra til å realisere målene?"
    filler = "som krever finansiering av nye fellesoppgaver i tjenestene, kompetanse og felles planlegging"
    items = "\n".join(f"● Tiltak nummer {i} {filler} mellom sykehus og kommuner i hele regionen." for i in range(12))
    page = f"1 Innspill\nTekst om innspillet.\n2 Virkemidler\n{question}\n{items}\n3 Neste\nTekst.\n"
    parts = [p for p in chunk_lines("qa", logical_lines([page])) if p.section_number == "2"]
    assert len(parts) >= 2 and all(p.text.startswith(question + "\n- Tiltak") for p in parts)
    assert "nummer 0 " in parts[0].text and "nummer 11 " in parts[-1].text
    short = chunk_lines("qa", logical_lines([f"1 Virkemidler\n{question}\n● Ett tiltak.\n● To tiltak.\n"]))
    assert len(short) == 1 and short[0].text == f"{question}\n- Ett tiltak.\n- To tiltak."


def test_long_sections_are_split_with_overlap() -> None:
    sentences = [f"Setning nummer {i} handler om samhandling mellom kommune og sykehus i regionen." for i in range(40)]
    page = "1 Lang seksjon\n" + " ".join(sentences) + "\n2 Kort seksjon\nKort tekst.\n"
    passages = chunk_lines("lang", logical_lines([page]))
    long_parts = [p for p in passages if p.section_number == "1"]
    assert len(long_parts) >= 3
    assert all(len(p.text) <= MAX_CHARS for p in long_parts)
    first_tail = long_parts[0].text.rsplit(". ", 1)[-1]
    assert first_tail.rstrip(".") in long_parts[1].text  # one sentence of overlap


def test_numbered_paragraphs_keep_their_text() -> None:
    loaded = load_document(CORPUS / "telemark-horingsinnspill-helse-og-sykehusplan-2022.txt")
    passages = chunk_lines("h", logical_lines(loaded.pages))
    two = next(p for p in passages if p.section_number == "2")
    assert two.section.startswith("2 Helsefelleskapet har en struktur") and two.section.endswith("…")
    assert "må i mange tilfeller behandles av SSU før beslutning" in two.text
    # a short numbered point that is a sentence says something too: it is content, not only a title
    four = next(p for p in passages if p.section_number == "4")
    assert four.text.startswith("Temasiden for helsefellesskapet regi av Helsedirektoratet inneholder nyttig")
    page = "1 Formål\nTekst om formål.\n2 Organisering av helsefellesskapet\nTekst.\n"
    titles = chunk_lines("t", logical_lines([page]))
    assert [p.text for p in titles] == ["Tekst om formål.", "Tekst."]


def test_bundled_corpus_passages_average_under_1000_chars() -> None:
    lengths = []
    for path in sorted(CORPUS.glob("*.txt")):
        loaded = load_document(path)
        lengths += [len(p.text) for p in chunk_lines(path.stem, logical_lines(loaded.pages))]
    assert sum(lengths) / len(lengths) <= 1000 and max(lengths) <= MAX_LIST_CHARS


def test_an_abbreviation_does_not_end_a_sentence() -> None:
    text = "Fra Helsefellesskapet mellom St. Olavs hospital HF avgis innspill. Det gjelder bl.a. KS. Så en ny setning."
    assert [u.text for u in passage_units(text)] == [
        "Fra Helsefellesskapet mellom St. Olavs hospital HF avgis innspill.",
        "Det gjelder bl.a. KS.",
        "Så en ny setning.",
    ]


def test_a_short_line_with_a_full_date_is_a_unit_and_a_short_title_is_not() -> None:
    units = passage_units("NOTAT\nDato 30. mars 2022\nTil departementet\nVi sender innspill.")
    assert [(u.kind, u.text) for u in units] == [
        ("sentence", "Dato 30. mars 2022"),
        ("sentence", "Vi sender innspill."),
    ]
