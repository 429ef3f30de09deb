"""Refusal: concept coverage of a question in the best passages (pure, no index)."""

from __future__ import annotations

import re

from assistant.answering.answerability import (
    MIN_ASK,
    MIN_COVERAGE,
    MIN_DENSE,
    MIN_SENTENCE,
    Vocabulary,
    answerable,
    concepts,
    coverage,
    document_pattern,
)
from assistant.domain import Hit
from indexer.analysis import Intent, intent_pattern

TELEMARK = re.compile(r"(?<!\w)(?:helsefellesskapet i )?telemark(?!\w)", re.IGNORECASE)


def _hit(text: str, dense: float = 0.8, trail: str = "") -> Hit:
    passage = {"text": text, "trail": trail, "doc_id": "d", "title": "t", "section": "s", "page": 1}
    return Hit(passage, 1.0, dense_rank=1, bm25_rank=1, dense_score=dense)


# What "hvor ofte" asks for, as a corpus's synonyms.yaml says it (intents are corpus data).
OFTEN = Vocabulary(intents=(Intent(intent_pattern(["hvor ofte", "hvor mange ganger"]), "møtes ganger årlig"),))
SSU = _hit("SSU møtes fire ganger årlig. Møtene ledes vekselvis av kommunene og STHF.")


def test_an_intent_replaces_its_trigger_words() -> None:
    labels = [c.label for c in concepts("Hvor ofte møtes SSU?", OFTEN)]
    assert labels[0] == "hvor ofte" and "ofte" not in labels[1:]
    assert coverage("Hvor ofte møtes SSU?", [SSU], OFTEN) == 1.0
    assert "hvor ofte" not in [c.label for c in concepts("Hvor ofte møtes SSU?")]  # a corpus without intents


def test_region_names_say_where_not_what() -> None:
    plain = concepts("Hvor ofte møtes SSU?")
    named = concepts("Hvor ofte møtes SSU i Helsefellesskapet i Telemark?", Vocabulary((TELEMARK,)))
    assert [c.label for c in named] == [c.label for c in plain]


def test_paired_compounds_and_paragraph_numbers_are_one_concept() -> None:
    labels = [c.label for c in concepts("Hva sier § 6-1 i helse- og omsorgstjenesteloven?")]
    assert "6-1" in labels and "helse- og omsorgstjenesteloven" in labels
    assert "6" not in labels and "1" not in labels


def test_typos_and_derived_words_still_count_as_covered() -> None:
    passage = _hit("Partnerskapsmøtet har som oppgave å lede tildelingsprosessen av midler.")
    assert coverage("Hva er oppgaven til partnerskapsmøtte?", [passage]) == 1.0  # one edit
    assert coverage("Hvem tildeler midlene?", [passage]) == 1.0  # "tildel" + "ingsprosess"
    assert coverage("Hvem fordeler kakene?", [passage]) == 0.0


def test_a_compound_counts_as_its_last_part() -> None:
    passage = _hit("Kommunene skal utarbeide beredskapsplaner. Faggruppen har fag og endringer.")
    assert coverage("Hvilke planer gjelder?", [passage]) == 1.0  # a "beredskapsplan" is a "plan"
    assert coverage("Hvilke grupper finnes?", [passage]) == 1.0  # "fag|gruppe" beside "fag"
    assert coverage("Hvem kan jeg ringe?", [passage]) == 0.0  # "endring": "end" is no word here
    assert coverage("Hva er et skap?", [passage]) == 0.0  # "beredskap": "bered" is no word here


def test_a_typo_in_a_generic_word_is_not_a_concept() -> None:
    assert [c.label for c in concepts("Hvem leder helsefellsskapet?")] == ["leder"]


