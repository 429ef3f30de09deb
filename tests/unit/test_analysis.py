"""Norwegian text analysis, glossary expansion and follow-up rewriting."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.demands import demands_of, meets
from assistant.answering.followup import is_followup, standalone_question
from assistant.answering.generators.extractive import ExtractiveGenerator
from assistant.domain import Hit, Turn
from assistant.retrieval.hybrid import Glossary, Thesaurus
from indexer.analysis import (
    canonical_spelling,
    intent_pattern,
    intent_terms,
    normalize_question,
    numbered_words,
    tokenize,
)
from indexer.manifest import ManifestError, load_glossary, load_intents, load_synonyms

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_stemming_matches_inflected_forms() -> None:
    assert tokenize("utvalget")[0] == tokenize("utvalg")[0]
    assert tokenize("brukerrepresentantene")[0] == tokenize("brukerrepresentanter")[0]
    assert "hvor" not in tokenize("Hvor ofte møtes utvalget?")  # stop words are dropped


def test_corpus_spelling_variants_and_nynorsk() -> None:
    assert canonical_spelling("Helsefelleskapet og Helefellesskapet") == "Helsefellesskapet og Helsefellesskapet"
    assert canonical_spelling("Kor ofte møtest utvalet?") == "Hvor ofte møtes utvalget?"
    assert canonical_spelling("Kven sit i kommunane") == "Hvem sitter i kommunene"
    assert canonical_spelling("Kva for punkt gjeld det, og kva for nokre?") == "Hvilke punkt gjelder det, og hvilke?"
    assert tokenize("samarbeidsutvalet") == tokenize("samarbeidsutvalget")
    # an abbreviation's genitive is the abbreviation; a word in lower case keeps its "s"
    assert canonical_spelling("SSUs oppgaver og FSU's mandat") == "SSU oppgaver og FSU mandat"
    assert tokenize("SSUs") == tokenize("SSU") and canonical_spelling("KS og hans") == "KS og hans"
    # chat shorthand; the documents' own "m.m." and "m.fl." stay
    assert canonical_spelling("utskrivningsklare pas m/ fastlegen, ordfører el kommunedir?") == (
        "utskrivningsklare pasienter med fastlegen, ordfører eller kommunedir?"
    )
    assert canonical_spelling("kurs m.m. og PKO m.fl. i El-bilen") == "kurs m.m. og PKO m.fl. i El-bilen"


def test_every_inflected_form_reaches_one_stem() -> None:
    # Snowball alone cuts "statsforvalteren" to "statsforvalter" but "statsforvalter" to "statsforvalt"
    assert tokenize("statsforvalteren") == tokenize("statsforvalter")
    assert tokenize("lederen") == tokenize("leder") == tokenize("ledere")


def test_nynorsk_endings_and_keyboards_without_norwegian_letters() -> None:
    question = "Kvifor er det særleg vanskeleg å få samanhengande tenester for born, ifølgje St. Olavs-innspelet?"
    assert canonical_spelling(question) == (
        "Hvorfor er det særlig vanskelig å få sammenhengende tjenester for barn, ifølge St. Olavs-innspillet?"
    )
    assert canonical_spelling("Kva meinte Partnarskapet om utfordringane?") == (
        "Hva mente Partnerskapet om utfordringene?"
    )
    assert canonical_spelling("Hvor ofte mötes SSU?") == "Hvor ofte møtes SSU?"
    # a table word with a Nynorsk noun ending takes the Bokmål ending
    assert canonical_spelling("Kor lenge sit leiaren, og korleis er leiinga ordna?") == (
        "Hvor lenge sitter lederen, og hvordan er ledelsen ordna?"
    )
    assert canonical_spelling("brukarane og brukarar") == "brukerene og brukere"
    # -je infinitives, the -ast passive, a consultation reply's other name
    assert canonical_spelling("Kven skal sitje der, og kor ofte samlast dei?") == (
        "Hvem skal sitte der, og hvor ofte samles de?"
    )
    assert canonical_spelling("høyringssvaret frå Telemark") == "høringsinnspillet fra Telemark"
    assert canonical_spelling("fastlege, leder, Telemark") == "fastlege, leder, Telemark"  # Bokmål stays
    assert canonical_spelling("Kva meinte dei om at tillitsvalde er med i dei øvste organa?") == (
        "Hva mente de om at tillitsvalgte er med i de øverste organene?"
    )
    assert canonical_spelling("helsefellesskapa i Noreg og kvarandre") == "helsefellesskapa i Norge og hverandre"


def test_numbered_things_are_words_the_documents_number_more_than_once() -> None:
    texts = [
        "Retningslinje 1 Ansvar",
        "godkjenne retningslinje 2-12",
        "Pkt. 11 Uenighet",
        "Pkt. 13 Varighet",
        "møte 18. mars",
        "Vedlegg 1.1 Mal",
    ]
    assert numbered_words(texts) == {"retningslinje", "pkt"}


def test_english_chat_words_are_stop_words() -> None:
    assert tokenize("hvem er in charge of the sekretariat pls") == tokenize("hvem er charge sekretariat")
    assert tokenize("to ganger") == ["to", "gang"]  # "to" is a Norwegian number, never dropped


def test_compound_parts_are_indexed() -> None:
    assert set(tokenize("sekretariatet")) <= set(tokenize("Sekretariatfunksjonen"))


def test_question_normalisation_handles_odd_unicode() -> None:
    nfd = "mo\u0308tes"  # o + combining diaeresis
    assert normalize_question(f"  Hvor\u00a0ofte {nfd}\u200b SSU?\u00ad ") == "Hvor ofte mötes SSU?"
    assert tokenize("helse\u00adfellesskap") == tokenize("helsefellesskap")


def test_a_count_of_an_abbreviated_body_is_a_count_of_what_it_stands_for() -> None:
    extractive = ExtractiveGenerator(Glossary(load_glossary(CORPUS)), {})
    counted = demands_of("Hvor mange faglige utvalg finnes i Telemark?")
    said = "Deltakerne i FSU bidrar. I Helsefellesskapet i Telemark er det etablert seks FSU."
    assert not meets(counted, said) and meets(counted, extractive.spelled_out(said))
    assert extractive.spelled_out("SSU og FSU") == (
        "SSU (strategisk samarbeidsutvalg) og FSU (faglig samarbeidsutvalg)"
    )


def test_abbreviations_are_explained_after_the_quotes_not_inside_them() -> None:
    extractive = ExtractiveGenerator(Glossary(load_glossary(CORPUS)), {})
    said = "KS har observatørstatus i PSU. Strategisk samarbeidsutvalg møtes fire ganger årlig [1]."
    answer = extractive.with_abbreviation_note(said)
    assert answer.startswith("KS har observatørstatus i PSU. Strategisk samarbeidsutvalg (SSU) møtes")
    assert answer.endswith("\n\nForkortelser: KS = Kommunesektorens organisasjon; PSU = politisk samarbeidsutvalg.")
    # parts answered on their own share one closing line
    again = extractive.with_abbreviation_note(extractive.without_abbreviations(answer) + "\n\nFSU møtes.")
    assert again.count("Forkortelser:") == 1 and again.endswith("; FSU = faglig samarbeidsutvalg.")
    assert extractive.without_abbreviations(answer) == answer.split("\n\n")[0]


def test_chat_fillers_carry_no_topic() -> None:
    assert tokenize("hva legges ut, protokoller osv?") == tokenize("hva legges ut, protokoller?")
    assert tokenize("hvor mange fsu er det egt? trenger lista asap") == tokenize("hvor mange fsu er det? trenger lista")


def test_glossary_expands_both_ways() -> None:
    glossary = Glossary(load_glossary(CORPUS))
    assert glossary.expand("Hvor ofte møtes SSU?").added == ["strategisk samarbeidsutvalg"]
    assert glossary.expand("Hvem sitter i strategisk samarbeidsutvalg?").added == ["SSU"]
    assert glossary.expand("Hva betyr usht").added == ["Utviklingssenter for sykehjem og hjemmetjenester"]
    assert glossary.expand("Hvem sitter i SSU (strategisk samarbeidsutvalg)?").added == []
    assert glossary.expand("Hvor mange FSU-er finnes?").added == ["faglig samarbeidsutvalg"]


def test_followups_become_standalone() -> None:
    """Without corpus topics the rewrite still carries the earlier question's words."""
    history = [Turn("user", "Hvor ofte møtes SSU?"), Turn("assistant", "SSU møtes fire ganger årlig [1].")]
    assert standalone_question("Hvem sitter i det utvalget?", history) == "Hvem sitter i det utvalget (ofte møtes SSU)?"
    assert standalone_question("Hvem sitter i det utvalget?", []) == "Hvem sitter i det utvalget?"
    why = [Turn("user", "Hva foreslo de?"), Turn("assistant", "De foreslo å dele SSU i to [1]. Mer tekst.")]
    assert standalone_question("Hvorfor det?", why) == "Hvorfor det: De foreslo å dele SSU i to."
    assert not is_followup("Hvor mange kommuner er med i Helsefellesskapet i Telemark?")


