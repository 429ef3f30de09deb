"""The engine: extractive answers, citation validation, refusal."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from assistant.answering.engine import Engine
from assistant.answering.followup import standalone_question
from assistant.answering.generators.base import Generator
from assistant.answering.generators.citations import validate
from assistant.domain import Citation, Draft, Hit, Turn
from indexer.analysis import fold_for_match
from tests.conftest import CORPUS, hfa_command


@pytest.fixture(scope="module")
def engine(retriever) -> Engine:  # type: ignore[no-untyped-def]
    return Engine(retriever)


def assert_quotes_verbatim(result) -> None:  # type: ignore[no-untyped-def]
    texts = [fold_for_match(p["text"]) for p in result.passages]
    for citation in result.citations:
        assert any(fold_for_match(citation.quote) in text for text in texts), citation.quote


def test_short_cited_answer_with_region_and_expanded_abbreviation(engine: Engine) -> None:
    result = engine.ask("Hvor ofte møtes SSU?")
    assert result.found and "møtes fire ganger årlig" in result.answer
    assert result.answer.startswith("Helsefellesskapet i Telemark:")
    assert "SSU er operative ledermøter" in result.answer and "[1]" in result.answer  # the quote as written
    assert "\n\nForkortelser: SSU = strategisk samarbeidsutvalg" in result.answer
    first = result.citations[0]
    assert first.doc_id == "telemark-retningslinje-1" and first.page == 2 and first.section.startswith("2.2")
    assert_quotes_verbatim(result)


def test_who_sits_in_gets_the_list_itself(engine: Engine) -> None:
    result = engine.ask("Hvem sitter i SSU?")
    assert "- Kommunalsjefer helse og omsorg" in result.answer and "- Fagdirektør STHF" in result.answer
    assert_quotes_verbatim(result)


def test_documents_not_in_force_are_marked(engine: Engine) -> None:
    memo = engine.ask("Hvem skriver under samarbeidsavtalen på vegne av kommunene?")
    assert "Ordførerne underskriver" in memo.answer
    assert "(forslag i notat til partnerskapsmøtet 1. mars 2024)" in memo.answer
    reply = engine.ask("Hvilken rolle har statsforvalteren i Helsefellesskapet i Telemark?")
    assert "(høringsinnspill, 2022)" in reply.answer


def test_two_questions_in_one_are_answered_part_by_part(engine: Engine) -> None:
    both = engine.ask("Hvem utnevner leder og nestleder i et FSU, og hvem skal de representere?")
    assert both.found and "representere kommune og STHF" in both.answer
    assert both.answer.count("utnevner en leder") == 1  # the second part's answer is the first's: said once
    half = engine.ask("Hvem rekrutterer deltakere til FSU, og hva er telefonnummeret dit?")
    assert not half.found and "Samhandlingskoordinator" in half.answer
    assert "«Hva er telefonnummeret dit?» – dette sier dokumentene ikke noe om." in half.answer


def test_followup_uses_the_earlier_turns(engine: Engine) -> None:
    history = [Turn("user", "Hvor ofte møtes SSU?"), Turn("assistant", "SSU møtes fire ganger årlig [1].")]
    result = engine.ask("Hvem sitter i det utvalget?", history=history)
    assert result.found and "Kommunalsjefer helse og omsorg" in result.answer


def test_out_of_scope_is_refused_with_suggestions(engine: Engine) -> None:
    result = engine.ask("Hvem vant fotball-VM i 2022?")
    assert not result.found and not result.citations
    assert result.answer.startswith("Jeg finner ikke svar på dette i dokumentene")
    assert "Nærmeste avsnitt i dokumentene:" in result.answer and result.passages


def test_clinical_advice_is_refused_saying_why(engine: Engine) -> None:
    result = engine.ask("Hvilken dose paracetamol kan jeg gi et barn på 20 kg?")
    assert not result.found and not result.citations
    assert "styringsdokumenter" in result.answer and "kliniske råd" in result.answer  # manifest.yaml: not_covered


def test_an_amount_of_something_the_documents_never_name_is_refused(engine: Engine) -> None:
    result = engine.ask("Hvor mye koster en parkeringsplass ved sykehuset i Skien?")
    assert not result.found and not result.citations
    assert result.answer.startswith("Dokumentene sier ikke noe om parkeringsplass.")
    assert "15 000" not in result.answer  # the membership fee is no parking price


def test_a_value_is_found_by_the_questions_words_not_by_a_question_like_it(engine: Engine) -> None:
    # corpus/questions.yaml asks what membership costs; a cost the documents never give
    # is not answered by that passage's "15 000,- kroner" (it may be shown as the nearest)
    result = engine.ask("Hvor mye koster en time hos fastlegen i Skien?")
    assert not result.found and result.answer.startswith("Dokumentene sier ikke noe beløp i kroner for dette.")


def test_a_region_without_documents_is_refused_plainly(engine: Engine) -> None:
    result = engine.ask("Når er neste partnerskapsmøte i Helsefellesskapet i Agder?")
    assert not result.found and "ingen dokumenter fra Agder" in result.answer
    # also when a covered region stands beside it: what is asked of Agder is not there
    compared = engine.ask("Hvordan er samarbeidet i Agder organisert sammenlignet med Telemark?")
    assert not compared.found and "ingen dokumenter fra Agder" in compared.answer


def _hits(engine: Engine, question: str) -> list[Hit]:
    return engine.retriever.search(question, k=5)


def test_validation_catches_a_fabricated_quote_and_a_missing_citation(engine: Engine) -> None:
    hits = _hits(engine, "Hvor ofte møtes SSU?")
    p = hits[0].passage
    real = Citation(1, p["doc_id"], p["title"], p["section"], p["page"], "møtes fire ganger årlig")
    assert validate(Draft("SSU møtes fire ganger årlig [1].", [real]), hits).ok
    fake = Citation(1, p["doc_id"], p["title"], p["section"], p["page"], "SSU møtes hver uke")
    assert "not verbatim" in validate(Draft("SSU møtes hver uke [1].", [fake]), hits).problems[0]
    assert "[2] has no citation" in validate(Draft("SSU møtes fire ganger årlig [2].", [real]), hits).problems[0]
    assert "no citation markers" in validate(Draft("SSU møtes fire ganger årlig.", [real]), hits).problems[0]


class _Fabricating(Generator):
    """A generator that invents a quote, as a careless LLM might."""

    def generate(self, question: str, hits: list[Hit]) -> Draft:
        p = hits[0].passage
        return Draft(
            "SSU møtes hver mandag [1].",
            [Citation(1, p["doc_id"], p["title"], p["section"], p["page"], "SSU møtes hver mandag")],
        )


def test_an_invalid_generated_answer_is_replaced_by_the_extractive_one(retriever) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(retriever, generator=_Fabricating())
    result = engine.ask("Hvor ofte møtes SSU?")
    assert "mandag" not in result.answer and "fire ganger årlig" in result.answer
    assert_quotes_verbatim(result)


def test_hfa_ask_json(corpus_index: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
    env.update(HFA_DATA_DIR=str(corpus_index), HFA_CORPUS_DIR=str(CORPUS), HFA_LOG_LEVEL="WARNING")
    out = subprocess.run(
        [*hfa_command(), "ask", "Hvor ofte møtes SSU?", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(out.stdout)
    assert set(result) == {"answer", "found", "citations", "passages"} and result["found"]
    assert set(result["citations"][0]) == {"id", "doc_id", "title", "section", "page", "quote", "url"}


def test_one_list_item_answers_alone(engine: Engine) -> None:
    result = engine.ask("Hvem bringer aktuelle saker til Partnerskapet?")
    assert "- Bringe aktuelle saker til Partnerskapet [1]" in result.answer
    assert "Utvalget beslutter saker" not in result.answer  # not the whole task list
    # the item says which list it is from, and an unnumbered sub-heading whose section it is under
    assert "Strategisk samarbeidsutvalg (SSU) – Oppgaver:" in result.answer
    assert "Partnerskapsmøtet – Oppgaver – Dialogdel:" in result.answer
    assert_quotes_verbatim(result)


def test_a_why_question_gets_the_sentence_with_the_reason(engine: Engine) -> None:
    result = engine.ask("Hvorfor foreslår kommunedirektørene endringer i samarbeidsavtalen?")
    # the reason first (the expansion may carry its abbreviation: "strategisk samarbeidsutvalg (SSU)")
    assert result.answer.split("[1]")[0].count("er av den oppfatning at strategisk samarbeidsutvalg")
    assert "er i dag et for stort fora" in result.answer.split("[1]")[0]


def test_a_why_question_gets_the_reason_that_follows_its_claim(engine: Engine) -> None:
    result = engine.ask("Hvorfor tilrådde kommunedirektørene at retningslinje 1 ikke skulle behandles?")
    assert "Begrunnelsen er at" in result.answer and "fristen er for kort" in result.answer
    history = [
        Turn("user", "Hva anbefalte kommunedirektørene om Retningslinje 1 i notatet fra 2024?"),
        Turn("assistant", "Behandling av retningslinje 1 tilrås ikke behandlet [1]."),
    ]
    assert "fristen er for kort" in engine.ask("hvorfor det?", history=history).answer


def test_the_documents_word_for_an_everyday_one_picks_the_sentence(engine: Engine) -> None:
    # synonyms.yaml: "betalt" is the documents' "godtgjørelse"
    result = engine.ask("Får brukerrepresentantene betalt for møtene i Telemark?")
    assert "Godtgjørelse etter gjeldende satser" in result.answer


def test_the_other_side_of_an_equivalence_question_is_the_counterpart_body(engine: Engine) -> None:
    result = engine.ask("Hvilket organ er øverst i Telemark, og hva er det tilsvarende i Trøndelag?")
    telemark, _, trondelag = result.answer.partition("Trøndelag:")
    assert "Partnerskapsmøte" in telemark and "Politisk samarbeidsutvalg" in trondelag  # structure.yaml counterpart


def test_a_documents_own_date_answers_only_a_question_about_the_document(engine: Engine) -> None:
    founded = engine.ask("Hvilken dato ble helsefellesskapet mellom St. Olavs hospital og kommunene opprettet?")
    assert not founded.found  # the memo is dated 30. mars 2022; the founding date is not given
    dated = engine.ask("Hvilken dato har høringsinnspillet fra St. Olavs?")
    assert dated.found  # asked of the document itself: its date counts


def test_a_documents_opening_line_answers_only_a_question_about_the_document(engine: Engine) -> None:
    opening = "vedtok i sitt møte 18.mars 2022"  # the Telemark consultation reply's own date line
    content = engine.ask("Hva mente Partnerskapet i Telemark i 2022 at planen burde legge mer vekt på?")
    first = content.answer.split("[1]")[0]  # what answers first
    assert content.found and opening not in first and "større vekt" in first
    assert opening in engine.ask("Hvem står bak høringsinnspillet fra Telemark?").answer


def test_whether_a_proposal_was_adopted_later_is_not_in_the_documents(engine: Engine) -> None:
    later = engine.ask("Ble forslaget om å dele SSU vedtatt?")
    assert (
        not later.found
        and "dokumentene har bare forslaget" in later.answer
        and "forslag (ikke vedtatt)" in later.answer
    )
    now = engine.ask("Er det vedtatt at SSU skal deles?")  # what the documents say of its status
    assert now.found and now.answer.startswith("Nei – det er et forslag")
    # then what the proposal says of the claim, not a sentence that merely says "vedtatt"
    split = engine.ask("Er det vedtatt at SSU skal deles i et nedre og et øvre Telemark?").answer
    assert "forslag om å dele Strategisk samarbeidsutvalg" in split and "Saker som blir vedtatt" not in split


def test_a_count_is_answered_by_the_sentence_that_holds_the_number(engine: Engine) -> None:
    result = engine.ask("Hvor mange fagråd har helsefellesskapet rundt St. Olav?")
    assert result.found and "de 5 ulike fagrådene" in result.answer.split("[1]")[0]


def test_a_question_for_so_many_things_by_name_gets_the_list_that_names_them(engine: Engine) -> None:
    six = engine.ask("Hva heter de seks FSU-ene i Telemark?")
    assert six.found and "FSU – Barn og unge" in six.answer and "FSU – Den akuttmedisinske kjeden" in six.answer
    five = engine.ask("Hva heter de fem fagrådene i helsefellesskapet rundt St. Olavs?")  # never named
    assert not five.found and "hvilke alle de 5 er" in five.answer


def test_a_status_question_after_a_statement_is_asked_of_the_document_it_names(engine: Engine) -> None:
    result = engine.ask("I mars 2024 ble det anbefalt å ikke behandle retningslinje 1. Er den likevel vedtatt senere?")
    assert result.found and result.answer.startswith("Ja.") and "Partnerskapet 26. september 2024" in result.answer


def test_whether_something_that_is_no_document_still_holds_is_answered_by_what_is_said_of_it(engine: Engine) -> None:
    result = engine.ask("Gjelder ordningen med helsefellesskap fortsatt?")
    assert result.found and "Ordningen med helsefellesskap ble videreført" in result.answer
    # the plan it came with named first does not pull the answer to that plan ("fortsatt": videreført)
    after = engine.ask("Helsefellesskapene kom med planen for 2020–2023. Gjelder ordningen fortsatt?")
    assert "Ordningen med helsefellesskap ble videreført" in after.answer.split("\n\n")[1]


def test_a_comparison_side_without_the_value_asked_for_says_so(engine: Engine) -> None:
    result = engine.ask("Hvor mye betaler kommunene i Telemark og kommunene rundt St. Olavs i årlig sum?")
    telemark, _, olav = result.answer.partition("St. Olavs:")
    assert "15 000" in telemark and "Dokumentene sier ikke noe beløp i kroner" in olav
    assert not result.found  # partial: one side's amount is not in the documents


def test_a_name_only_the_other_regions_documents_use_is_not_there_for_this_side(engine: Engine) -> None:
    question = "Sitter tillitsvalgte fra Fagforbundet i Politisk samarbeidsutvalg i Trøndelag, slik de gjør i Telemark?"
    result = engine.ask(question)
    olav, _, telemark = result.answer.partition("Telemark:")
    assert "Dokumentene sier ikke noe om Fagforbundet" in olav and "Fagforbundet" in telemark and not result.found


def test_a_year_that_dates_a_document_points_at_it(engine: Engine) -> None:
    # "i høyringssvaret … frå 2022": the consultation reply of 2022, not a sentence that says "i 2022"
    result = engine.ask("Kva sa Partnarskapet i Telemark om digitale møte i høyringssvaret sitt frå 2022?")
    assert result.found and result.citations[0].doc_id == "telemark-horingsinnspill-2022"
    assert "digitale møter" in result.citations[0].quote
    # a genitive or a possessive points at a document by the bare word ("Telemarks høringssvar")
    assert engine.retriever.documents_in("Når ble Telemarks høringssvar vedtatt?") == {"telemark-horingsinnspill-2022"}
    assert engine.retriever.documents_in("Gi innspill på retningslinje 1") == set()
    # a day and month before the year date an event: no document is pointed at
    assert engine.retriever.dated_in("Hva ble vedtatt i juni 2025?", set()) == set()
    assert engine.retriever.dated_in("Hva skrev de i 2025?", set()) == {"telemark-strategi-2025-2029"}


def test_a_supporting_sentence_that_points_back_brings_what_it_points_at(engine: Engine) -> None:
    question = "Hvordan finansieres fellesutgiftene i Telemark, og hva sa St. Olav-fellesskapet om sekretariatet sitt?"
    answer = engine.ask(question).answer
    # "Denne summen utgjør …" supports the answer: the sum it speaks of stands before it
    assert "Denne summen" in answer and answer.index("15 000") < answer.index("Denne summen")


def test_two_parts_answered_by_one_sentence_quote_it_once(engine: Engine) -> None:
    question = "Hvor mye må hver kommune og sykehuset i Telemark skyte inn i felleskassa, og hva går pengene til?"
    result = engine.ask(question)
    quotes = [" ".join(c.quote.split()) for c in result.citations]
    assert any("15 000" in q for q in quotes) and len(set(quotes)) == len(quotes)
    assert [c.id for c in result.citations] == list(range(1, len(quotes) + 1))
    assert all(f"[{c.id}]" in result.answer for c in result.citations)


def test_a_followups_context_neither_makes_a_comparison_nor_pins_a_year(engine: Engine) -> None:
    history = [
        Turn("user", "Hvilke pasientgrupper skal helsefellesskapene prioritere?"),
        Turn(
            "assistant",
            "Fire grupper: barn og unge, personer med alvorlige psykiske lidelser og rusavhengighet, skrøpelige "
            "eldre og personer med flere kroniske lidelser (notat til partnerskapsmøtet i Telemark 1. mars 2024).",
        ),
    ]
    result = engine.ask("hva sier strategien om den siste gruppen?", history=history)
    assert result.found and "kroniske lidelser" in result.answer
    assert result.citations[0].doc_id == "telemark-strategi-2025-2029" and "notatet:" not in result.answer


def test_a_status_answer_quotes_the_documents_own_line(engine: Engine) -> None:
    answer = engine.ask("Når ble høringsinnspillet fra Telemark vedtatt?").answer
    assert "«Partnerskapet i Helsefelleskapet i Telemark vedtok i sitt møte 18.mars 2022" in answer


def test_an_area_outside_the_corpus_is_not_the_region_whose_name_it_holds(engine: Engine) -> None:
    result = engine.ask("Hvordan er helsefellesskapet rundt sykehuset i Levanger i Nord-Trøndelag organisert?")
    assert not result.found and "Nord-Trøndelag" in result.answer and not result.citations


def test_how_long_something_lasts_is_refused_when_no_document_says(engine: Engine) -> None:
    result = engine.ask("Hvor lang oppsigelsestid har kommunene i Telemark hvis de vil si opp samarbeidsavtalen?")
    assert not result.found and "hvor lenge" in result.answer


def test_a_question_for_a_web_address_gets_the_documents_address(engine: Engine) -> None:
    result = engine.ask("Hvor finner jeg Helsefellesskapet i Telemark på nett?")
    assert result.found and "https://www.sthf.no/helsefellesskapet-i-telemark/" in result.answer  # manifest url
    assert_quotes_verbatim(result)


def test_a_followup_about_another_region_replaces_the_hospitals_name_too(engine: Engine) -> None:
    history = [Turn("user", "Hva sier innspillet fra helsefellesskapet rundt St. Olavs hospital om fastlegene?")]
    asked = standalone_question("og i Telemark?", history, engine.topics)
    assert "Telemark" in asked and "hospital" not in asked and "St. Olav" not in asked


def test_a_sentence_starting_with_dette_brings_what_it_refers_to(engine: Engine) -> None:
    result = engine.ask("Hva skal danne utgangspunkt for forbedringsarbeid på tvers av innsatsområdene?")
    assert result.answer.index("felles hendelsesanalyse") < result.answer.index("Dette vil danne utgangspunkt")
    after = engine.ask("Hvordan kan informasjonen deles anonymisert i Helsefellesskapet?")
    assert "Denne informasjonen kan deles anonymisert" in after.answer and "- Avviksstatistikker" in after.answer
    assert_quotes_verbatim(after)


def test_a_region_side_with_a_year_is_answered_from_that_years_document(engine: Engine) -> None:
    result = engine.ask("Hva sa de to helsefellesskapene i 2022 om hvordan sekretariatet finansieres?")
    telemark = result.answer.partition("Trøndelag:")[0]
    assert result.found and "overgangsordning" in telemark  # Telemark's one 2022 document, not its 2025 strategy
    assert all(c.doc_id in ("telemark-horingsinnspill-2022", "st-olav-innspill-2022") for c in result.citations)


def test_who_leads_a_body_needs_a_leader_of_that_body(engine: Engine) -> None:
    elsewhere = engine.ask("Hvem leder PSU i helsefellesskapet rundt St. Olavs?")
    assert not elsewhere.found  # the passage names the leader of ASU's working committee, not PSU's
    own = engine.ask("Hvem leder et FSU?")
    assert own.found and "Hvert FSU utnevner en leder og en nestleder" in own.answer


def test_the_wording_of_a_point_of_a_document_not_indexed_is_not_answered(engine: Engine) -> None:
    # the memo lists the changed points of the cooperation agreement; the agreement is not indexed
    wording = engine.ask("Hvilken formulering foreslås for pkt. 11 i samarbeidsavtalen?")
    assert not wording.found and "punkt 11" in wording.answer.split("\n")[0]
    held = engine.ask("Hva står i punkt 2.3 i retningslinjen om FSU?")
    assert held.found and "punkt 2.3" not in held.answer
    # any question of what the point holds, not only "hva står": its steps, its deadlines
    steps = engine.ask("Hvilke trinn har tvisteløsningen i punkt 11 i samarbeidsavtalen i Telemark?")
    assert not steps.found and "punkt 11" in steps.answer.split("\n")[0]
    topic = engine.ask("Hva handler punkt 11 om?")  # what it is about: the memo's list says
    assert topic.found and "Håndtering av uenighet" in topic.answer


def test_an_attachment_the_documents_only_name_is_not_answered_from_its_title(engine: Engine) -> None:
    content = engine.ask("Hvilke trinn beskriver vedlegg 1.1 om revisjon av retningslinjer?")
    assert not content.found and "vedlegg 1.1" in content.answer.split("\n")[0]  # said plainly, first
    title = engine.ask("Hva heter vedlegg 1.4 til retningslinje 1?")
    assert title.found and "Godtgjøring brukerrepresentanter" in title.answer  # its title is in the list
    guideline = engine.ask("Hva sier retningslinje 3 i samarbeidsavtalen i Telemark om innleggelse i sykehus?")
    assert not guideline.found and "retningslinje 3" in guideline.answer.split("\n")[0]  # only number 1 is here
    point = engine.ask("Hva er oppsigelsestiden i samarbeidsavtalen etter punkt 13?")
    assert not point.found and "punkt 13" in point.answer.split("\n")[0]  # the memo lists its title only
    own = engine.ask("Hva sier punkt 2.2 i retningslinje 1?")
    assert own.found  # a section of an indexed document


def test_a_status_is_cited_to_the_sentence_that_states_it(engine: Engine) -> None:
    result = engine.ask("Er strategien i Telemark gjeldende?")
    assert result.found and result.answer.startswith("Ja")
    assert result.citations[0].quote == "Helsefellesskapets strategi vedtas av Partnerskapet."  # status note's words


def test_an_amount_must_be_the_amount_of_what_is_asked(engine: Engine) -> None:
    fee = engine.ask("Hvor mange kroner får en brukerrepresentant i Telemark i godtgjørelse per møte?")
    assert not fee.found and fee.answer.startswith("Dokumentene sier ikke noe beløp")  # 15 000 is the membership
    part = engine.ask("Hvor mye av de 5,3 millionene i samhandlingstilskudd gikk til tiltak for barn og unge i 2024?")
    assert not part.found  # the only amount quoted is the one the question gave
    member = engine.ask("Hva koster det hver deltakende part i året å være med i helsesamarbeidet i Telemark?")
    assert member.found and "15 000" in member.answer  # "hva koster" is what the members pay (the intents say so)


def test_a_status_question_is_about_the_document_of_the_region_it_names(engine: Engine) -> None:
    # the asker calls the St. Olav consultation reply a memo; the only memo is Telemark's
    result = engine.ask(
        "Er notatet fra helsefellesskapet rundt St. Olav om Nasjonal helse- og sykehusplan en gjeldende retningslinje?"
    )
    assert result.answer.startswith("Nei – det er et høringsinnspill") and "St. Olavs" in result.answer.split("[1]")[0]


def test_whom_a_document_was_sent_to_is_cited_to_its_own_line(engine: Engine) -> None:
    to = engine.ask("Når ble innspillet fra helsefellesskapet rundt St. Olavs hospital sendt, og til hvem?")
    assert "sendt til Helse- og omsorgsdepartementet" in to.answer  # manifest sent_to
    assert to.citations[0].quote.startswith("Til Helse- og omsorgsdepartementet")  # the memo's header line
    by = engine.ask("Hvem sendte høringsinnspillet fra Telemark i 2022?")
    assert by.citations[0].quote == "Med vennlig hilsen sekretariatet for Helsefellesskapet i Telemark"


def test_documents_compared_by_date_and_issuer_get_each_ones_status(engine: Engine) -> None:
    result = engine.ask("Hvilket av høringsinnspillene fra 2022 kom først, Telemarks eller det fra Trøndelag?")
    telemark, _, trondelag = result.answer.partition("Trøndelag:")
    assert result.found and "18. mars 2022" in telemark and "30. mars 2022" in trondelag
    assert {c.doc_id for c in result.citations} == {"telemark-horingsinnspill-2022", "st-olav-innspill-2022"}
    texts = [" ".join(p["text"].split()) for p in result.passages]  # each quote stands in a passage returned
    assert all(any(" ".join(c.quote.split()) in t for t in texts) for c in result.citations)


def test_what_a_text_still_to_be_written_holds_is_not_answered(engine: Engine) -> None:
    result = engine.ask("Hvilke konkrete tiltak står i handlingsdelen til Telemark-strategien?")
    assert not result.found and "skal lages" in result.answer


def test_which_municipalities_needs_their_names(engine: Engine) -> None:
    named = engine.ask("Hvilke kommuner står bak endringsforslagene til samarbeidsavtalen i Telemark?")
    assert named.found and "Bamble" in named.answer
    unnamed = engine.ask("Hvilke kommuner i Telemark har følgetjeneste for fødende?")
    assert not unnamed.found and "navnene" in unnamed.answer


def test_how_a_community_is_organised_lists_its_bodies_from_the_structure_map(engine: Engine) -> None:
    result = engine.ask("Hvilke organer har Helsefellesskapet i Telemark?")
    assert result.found and "Partnerskapsmøtet" in result.answer and "Strategisk samarbeidsutvalg" in result.answer
    assert "Politisk samarbeidsutvalg" not in result.answer  # the region asked about only
    assert len(result.citations) >= 3 and all(c.doc_id == "telemark-retningslinje-1" for c in result.citations)
    both = engine.ask("Hvordan er de to helsefellesskapene organisert?")
    assert "Politisk samarbeidsutvalg (PSU)" in both.answer and "Partnerskapsmøtet" in both.answer
    # a body named: about that body, not the overview
    assert "organisert slik" not in engine.ask("Hvilke nivåer har FSU ansvar for?").answer


def test_who_does_an_item_of_a_task_list_is_said_by_the_section_above_it(engine: Engine) -> None:
    result = engine.ask("Hvem har som jobb å sende avtalene inn til direktoratet i Telemark?")
    assert result.found and "ivaretas av samhandlingskoordinatorene" in result.answer
    assert "Innsending av avtaler til Helsedirektoratet" in result.answer
    owner, item = result.citations[0], result.citations[1]
    assert owner.section.startswith("3 Sekretariatfunksjon") and item.section.startswith("3.1")
    assert_quotes_verbatim(result)
    # what, not who: the list alone
    assert "samhandlingskoordinatorene." not in engine.ask("Hva gjør sekretariatet i Telemark?").answer.split("\n")[0]


def test_a_comparison_asks_each_region_in_its_own_names(engine: Engine) -> None:
    result = engine.ask(
        "Hvor mange faglige utvalg er det i Telemark sammenlignet med helsefellesskapet rundt St. Olav?"
    )
    assert "seks FSU" in result.answer and "5 ulike fagrådene" in result.answer
    # described rather than named, and "like mange": each side counts by the documents' words
    both = engine.ask("Har Telemark og Trøndelag like mange faglige grupper på det laveste nivået?")
    assert "seks FSU" in both.answer and "5 ulike fagrådene" in both.answer


def test_a_body_described_not_named_is_a_side_of_a_comparison(engine: Engine) -> None:
    result = engine.ask("Hvor ofte møtes det øverste organet i Telemark sammenlignet med ledernivået under, SSU?")
    assert result.answer.startswith("Partnerskapsmøtet:")
    assert "to ganger årlig" in result.answer and "fire ganger årlig" in result.answer
    # SSU's own sentence is quoted once; its side points to it rather than standing unnamed
    assert "\n\nSSU:" in result.answer


def test_two_sections_compared_are_answered_each_from_its_own_section(engine: Engine) -> None:
    result = engine.ask(
        "Hva er forskjellen på oppgavene i dialogdelen og i den administrative delen av partnerskapsmøtet?"
    )
    assert result.answer.startswith("Dialogdelen:") and "Gjensidig orientering" in result.answer
    administrative = result.answer.split("\n\nAdministrative delen:")[1]
    assert "Formell beslutningsmyndighet" in administrative


def test_a_conclusion_drawn_from_the_answers_sentences_joins_them(engine: Engine) -> None:
    # "Helsefellesskapet vil derfor sette fokus på …" concludes what the sentences before it say
    result = engine.ask("Hva vil Telemark rette innsatsen mot i akuttkjeden?")
    assert "den ferdigbehandlede akuttpasient" in result.answer


def test_what_became_of_a_proposal_is_not_in_a_rule_that_happens_to_be_cited(engine: Engine) -> None:
    result = engine.ask("Hva ble vedtatt i partnerskapsmøtet 1. mars 2024 om forslaget om å dele SSU?")
    assert not result.found and "til slutt ble vedtatt" in result.answer
    assert "dele Strategisk samarbeidsutvalg" in result.answer  # what the documents do say


def test_a_day_asked_of_a_document_dated_by_its_year_is_not_answered(engine: Engine) -> None:
    result = engine.ask("På hvilken dato vedtok Partnerskapet strategien for 2025–2029?")
    assert not result.found and "vedtatt av Partnerskapet" in result.answer  # what is known, said


def test_grants_by_name_and_another_health_region_are_not_in_the_documents(engine: Engine) -> None:
    assert not engine.ask("Hvilke prosjekter fikk tildelt midler fra tilskuddet i Telemark?").found
    assert not engine.ask("Hvordan er helsefellesskapet i Helse Nord organisert?").found
    assert engine.ask("Hvor mye penger fikk Telemark fra tilskuddet i 2024?").found  # "I 2024 fikk … 5,3 millioner"


def test_a_version_the_documents_do_not_record_is_not_answered(engine: Engine) -> None:
    later = engine.ask("Hva ble endret i versjon 2 av retningslinje 1 i Telemark?")
    assert not later.found and "versjon 2" in later.answer.split("\n")[0]
    assert "Første versjon" in later.answer  # what the documents do record, quoted
    assert engine.ask("Når ble første versjon av retningslinje 1 godkjent?").found
    status = engine.ask("Hva ble endret i versjon 2 av retningslinje 1, og når ble den godkjent?")
    assert not status.found and "versjon 2" in status.answer.split("\n")[0]  # not the status of version 1


def test_how_long_is_answered_by_the_sentence_that_says_how_long(engine: Engine) -> None:
    result = engine.ask("Kor lenge arbeidde arbeidsgruppa om utskrivingsklare pasientar i Trøndelag?")
    assert result.found and "ca. 6 mndr" in result.answer
    assert_quotes_verbatim(result)


def test_the_issuer_of_a_document_is_no_unknown_name(engine: Engine) -> None:
    result = engine.ask("Hvordan foreslo Grenlandssamarbeidet at samarbeidsavtalen skulle behandles politisk?")
    assert result.found and "vedtaks sak i kommunestyrene" in result.answer


def test_where_minutes_are_published_is_an_address_the_other_region_does_not_give(engine: Engine) -> None:
    telemark = engine.ask("Hvor blir møteprotokollene i Helsefellesskapet i Telemark publisert?")
    assert telemark.found and "sthf.no/helsefellesskapet-i-telemark" in telemark.answer
    assert not engine.ask("Hvor publiseres protokollene fra PSU i Trøndelag?").found


def test_when_a_system_will_be_taken_into_use_is_not_answered_by_a_plans_years(engine: Engine) -> None:
    assert not engine.ask("Når blir Helseplattformen tatt i bruk hos alle fastlegene i Trøndelag?").found


def test_a_cost_to_one_person_is_not_what_the_members_pay(engine: Engine) -> None:
    person = engine.ask(
        "Hva koster det for en sykepleier å delta på kurs og konferanser i Helsefellesskapet i Telemark?"
    )
    assert not person.found and "15 000" in person.answer  # what the documents do say, plainly not the answer
    member = engine.ask("Hva koster det hver deltakende part å være med i Helsefellesskapet i Telemark?")
    assert member.found and "15 000" in member.answer


def test_the_price_of_something_else_is_not_what_the_members_pay(engine: Engine) -> None:
    visit = engine.ask("Hvor mye koster en time hos fastlegen?")
    assert not visit.found
    membership = engine.ask("Hva koster medlemskapet for en kommune per år i Telemark?")
    assert membership.found and "15 000" in membership.answer


def test_a_thing_asked_for_that_the_answer_never_speaks_of_is_refused(engine: Engine) -> None:
    other = engine.ask("Hva er visjonen for helsefellesskapet mellom St. Olavs hospital og kommunene?")
    assert not other.found and "visjonen" in other.answer
    own = engine.ask("Hva er visjonen for Helsefellesskapet i Telemark?")
    assert own.found and "Visjonen" in own.answer
    assert_quotes_verbatim(own)


def test_how_often_is_of_what_the_question_asks_about(engine: Engine) -> None:
    # "årlig evaluering" of a plan says nothing of how often the councils meet
    assert not engine.ask("Hvor mange ganger i året møtes fagrådene i helsefellesskapet rundt St. Olavs?").found
    top = engine.ask("Hvor ofte kommer Partnerskapet i Telemark sammen?")
    assert top.found and "to ganger årlig" in top.answer


def test_a_status_is_cited_to_the_documents_own_words_for_it(engine: Engine) -> None:
    result = engine.ask("Hvilken periode gjelder Telemark-strategien for, og hvem har vedtatt den?")
    assert result.citations[0].quote == "Helsefellesskapets strategi vedtas av Partnerskapet."
    dated = engine.ask("Når ble høringsinnspillet fra Telemark vedtatt?")
    assert "18.mars 2022" in dated.citations[0].quote  # the date as the document writes it


def test_the_content_of_a_point_only_listed_is_not_in_the_documents(engine: Engine) -> None:
    result = engine.ask(
        "Hvilke konkrete endringer foreslo kommunedirektørene i pkt. 11 om håndtering av uenighet og tvisteløsning?"
    )
    assert not result.found and "punkt 11" in result.answer


def test_the_counterpart_of_a_body_in_the_other_region_is_that_body(engine: Engine) -> None:
    # the corpus data puts PSU at Partnerskapsmøtet's level; the answer quotes the line that says so
    result = engine.ask("Hva tilsvarer Partnerskapsmøtet hos St. Olav?")
    assert result.found and "Politisk samarbeidsutvalg (PSU) (nivå: partnerskapsmøtet)" in result.answer
    history = [
        Turn("user", "Hva heter det øverste organet i Helsefellesskapet i Telemark?"),
        Turn("assistant", "Det er Partnerskapsmøtet, som er det øverste organet og setter retning for arbeidet."),
    ]
    followup = engine.ask("og hva tilsvarer det hos St. Olav?", history=history)
    assert followup.found and "Politisk samarbeidsutvalg (PSU)" in followup.answer
    assert_quotes_verbatim(followup)


def test_a_numbered_guideline_the_documents_do_not_hold_is_refused(engine: Engine) -> None:
    # the only deadline the documents give is for retningslinje 1
    result = engine.ask("Hva er fristen for å sende innspill til revisjon av retningslinje 2 i Telemark?")
    assert not result.found and "retningslinje 2" in result.answer
    one = engine.ask("Hva var fristen for innspill til retningslinje 1 i Telemark?")
    assert one.found and "23. februar" in one.answer


def test_each_side_of_a_comparison_drops_the_other_sides_community_noun(engine: Engine) -> None:
    result = engine.ask("Hvilke digitale utfordringer trakk Telemark og St. Olav-fellesskapet fram i 2022?")
    telemark, olav = result.answer.split("\n\nSt. Olav")[:2]
    assert "digitale møter" in telemark and "digitale samhandlingsverktøy" in olav
    # a list under a long sub-heading is introduced by that heading alone, not by its parent's too
    assert "› 2.1 Hva opplever" not in result.answer and "Hva opplever" in olav


def test_a_list_reads_as_a_reply_and_a_question_for_the_document_names_it_first(engine: Engine) -> None:
    result = engine.ask("Hvem sitter i Partnerskapsmøtet i Telemark?")
    first = result.answer.split("\n\n")[0]
    # a plain label, then the list: no breadcrumb, no section numbers, no title, no repeated heading
    assert first.splitlines()[0].endswith("Partnerskapsmøtet – Sammensetning:")
    assert first.splitlines()[1] == "- Ordførere"
    assert "›" not in first and "2.1" not in first and "(Retningslinje 1" not in first
    # the citation still gives the section with its number, and the document
    assert result.citations[0].section == "2.1 Partnerskapsmøtet › Sammensetning"
    asked = engine.ask("Hvilket dokument beskriver hvordan endringer i oppgavefordelingen skal utredes i Telemark?")
    assert asked.found and "Det står i «Retningslinje 1 – Ansvar og oppgaver i Helsefellesskapet»" in asked.answer


def test_a_reply_its_sender_adopted_is_said_to_be_adopted_and_no_rule(engine: Engine) -> None:
    # the reply's own line: "Partnerskapet … vedtok i sitt møte 18.mars 2022 følgende …"
    result = engine.ask("Ble Telemarks høringssvar om sykehusplanen vedtatt av noe organ?")
    assert result.found and result.answer.startswith("Ja, avsenderen vedtok innspillet")
    assert (
        "ikke et vedtak som gjelder som regel" in result.answer and "vedtok i sitt møte 18.mars 2022" in result.answer
    )
    # what the reply says is no decision of it
    claim = engine.ask(
        "Er det vedtatt at tillitsvalgte skal være med i partnerskapet, ifølge høringsinnspillet fra Telemark?"
    )
    assert claim.answer.startswith("Nei – det er et høringsinnspill")


def test_a_second_part_asking_how_long_gets_the_duration_of_its_topic(engine: Engine) -> None:
    # the first part's statement and question are context; "hvor lenge" is what the second part asks
    result = engine.ask(
        "I Trøndelag ble det nedsatt en gruppe om utskrivningsklare pasienter. Hvem var med, og hvor lenge jobbet de?"
    )
    assert result.found and "ca. 6 mndr" in result.answer
    # the group's months come before the FSU members' two years, a duration of something else
    assert "Deltakelsen gjelder for 2 år" not in result.answer.split("ca. 6 mndr")[0]


def test_who_stood_behind_a_proposal_and_to_whom_a_rule_applies(engine: Engine) -> None:
    behind = engine.ask("Hvem sto bak endringsforslagene i notatet?")
    assert behind.found and "kommunedirektørene i Bamble" in behind.answer
    # "Gjelder … også for …?" asks whether a rule reaches another region, not whether it is in force
    scope = engine.ask("Gjelder grensen på 1 ½ time for følgetjeneste også for kommunene rundt St. Olav?")
    assert not scope.found and not scope.answer.startswith(("Ja", "Nei"))


def test_how_frequently_asks_how_often(engine: Engine) -> None:
    result = engine.ask("Hvor hyppig møtes Partnerskapet i Telemark?")
    assert result.found and ("to ganger årlig" in result.answer or "to årlige møter" in result.answer)


def test_a_question_about_one_body_is_not_answered_from_another_bodys_section(engine: Engine) -> None:
    history = [
        Turn("user", "Hvor ofte møtes Strategisk samarbeidsutvalg i Telemark?"),
        Turn(
            "assistant", "SSU er de operative ledermøtene i Helsefellesskapet i Telemark og møtes fire ganger i året."
        ),
    ]
    result = engine.ask("og hvem sitter der fra sykehuset?", history=history)
    assert result.found and "Klinikksjefer STHF" in result.answer
    assert "Faglig samarbeidsutvalg (FSU) › Sammensetning" not in result.answer
    # a section of another body that names SSU ("Leder og nestleder i SSU" among Partnerskapet's
    # members) comes after SSU's own
    result = engine.ask("Hvilke ledere fra sykehuset møter i SSU i Telemark?")
    assert result.citations and result.citations[0].section.startswith("2.2 Strategisk samarbeidsutvalg")
    assert "Klinikksjefer STHF" in result.answer.split("\n\n")[0]
    # FSU members sit for two years; the documents give no term for SSU
    term = engine.ask("Hvor lang er funksjonsperioden for medlemmene i SSU i Telemark?")
    assert not term.found and "Deltakelsen gjelder for 2 år" not in term.answer.split("\n\n")[0]


def test_who_is_responsible_for_something_is_not_who_sits_in_a_body(engine: Engine) -> None:
    result = engine.ask("Hvem står for rekrutteringen til FSU?")
    assert result.answer.startswith("Helsefellesskapet i Telemark: Samhandlingskoordinator sørger for")


def test_a_body_described_by_its_definition_is_that_body(engine: Engine) -> None:
    # "SSU er operative ledermøter …": the description names SSU, and the reason for splitting it answers
    result = engine.ask("Hvorfor mente lederne i Grenland at det operative ledermøtet burde deles i to?")
    assert result.found and "for stort fora" in result.answer.split("\n\n")[0]


def test_the_author_named_in_a_question_is_not_the_body_asked_about(engine: Engine) -> None:
    # "partnerskapet" wrote the reply; the question is about the county governor
    result = engine.ask("Kva sa partnerskapet i Telemark i høyringssvaret sitt om rolla til statsforvaltaren?")
    assert result.found and "rollen overfor helsefellesskapet er ikke tydelig avklart" in result.answer


def test_how_long_is_read_from_the_sentence_beside_the_best_one(engine: Engine) -> None:
    # "Gruppen har fremskaffet grunnlagsdata …" is about the group; the sentence before says how long
    result = engine.ask("Gruppa i Trøndelag som så på utskrivningsklare pasienter: hvor lenge holdt den på?")
    assert "ca. 6 mndr" in result.answer.split("\n\n")[0]


def test_what_a_salary_or_a_final_decision_was_is_not_in_the_documents(engine: Engine) -> None:
    salary = engine.ask("Hva tjener en samhandlingskoordinator i Helsefellesskapet i Telemark i året?")
    assert not salary.found and salary.answer.startswith("Dokumentene sier ikke noe beløp i kroner")
    decided = engine.ask("Hva endte partnerskapsmøtet 1. mars 2024 med å vedta om å dele SSU i to?")
    # the proposal quoted alone says the outcome is not there; beside a guideline's rule ("Saker til
    # beslutning behandles …", no decision recorded) that no decision is quoted
    first = decided.answer.split("\n")[0]
    assert not decided.found and first.startswith("Dokumentene sier ikke hva som") and "ble vedtatt" in first


def test_a_value_asked_of_what_the_documents_never_name_is_not_there(engine: Engine) -> None:
    # "2 år" is how long FSU members sit, not a quarantine the documents never speak of
    result = engine.ask("Hvor lang karantenetid gjelder før et FSU-medlem i Telemark kan oppnevnes på nytt?")
    assert not result.found and result.answer.startswith("Dokumentene sier ikke noe om karantenetid")


def test_support_from_another_passage_adds_what_the_answer_lacks(engine: Engine) -> None:
    # who decides, and what a proposal should hold: the second sentence is in another passage
    result = engine.ask(
        "Vi i FSU har laget et forslag. Hvem tar den endelige beslutningen, og er det noe forslaget bør ha med?"
    )
    assert "endelig behandling i Strategisk samarbeidsutvalg" in result.answer
    assert "økonomiske konsekvenser er vurdert" in result.answer


def test_a_percentage_quoted_of_something_else_is_no_answer(engine: Engine) -> None:
    # the reply says they work on 30-day survival; its "20% prosjektstillinger" is no survival rate
    result = engine.ask("Hva var 30-dagers overlevelse ved Sykehuset Telemark i 2022?")
    assert not result.found and result.answer.startswith("Dokumentene sier ikke noen prosent")


def test_a_claim_stays_before_the_reason_asked_for(engine: Engine) -> None:
    result = engine.ask("Anbefalte kommunedirektørene at Retningslinje 1 skulle behandles i mars 2024, og hvorfor?")
    first = result.answer.split("\n\n")[0]
    assert first.index("tilrås ikke behandlet") < first.index("Begrunnelsen er at høringsfristen")


def test_a_members_role_comes_from_the_composition_list(engine: Engine) -> None:
    # the documents give a member's role in brackets in the composition lists
    result = engine.ask("Hvilken rolle har KS i de øverste organene i Telemark?")
    assert "Kommunenes Sentralforbund (Observatør med talerett)" in result.answer
    assert_quotes_verbatim(result)


def test_everyday_words_for_the_gps_taking_part_find_both_replies(engine: Engine) -> None:
    result = engine.ask(
        "Hvordan beskriver de to høringssvarene fra 2022, Telemarks og St. Olavs, "
        "fastlegenes deltakelse i helsefellesskapet?"
    )
    assert "utfordring for fastlegene å prioritere deltakelse" in result.answer
    assert "Fastlegerepresentanter inviteres med i formøter" in result.answer


def test_what_to_do_when_they_disagree_is_not_a_bodys_task_list(engine: Engine) -> None:
    result = engine.ask("Hva gjør jeg hvis FSU og kommunen er uenige?")
    assert "konsensus" in result.answer.lower()


def test_a_follow_up_that_names_the_other_region_is_answered_from_it(engine: Engine) -> None:
    history = [
        Turn("user", "Hva sier innspillet fra St. Olav-samarbeidet om KS?"),
        Turn("assistant", "KS Trøndelag har etablert en god støttefunksjon for kommunal samhandlingsleder [1]."),
    ]
    result = engine.ask("og hva sa Telemark om KS i sitt innspill?", history=history)
    first = result.answer.split("\n\n")[0]
    assert first.startswith("Helsefellesskapet i Telemark:") and "KS" in first
    assert_quotes_verbatim(result)


def test_what_has_happened_by_now_and_a_rate_today_are_not_in_dated_documents(engine: Engine) -> None:
    # the 2022 reply says a joint user council is being considered: whether it exists now, it cannot say
    council = engine.ask("Er det nå opprettet et felles brukerråd for kommunene og St. Olavs hospital?")
    assert not council.found and "akkurat nå" in council.answer.split("\n\n")[0]
    rate = engine.ask("Hva er 30-dagers overlevelse for akuttpasienter i Telemark i dag?")
    assert not rate.found
    # the proposal to split SSU answers whether it is split: it says what was proposed
    split = engine.ask("Er Strategisk samarbeidsutvalg i Telemark nå delt i et nedre og et øvre utvalg?")
    assert "forslag om å dele" in split.answer


def test_who_said_it_and_when_picks_the_document_that_answers(engine: Engine) -> None:
    # the speaker and the year name Telemark's reply of 2022, not the guideline's "toppnivå"
    result = engine.ask(
        "Hva sa toppledelsen i Telemark-samarbeidet i 2022 om hvor lett det er for allmennlegene "
        "å stille opp i samarbeidet?"
    )
    assert result.found and "utfordring for fastlegene å prioritere deltakelse" in result.answer
    assert {c.doc_id for c in result.citations} == {"telemark-horingsinnspill-2022"}


def test_the_body_on_the_same_level_there_is_asked_by_what_it_answers_to(engine: Engine) -> None:
    history = [
        Turn("user", "Hvor ofte møtes Partnerskapsmøtet i Telemark?"),
        Turn("assistant", "Partnerskapsmøtet i Helsefellesskapet i Telemark møtes to ganger årlig [1]."),
    ]
    result = engine.ask("og i Trøndelag, hva heter organet på samme nivå der?", history=history)
    assert result.question == "Hva er Politisk samarbeidsutvalg, som tilsvarer Partnerskapsmøtet?"
    assert "Politisk samarbeidsutvalg (PSU) (nivå: partnerskapsmøtet)" in result.answer


def test_a_second_part_that_points_back_is_answered_of_what_the_first_names(engine: Engine) -> None:
    # "når ble det startet" is asked of Telemark's health community, not of "hvor mange kommuner"
    result = engine.ask("quick q: hvor mange kommuner er med i hf telemark, og når ble det startet?")
    assert "alle 17 kommunene" in result.answer and "januar 2021" in result.answer


def test_a_document_called_by_another_name_gets_its_status(engine: Engine) -> None:
    # "Telemarks svar til staten" is the consultation reply (corpus/manifest.yaml, aliases)
    result = engine.ask("Når ble Telemarks svar til staten om den nasjonale sykehusplanen vedtatt, og av hvem?")
    assert result.found and "18. mars 2022" in result.answer
    assert result.citations[0].doc_id == "telemark-horingsinnspill-2022"


@pytest.mark.parametrize(
    ("question", "phrases"),
    [
        # "de tematiske gruppene" are the FSU (corpus/synonyms.yaml, described_as)
        (
            "Kan en av de tematiske gruppene i Telemark hente inn ekstra folk med særskilt ekspertise?",
            ["utnevne supplerende medlemmer"],
        ),
        # "bør vi si noe om økonomi" names nothing of its own: it is about the FSU proposal
        (
            "Vi skriver et forslag i FSU. Hvem tar den endelige beslutningen, og bør vi si noe om økonomi?",
            ["endelig behandling i Strategisk samarbeidsutvalg", "økonomiske konsekvenser er vurdert"],
        ),
        # a second question that asks the first again: the message is answered as one
        (
            "hvor finner jeg protokollene fra møtene i helsefelleskapet telemark? har noen link?",
            ["protokoller fra møter"],
        ),
    ],
    ids=["body-described", "yes-no-part", "asked-twice"],
)
def test_a_question_in_users_words_is_answered(engine: Engine, question: str, phrases: list[str]) -> None:
    result = engine.ask(question)
    assert result.found
    assert all(phrase in result.answer for phrase in phrases)


def test_a_decision_at_another_time_than_the_document_date_is_a_no(engine: Engine) -> None:
    result = engine.ask("Ble retningslinje 1 vedtatt på partnerskapsmøtet i mars 2024?")
    assert result.answer.startswith("Nei, ikke i mars 2024: dokumentet er datert 26. september 2024.")
    assert result.citations[0].doc_id == "telemark-retningslinje-1"


def test_things_named_only_as_unspecified_are_not_an_answer(engine: Engine) -> None:
    # St. Olav's working group "har jobbet med … forslag til tiltak" and "vurdert mulige tiltak":
    # that there were measures, not which
    result = engine.ask("Hvilke tiltak foreslo arbeidsgruppen for utskrivningsklare pasienter ved St. Olav?")
    assert not result.found
    assert result.answer.startswith("Dokumentene sier ikke hvilke tiltak det gjelder")
    assert result.citations  # what they do say is still cited
    # a question whose answer lists the things is answered
    listed = engine.ask("Hvilke oppgaver har sekretariatet i Helsefellesskapet i Telemark?")
    assert listed.found and "Saksforberedelse" in listed.answer


@pytest.mark.parametrize(
    ("question", "found", "phrase"),
    [
        # St. Olav's reply never says how often PSU meets
        ("Stemmer det at PSU i Trøndelag møtes seks ganger i året?", False, "seks ganger"),
        # Telemark's guideline says twice a year: that answers a claim of four times (no)
        ("Stemmer det at partnerskapet i Telemark møtes fire ganger i året?", True, "to ganger årlig"),
    ],
)
def test_a_claimed_measure_is_confirmed_or_corrected_only_by_one_the_documents_give(
    engine: Engine, question: str, found: bool, phrase: str
) -> None:
    result = engine.ask(question)
    assert result.found is found and phrase in result.answer


@pytest.mark.parametrize(
    ("question", "first", "then"),
    [
        # "- Mangeårig samarbeid … (Tidligere PART og ACT, nå FACT).\nFungerer godt og vurderes utvidelse …":
        # a line that goes on with a list item brings the item
        ("Fungerer FACT-teamene i Trondheim?", "Mangeårig samarbeid", "Fungerer godt"),
        # "… som en overgangsordning. Et alternativ til dette kunne vært en permanent ordning …":
        # a sentence that points back goes on with the answer
        ("Hvordan er sekretariatsfunksjonen i Telemark finansiert?", "overgangsordning", "Et alternativ til dette"),
    ],
)
def test_what_a_sentence_goes_on_with_comes_with_it_in_the_documents_order(
    engine: Engine, question: str, first: str, then: str
) -> None:
    result = engine.ask(question)
    assert result.found and first in result.answer and then in result.answer
    assert result.answer.index(first) < result.answer.index(then)


def test_a_letters_closing_is_no_answer_but_says_who_sent_it(engine: Engine) -> None:
    about = engine.ask("Hva sier Telemark om koordinator for pasienter med sammensatte behov?")
    assert "Med vennlig hilsen" not in about.answer
    sender = engine.ask("Hvem sendte høringsinnspillet fra Telemark?")
    assert sender.found and "sekretariatet for Helsefellesskapet i Telemark" in sender.answer


def test_a_side_pinned_to_a_document_gets_that_documents_status(engine: Engine) -> None:
    result = engine.ask(
        "Notatet til partnerskapsmøtet i mars 2024 frarådet å behandle retningslinje 1. "
        "Hva sier selve retningslinjen om når den til slutt ble godkjent?"
    )
    notat, guideline = result.answer.split("\n\n")[:2]
    assert notat.startswith("Notatet:") and "forslag" in notat
    assert guideline.startswith("Retningslinje 1:") and "26. september 2024" in guideline
    assert result.answer.count("«Første versjon Partnerskapet 26. september 2024»") == 1


def test_an_abbreviations_genitive_is_the_abbreviation(engine: Engine) -> None:
    result = engine.ask("Hva er SSUs oppgaver?")
    assert result.found and "legger de strategiske føringene" in result.answer


def test_how_a_document_describes_its_own_topic_asks_only_for_the_topic(engine: Engine) -> None:
    # "beskriver" says nothing of what is asked: the side is answered, not "missing"
    result = engine.ask(
        "Hvordan er brukermedvirkningen ordnet i Telemark, og hvordan beskriver Trøndelag sin egen brukermedvirkning?"
    )
    assert "Dokumentene sier ikke noe om dette for Trøndelag" not in result.answer
    assert "brukermedvirkning" in result.answer.split("Trøndelag:", 1)[1]


def test_who_adopted_a_document_is_quoted_from_the_line_that_names_them(engine: Engine) -> None:
    # the manifest says "vedtatt av Partnerskapet": the strategy's own line about it is quoted, once
    result = engine.ask("Hvem har vedtatt strategien for Helsefellesskapet i Telemark 2025–2029?")
    assert result.found and "«Helsefellesskapets strategi vedtas av Partnerskapet.»" in result.answer
    assert result.answer.count("strategi vedtas av Partnerskapet") == 1
    assert [c.id for c in result.citations] == list(range(1, len(result.citations) + 1))


def test_a_document_named_as_a_kind_of_document_is_asked_of_its_status(engine: Engine) -> None:
    # "strategidokumentet" is the strategy; "noe partnerskapet vedtar" asks whether it is adopted
    result = engine.ask("Er strategidokumentet for Telemark noe partnerskapet vedtar, eller bare et arbeidsnotat?")
    assert result.found and result.answer.startswith("Ja.")
    assert result.citations[0].doc_id == "telemark-strategi-2025-2029"


def test_a_document_named_by_its_manifest_alias_is_a_side_of_its_own(engine: Engine) -> None:
    # "høringssvar" is the manifest's other word for both regions' consultation replies;
    # with Telemark named, that side is Telemark's reply, the other side the memo
    result = engine.ask(
        "Hvilke problemer med SSU peker Telemark-partnerskapets høringssvar fra 2022 og notatet fra 2024 på?"
    )
    assert result.answer.startswith("Høringssvar")
    assert "\n\nNotat" in result.answer
    cited = {c.doc_id for c in result.citations}
    assert {"telemark-horingsinnspill-2022", "telemark-notat-partnerskapsmote-2024"} <= cited


def test_a_part_answered_by_an_item_says_whose_list_it_is(engine: Engine) -> None:
    # "Hvem …, og hva …?" is two questions; the first is answered by an item of the secretariat's
    # task list, which names no one: the sentence above the list says who
    result = engine.ask(
        "Vi vil søke tilskudd til et utviklingsprosjekt. Hvem i Helsefellesskapet i Telemark kan hjelpe oss "
        "med søknaden, og hva må prosjektet være?"
    )
    assert result.found and "Bidra til søknader om tilskudd" in result.answer
    assert result.answer.index("ivaretas av samhandlingskoordinatorene") < result.answer.index("Bidra til søknader")
    assert_quotes_verbatim(result)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # "i ett av fagrådene": one of them, not its name
        ("Hva heter fagrådet der statsforvalteren i Trøndelag er observatør?", "hva fagrådet heter"),
        # "fra aktuelle brukerorganisasjoner": some, not which
        (
            "Hvilken brukerorganisasjon har brukerrepresentanten i FSU – Skrøpelige eldre i Telemark?",
            "hvilken brukerorganisasjon",
        ),
    ],
)
def test_one_of_them_or_some_of_them_does_not_say_which(engine: Engine, question: str, said: str) -> None:
    result = engine.ask(question)
    assert not result.found and result.answer.startswith(f"Dokumentene sier ikke {said}")
    assert result.citations  # what they do say is still quoted


def test_what_comes_after_the_documents_has_no_status_to_give(engine: Engine) -> None:
    # the strategy's status says nothing of the next one
    result = engine.ask("Når begynner arbeidet med neste strategi i Telemark?")
    assert not result.found and "har status" not in result.answer


def test_a_year_that_dates_the_document_asked_about_is_not_the_year_of_the_count(engine: Engine) -> None:
    result = engine.ask("Hvor mange helsefellesskap ble opprettet, ifølge notatet fra 2024?")
    assert result.found and "19 helsefellesskap" in result.answer


def test_how_a_thing_is_organised_is_no_overview_of_the_bodies(engine: Engine) -> None:
    result = engine.ask("Hvordan er handlingsplanen organisert i Telemark?")
    assert "organisert slik" not in result.answer and "handlingsplan" in result.answer


def test_two_clauses_one_region_each_are_answered_per_region(engine: Engine) -> None:
    result = engine.ask(
        "Hvilke instanser sitter som observatører i det strategiske utvalget i Telemark, "
        "og hvem har observatørstatus i PSU og ASU i Trøndelag?"
    )
    assert result.found
    assert "Universitetet i Sørøst-Norge" in result.answer and "KS har observatørstatus" in result.answer


def test_a_version_the_documents_do_not_record_is_not_answered_by_the_first(engine: Engine) -> None:
    result = engine.ask("Hva ble endret i retningslinje 1 i Telemark ved revisjonen til versjon 2?")
    assert not result.found and "versjon 2" in result.answer


def test_what_one_relative_gets_and_a_pilots_results_are_not_in_the_documents(engine: Engine) -> None:
    for question in (
        "Kan mamma få digital hjemmeoppfølging med nettbrett fra Porsgrunn kommune?",
        "Hvilke resultater ga forprosjektet FACT i Telemark?",
    ):
        assert not engine.ask(question).found, question


def test_the_body_that_wrote_the_document_is_not_the_body_asked_about(engine: Engine) -> None:
    result = engine.ask(
        "Var Statsforvalterens rolle i helsefellesskapet i Telemark avklart da Partnerskapet svarte på høringen i 2022?"
    )
    assert result.found and "ikke tydelig avklart" in result.answer


def test_a_list_with_one_law_is_no_list_of_laws_and_a_sentence_is_quoted_once(engine: Engine) -> None:
    result = engine.ask(
        "Hvilke paragrafer viser Telemarks regelverk for rollefordelingen til, og hva er det den skal "
        "klargjøre i skjæringspunktet mellom de to forvaltningsnivåene?"
    )
    assert "§ 3-4" in result.answer and "§ 2-1e" in result.answer
    assert result.answer.count("Retningslinjen dreier seg om") == 1


def test_criteria_the_passages_do_not_name_are_not_given(engine: Engine) -> None:
    result = engine.ask("Hvilke kriterier bruker SSU når de fordeler rekrutterings- og samhandlingstilskuddet?")
    assert not result.found and "kriterier" in result.answer
    # a short word ("mal") is checked too, whole and inflected: "målene" or "normal" are no template
    result = engine.ask("Hvilken mal skal sekretariatet bruke når det skriver referat fra FSU-møtene?")
    assert not result.found and "noe om mal" in result.answer
    assert engine.ask("Hvilken mal finnes for en ny retningslinje i Telemark?").found  # "Mal for Retningslinje"


def test_a_sum_per_day_and_a_decision_of_a_named_day_need_passages_that_say_them(engine: Engine) -> None:
    result = engine.ask(
        "Hvor mye må kommunene betale per døgn når en utskrivningsklar pasient blir liggende på Sykehuset Telemark?"
    )
    assert not result.found and "per døgn" in result.answer  # the yearly 15 000 kroner is no price per day
    assert engine.ask("Hvor mye betaler hver kommune i Telemark per år?").found
    result = engine.ask("Hvilket vedtak fattet partnerskapsmøtet 1. mars 2024 om å dele SSU i to?")
    assert not result.found and "1. mars 2024" in result.answer
    # the memo to that meeting is cited: the day is in the answer's passages
    result = engine.ask("Ble retningslinje 1 anbefalt behandlet på partnerskapsmøtet 1. mars 2024?")
    assert result.found and "tilrås ikke behandlet" in result.answer


def test_how_often_a_named_meeting_meets_needs_a_sentence_about_that_meeting(engine: Engine) -> None:
    # "Partnerskapet møtes to ganger årlig" says how often another meeting is held
    result = engine.ask("Hvor ofte møttes «pandemimøtet» i Telemark?")
    assert not result.found and "hvor ofte" in result.answer
    result = engine.ask("Hvor ofte er det SSU-møte?")
    assert result.found and "fire ganger årlig" in result.answer
    # "forsamlingen" is no "for"-meeting: the body described is answered
    question = "Hvor ofte samles den forsamlingen i Telemark der ordførerne og toppsjefene fra sykehuset sitter sammen?"
    assert "Dokumentene sier ikke hvor ofte" not in engine.ask(question).answer


def test_an_item_answer_brings_the_lead_sentence_that_says_what_the_item_lacks(engine: Engine) -> None:
    # "- FSU – Den akuttmedisinske kjeden" names the body; "… er det etablert seks FSU." says it exists
    result = engine.ask("fsu for akuttmed kjede i tlm – faktisk etablert eller bare planlagt?")
    assert "etablert seks FSU" in result.answer and "Den akuttmedisinske kjeden" in result.answer
    assert result.answer.index("etablert seks FSU") < result.answer.index("Den akuttmedisinske kjeden")


def test_an_item_with_sub_items_brings_them(engine: Engine) -> None:
    # "Sykehusdirektører" alone does not say who: its sub-items do, indented under it
    result = engine.ask("Hvem fra Sykehuset Telemark sitter i Partnerskapet?")
    assert "- Sykehusdirektører\n  - Administrerende direktør\n  - Fagdirektør" in result.answer


def test_a_text_on_a_topic_no_document_names_is_not_answered(engine: Engine) -> None:
    for question in (
        "Har STHF og kommunene i Telemark en egen retningslinje for legemiddelsamstemming ved utskrivning?",
        "Hvilke legemiddelrutiner står i «Anbefalte samarbeidsrutiner mellom fastleger og St Olavs hospital»?",
    ):
        result = engine.ask(question)
        assert not result.found and "legemiddel" in result.answer, question
    # a compound whose topic the documents do name is a paraphrase of a text they hold
    for paraphrase in (
        "Hvorfor ville ikke kommunene behandle ansvarsretningslinjen i mars 2024?",
        "Kva seier retningslinja om statistikkverktøyet for kvar kommune?",
    ):
        assert not engine._unknown_document_topic(paraphrase), paraphrase


def test_a_name_only_the_other_regions_documents_use_is_not_answered_for_one_region(engine: Engine) -> None:
    result = engine.ask("Skal Sykehuset Telemark og kommunene i Telemark ta i bruk Helseplattformen?")
    assert not result.found and "Helseplattformen" in result.answer
    # a name the thesaurus puts in the documents' words is asked of them as those words
    assert engine.ask("fungerer Teams-møter for dialogen i samarbeidet i Telemark?").found


def test_what_one_document_says_of_the_structure_is_not_the_overview(engine: Engine) -> None:
    result = engine.ask("Ifølge notatet fra mars 2024: hvor er møtestrukturen i helsefellesskapene bestemt?")
    assert result.found and "Nasjonal helse- og sykehusplan 2020-2023" in result.answer
    assert "organisert slik" in engine.ask("Hvordan er møtestrukturen i Telemark?").answer


def test_something_like_that_in_the_other_region_is_the_thing_just_talked_about(engine: Engine) -> None:
    history = [
        Turn("user", "Hva sier Telemark-strategien om FACT?"),
        Turn("assistant", "Oppfølging av forprosjekt FACT er forankret i Helsefellesskapet."),
    ]
    result = engine.ask("finnes det noe sånt i trondheim?", history=history)
    assert result.found and "Trondheim kommune" in result.answer


def test_the_askers_own_situation_in_words_the_documents_lack_is_not_what_is_asked(engine: Engine) -> None:
    asked = (
        "I Trøndelag ble det satt ned et team som så på folk som er ferdige på sykehuset, men som blir"
        " værende fordi de ikke kan reise hjem. Hvem var med, hvor lenge holdt de på?"
    )
    result = engine.ask(f"Jeg planlegger hjemreiser fra en sengepost. {asked}")
    assert result.found and "ca. 6 mndr" in result.answer
    assert engine._without_situation(f"Jeg planlegger hjemreiser fra en sengepost. {asked}") == asked
    # what the asker heard, or a situation in the documents' words, is part of the question
    heard = "Jeg har hørt at SSU skal deles i to. Hvem foreslo det?"
    assert engine._without_situation(heard) == heard
    plain = "Jeg er fastlege i en kommune i Telemark. Hvem sitter i FSU?"
    assert engine._without_situation(plain) == plain


def test_which_one_of_a_kind_the_documents_never_speak_of_is_not_answered(engine: Engine) -> None:
    result = engine.ask("Hvilken sykehusfarmasøyt representerer STHF i FSU for skrøpelige eldre?")
    assert not result.found and "sykehusfarmasøyt" in result.answer
    # a plain word they lack may still be answered by what it describes
    result = engine.ask(
        "Hvilken metode brukte deltakerne i FSU og SSU i Telemark for å finne utfordringer og muligheter?"
    )
    assert result.found and "SWOT" in result.answer


def test_a_place_compound_of_a_region_and_a_vote_or_verdict_after_the_documents(engine: Engine) -> None:
    result = engine.ask("Hva ønsket samarbeidet i Trondheimsregionen fra staten om koordinator og kontaktlege?")
    assert result.found and "Trondheimsregionen" not in result.answer
    vote = engine.ask(
        "Hvordan stemte kommunestyret i Skien over den nye samarbeidsavtalen etter partnerskapsmøtet i 2024?"
    )
    assert not vote.found
    verdict = engine.ask("Hvilken vurdering fikk Helsefellesskapet i Telemark i Helsedirektoratets evaluering?")
    assert not verdict.found