def test_what_a_document_does_with_a_topic_is_not_the_topic() -> None:
    labels = [c.label for c in concepts("Hvordan beskriver de brukermedvirkningen sin?")]
    assert labels == ["brukermedvirkningen"]
    assert [c.label for c in concepts("Hva omtales i avsnittet om sekretariatet?")] == ["avsnittet", "sekretariatet"]


def test_refused_below_the_thresholds_answered_above_them() -> None:
    question = "Hvilken dose paracetamol kan gis til barn?"
    assert coverage(question, [SSU]) < MIN_COVERAGE
    assert not answerable(question, [SSU])
    # close in meaning, but not one of the question's words is in the passage: refused
    assert coverage(question, [SSU]) == 0.0
    assert not answerable(question, [_hit(SSU.passage["text"], dense=MIN_DENSE)])
    # close in meaning and about something the passage names (one concept of several): answered
    paraphrase = "Hvor hyppig samles de kommunale og statlige lederne i SSU til drøfting?"
    assert 0 < coverage(paraphrase, [SSU]) < MIN_COVERAGE
    assert not answerable(paraphrase, [SSU])
    assert answerable(paraphrase, [_hit(SSU.passage["text"], dense=MIN_DENSE)])
    close_sentence = _hit(SSU.passage["text"])
    close_sentence.sentence_score = MIN_SENTENCE
    assert answerable(paraphrase, [close_sentence])
    close_ask = _hit(SSU.passage["text"])  # as near to a question users ask of the passage
    close_ask.ask_score = MIN_ASK
    assert answerable(paraphrase, [close_ask])
    assert not answerable(question, [close_ask])  # nothing the passage names: still refused
    assert answerable("Hvor ofte møtes SSU?", [SSU])
    assert not answerable("Hvor ofte møtes SSU?", [])


def test_a_stem_cut_shorter_by_the_stemmer_still_covers() -> None:
    passage = _hit("Statsforvalter deltar i «pandemimøtet».")  # stem "statsforvalt"
    assert coverage("Hvilken rolle har statsforvalteren?", [passage]) == 1.0  # stem "statsforvalter"


def test_only_the_best_passages_count() -> None:
    filler = [_hit("Noe helt annet om samhandling.") for _ in range(3)]
    assert coverage("Hvor ofte møtes SSU?", [*filler, SSU]) < MIN_COVERAGE
    assert coverage("Hvor ofte møtes SSU?", [SSU, *filler]) == 1.0


def test_document_names_say_where_unless_nothing_else_is_asked() -> None:
    documents = document_pattern(["høringsinnspill", "strategi", "Innspill"])
    labels = [
        c.label
        for c in concepts("Hva er problemet med akuttkjeden ifølge innspillet?", Vocabulary(documents=documents))
    ]
    assert labels == ["problemet", "akuttkjeden"]
    assert [c.label for c in concepts("Hva er strategien?", Vocabulary(documents=documents))] == ["strategien"]


def test_the_documents_words_for_a_question_word_cover_it() -> None:
    passage = _hit("Sekretariatsfunksjonen ivaretas av samhandlingskoordinatorene.")
    question = "Hvem er in charge av sekretariatet?"
    assert coverage(question, [passage]) == 0.5
    synonyms = lambda text: [("in charge", ["ivaretas"])]  # noqa: E731 - what the thesaurus says
    assert coverage(question, [passage], Vocabulary(synonyms=synonyms)) == 1.0
    # an expansion counts only when all its words are there ("strategisk samarbeidsutvalg", not just "utvalg")
    expansion = lambda text: [("SSU", ["strategisk samarbeidsutvalg"])]  # noqa: E731
    question = "Hvor ofte møtes SSU?"
    assert coverage(question, [_hit("Et nytt utvalg møtes fire ganger årlig.")], Vocabulary(synonyms=expansion)) == 0.5
    full = _hit("Strategisk samarbeidsutvalg møtes fire ganger årlig.")
    assert coverage(question, [full], Vocabulary(synonyms=expansion)) == 1.0 > coverage(question, [full])