def test_intent_phrases_match_whole_words_with_starred_endings() -> None:
    pattern = intent_pattern(["hvem sitter", "medlem*", "bestå* av"])
    assert pattern.search("hvem  sitter i ssu") and pattern.search("hvor mange medlemmer")
    assert pattern.search("hva består ssu av") is None  # "bestå* av" is one phrase: words in a row
    assert pattern.search("det består av to") is not None
    assert pattern.search("hvem sitterbrett") is None and pattern.search("ikkemedlem") is None
    # one small word may stand inside a phrase ("hvem andre sitter"), not any word
    assert pattern.search("hvem andre sitter der?") and pattern.search("det består egentlig av to")
    assert pattern.search("hvem i kommunen sitter") is None


def test_an_intent_is_not_asked_where_its_unless_phrases_stand(tmp_path: Path) -> None:
    (tmp_path / "synonyms.yaml").write_text(
        "intents:\n  - asks: [hva gjør]\n    unless: [hva gjør jeg, hva gjør vi]\n    terms: oppgaver\n"
    )
    intents = load_intents(tmp_path)
    assert intent_terms("Hva gjør SSU?", intents) == ["oppgaver"]
    assert intent_terms("Hva gjør jeg hvis FSU og kommunen er uenige?", intents) == []
    (tmp_path / "synonyms.yaml").write_text("intents:\n  - asks: [hva gjør]\n    unless: hva gjør jeg\n    terms: x\n")
    with pytest.raises(ManifestError, match="unless"):
        load_intents(tmp_path)


def test_an_intent_phrase_that_is_no_plain_words_is_rejected() -> None:
    for bad in ["(a+)+b", "hvem.*", "*medlem", "a" * 61, ""]:
        with pytest.raises(ValueError):
            intent_pattern([bad])


def test_a_bad_intent_in_synonyms_yaml_names_the_entry(tmp_path: Path) -> None:
    (tmp_path / "synonyms.yaml").write_text("intents:\n  - asks: ['hvem.*']\n    terms: sammensetning\n")
    with pytest.raises(ManifestError, match="intents"):
        load_intents(tmp_path)
    (tmp_path / "synonyms.yaml").write_text("intents:\n  - asks: [hvor ofte]\n")
    with pytest.raises(ManifestError, match="terms"):
        load_intents(tmp_path)


def test_a_synonyms_file_of_the_wrong_shape_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "synonyms.yaml").write_text("- bare en liste\n")
    with pytest.raises(ManifestError, match="toppnivå"):
        load_intents(tmp_path)
    (tmp_path / "synonyms.yaml").write_text("intents: hvor ofte\n")
    with pytest.raises(ManifestError, match="liste"):
        load_intents(tmp_path)


def test_a_body_described_instead_of_named_adds_its_name(tmp_path: Path) -> None:
    (tmp_path / "synonyms.yaml").write_text(
        "synonyms:\n  - term: faglig samarbeidsutvalg\n    alternatives: [fagutvalg]\n"
        "    described_as: {modifiers: [fag, tema], heads: [grupp, utvalg]}\n"
        "  - term: partnerskapsmøtet\n    alternatives: []\n"
        "    described_as: {modifiers: [topp, høyest], heads: [møte, forum]}\n"
    )
    thesaurus = Thesaurus(load_synonyms(tmp_path))
    for described in [
        "Hvem styrer de tematiske gruppene?",  # an adjective before its noun
        "Kan jeg bli med i en av fagfolk-gruppene?",  # one compound word
        "Skal de i de temabaserte arbeidsgruppene tale for arbeidsgiveren?",  # the head inside the next word
        "Hvem sitter i temautvalget?",
    ]:
        assert thesaurus.expand(described) == ["faglig samarbeidsutvalg"], described
    assert thesaurus.expand("Når det høyeste samarbeidsforumet vedtar noe") == ["partnerskapsmøtet"]
    assert thesaurus.expand("Hvem møter på toppmøtet?") == ["partnerskapsmøtet"]
    # several bodies, a verb before a noun, a modifier alone: no body
    for other in ["Hvem sitter i de to øverste forumene?", "Hvem leder møtet?", "Hva er de faglige anbefalingene?"]:
        assert thesaurus.expand(other) == [], other
    # the matched words count as the documents' words (no "dokumentene sier ikke noe om tematiske")
    assert ("tematiske gruppene", ["faglig samarbeidsutvalg"]) in thesaurus.matches("Hvem leder de tematiske gruppene?")


def test_a_description_needs_both_lists_of_real_words(tmp_path: Path) -> None:
    for bad in [
        "{modifiers: [fag]}",
        "[fag, grupp]",
        "{modifiers: [fag], heads: [e]}",
        "{modifiers: [], heads: [grupp]}",
    ]:
        (tmp_path / "synonyms.yaml").write_text(f"synonyms:\n  - term: x\n    described_as: {bad}\n")
        with pytest.raises(ManifestError, match="described_as"):
            load_synonyms(tmp_path)


def test_an_everyday_phrase_matches_its_other_inflections(tmp_path: Path) -> None:
    (tmp_path / "synonyms.yaml").write_text(
        "synonyms:\n  - term: agenda\n    alternatives: [saksliste]\n  - term: konsensus\n    alternatives: [enige]\n"
    )
    thesaurus = Thesaurus(load_synonyms(tmp_path))
    for written in ["Hva står på sakslista?", "Hvem setter sakslisten?", "Hvem lager sakslistene?"]:
        assert thesaurus.expand(written) == ["agenda"], written
    # a short word keeps its ending: "enige" does not become a prefix of "enighet", "enigma" …
    assert thesaurus.expand("Er de enige?") == ["konsensus"]
    assert thesaurus.expand("Hva er enigmaet?") == []


def _passage_hit(text: str) -> Hit:
    passage = {"text": text, "trail": "", "doc_id": "d", "title": "t", "section": "s", "page": 1, "region": "r"}
    passage |= {"status": "gjeldende", "kind": "notat", "date": ""}
    return Hit(passage, 1.0, dense_rank=1, bm25_rank=1, dense_score=0.8)


def test_what_answers_a_list_or_draws_the_conclusion_joins_the_answer() -> None:
    extractive = ExtractiveGenerator(Glossary(load_glossary(CORPUS)), {})
    listed = (
        "Det er behov for å styrke brukermedvirkningen. Det pekes særskilt på følgende områder:\n"
        "- Tydelig mandat for brukerrepresentanter.\n- Sikre rekruttering av brukerrepresentanter.\n"
        "For å imøtekomme disse utfordringene prøves det ut formøter for brukerrepresentanter.\n"
        "Styrking av brukermedvirkning er et tema i handlingsplanen."
    )
    answer = extractive.generate("Hvilke områder peker de på for å styrke brukermedvirkningen?", [_passage_hit(listed)])
    assert "- Sikre rekruttering" in answer.answer and "prøves det ut formøter" in answer.answer
    assert "et tema i handlingsplanen" not in answer.answer  # a sentence that does not point back stays out
    concluded = (
        "Akuttmottaket tar imot flere pasienter enn før. Flere blir ferdigbehandlet i akuttmottaket. "
        "Det stiller nye krav til akuttmottaket. Akuttmottaket trenger også mer plass. "
        "Helsefellesskapet vil derfor sette fokus på den ferdigbehandlede akuttpasienten."
    )
    answer = extractive.generate("Hva skjer i akuttmottaket?", [_passage_hit(concluded)])
    assert "vil derfor sette fokus" in answer.answer


def test_where_the_people_come_from_may_stand_inside_a_phrase_that_asks() -> None:
    who = intent_pattern(["hvem sitter"])
    assert who.search(canonical_spelling("Hvem fra sykehuset sitter i PSU?").lower())
    assert who.search(canonical_spelling("Kven frå leiinga ved sjukehuset sit i PSU?").lower())
    assert not who.search(canonical_spelling("Hvem fra de fire store kommunene i regionen sitter i PSU?").lower())
