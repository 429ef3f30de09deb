"""Follow-ups, comparisons, status and answer demands: names come from corpus data, so a
health community the code has never heard of works the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.answering.answerability import Vocabulary, concepts, head_unknown, with_counted_terms
from assistant.answering.comparison import (
    asks_equivalent,
    comparison_sides,
    heading_sides,
    question_parts,
    side_question,
    without_document,
)
from assistant.answering.demands import (
    PAYER_GAP,
    RANKING_GAP,
    TYPE_GAPS,
    asks_happened,
    confirms_claim,
    demands_of,
    gaps,
    has_answer_type,
    meets,
    named_person,
    numbered_gaps,
    plans_only,
    result_not_said,
    speaker,
    unstated_amounts,
    unstated_days,
    unstated_measures,
    unstated_rates,
)
from assistant.answering.engine import _not_yet_written
from assistant.answering.followup import Topics, is_followup, own_question, standalone_question
from assistant.answering.organisation import asks_organisation
from assistant.answering.status import claim, other_time, status_ask
from assistant.domain import Turn
from assistant.retrieval.hybrid import own_headings
from indexer.analysis import tokenize
from indexer.manifest import load_glossary, load_manifest
from tests.conftest import CORPUS


def topics_of(
    corpus: Path,
    bodies: list[tuple[list[str], str]] | None = None,
    counterparts: list[tuple[list[str], str, list[str], str]] | None = None,
) -> Topics:
    manifest = load_manifest(corpus)
    return Topics.from_corpus(
        [(r.id, r.name, r.aliases, r.bodies) for r in manifest.regions.values()],
        [(t.abbr, t.expansion, t.variants, t.region) for t in load_glossary(corpus)],
        [(d.id, d.title, d.kind, d.aliases) for d in manifest.documents.values()],
        bodies or [],
        counterparts or [],
    )


def test_followups_use_the_corpus_bodies_and_regions() -> None:
    topics = topics_of(CORPUS)
    history = [Turn("user", "Hvor ofte møtes SSU?"), Turn("assistant", "SSU møtes fire ganger årlig [1].")]
    assert standalone_question("Hva med FSU?", history, topics) == "Hvor ofte møtes FSU?"
    assert standalone_question("Og i Trøndelag?", history, topics) == "Hvor ofte møtes SSU i Trøndelag?"
    assert "SSU" in standalone_question("Hvem sitter der?", history, topics)
    assert own_question("Hvem sitter der (Hvor ofte møtes SSU)?") == "Hvem sitter der"
    assert own_question("Hvem sitter i SSU?") == "Hvem sitter i SSU?"  # no context: the whole question
    # a body and a region named together replace the earlier body and region
    there = [Turn("user", "Hvor ofte møtes SSU i Telemark?"), Turn("assistant", "SSU møtes fire ganger årlig.")]
    assert standalone_question("Og hva med ASU i Trøndelag?", there, topics) == "Hvor ofte møtes ASU i Trøndelag?"
    assert standalone_question("Hvem sitter i FSU?", history, topics) == "Hvem sitter i FSU?"
    assert not is_followup("Hvor mange kommuner er med i Helsefellesskapet i Telemark?", topics)
    strategy = [Turn("user", "Hva sier strategien om skrøpelige eldre?")]
    assert standalone_question("Hva med barn og unge?", strategy, topics) == "barn og unge strategien?"
    # "og mulighetene?" takes the place of the earlier noun in the same form
    challenges = [Turn("user", "Hva er de største utfordringene ifølge strategien?")]
    assert standalone_question("og mulighetene?", challenges, topics) == (
        "mulighetene (Hva er de største mulighetene ifølge strategien)?"
    )
    # a filler word after the topic ("da", "så") is no part of it
    assert standalone_question("hva med mulighetene, da?", challenges, topics) == (
        "mulighetene (Hva er de største mulighetene ifølge strategien)?"
    )
    assert standalone_question("og mulighetene da?", challenges, topics) == (
        "mulighetene (Hva er de største mulighetene ifølge strategien)?"
    )


def test_a_follow_up_that_names_another_region_asks_of_that_region_only() -> None:
    topics = topics_of(CORPUS)
    history = [
        Turn("user", "Hva sier St. Olav-innspillet om brukermedvirkning?"),
        Turn("assistant", "Det er behov for å styrke brukermedvirkningen på alle nivå."),
    ]
    there = standalone_question("hvordan er det ordnet i Telemark?", history, topics)
    assert there == "hvordan er det ordnet i Telemark (sier innspillet om brukermedvirkning)?"
    # "der" points back in a longer question that names nothing
    strategy = [Turn("user", "Hva står det i strategien om den akuttmedisinske kjeden?")]
    pointed = standalone_question("er det en bestemt pasientgruppe de vil se spesielt på der?", strategy, topics)
    assert pointed.endswith("(står det i strategien om den akuttmedisinske kjeden)?")


def test_there_points_at_the_region_the_conversation_was_about() -> None:
    topics = topics_of(CORPUS)
    history = [
        Turn("user", "Hvilke organer har helsefellesskapet mellom St. Olavs hospital og kommunene?"),
        Turn("assistant", "Politisk samarbeidsutvalg (PSU) og Administrativt samarbeidsutvalg (ASU) [1]."),
    ]
    asked = standalone_question("Hvem sitter i sekretariatet der?", history, topics)
    assert asked.startswith("Hvem sitter i sekretariatet der (") and "Olav" in asked
    # a region of its own: the question stands alone
    assert standalone_question("Hvem sitter i sekretariatet i Telemark?", history, topics).endswith("Telemark?")
    # no body of its own: "der" is the body the conversation named, not the region beside it
    members = [
        Turn("user", "Hvem sitter i SSU fra Sykehuset Telemark?"),
        Turn("assistant", "Klinikksjefene ved STHF og fagdirektøren."),
    ]
    assert standalone_question("er NAV med der også?", members, topics) == "er NAV med der også (SSU)?"
    # "hva med X, har de …?": a yes/no question of its own, asked of X
    secretariat = [Turn("user", "Hva sa St. Olav-helsefellesskapet om sekretariatet sitt i 2022?")]
    assert standalone_question("hva med fagrådene, har de noe sekretariat?", secretariat, topics) == (
        "har de noe sekretariat fagrådene?"
    )


def test_the_body_after_a_verb_of_saying_is_who_speaks() -> None:
    assert speaker("Kva sa partnerskapet i Telemark i høyringssvaret sitt om rolla til statsforvaltaren?") == (
        "partnerskapet i Telemark i høyringssvaret sitt"
    )
    assert speaker("Hva skrev det øverste organet i 2022 om fastlegene?") == "det øverste organet i 2022"
    assert speaker("Mente partnerskapet i Telemark i 2022 at det trengte mer tid?") == "partnerskapet i Telemark i 2022"
    assert speaker("Hva sier retningslinjen?") == ""  # says nothing about what
    assert speaker("Hvem sitter i SSU?") == ""


def test_another_region_is_asked_about_its_counterpart_body() -> None:
    topics = topics_of(
        CORPUS,
        [(["Fagråd"], "trondelag")],
        [(["Fagråd"], "trondelag", ["Faglige samarbeidsutvalg", "FSU"], "telemark")],
    )
    history = [Turn("user", "Hvor mange FSU er det i Telemark?"), Turn("assistant", "Det er seks FSU [1].")]
    assert standalone_question("og i Trøndelag?", history, topics) == "Hvor mange Fagråd er det i Trøndelag?"
    assert topics.in_region("Hvem leder fagrådene?", "telemark") == "Hvem leder Faglige samarbeidsutvalg?"
    assert topics.in_region("Hvor mange FSU er det?", "telemark") == "Hvor mange FSU er det?"  # its own region


def third_community(tmp_path: Path) -> Path:
    """A small synthetic corpus: a health community with bodies of its own."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    manifest = {
        "regions": {
            "fjordland": {
                "name": "Helsefellesskapet Fjordland",
                "aliases": ["Fjordland"],
                "bodies": ["Regionalt samhandlingsråd (RSR)", "Kystutvalget"],
            },
            "nordfjell": {"name": "Helsefellesskapet Nordfjell", "aliases": ["Nordfjell"], "bodies": ["Fjellrådet"]},
        },
        "documents": [
            {
                "id": "fjordland-avtale",
                "file": "avtale.txt",
                "title": "Samarbeidsavtale for Fjordland",
                "region": "fjordland",
                "kind": "samarbeidsavtale",
                "date": "2025-01-10",
                "status": "gjeldende",
            },
        ],
    }
    (corpus / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    (corpus / "glossary.yaml").write_text(
        "terms:\n  - {abbr: RSR, expansion: regionalt samhandlingsråd, region: fjordland}\n", encoding="utf-8"
    )
    return corpus


def test_a_third_community_works_without_code_changes(tmp_path: Path) -> None:
    topics = topics_of(third_community(tmp_path))
    history = [Turn("user", "Hvor ofte møtes RSR?"), Turn("assistant", "RSR møtes seks ganger i året [1].")]
    assert standalone_question("Hva med Kystutvalget?", history, topics) == "Hvor ofte møtes Kystutvalget?"
    assert standalone_question("og i Nordfjell?", history, topics) == "Hvor ofte møtes RSR i Nordfjell?"
    assert "RSR" in standalone_question("Hvem sitter i det utvalget?", history, topics)
    sides = comparison_sides("Hva er forskjellen på Kystutvalget og RSR?", topics)
    assert [s.name for s in sides] == ["Kystutvalget", "RSR"]
    assert topics.key("RSR") == "fjordland" and topics.key("samarbeidsavtalen") == "fjordland-avtale"
    assert topics.same("RSR", "regionalt samhandlingsråd")
    # "den andre regionen": the one of the corpus's two the conversation did not name
    other = standalone_question("Og hvordan er det i den andre regionen?", history, topics)
    assert "Nordfjell" in other and "andre regionen" not in other
    assert "Nordfjell" in standalone_question("Hva med det andre helsefellesskapet?", history, topics)
    assert "Nordfjell" not in standalone_question("Hva med de andre utvalgene?", history, topics)  # not a place
    # a genitive of a name is the name ("Kystutvalgets", "RSRs"), shown without its "s"
    assert topics.without_genitive("RSRs") == "RSR" and topics.without_genitive("Kystutvalgets") == "Kystutvalget"
    assert topics.without_genitive("Fjordland") == "Fjordland"


def test_comparisons_are_split_into_sides() -> None:
    topics = topics_of(CORPUS)
    question = "Hva er forskjellen mellom PSU i Trøndelag og SSU i Telemark?"
    sides = comparison_sides(question, topics)
    assert [s.name for s in sides] == ["PSU", "SSU"]
    assert side_question(question, sides[0], sides, topics) == "Hva er PSU?"
    both = comparison_sides("Hvem sitter i SSU, og hvem sitter i FSU?", topics)
    assert [s.name for s in both] == ["SSU", "FSU"]
    assert side_question("Hvem sitter i SSU, og hvem sitter i FSU?", both[1], both, topics).startswith("Hvem sitter i")
    assert comparison_sides("Hvem sitter i SSU?", topics) == []
    # a side taken out after "rollen til" goes back there, not to the end
    roles = "Hva er forskjellen på rollen til FSU og SSU i Helsefellesskapet i Telemark?"
    pair = comparison_sides(roles, topics)
    assert [side_question(roles, side, pair, topics) for side in pair] == [
        "rollen til FSU i Helsefellesskapet i Telemark?",
        "rollen til SSU i Helsefellesskapet i Telemark?",
    ]
    # a comparative or a superlative compares the two bodies it names
    assert [s.name for s in comparison_sides("Møtes Partnerskapsmøtet oftere enn SSU?", topics)] == [
        "Partnerskapsmøtet",
        "SSU",
    ]
    assert [s.name for s in comparison_sides("Hvem møtes oftest, SSU eller FSU?", topics)] == ["SSU", "FSU"]
    # two bodies of two regions: each body is asked in its own region, not the other's
    bodies = "Hvor ofte møtes SSU i Telemark sammenlignet med ASU i Trøndelag?"
    pair = comparison_sides(bodies, topics)
    assert [side_question(bodies, side, pair, topics) for side in pair] == [
        "Hvor ofte møtes i Telemark SSU?",
        "Hvor ofte møtes i Trøndelag ASU?",
    ]
    assert comparison_sides("Hvordan sender FSU en sak til SSU?", topics) == []  # a process, not a comparison


def test_the_two_communities_are_each_a_side() -> None:
    topics = topics_of(CORPUS)
    question = "Hvordan er brukerne representert i begge helsefellesskapene?"
    sides = comparison_sides(question, topics)
    assert [s.name for s in sides] == ["Telemark", "Trøndelag"]  # the manifest's regions
    assert side_question(question, sides[0], sides, topics) == "Hvordan er brukerne representert Telemark?"
    assert comparison_sides("Hva sier de to helsefellesskapene i Telemark om FSU?", topics) == []  # one named


def asked_of_each(question: str, topics: Topics) -> list[str]:
    sides = comparison_sides(question, topics)
    return [side_question(question, side, sides, topics) for side in sides]


def test_each_side_is_asked_the_same_question() -> None:
    topics = topics_of(CORPUS)
    question = "Hvordan er statsforvalteren involvert i Telemark sammenlignet med helsefellesskapet rundt St. Olavs?"
    sides = comparison_sides(question, topics)
    assert [side_question(question, side, sides, topics) for side in sides] == [
        "Hvordan er statsforvalteren involvert Telemark?",
        "Hvordan er statsforvalteren involvert St. Olavs?",
    ]
    # a community noun after the other side's name goes with it ("St. Olav-fellesskapet")
    digital = "Hvilke digitale utfordringer trakk Telemark og St. Olav-fellesskapet fram i 2022?"
    assert asked_of_each(digital, topics) == [
        "Hvilke digitale utfordringer trakk fram i 2022 Telemark?",
        "Hvilke digitale utfordringer trakk fram i 2022 St. Olav?",
    ]
    # words that only lead in to the other side ("fellesskapet rundt St. Olav") go with it
    lead_in = "Hva skrev Telemark og fellesskapet rundt St. Olav om fastlegene?"
    sides = comparison_sides(lead_in, topics)
    asked = [side_question(lead_in, side, sides, topics) for side in sides]
    assert asked == ["Hva skrev om fastlegene Telemark?", "Hva skrev om fastlegene St. Olav?"]
    # what follows "sammenlignet med" up to the later side is that side's own wording: only it keeps it
    counts = (
        "Hvor mange faglige utvalg finnes i Telemark sammenlignet med "
        "antall fagråd i helsefellesskapet rundt St. Olavs?"
    )
    # a document kind after an indefinite article is what the document is compared with, not a side
    assert comparison_sides("Er notatet fra 2024 en gjeldende retningslinje?", topics) == []
    shared_out = "Hvordan er ansvaret for retningslinjene fordelt mellom Partnerskapsmøtet og SSU?"  # a cue too
    assert [s.name for s in comparison_sides(shared_out, topics)] == ["Partnerskapsmøtet", "SSU"]
    sides = comparison_sides(counts, topics)
    assert [side_question(counts, side, sides, topics) for side in sides] == [
        "Hvor mange faglige utvalg finnes Telemark?",
        "Hvor mange faglige utvalg finnes antall fagråd St. Olavs?",
    ]
    shared = "Hvilken rolle har KS i Telemark sammenlignet med i Trøndelag, ifølge de to høringsinnspillene fra 2022?"
    sides = comparison_sides(shared, topics)
    assert side_question(shared, sides[1], sides, topics) == (
        "Hvilken rolle har KS, ifølge de to høringsinnspillene fra 2022 Trøndelag?"
    )  # what the question says after the other side is asked of each side
    # a clause that points back takes the first clause's question
    back = "Hva heter det øverste organet i Telemark, og hva tilsvarer det i St. Olavs?"
    sides = comparison_sides(back, topics)
    assert side_question(back, sides[1], sides, topics) == "Hva heter det øverste organet St. Olavs?"
    # "Telemark-strategien" keeps "strategien"; two documents are compared without a cue word
    docs = "Hva sier høringsinnspillet fra 2022 og notatet fra 2024 om møtestrukturen?"
    assert [s.kind for s in comparison_sides(docs, topics)] == ["document", "document"]


def test_a_side_filtered_to_one_document_drops_the_date_that_chose_it() -> None:
    asked = "Hva sa de to høringsinnspillene fra 18. mars 2022 om sekretariatet Telemark?"
    assert without_document(asked, {"2022"}) == "Hva sa høringsinnspillene om sekretariatet Telemark?"
    # a year that is not the document's own stays: it may be what is asked about
    assert without_document("Hva sier notatet om tilskuddet i 2024?", {"2022"}) == (
        "Hva sier notatet om tilskuddet i 2024?"
    )
    # nothing left to ask: the question as it was
    assert without_document("Hva er det fra 2024?", {"2024"}) == "Hva er det fra 2024?"
    # the words that name the document go too, not a lone title word nor the region
    title = ["Høringsinnspill fra Partnerskapet i Helsefellesskapet i Telemark til Nasjonal helse- og sykehusplan"]
    long = "Hva sier samarbeidet om fastlegene i innspillene sine til Nasjonal helse- og sykehusplan i 2022 Telemark?"
    assert without_document(long, {"2022"}, title, {"telemark"}) == "Hva sier samarbeidet om fastlegene Telemark?"
    lone = "Hva sier Partnerskapet om sekretariatet i Telemark?"
    assert without_document(lone, {"2022"}, title, {"telemark"}) == lone


def test_a_later_clause_with_words_of_its_own_asks_its_own_question() -> None:
    topics = topics_of(CORPUS)
    # "det" in "hvordan det opprinnelig var organisert" is no pointer to the first clause's question
    own = (
        "Når ble Helsefellesskapet i Telemark etablert ifølge strategien, og hva forteller "
        "notatet til partnerskapsmøtet i 2024 om hvordan det opprinnelig var organisert?"
    )
    sides = comparison_sides(own, topics)
    assert side_question(own, sides[1], sides, topics).startswith(
        "Hva forteller notatet til partnerskapsmøtet i 2024 om hvordan det opprinnelig var organisert"
    )
    # a clause with hardly a word of its own still asks the first clause's question
    back = "Hvem har sekretariatsfunksjonen i Telemark, og hvem har den i Trøndelag?"
    sides = comparison_sides(back, topics)
    assert side_question(back, sides[1], sides, topics) == "Hvem har sekretariatsfunksjonen Trøndelag?"
    # a clause with no word of its own ("og hvor mange har St. Olav?") asks the first clause's question
    short = "Hvor mange faglige utvalg eller råd har Telemark, og hvor mange har St. Olav-fellesskapet?"
    sides = comparison_sides(short, topics)
    assert side_question(short, sides[1], sides, topics).endswith("utvalg eller råd har St. Olav?")


def test_title_words_go_but_the_small_words_after_them_stay() -> None:
    title = ["Notat til partnerskapsmøtet 1. mars 2024 – forslag til endringer i samarbeidsavtalen notat"]
    asked = "Hva forteller notatet til partnerskapsmøtet i 2024 om hvordan det opprinnelig var organisert?"
    assert without_document(asked, {"2024"}, title) == "Hva forteller om hvordan det opprinnelig var organisert?"


def test_a_numbered_thing_the_answer_names_only_by_another_number_is_a_gap() -> None:
    numbered = frozenset({"retningslinje", "pkt"})
    context = "Retningslinje 1 Ansvar og oppgaver. Høringsfristen til retningslinje 1. ble sendt ut 12. februar."
    asked = "Hva er fristen for innspill til retningslinje 2?"
    assert numbered_gaps(asked, context, numbered) == ["noe om retningslinje 2"]
    assert numbered_gaps("Hva er fristen for innspill til retningslinje 1?", context, numbered) == []
    # a range names every number in it; passages silent on the kind are left to the other checks
    assert numbered_gaps("Hvem godkjenner retningslinje 5?", "godkjenne retningslinje 2-12", numbered) == []
    assert numbered_gaps(asked, "Fristen er 23. februar.", numbered) == []
    # a range asked is answered by a passage naming any of it, not by one naming none of it
    ranged = "Hva er fristen for innspill til retningslinje 2–12?"
    assert numbered_gaps(ranged, context, numbered) == ["noe om retningslinje 2–12"]
    assert numbered_gaps(ranged, "godkjenne retningslinje 2-12", numbered) == []
    assert numbered_gaps(ranged, "retningslinje 5 om utskrivning", numbered) == []
    assert numbered_gaps("Hva sier pkt. 13?", "Pkt. 11 Håndtering av uenighet", numbered) == ["noe om pkt 13"]


def test_two_questions_in_one_are_split() -> None:
    assert question_parts("Hvem utnevner leder i et FSU, og hvem skal de representere?") == [
        "Hvem utnevner leder i et FSU?",
        "Hvem skal de representere?",
    ]
    assert question_parts("Hvem sitter i SSU og FSU?") == []
    # a yes/no question after a comma and "og" is a part of its own; without the comma it is not
    assert question_parts("Hvem tar den endelige beslutningen, og bør vi si noe om økonomi?") == [
        "Hvem tar den endelige beslutningen?",
        "Bør vi si noe om økonomi?",
    ]
    assert question_parts("Hvem sitter i SSU og er det noen fra KS?") == []
    # two questions one after the other, unless only clauses are asked for
    twice = "fact teamene i trondheim, hva het de før? og skal det bli flere team?"
    assert question_parts(twice) == ["Fact teamene i trondheim, hva het de før?", "Skal det bli flere team?"]
    assert question_parts(twice, sentences=False) == []


def test_a_status_question_is_searched_by_what_it_claims() -> None:
    assert claim("Er det vedtatt at SSU skal deles?") == "SSU skal deles"
    assert claim("Gjelder retningslinje 1?") == "retningslinje 1"


def test_status_questions_are_recognised() -> None:
    ask = status_ask("Er det vedtatt at SSU skal deles?", names_document=False)
    assert ask is not None and ask.yes_no and ask.asks_decided
    assert status_ask("Når ble strategien vedtatt?", names_document=True) is not None
    assert status_ask("Hvem var innspillet adressert til?", names_document=True) is not None  # its addressee
    # a relative clause says which document; "hvilke tiltak" asks what it holds, not who made it
    assert status_ask("Hvilke tiltak står i handlingsdelen som SSU har laget?", names_document=True) is None
    assert status_ask("Hvilke organer har vedtatt strategien?", names_document=True) is not None
    assert status_ask("Hvem gjør endelig vedtak på forslag fra FSU?", names_document=False) is None
    assert status_ask("Hvor ofte møtes SSU?", names_document=False) is None
    having = "Har helsefellesskapet rundt St. Olav en vedtatt handlingsplan?"  # what they have, not a status
    assert status_ask(having, names_document=False) is None
    assert status_ask("Har helsefellesskapet rundt St. Olav en egen vedtatt strategi?", names_document=True) is None
    noun = status_ask("Er innspillet fra St. Olav et vedtak?", names_document=True)  # the noun asks it too
    assert noun is not None and noun.asks_decided
    assert status_ask("Kan SSU fatte vedtak?", names_document=False) is None  # what SSU may do, not a status
    # a statement before the question asks nothing; the sentence with the question mark does
    later = status_ask("I mars 2024 ble det anbefalt å ikke behandle den. Er den likevel vedtatt senere?", True)
    assert later is not None and later.yes_no
    assert status_ask("Retningslinjen er vedtatt av Partnerskapet. Hvem sitter i SSU?", names_document=True) is None
    # adopting in the present asks a named document's status; of no document it asks who decides
    adopts = status_ask("Er strategien noe partnerskapet vedtar, eller bare et arbeidsnotat?", names_document=True)
    assert adopts is not None and adopts.asks_decided
    assert status_ask("Er det SSU som vedtar tiltakene?", names_document=False) is None
    # "1. mars" ends no sentence: the whole question still asks who is behind the memo
    assert status_ask("Hvem står bak notatet til partnerskapsmøtet 1. mars 2024?", names_document=True) is not None
    # a decision as a noun with its verb asks who decided, like "vedtok"
    assert status_ask("Hvem gjorde vedtak om strategien?", names_document=True) is not None
    assert status_ask("Kven tok avgjerda om retningslinja?", names_document=True) is not None


def test_a_time_the_document_date_contradicts_is_named() -> None:
    asked = "Ble retningslinje 1 vedtatt på partnerskapsmøtet i mars 2024?"
    assert other_time(asked, "2024-09-26") == "i mars 2024"
    assert other_time("Ble den vedtatt i 2023?", "2024-09-26") == "i 2023"
    # a time that fits, no time at all, or a document dated by its year only: nothing to say
    assert other_time("Ble retningslinje 1 godkjent i september 2024?", "2024-09-26") == ""
    assert other_time("Ble den vedtatt 26. september 2024?", "2024-09-26") == ""
    assert other_time("Ble retningslinje 1 vedtatt?", "2024-09-26") == ""
    assert other_time("Ble strategien vedtatt i mars 2025?", "2025") == ""
    # one fitting time of two is enough; the years of a title ("2025–2029") pin nothing
    assert other_time("Ble strategien 2025–2029 vedtatt i september 2024 eller i mars 2024?", "2024-09-26") == ""
    assert other_time("Er strategien 2025–2029 godkjent?", "2024-09-26") == ""


def test_demands_are_checked_on_the_answer() -> None:
    assert demands_of("Hvor ofte møtes PSU?").answer_type == "frequency"
    # what the asker adds after the question asks nothing ("deadline fredag" is no date asked for)
    assert demands_of("må vi regne på kostnader før vi sender forslaget til ssu? deadline fredag").answer_type == "any"
    assert demands_of("Vi har frist på fredag. Hvor ofte møtes SSU?").answer_type == "frequency"
    # "link" in chat words asks for an address; "hvor mye av tilskuddet" counts the grant
    assert demands_of("hvor finner jeg protokollene? har noen link?").answer_type == "link"
    assert demands_of("hvor finner jeg protokollene? ligger de paa nett nånstans?").answer_type == "link"
    share = demands_of("Hvor mye av rekrutterings- og samhandlingstilskuddet gikk til FSU for skrøpelige eldre?")
    assert share.counted.startswith("rekrutter")
    # what comes after the years the documents cover is not in them; what happened after a year may be
    assert demands_of("Hva blir den nye strategien etter 2029?").now
    assert not demands_of("Hva skjedde etter 2022?").now
    assert demands_of("Hva koster en parkeringsplass?").answer_type == "amount"
    assert demands_of("Hvor mange kroner får en brukerrepresentant per møte?").answer_type == "amount"
    assert demands_of("Får brukerrepresentantene godtgjørelse?").answer_type == "any"  # whether, not how much
    assert demands_of("Hvem stemte mot forslaget?").answer_type == "person"
    assert demands_of("Hva er telefonnummeret til sekretariatet?").answer_type == "number"
    assert demands_of("Hva er e-postadressen til FSU?").answer_type == "email"
    # a relative clause says which thing, it does not ask: "tallene som viser hvor mye …"
    assert demands_of("Tallene som viser hvor mye kommunene bruker – hvem lager dem?").answer_type != "amount"
    assert demands_of("Kan en fastlege ringe sykehuset om en pasient?").answer_type == "any"  # whether, not the number
    assert demands_of("Hva bør et forslag si om kostnader?").answer_type == "any"  # about costs, not an amount
    assert demands_of("Hva er kostnadene ved medlemskap?").answer_type == "amount"
    assert demands_of("Hva tjener en samhandlingskoordinator i året?").answer_type == "amount"  # a salary
    assert demands_of("Hvem var saksbehandler for innspillet?").answer_type == "person"
    # the clause to cite: a law or a paragraph
    assert demands_of("Hvilke lovparagrafer viser retningslinje 1 til?").answer_type == "law"
    assert demands_of("Kva for lovføresegner viser retningslinja til?").answer_type == "law"
    assert demands_of("Hva sier helse- og omsorgstjenesteloven § 6-1?").answer_type == "any"
    assert has_answer_type("law", "er omfattet av helseberedskapsloven § 1-3")
    assert not has_answer_type("law", "Retningslinjen gjentar ikke de områdene")
    # a sum the question claims is checked against what the documents state
    assert unstated_amounts("Kan FSU vedta tiltak under 100 000 kroner?", "betaler 15 000,- kroner") == [
        "100 000 kroner"
    ]
    assert unstated_amounts("Betaler alle 15 000 kroner?", "en årlig sum av 15 000,- kroner") == []
    assert unstated_amounts("Fikk de 5,3 millioner?", "fikk 5,3 millioner til disposisjon") == []
    # so is a measure (how often, how long, what share): unless the text gives another one of
    # the same kind, which answers the claim ("Nei – to ganger årlig")
    assert unstated_measures("Stemmer det at PSU møtes seks ganger i året?", "Det jobbes med møter i PSU") == [
        "seks ganger"
    ]
    assert unstated_measures("Møtes partnerskapet fire ganger i året?", "Partnerskapet møtes to ganger årlig") == []
    assert unstated_measures("Møtes FSU 4 ganger i året?", "minimum fire ganger i året") == []
    assert unstated_measures("Møtes partnerskapet fire ganger i året?", "har to årlige møter") == []
    assert unstated_measures("Er de ansatt i 50 % stilling?", "samhandlingskoordinatorene") == ["50 %"]
    assert unstated_measures("Sitter man i tre år?", "Deltakelsen gjelder for 2 år") == []
    # a day the question names must be named where the answer looks, in any spelling
    assert unstated_days("Hva vedtok partnerskapsmøtet 1. mars 2024?", "Partnerskapet 26. september 2024") == [
        "1. mars 2024"
    ]
    assert unstated_days("Hva vedtok partnerskapsmøtet 1. mars 2024?", "Notat til partnerskapsmøtet 01.mars") == []
    assert unstated_days("Hva skjedde 18.mars?", "vedtok i sitt møte 18. mars 2022 følgende") == []
    assert unstated_days("Hva skjer i mars 2024?", "") == []  # a month is no day
    # a sum asked per day, hour, week or month needs a sum said per that period
    yearly = "Alle kommuner og sykehuset betaler en årlig sum av 15 000,- kroner."
    assert unstated_rates(
        "Hvor mye må kommunen betale per døgn for en utskrivningsklar pasient?", "quantity", yearly
    ) == ["beløp per døgn"]
    assert unstated_rates("Hva koster det i måneden å være med?", "amount", yearly) == ["beløp per måned"]
    assert unstated_rates("Kva kostar det kvar veke?", "amount", yearly) == ["beløp per uke"]
    assert unstated_rates("Hva er timeprisen per time?", "amount", "Prisen er 1 200 kroner per time.") == []
    assert unstated_rates("Hva koster en plass per døgn?", "amount", "Døgnprisen er 4 000 kroner.") == []
    # a year is how these documents give sums; "i dag" is today, not per day; "hvor mye" of time is no sum
    assert unstated_rates("Hvor mye betaler hver kommune per år?", "quantity", yearly) == []
    assert unstated_rates("Hvor mye koster medlemskapet i dag?", "amount", yearly) == []
    assert unstated_rates("Hvor mye tid bruker de i uka?", "quantity", "Det forventes noe arbeid mellom møtene.") == []
    assert confirms_claim("Noen sa at tillitsvalgte ikke er med. Stemmer det?")
    assert confirms_claim("Har jeg forstått det rett at SSU møtes fire ganger?")
    assert not confirms_claim("Hvem møter ikke i den administrative delen?")
    # how a decision ended is an outcome; how they arrived at something is a process
    assert demands_of("Hva endte partnerskapsmøtet med å vedta om forslaget?").outcome
    assert demands_of("Hva kom de fram til om SSU?").outcome
    assert not demands_of("Hvordan kom de fram til kjerneverdiene?").outcome
    assert demands_of("Ble SSU faktisk delt i to etter møtet i mars 2024?").outcome  # what was in fact done
    assert not demands_of("Har SSU faktisk myndighet til å vedta budsjett?").outcome
    assert demands_of("Hvor mange medlemmer har ASU?").counted == "medlem"
    assert demands_of("Hvor mye cash fikk Telemark?").counted == ""  # an amount, not a count
    assert has_answer_type("duration", "arbeidet i ca. 6 mndr")
    # how long, by the thing that lasts; said as "4-årsperiode" or "1 ½ time"
    assert demands_of("Hvor lang oppsigelsestid har avtalen?").answer_type == "duration"
    assert demands_of("Kor lang periode gjeld planen?").answer_type == "duration"
    assert demands_of("Hvor lang er listen?").answer_type != "duration"
    assert has_answer_type("duration", "arbeidet i inneværende 4-årsperiode")
    assert has_answer_type("duration", "der reisetiden overstiger 1 ½ time")
    # a place the documents name, in a compound ("Trondheimsområdet"), is no other place
    known = frozenset({"trondheim", "område"})
    assert not gaps(demands_of("Kan en lege i Trondheimsområdet ringe?"), "", "", "", known)
    assert gaps(demands_of("Kan en lege i Levangerområdet ringe?"), "", "", "", known)
    # a count stands in the line of what it counts, not in the list item above it
    counted = demands_of("Hvor mange søknader kom inn?")
    items = "- formkrav beskrevet i vedlegg 1.2 og 1.3\n- Bidra til søknader om tilskudd"
    assert gaps(counted, items, items, items, known) == [TYPE_GAPS["quantity"]]
    assert not gaps(counted, "Det kom inn 12 søknader.", "", "", known)
    assert demands_of("Hva ble til slutt vedtatt om oppsigelsestiden i pkt. 13?").outcome
    assert demands_of("Hva ble resultatet av forslaget om å dele SSU?").outcome
    assert demands_of("Fikk helsefellesskapet rundt St. Olav gjennomslag for kravet?").outcome  # what came of it
    # when something happened, however long its name
    long_name = "Når ble Helsefellesskapet mellom St. Olavs hospital og kommunene etablert?"
    assert demands_of(long_name).answer_type == "time"
    assert not demands_of("Hvem vedtar strategien?").outcome
    assert demands_of("Hva heter samhandlingskoordinatorene?").answer_type == "person"  # names of people
    assert demands_of("Hva heter det øverste organet?").answer_type == "any"
    # a role after one or two words of its own, or "personen": still a person's name
    assert demands_of("Hva heter administrerende direktør ved Sykehuset Telemark?").answer_type == "person"
    assert demands_of("Hva heter den nye samhandlingskoordinatoren i Telemark?").answer_type == "person"
    assert demands_of("Hva heter personen som er brukerrepresentant i SSU?").answer_type == "person"
    assert demands_of("Kva heiter den nye leiaren av FSU?").answer_type == "person"
    assert demands_of("Hva heter det nye utvalget for barn og unge?").answer_type == "any"
    assert demands_of("Hvem leder PSU?").answer_type == "person"
    assert demands_of("Kven var ordførar i Skien?").answer_type == "person"  # Nynorsk role
    assert demands_of("Hvem ble valgt til leder av SSU?").answer_type == "person"  # an election's outcome
    assert demands_of("Hvem velger leder i FSU?").answer_type == "any"  # who elects: a body
    assert demands_of("Hvem er samhandlingskoordinator i Telemark?").answer_type == "person"
    assert demands_of("Hvem er fagdirektør ved sykehuset?").answer_type == "person"  # a compound role
    # "I hvilket fagråd …?": one named, not "ett av fagrådene"
    which = demands_of("I hvilket fagråd sitter statsforvalteren?")
    assert gaps(which, "Statsforvalteren sitter i ett av fagrådene.", "", "", frozenset())
    assert not gaps(which, "Statsforvalteren sitter i Fagråd for legesamarbeid.", "", "", frozenset())
    assert demands_of("Hva er budsjettet til fagrådet?").answer_type == "amount"
    # "Hva heter de fem fagrådene?": the answer names five things, not only how many there are
    five = demands_of("Hva heter de fem fagrådene?")
    assert five.listed == 5 and gaps(five, "oppfølgingen i de 5 ulike fagrådene.", "", "", frozenset())
    # asked for as a list: "hele lista over de 17 kommunene" names 17, "består av alle 17" does not
    seventeen = demands_of("Kan jeg få hele lista over de 17 kommunene i Telemark?")
    assert seventeen.listed == 17
    counted = "Helsefellesskapet består av alle 17 kommunene og Sykehuset Telemark HF."
    assert gaps(seventeen, counted, "", "", frozenset())
    assert demands_of("Gi meg en oversikt over alle fem fagrådene.").listed == 5
    three = demands_of("Hvilke tre egenskaper skal kjennetegne arbeidet?")
    assert not gaps(three, "Vi skal være engasjert, løsningsorientert og ambisiøs.", "", "", frozenset())
    # "Hvilke ord kom oftest opp?" asks for a ranking: a passage that only mentions the words has none
    often = demands_of("Hvilke ord kom oftest opp i ordskyen?")
    cloud = "Innspillene er synliggjort i ordskyen, som er lagt til grunn for valg av visjon og verdier."
    assert often.ranking == "oftest" and gaps(often, cloud, cloud, cloud, frozenset())
    ranked = "Det som nevnes aller oftest, er samhandling."
    assert not gaps(often, ranked, ranked, ranked, frozenset())
    most = demands_of("Hvilken kommune bruker mest spesialisthelsetjenester?")
    assert most.ranking == "mest" and RANKING_GAP.format(word="mest") not in gaps(
        most, "", "Skien bruker flest.", "", frozenset()
    )
    assert RANKING_GAP.format(word="mest") in gaps(most, "", "Skien bruker tjenester.", "", frozenset())
    assert not demands_of("Hva savner helsefellesskapet mest av støtte fra staten?").ranking  # stresses the wish
    # "Hvem betaler …?" is answered by a quote that speaks of paying, not one that names the service
    pays = demands_of("Hvem betaler for følgetjenesten for gravide med lang reisevei?")
    escort = "Kommuner og sykehus har et etablert samarbeid om følgetjeneste og beredskap."
    assert pays.paid and PAYER_GAP in gaps(pays, escort, escort, escort, frozenset())
    fee = "Alle kommuner og sykehuset betaler en årlig sum av 15 000,- kroner."
    assert PAYER_GAP not in gaps(pays, fee, fee, fee, frozenset())
    assert not demands_of("Hva betaler kommunene i kontingent?").paid
    # a count of a website's visitors is a count, not a link; a union representative's name is a person's
    assert demands_of("Hvor mange besøkende har nettsiden i måneden?").answer_type == "quantity"
    assert demands_of("Hva heter den tillitsvalgte fra NSF i SSU?").answer_type == "person"
    # "Hvilken app / hvilket verktøy …?": a named product or an acronym, not a description
    app = demands_of("Hvilken app brukes til digital hjemmeoppfølging?")
    assert app.answer_type == "product" and TYPE_GAPS["product"] in gaps(
        app, "Digital hjemmeoppfølging er særlig viktig.", "", "", frozenset()
    )
    tool = demands_of("Hvilket verktøy brukte utvalgene?")
    assert not gaps(tool, "Deltakere i FSU og SSU har brukt SWOT-analyse.", "", "", frozenset({"fsu", "ssu"}))
    # exercises and drugs are care itself; arranging a patient's home is care for that patient
    assert demands_of("Hvilke øvelser anbefaler FSU for å forebygge fall hjemme?").advice
    assert demands_of("Hvordan bør en ergoterapeut tilrettelegge hjemmet for en pasient med demens?").advice
    assert not demands_of("Hvilke tiltak anbefaler FSU i strategien?").advice
    # a superlative that describes what is asked about asks for no ranking
    assert not demands_of("Hvor ofte møtes det høyeste organet i Telemark?").ranking
    assert not demands_of("Hva skiller de mest sårbare eldre fra andre?").ranking
    assert not demands_of("Hvordan sikres mest mulig lik praksis?").ranking
    # things named in different sentences are no list of them
    spread = "Det er vanskelig å kjenne, representere og involvere en region. Det finnes 5 ulike fagråd."
    assert gaps(five, spread, "", "", frozenset())
    assert demands_of("Hva finansierer fellesbudsjettet?").answer_type == "any"
    assert demands_of("Når er neste partnerskapsmøte?").now
    assert demands_of("Hvem stoppet forslaget sist?").now and demands_of("Hva ble vedtatt nylig?").now
    assert not demands_of("Når ble retningslinjen sist revidert?").now  # the documents say that
    # only the sentences that ask pin a moment, and not the asker's own "Må vi …?"
    assert not demands_of("Jeg kan ikke stille på neste møte. Hva sier retningslinjen om vara?").now
    assert not demands_of("hvem lager handlingsplanen, ssu eller fsu? need it til neste møte").now
    assert not demands_of("Må vi vente på neste SSU-møte, eller finnes det en annen vei?").now
    assert demands_of("Jeg lurer på noe. Skal SSU møtes neste uke?").now
    assert demands_of("Hvem er leder av SSU i 2025?").years == ("2025",)
    # a question after a sentence of context: its first word is no name ("… prosedyre. Hvem …")
    assert demands_of("Vi i Skien har laget et forslag. Hvem tar avgjørelsen?").names == ("Skien",)
    assert demands_of("Hvem sitter i SSU?").answer_type == "any"
    assert demands_of("Hvor finner jeg referatene på nett?").answer_type == "link"
    count = demands_of("Hvor mange fagråd er det?")
    assert meets(count, "oppfølgingen i de 5 ulike fagrådene") and not meets(count, "Fagråd for legesamarbeid")
    assert meets(demands_of("Hvem sitter i SSU?"), "Hva som helst.")  # no type demanded
    assert demands_of("Kan man delta på nett?").answer_type == "any"  # attending online is no address
    assert has_answer_type("frequency", "SSU møtes fire ganger årlig.")
    assert not has_answer_type("frequency", "Det jobbes med forberedelser til møter i PSU.")
    assert has_answer_type("amount", "Alle betaler en årlig sum av 15 000,- kroner.")
    assert not has_answer_type("quantity", "Nasjonal helse- og sykehusplan 2020–2023.")  # a year is no count
    assert has_answer_type("person", "Hvert FSU har en leder og en nestleder.", role="led")
    assert not has_answer_type("person", "SSU er operative ledermøter.", role="led")
    assert not has_answer_type("email", "Se https://www.sthf.no for mer.")
    demands = demands_of("Hva koster en parkeringsplass i Agder?")
    missing = gaps(demands, "Alle betaler 15 000 kroner.", "Strategi … Skien", "Strategi … Skien", frozenset())
    assert "noe om Agder" in missing and not any("beløp" in m for m in missing)
    # what is counted must stand with a number, not just somewhere in the answer
    patients = demands_of("Hvor mange pasienter er med i forprosjektet?")
    assert gaps(patients, "Pasientgruppen får tjenester fra begge nivåer og flere overganger.", "", "", frozenset())
    users = demands_of("Hvor mange brukerrepresentanter sitter i SSU?")
    assert gaps(users, "Det er 2 brukerrepresentanter i Partnerskapet og SSU.", "", "", frozenset()) == []
    # "Hvilke kommuner …?" wants their names, not what the documents say of municipalities in general
    which = demands_of("Hvilke kommuner står bak endringsforslagene?")
    known = frozenset({"sykehuset", "telemark", "hf"})
    assert gaps(which, "Anbefalt av kommunedirektørene i Bamble, Nome og Skien.", "", "", known) == []
    assert gaps(which, "Alle 17 kommunene og Sykehuset Telemark HF er med.", "", "", known)
    assert demands_of("Kva for kommunar er med?").answer_type == "names"
    assert demands_of("kva gjer kommunane?").answer_type == "any"
    # "… – kommunen eller sykehuset?": which side, so what the documents say of the role will do
    sides = demands_of("hvem blir leder i et fsu – kommunen eller sykehuset?")
    assert sides.answer_type == "person" and sides.role and not demands_of("Hvem er leder av FSU?").role
    # another party's reply is not in what was sent
    reply = demands_of("Hva svarte departementet på innspillet fra St. Olavs?")
    assert reply.answer_type == "response"
    assert gaps(reply, "Til Helse- og omsorgsdepartementet, Dato 30. mars 2022", "", "", frozenset())
    # a share of the money is an amount, not a count ("seks FSU" does not answer it)
    share = demands_of("Hvor mye av de 5,3 millionene gikk til FSU – Barn og unge?")
    assert share.answer_type == "amount" and gaps(share, "Det er etablert seks FSU.", "", "", frozenset())
    # "trenger navn": the role named will not do
    assert demands_of("Hvem leder et FSU?").role and not demands_of("hvem leder ASU? trenger navn").role
    # the one person in a seat ("representanten") is a name, not the seat
    seat = demands_of("Hvem er kommuneoverlegerepresentanten i SSU?")
    assert gaps(seat, "- Kommuneoverlegerepresentant", "", "", known)
    # so is the one doctor in a seat ("fastlegen som sitter i …"): a list item "En fastlege" is no name
    doctor = demands_of("Hvem er fastlegen som sitter i FSU – Skrøpelige eldre i Telemark?")
    assert doctor.answer_type == "person" and gaps(doctor, "- En fastlege", "", "", known)


def test_a_definite_noun_is_the_compound_the_answer_named() -> None:
    topics = topics_of(CORPUS)
    history = [
        Turn("user", "Hvilke eksempler på tjenesteutvikling nevner Helsefellesskapet i Telemark?"),
        Turn("assistant", "Blant annet etablering av Læringsnettverk for gode pasientforløp [1]."),
    ]
    asked = standalone_question("Hvem står bak det nettverket?", history, topics)
    assert asked.startswith("Hvem står bak Læringsnettverk for gode pasientforløp")
    assert "Telemark" in asked and "eksempler" not in asked  # where it was, not the old question
    ssu = [Turn("user", "Hvor ofte møtes SSU?"), Turn("assistant", "SSU møtes fire ganger årlig [1].")]
    plain = standalone_question("Hvem sitter i det utvalget?", ssu, topics)  # no compound of "utvalg" named
    assert "det utvalget" in plain and "SSU" in plain
    # a longer question that points back ("den gruppa") is a follow-up too
    group = [
        Turn("user", "Hva har helsefellesskapet rundt St. Olav gjort med utskrivningsklare pasienter?"),
        Turn("assistant", "Det ble nedsatt en arbeidsgruppe som jobbet med forslag til tiltak [1]."),
    ]
    long = "hvem satt i den gruppa, og hvor lenge holdt de på med arbeidet sitt?"
    assert is_followup(long, topics) and not is_followup("Hvem sitter i Partnerskapsmøtet i Telemark nå?", topics)
    assert is_followup("hvem sitter i det arbeidsutvalget da?", topics)  # a known body, pointed back at
    assert standalone_question(long, group, topics).startswith("hvem satt i arbeidsgruppe")


def test_an_equivalence_question_is_recognised() -> None:
    assert asks_equivalent("Hva heter det øverste organet i Telemark, og hva tilsvarer det i Trøndelag?")
    assert asks_equivalent("kva svarer til SSU på same nivå i Trøndelag?")
    assert not asks_equivalent("Hva er forskjellen på SSU og ASU?")


def test_a_result_is_not_said_by_what_should_happen() -> None:
    planned = ["Kombinerte stillinger er under utprøving og bør evalueres."]
    assert result_not_said("Hva ble resultatet da stillingene ble evaluert?", planned)
    assert not result_not_said("Hva ble resultatet?", ["Evalueringen viste økt kjennskap."])
    assert not result_not_said("Hvem gjør endelig vedtak?", planned)  # not asking what came of it
    assert result_not_said("Hva viste evalueringen av de kombinerte stillingene?", planned)  # what it found
    considered = ["Det vurderes også å se på et felles brukerråd for kommuner og sykehus."]
    assert result_not_said("Ble det opprettet et felles brukerråd?", considered)  # did it happen?
    assert not result_not_said("Ble det opprettet et felles brukerråd?", ["Et felles brukerråd ble opprettet."])
    # a long subject between "Ble" and the verb is still a question whether it happened
    long = "Ble forslaget om å dele SSU i et nedre og et øvre Telemark til slutt vedtatt av kommunestyrene?"
    assert result_not_said(long, ["Det foreslås å dele SSU i et nedre og et øvre Telemark."])


def test_results_so_far_need_a_sentence_that_states_one() -> None:
    asked = "Hvilke resultater har læringsnettverket gitt så langt?"
    started = ["Læringsnettverket er etablert. Arbeidet har nylig startet, men det vil være aktuelt å dele resultater."]
    assert result_not_said(asked, started)  # an establishment and a plan to share results: no result
    assert not result_not_said(asked, ["Nettverket har gitt færre reinnleggelser."])
    assert not result_not_said("Hvilke resultater skal nettverket måles på?", started)  # not "so far"


def test_the_findings_of_an_evaluation_need_a_sentence_that_states_them() -> None:
    asked = "Hva var hovedfunnene i universitetets evaluering av helsefellesskapet?"
    member = ["Universitetet i Sørøst-Norge (Observatør med talerett)"]
    assert result_not_said(asked, member)  # the evaluator named, nothing found
    assert not plans_only(member)  # so the answer says the result is missing, not that only plans are cited
    assert not result_not_said(asked, ["Evalueringen viste at universitetet ga nyttige innspill."])
    assert not result_not_said("Hvilke funn har dere gjort?", member)  # no findings "i/fra" something asked for


def test_an_ordinal_points_at_an_item_of_the_list_just_given() -> None:
    topics = topics_of(CORPUS)
    areas = [
        Turn("user", "Hvilke innsatsområder har strategien for Helsefellesskapet i Telemark?"),
        Turn("assistant", "Strategien har åtte: 7.1 barn og unge, 7.4 skrøpelige eldre og 7.8 felles beredskap [1]."),
    ]
    assert standalone_question("hva står det om det siste av dem?", areas, topics).startswith(
        "hva står det om 7.8 felles beredskap"
    )
    assert standalone_question("og den første?", areas, topics).startswith("og 7.1 barn og unge")
    groups = [
        Turn("user", "Hvilke pasientgrupper er prioritert?"),
        Turn("assistant", "Fire grupper: barn og unge, skrøpelige eldre og personer med flere kroniske lidelser."),
    ]
    named = standalone_question("hva sier strategien i Telemark om den siste gruppen?", groups, topics)
    assert named == "hva sier strategien i Telemark om personer med flere kroniske lidelser?"
    # a noun the conversation never used is no item ("den første uka"); nor is there one without a list
    week = "Hva gjør fastlegen den første uka etter utskrivning fra Sykehuset Telemark?"
    assert standalone_question(week, groups, topics) == week
    plain = [Turn("user", "Hvor ofte møtes SSU?"), Turn("assistant", "SSU møtes fire ganger årlig [1].")]
    assert "siste" in standalone_question("hva skjedde på det siste?", plain, topics)


@pytest.mark.parametrize(
    "answer",
    [
        # a list in brackets, with more after it
        "De fire pasientgruppene (barn og unge, skrøpelige eldre og personer med flere kroniske lidelser), og i "
        "tillegg den akuttmedisinske kjede og digital samhandling.",
        # a list after the words that lead into it
        "De fire prioriterte gruppene er barn og unge, skrøpelige eldre og personer med flere kroniske lidelser.",
    ],
)
def test_an_ordinal_finds_a_list_in_brackets_or_after_its_lead_in(answer: str) -> None:
    groups = [Turn("user", "Hvilke pasientgrupper er prioritert?"), Turn("assistant", answer)]
    asked = standalone_question("Hva sier strategien om den første av dem?", groups, topics_of(CORPUS))
    assert asked.startswith("Hva sier strategien om barn og unge")


def test_the_content_of_a_text_still_to_be_written_is_not_said() -> None:
    planned = ["SSU vil utarbeide en handlingsdel til strategiplanen med oversikt over tiltak."]
    assert _not_yet_written("Hvilke konkrete tiltak står i handlingsdelen?", planned) == "handlingsdel"
    passive = ["SSU skal operasjonalisere strategien i en handlingsplan som utarbeides i samarbeid med FSU."]
    assert _not_yet_written("Hva inneholder handlingsplanen?", passive) == "handlingsplan"
    # what is planned for it, what the documents say about a topic, or another text: not this gap
    assert _not_yet_written("Hva skal handlingsdelen inneholde?", planned) == ""
    assert _not_yet_written("Hva står det om beredskapsplaner?", ["Kommunene skal utarbeide beredskapsplaner."]) == ""
    assert _not_yet_written("Hva står i strategien om barn?", planned) == ""
    # a task in a list of tasks ("- Utarbeide årsmelding …") is a text still to be written, too
    tasks = ["Oppgaver - Saksforberedelse - Utarbeide årsmelding for Helsefellesskapet i Telemark"]
    assert _not_yet_written("Hva står det i årsmeldingen for 2024?", tasks) == "årsmelding"
    assert _not_yet_written("Hva står det i referatet?", tasks) == ""


def test_the_body_an_answer_named_is_what_a_follow_up_points_at() -> None:
    topics = topics_of(CORPUS)
    named = [
        Turn("user", "Hva heter organet i St. Olav-samarbeidet som tilsvarer partnerskapsmøtet i Telemark?"),
        Turn("assistant", "Det heter Politisk samarbeidsutvalg (PSU), på nivå med partnerskapsmøtet [1]."),
    ]
    asked = standalone_question("hvem er observatører der?", named, topics)
    assert asked.startswith("hvem er observatører der (Politisk samarbeidsutvalg") and "Telemark" not in asked


def test_a_question_about_the_organisation_names_no_one_body() -> None:
    topics = topics_of(CORPUS)
    assert asks_organisation("Hvilke organer har Helsefellesskapet i Telemark?", topics)
    assert asks_organisation("Korleis er helsefellesskapet i Trøndelag organisert?", topics)
    assert not asks_organisation("Hvordan er SSU organisert?", topics)  # one body: its own passages
    assert not asks_organisation("Hvilke deltidsstillinger skulle bygge bro mellom nivåene?", topics)
    # "på kva nivå er dei med?" asks where one thing is
    assert not asks_organisation("Kva organisasjonar gjev brukarane ei røyst, og på kva nivå er dei med?", topics)
    assert asks_organisation("Kva nivå har helsefellesskapet i Telemark?", topics)
    # a thing of its own organised ("handlingsplanen", "brukermedvirkningen") is no organisation question
    assert not asks_organisation("Hvordan er handlingsplanen organisert i Telemark sammenlignet med St. Olav?", topics)
    assert not asks_organisation("Hvordan er brukermedvirkningen organisert i Trøndelag?", topics)
    assert asks_organisation("Hvordan er de to helsefellesskapene bygd opp?", topics)
    assert asks_organisation("Hvordan er de tre nivåene organisert i Telemark sammenlignet med St. Olav?", topics)


def test_what_happened_when_needs_a_year_or_date_and_a_count_of_a_year_that_year() -> None:
    when = demands_of("Kva tid vart Helseplattformen innført i Trondheim kommune?")
    assert when.answer_type == "time" and TYPE_GAPS["time"] in gaps(
        when, "Helseplattformen er ventet å løse mye.", "", "", frozenset()
    )
    assert not gaps(
        demands_of("Når ble helsefellesskapene slått sammen?"), "De ble i 2022 slått sammen.", "", "", frozenset()
    )
    assert demands_of("Når møtes SSU?").answer_type == "any"  # a rule's time, not an event's
    held = demands_of("Hvor mange møter hadde FSU Skrøpelige eldre i 2024?")
    rule = "Hvert FSU møtes minimum fire ganger i året."
    assert "noe om 2024" in gaps(held, rule, "godkjent 26. september 2024", "", frozenset())
    assert demands_of("Kan du liste opp alle de 22 kommunene i helsefellesskapet med St. Olav?").answer_type == "names"


def test_a_phone_the_asker_mentions_is_not_a_number_asked_for() -> None:
    assert (
        demands_of("st olav har visst en tlf man kan ringe for å drøfte en pasient? hvem svarer?").answer_type == "any"
    )
    assert demands_of("hva er tlf-nummeret til sekretariatet?").answer_type == "number"
    assert demands_of("Hva er telefonnummeret til konsultasjonstelefonen?").answer_type == "number"


def test_whether_a_meeting_decided_a_proposal_asks_what_happened() -> None:
    asked = status_ask("Vedtok partnerskapsmøtet 1. mars 2024 å dele SSU i nedre og øvre Telemark?", False)
    assert asked is not None and asked.yes_no and asked.asks_decided
    assert asks_happened("Vedtok partnerskapsmøtet å dele SSU?")


def test_an_amount_of_a_year_needs_that_year_quoted_and_grants_need_names() -> None:
    spent = demands_of("Hvor mye brukte Helsefellesskapet på konferanser i 2024?")
    assert spent.answer_type == "amount" and spent.counted_in_year
    assert "noe om 2024" in gaps(spent, "Summen er 15 000 kroner.", "strategi 2024", "", frozenset())
    assert demands_of("Hvilke prosjekter fikk tildelt midler fra tilskuddet?").answer_type == "names"
    known = frozenset({"helsefellesskapet", "telemark"})
    assert not has_answer_type("names", "Dette er arbeidet i Helefellesskapet nå.", known)  # a misspelling, no name


def test_when_something_ends_or_starts_needs_a_year_or_date() -> None:
    ends = demands_of("Når utløper samarbeidsavtalen i Telemark, og hvor lang oppsigelsestid har den?")
    assert ends.answer_type == "time"
    assert TYPE_GAPS["time"] in gaps(ends, "Kommunene har valgt en felles samarbeidsavtale.", "", "", frozenset())
    assert demands_of("Når tas Helseplattformen i bruk av alle kommunene?").answer_type == "time"
    assert demands_of("Når møtes partnerskapet?").answer_type == "any"
    # a long subject between "ble" and its verb
    introduced = "Når ble den årlige kontingenten på 15 000 kroner til Helsefellesskapet i Telemark innført?"
    assert demands_of(introduced).answer_type == "time"


def test_a_season_ahead_pins_a_moment_the_documents_do_not_know() -> None:
    assert demands_of("Hvilke kurs arrangerer FSU for hjemmesykepleien til høsten?").now
    assert demands_of("Skal SSU behandle søknadene i vinter?").now
    assert not demands_of("Hva sa høstens partnerskapsmøte om strategien?").now
    assert not demands_of("Hvilke saker tar vi opp i vår kommune?").now  # "i vår kommune": ours, no season


def test_a_year_that_dates_the_document_is_not_the_year_counted() -> None:
    from assistant.answering.answerability import Vocabulary, demands_in, document_pattern

    vocabulary = Vocabulary(documents=document_pattern(["notat", "innspill"]))
    asked = demands_in("Kor mange helsefellesskap vart oppretta, ifølgje notatet frå 2024?", vocabulary)
    assert asked.counted_in_year and asked.dating == ("2024",)
    quote = "Et hovedgrep i planen var å opprette 19 helsefellesskap."
    assert not [gap for gap in gaps(asked, quote, "notat 1. mars 2024", "", frozenset()) if "2024" in gap]
    counted = demands_in("Hvor mange møter ble holdt i 2024?", vocabulary)
    assert counted.dating == () and "noe om 2024" in gaps(counted, "Det ble holdt fire møter.", "2024", "", frozenset())


def test_which_one_is_not_said_by_one_of_them() -> None:
    which = demands_of("Hvilket av fagrådene i Trøndelag er statsforvalteren observatør i?")
    assert which.which_of
    quote = "Statsforvalteren har observatørstatus i PSU og i ASU og i ett av fagrådene."
    assert any("hvilket det gjelder" in gap for gap in gaps(which, quote, "", "", frozenset()))
    named = "Statsforvalteren er observatør i fagrådet for legesamarbeid."
    assert not gaps(which, named, "", "", frozenset({"trøndelag"}))


def test_how_many_of_them_counts_them_and_an_address_is_not_whom_it_went_to() -> None:
    present = demands_of("Hvor mange av deltakerne må være til stede for at møtet er beslutningsdyktig?")
    assert present.counted == "deltake"
    assert TYPE_GAPS["quantity"] in gaps(present, "Partnerskapet møtes to ganger årlig.", "", "", frozenset())
    assert not demands_of("Hvor mange av dem møter?").counted
    assert demands_of("Hvem var innspillet adressert til?").answer_type != "link"
    assert demands_of("Hva er adressen til sekretariatet?").answer_type == "link"


def test_what_a_body_decided_asks_for_an_outcome() -> None:
    assert demands_of("Hva vedtok kommunestyret i Skien om den nye samarbeidsavtalen?").outcome
    assert demands_of("Hvilke tiltak ble vedtatt etter arbeidsgruppen?").outcome
    assert not demands_of("Hva sier retningslinjen om vedtak i FSU?").outcome


def test_a_word_the_documents_write_in_lower_case_is_no_name() -> None:
    listing = "Sammensetning\n- Ordførere\n- Kommunedirektører\n- To tillitsvalgte"
    assert not has_answer_type("names", listing, frozenset({"ordførere", "kommunedirektører"}))
    assert not named_person("Helsefellesskapet i Telemark På nettsiden publiseres alt", frozenset({"telemark", "på"}))
    assert named_person("Saksbehandler Lene Stene Salberg", frozenset({"saksbehandler"}))


def test_a_new_place_with_its_own_question_a_new_subject_and_a_pronoun_after_a_preposition() -> None:
    topics = topics_of(CORPUS)

    def asked(question: str, earlier: str) -> str:
        history = [Turn("user", earlier), Turn("assistant", "Det står i dokumentene.")]
        return standalone_question(question, history, topics)

    earlier = "Hva sier strategien i Telemark om barn og unge?"
    assert asked("og hva med i Trøndelag – hva skriver de om fastlegene?", earlier) == (
        "hva skriver de om fastlegene i Trøndelag?"
    )
    assert asked("og for eldre som bor hjemme?", earlier) == "Hva sier strategien i Telemark om eldre som bor hjemme?"
    longer = asked("hva skal til for at kommunene og sykehuset får mer ut av det?", earlier)
    assert longer.endswith("(sier strategien i Telemark om barn og unge)?")
    alone = "hva er det viktigste målet for samarbeidet mellom kommunene og sykehuset framover?"
    assert asked(alone, earlier) == alone  # the "det" of "hva er det" points at nothing


def test_a_new_subject_takes_the_place_of_the_last_one() -> None:
    history = [Turn("user", "Hva sier strategien om tiltak for barn og unge?"), Turn("assistant", "De nevnes.")]
    assert (
        standalone_question("og for eldre?", history, topics_of(CORPUS)) == "Hva sier strategien om tiltak for eldre?"
    )


def test_the_corresponding_body_of_another_region_is_named_from_corpus_data() -> None:
    # a made-up community: its regions, bodies and counterparts are data (structure.yaml), not code
    topics = Topics.from_corpus(
        [("nord", "Nordfjell", [], []), ("sor", "Sørdal", [], [])],
        [],
        [],
        bodies=[(["Fjellrådet"], "nord"), (["Dalforum"], "sor")],
        counterparts=[(["Fjellrådet"], "nord", ["Dalforum"], "sor")],
    )
    history = [
        Turn("user", "Hva er det øverste organet i Nordfjell?"),
        Turn("assistant", "Fjellrådet er det øverste organet i Nordfjell."),
    ]
    there = standalone_question("Hva heter tilsvarende organ i Sørdal?", history, topics)
    assert there == "Hva heter tilsvarende organ i Sørdal (Dalforum)?"
    verb = standalone_question("hva tilsvarer det i Sørdal?", history, topics)  # the verb asks it too
    assert verb == "hva tilsvarer det i Sørdal (Dalforum)?"
    level = standalone_question("og i Sørdal, hva heter organet på samme nivå der?", history, topics)
    assert level == "og i Sørdal, hva heter organet på samme nivå der (Dalforum)?"
    own = "Hva tilsvarer Dalforum i Sørdal?"  # names its own body: nothing to add
    assert standalone_question(own, history, topics) == own
    plain = "Hva heter organet i Sørdal?"  # no "tilsvarende": not asked as the counterpart
    assert "(Dalforum)" not in standalone_question(plain, history, topics)


def test_taken_into_use_and_where_something_is_published() -> None:
    assert demands_of("Når blir Helseplattformen tatt i bruk hos fastlegene?").event == "starts"
    assert demands_of("Kva tid vert journalsystemet teke i bruk?").event == "starts"
    assert demands_of("Hvor blir protokollene fra møtene publisert?").answer_type == "link"
    assert demands_of("Hvor mange protokoller blir publisert?").answer_type != "link"


def test_clinical_advice_for_a_patient_is_not_what_the_documents_give() -> None:
    advice = demands_of("Hvordan bør fastlegen følge opp en skrøpelig eldre pasient etter utskrivning?")
    assert advice.advice
    assert any("kliniske råd" in gap for gap in gaps(advice, "Eldre med skrøpelighet …", "", "", frozenset()))
    assert demands_of("Hvilke tiltak anbefales for eldre med mange reinnleggelser?").advice
    assert not demands_of("Hvilke tiltak skal SSU prioritere i handlingsplanen?").advice
    assert not demands_of("Hva gjør jeg hvis FSU og kommunen er uenige?").advice
    assert not demands_of("Finnes det et nummer en fastlege kan ringe for å drøfte en pasient?").advice
    assert demands_of("Hvilke samtaleteknikker bør jeg bruke for å vurdere selvmordsrisiko hos en ungdom?").advice
    assert not demands_of("Hvem skal vurdere søknadene om tilskudd fra kommunene?").advice
    # a compound of "pasient" is a patient too
    assert demands_of("Hvilken oppfølging bør en ferdigbehandlet akuttpasient få hos fastlegen?").advice


def test_when_something_is_done_needs_a_date_said_of_that() -> None:
    done = demands_of("Når blir handlingsplanen til strategien ferdig?")
    assert (done.answer_type, done.event) == ("time", "done")
    plan = "Visjon, verdier, mål og innsatsområder, utgjør Helsefellesskapet sin strategi 2025 – 2029."
    assert TYPE_GAPS["time"] in gaps(done, plan, "", "", frozenset())
    assert not gaps(done, "Handlingsplanen skal være ferdig innen juni 2025.", "", "", frozenset())


def test_a_title_word_said_inflected_still_names_the_document() -> None:
    title = "Høringsinnspill fra Partnerskapet i Telemark til Nasjonal helse- og sykehusplan høringsinnspill"
    asked = without_document(
        "Hva skrev de om fastlegene i innspillene sine til sykehusplanen i 2022?", {"2022"}, [title]
    )
    assert asked == "Hva skrev de om fastlegene?"


def test_a_share_needs_a_per_cent_and_which_bodies_decided_asks_for_an_outcome() -> None:
    share = demands_of("Hvor stor stillingsprosent får samhandlingskoordinatoren etter forslaget?")
    assert share.answer_type == "percent"
    assert TYPE_GAPS["percent"] in gaps(share, "- Pkt. 7.2 Samhandlingskoordinator", "", "", frozenset())
    assert not gaps(share, "oppretting av to 20% prosjektstillinger som brobyggere", "", "", frozenset())
    assert demands_of("Hvor mange kommuner er med?").answer_type == "quantity"
    assert demands_of("Hvilke kommunestyrer har vedtatt den endrede samarbeidsavtalen?").outcome


def test_a_name_in_another_written_form_of_the_same_word_is_named() -> None:
    plain = demands_of("Kva trur dei at Helseplattforma kan løyse?")
    assert plain.names == ("Helseplattforma",)
    quote = "Helseplattformen forventes å løse mye av denne utfordringen."
    assert not gaps(plain, quote, quote, quote, frozenset())  # nynorsk "-a", bokmål "-en": one stem
    assert gaps(plain, "Digitale verktøy mangler.", "Digitale verktøy mangler.", "", frozenset())


def test_a_budget_a_rate_and_taken_into_use_in_the_past_are_values() -> None:
    assert demands_of("Hvor stort årlig budsjett har sekretariatet i helsefellesskapet?").answer_type == "amount"
    assert demands_of("Hvor stort er budsjettet til FSU?").answer_type == "amount"
    rate = demands_of("Hva var 30-dagers overlevelse etter akuttinnleggelse ved sykehuset?")
    assert rate.answer_type == "percent"
    # the number inside the measure's own name is no rate
    quote = "Det blir også jobbet med 30-dagers overlevelse, den akuttmedisinske kjeden."
    assert TYPE_GAPS["percent"] in gaps(rate, quote, quote, quote, frozenset())
    assert demands_of("Hva er reinnleggelsesraten for eldre?").answer_type == "percent"
    assert demands_of("Når tok sykehuset i bruk det nye journalsystemet?").event == "starts"


def test_the_thing_asked_for_is_the_noun_after_hva_er_and_not_a_vague_word() -> None:
    assert demands_of("Hva er visjonen for helsefellesskapet mellom St. Olavs hospital og kommunene?").thing == (
        "visjonen"
    )
    assert demands_of("Kva er målet til samarbeidet?").thing == "målet"
    assert demands_of("hva er greia med FACT på st olav?").thing == ""
    assert demands_of("Hva er planen for ferdigbehandlede pasienter?").thing == ""
    assert demands_of("Hvem leder PSU?").thing == ""
    # "St. Olavs" ends no sentence: what follows it still belongs to the question
    assert demands_of("Når er neste møte i PSU ved St. Olavs hospital?").now


def test_the_name_of_a_representative_is_a_person() -> None:
    assert demands_of("Hva heter fastlegerepresentanten i Partnerskapet i Telemark?").answer_type == "person"


def test_a_follow_ups_context_asks_nothing_unless_its_own_words_ask_nothing() -> None:
    # the context a part carries ends in a statement and a question of its own: not what is asked
    part = "Hvor lenge holdt de på (St. Olav hadde en gruppe som så på pasienter. Hvem var med)?"
    assert demands_of(part).answer_type == "duration"
    # "og i Trøndelag?": the earlier question's type is asked again
    assert demands_of("og i Trøndelag (Hvor ofte møtes SSU)?").answer_type == "frequency"
    # the earlier question's "står bak notatet" does not make "Hvilke kommuner er det?" a status question
    assert status_ask("Hvilke kommuner er det (Hvem står bak notatet)?", names_document=True) is None


def test_to_whom_a_rule_applies_is_not_a_status_question() -> None:
    assert status_ask("Gjelder grensen på 1 ½ time også for kommunene rundt St. Olav?", names_document=False) is None
    assert status_ask("Gjelder retningslinje 1 fortsatt?", names_document=True) is not None
    assert status_ask("Hvem stod bak notatet?", names_document=True) is not None


def test_seats_and_people_are_counted_by_role() -> None:
    wanted = demands_of("Hvor mange plasser har brukerne i Partnerskapet?")
    assert wanted.answer_type == "quantity" and not wanted.counted
    assert meets(wanted, "Det er 2 brukerrepresentanter i Partnerskapet og SSU.")


def test_names_are_not_the_names_of_bodies_and_regions() -> None:
    wanted = demands_of("Hvilke kommuner er det?")
    known = frozenset({"helsefellesskapet", "telemark", "notat"})
    assert not meets(wanted, "NOTAT -Helsefellesskapet i Telemark, partnerskapsmøtet 1. mars 2024", known)
    assert meets(wanted, "Endringsforslagene er anbefalt av kommunedirektørene i Bamble, Drangedal og Skien", known)


def test_a_personal_pronoun_points_back() -> None:
    assert is_followup("Hva skjer om hen ikke kan komme?")
    assert is_followup("Og hva gjør hun der?")


@pytest.mark.parametrize(
    "question", ["Hvilken lov pålegger oss å ha slike planer?", "Kven har ansvaret for sånne møte i kommunane våre?"]
)
def test_such_points_back(question: str) -> None:
    assert is_followup(question)  # "slike planer": the ones just asked about


def test_a_count_is_a_number_before_the_noun_not_how_often() -> None:
    wanted = demands_of("Hvor mange faglige samarbeidsutvalg er det?")
    assert wanted.counted.startswith("samarbeidsutv")
    assert not meets(wanted, "Hvert faglig samarbeidsutvalg møtes minimum fire ganger i året.")
    assert meets(wanted, "Det er etablert seks faglige samarbeidsutvalg.")
    # meetings are counted in times: "fire ganger i året" is how many meetings a year
    meetings = demands_of("Hvor mange møter i året har hvert FSU minimum?")
    assert meets(meetings, "Hvert FSU møtes minimum fire ganger i året.")
    assert not meets(meetings, "Hvert FSU møtes jevnlig, og det er etablert seks FSU.")


def test_how_long_a_period_is_asks_for_a_duration() -> None:
    assert demands_of("Hvor lang er funksjonsperioden for medlemmene i SSU?").answer_type == "duration"
    assert demands_of("Hvor lang er listen over observatører?").answer_type != "duration"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # "flere … enn", "flest", "hvor mange … sammenlignet med": how many each side has
        (
            "Er det flere faglige samarbeidsutvalg i Telemark enn det er fagråd rundt St. Olav?",
            ["Hvor mange faglige samarbeidsutvalg er det?", "Hvor mange fagråd er det?"],
        ),
        (
            "Hvem har flest medlemmer, SSU eller FSU?",
            ["Hvor mange medlemmer har SSU?", "Hvor mange medlemmer har FSU?"],
        ),
        (
            "Hvor mange FSU har Telemark sammenlignet med antall fagråd i Trøndelag-fellesskapet?",
            ["Hvor mange FSU er det?", "Hvor mange fagråd er det?"],
        ),
        (
            "Hvor mange ganger i året møtes SSU sammenlignet med FSU?",
            ["Hvor mange ganger i året møtes SSU?", "Hvor mange ganger i året møtes FSU?"],
        ),
        # the cue goes, and the indirect question is asked directly
        (
            "Hva er forskjellen på hva SSU gjør og hva de faglige samarbeidsutvalgene gjør i Telemark?",
            ["Hva gjør SSU?", "Hva gjør de faglige samarbeidsutvalgene i Telemark?"],
        ),
        # a later clause that names a body has a subject of its own: it does not point back
        (
            "Hvor mange utvalg på fagnivå har Telemark, og hvor mange fagråd har St. Olav-samarbeidet?",
            ["Hvor mange utvalg på fagnivå har Telemark?", "Hvor mange fagråd har St. Olav-samarbeidet (fagnivå)?"],
        ),
        # the words for a community only lead in to the name: the clause points back
        (
            "Hvor mange faglige utvalg eller fagråd har Telemark, og hvor mange har helsefellesskapet rundt St. Olav?",
            [
                "Hvor mange faglige utvalg eller fagråd har Telemark?",
                "Hvor mange faglige utvalg eller fagråd har St. Olav?",
            ],
        ),
    ],
)
def test_each_side_of_a_count_or_a_difference_asks_its_own_question(question: str, expected: list[str]) -> None:
    topics = topics_of(CORPUS)
    sides = comparison_sides(question, topics)
    assert [side_question(question, side, sides, topics) for side in sides] == expected


def test_now_with_what_happened_by_then_or_a_value_of_today_pins_a_moment() -> None:
    # "nå" alone does not pin a moment: the documents in force answer what applies now
    assert not demands_of("Hvem sitter i SSU nå?").now
    assert not demands_of("og hvor mange kommuner er med nå").now
    # with what has happened by now, or with a rate measured today, it does
    assert demands_of("Har alle kommunene og fastlegene nå tatt i bruk Helseplattformen?").done_by_now
    assert demands_of("Er det nå opprettet et felles brukerråd?").done_by_now
    assert not demands_of("Er det opprettet et felles brukerråd?").done_by_now
    assert demands_of("Hva er 30-dagers overlevelse for akuttpasienter i dag?").now
    assert demands_of("Hvilke prosjekter fikk tilskudd i fjorårets tildelingsrunde?").now  # a year counted from today


def test_adopted_proposals_results_hires_and_sums_of_a_year_are_asked_of_what_happened() -> None:
    assert demands_of("Tok den nye nasjonale planen med Telemarks forslag om tillitsvalgte?").outcome
    assert not demands_of("Til hvilket møte ble notatet med forslag til endringer skrevet?").outcome
    quotes = ["Arbeidet har nylig startet, men det vil være aktuelt å dele resultater fra dette."]
    assert result_not_said("Hvilke resultater har arbeidet med 30-dagers overlevelse gitt?", quotes)
    assert demands_of("Hvem fikk de to 20 %-stillingene som brobyggere?").answer_type == "person"
    assert demands_of("Hvor stort ble tilskuddet til Helsefellesskapet i 2025?").counted_in_year
    assert not demands_of("Hvilke roller ble opprettet rundt 2022, og hvor stor brøk var de på?").counted_in_year
    assert demands_of("Når er Helseplattformen innført i alle kommunene?").answer_type == "time"
    assert demands_of("Hva viser tallene for 2024?").answer_type == "quantity"
    assert status_ask("Er det en bestemt pasientgruppe de vil se på?", False) is None  # "particular", not decided


def test_an_article_near_what_is_counted_is_no_count() -> None:
    count = demands_of("Hvor mange utskrivningsklare pasienter ligger på sykehuset i snitt per døgn?")
    said = "knyttet til utskrivningsklare pasienter. Her har en arbeidsgruppe jobbet sammen"
    assert not meets(count, said)  # "en arbeidsgruppe" counts no patients
    assert meets(demands_of("Hvor mange kommuner er med?"), "Helsefellesskapet består av alle 17 kommuner")


def test_when_it_shall_be_in_place_the_first_of_two_things_and_a_verb_that_asked_first() -> None:
    assert demands_of("Hvilket år skal Helseplattformen være innført hos alle fastlegene?").event == "starts"
    assert demands_of("Hva er visjonen og kjerneverdiene til helsefellesskapet?").thing == "visjonen"
    # "står" asks what the action part holds; "SSU har laget" only says which one
    assert status_ask("Hvilke tiltak står i handlingsdelen SSU har laget til strategien?", True) is None
    assert status_ask("Hvem har laget strategien?", True) is not None


def test_why_they_did_it_asks_about_the_claim_just_made_and_a_new_place_may_ask_anew() -> None:
    topics = topics_of(CORPUS)
    history = [
        Turn("user", "Hva var den viktigste endringen kommunedirektørene foreslo i notatet?"),
        Turn(
            "assistant",
            "Et forslag om å dele Strategisk samarbeidsutvalg i et nedre og et øvre Telemark. Det er ikke vedtatt.",
        ),
    ]
    why = standalone_question("hvorfor ville de det?", history, topics)
    assert (
        why == "hvorfor ville de det: Et forslag om å dele Strategisk samarbeidsutvalg i et nedre og et øvre Telemark."
    )
    # "og i Trøndelag? hvordan …?": the new place, then its own question after the question mark
    telemark = [
        Turn("user", "Hva skrev Telemark om erfaringene med helsefellesskapet i 2022?"),
        Turn("assistant", "Det er gode erfaringer med samarbeidet."),
    ]
    there = standalone_question("og i Trøndelag? hvordan er erfaringene der?", telemark, topics)
    assert there == "hvordan er erfaringene der i Trøndelag?"


def test_what_happened_by_now_results_people_and_advice_in_other_word_orders() -> None:
    # "nå" closing the question pins the moment as much as "nå" before the participle
    assert demands_of("Har alle kommunene rundt St. Olav tatt i bruk Helseplattformen nå?").done_by_now
    assert not demands_of("Har Telemark vedtatt strategien?").done_by_now
    # a role after a genitive, or a compound role, asks for a person
    assert demands_of("Hvem er kommunenes samhandlingsleder i dag?").answer_type == "person"
    assert demands_of("Hvem er prosjektleder?").answer_type == "person"
    assert demands_of("Hvilken behandling anbefales for en pasient med rusproblemer?").advice
    assert not demands_of("Hvilken behandling får forslagene i SSU?").advice
    assert demands_of("Hvilke prosjekter fikk midler ved forrige tildeling?").now
    assert demands_of("Hvor mye tilskudd fikk FSU Barn og unge i 2025?").counted_in_year
    # a result must be of what is asked about, not any sentence with "resultater"
    analysis = ["Resultater fra analysen er lagt til grunn for målsetting for Helsefellesskapet."]
    assert result_not_said("Hvilke resultater har de to brobyggerstillingene gitt så langt?", analysis)
    assert not result_not_said("Hvilke resultater har analysen gitt så langt?", analysis)
    planned = [
        "Oppfølging av forprosjekt FACT er forankret i Helsefellesskapet og vil bli fulgt opp i strategiperioden."
    ]
    assert result_not_said("Hva ble resultatene av forprosjektet FACT?", planned)


def test_a_parallel_phrase_and_an_ordinal_of_named_things_resolve() -> None:
    topics = topics_of(CORPUS)
    sides = [Turn("user", "Hvem sitter i SSU fra sykehusets side?"), Turn("assistant", "Klinikksjefer og fagdirektør.")]
    assert standalone_question("Og fra kommunenes side?", sides, topics) == "Hvem sitter i SSU fra kommunenes side?"
    parts = [
        Turn("user", "Hvor ofte møtes Partnerskapet?"),
        Turn("assistant", "To ganger årlig, todelt med en dialogdel og en administrativ del."),
    ]
    assert "dialogdel" in standalone_question("Hva gjør de i den første delen?", parts, topics)
    assert "administrativ del" in standalone_question("Hva skjer i den andre delen?", parts, topics)
    from_the_hospital = [Turn("user", "Hvem fra sykehuset sitter i SSU?"), Turn("assistant", "Klinikksjefer.")]
    assert standalone_question("og fra kommunene?", from_the_hospital, topics) == "Hvem fra kommunene sitter i SSU?"


def test_a_deadline_with_its_date_says_how_long() -> None:
    asked = demands_of("Hvor lang tid fikk kommunene til å komme med innspill?")
    assert meets(asked, "Retningslinje 1 ble sendt ut 12. februar med innspills frist 23. februar.")
    assert not meets(asked, "Kommunene skal kunne forholde seg til korte frister for beslutning.")


def test_a_kind_named_only_as_unspecified() -> None:
    from assistant.answering.engine import _only_unspecified

    question = "Hvilke konkrete tiltak foreslo arbeidsgruppen?"
    said = "hvilke tiltak det gjelder"
    assert _only_unspecified(question, ["Gruppen har vurdert mulige tiltak for å løse situasjonen."]) == said
    proposed = "… kunnskapsgrunnlag og forslag til tiltak for å løse utfordringer.\nDet pekes ellers på behovet."
    assert _only_unspecified(question, [proposed]) == said  # sentences on lines of their own are no list
    # one mention that says which ("tiltak som …" without a vague word before it) answers
    assert not _only_unspecified(question, ["Forslag til tiltak: Tiltaket er et felles mottak."])
    assert not _only_unspecified(question, ["- Felles mottak\n- Ambulant team"])  # a list names them
    assert not _only_unspecified("Hva gjør arbeidsgruppen?", ["vurdert mulige tiltak"])  # asks no "hvilke"
    # a list the vague mention introduces names them; the items after an item that mentions them do not
    assert not _only_unspecified(question, ["Gruppen foreslo flere tiltak:\n- Felles mottak\n- Ambulant team"])
    groups = "Hvilke diagnosegrupper skal de nye teamene rettes mot?"
    items = (
        "- Teamet fungerer godt, og flere team ift andre pasient-/diagnosegrupper vurderes.\n- Et mottak\n- En telefon"
    )
    assert _only_unspecified(groups, [items]) == "hvilke diagnosegrupper det gjelder"
    # a compound that is one of the kind names it ("oppfølgingsteam" is a team)
    named = "- Samarbeid om ambulante oppfølgingsteam (nå FACT). Det vurderes flere FACT-team."
    assert not _only_unspecified("Hvilke team har de drevet sammen lenge?", [named])
    assert _only_unspecified("Hvilke team har de drevet sammen lenge?", ["Det vurderes flere FACT-team."])


def test_one_of_them_or_some_other_ones_does_not_say_which() -> None:
    from assistant.answering.engine import _only_unspecified

    # a compound kind ("brukerorganisasjon"), asked for in the singular; an item of one line names none
    asked = "Hvilken brukerorganisasjon har brukerrepresentanten i FSU – Skrøpelige eldre?"
    quotes = [
        "En brukerrepresentant",
        "I de enkelte FSU inviteres brukerrepresentasjon fra aktuelle brukerorganisasjoner.",
    ]
    assert _only_unspecified(asked, quotes) == "hvilken brukerorganisasjon det gjelder"
    assert not _only_unspecified(asked, ["Brukerrepresentanten kommer fra brukerorganisasjonen FFO Telemark."])
    # "Hva heter …?" asks for a name; "ett av fagrådene" names none
    named = "Hva heter fagrådet der statsforvalteren er observatør?"
    assert _only_unspecified(named, ["Statsforvalteren er observatør i PSU og i ett av fagrådene."]) == (
        "hva fagrådet heter"
    )
    assert not _only_unspecified(named, ["Statsforvalteren er observatør i fagrådet for legesamarbeid."])
    groups = "Hvilke diagnosegrupper skal de nye teamene arbeide med?"
    assert _only_unspecified(groups, ["Det vurderes flere team ift andre pasient-/diagnosegrupper."])
    assert not _only_unspecified(groups, ["Teamene skal arbeide med diagnosegruppene psykose og rus."])


def test_a_documents_aliases_name_it_unless_they_are_everyday_words() -> None:
    # a made-up corpus: "handlingsprogrammet" is the plan's alias; "svar" is too short to name it
    topics = Topics.from_corpus(
        [("nord", "Nordfjell", [], [])], [], [("plan-1", "Plan for Nordfjell", "plan", ["handlingsprogram", "svar"])]
    )
    assert topics.find("Hva sier handlingsprogrammet om fagrådene?") == [("document", "handlingsprogrammet")]
    assert topics.key("handlingsprogrammet") == "plan-1"
    assert topics.find("Hva svarte de på planen?") == [("document", "planen")]
    # a document's kind before "dokument" names it ("strategidokumentet")
    assert topics.find("Er plandokumentet vedtatt?") == [("document", "plandokumentet")]
    assert topics.key("plandokumentet") == "plan-1"


def test_a_question_naming_a_body_that_ends_pointing_back_is_a_followup() -> None:
    topics = topics_of(CORPUS)
    history = [
        Turn("user", "Hva er Helseledernettverk for Trøndelag?"),
        Turn("assistant", "Et kommunalt nettverk, en støttespiller for de kommunale representantene."),
    ]
    # "sekretariatet" names a body, but "for det" is the network just talked about
    assert is_followup("hvem har sekretariatet for det?", topics)
    assert "Helseledernettverk" in standalone_question("hvem har sekretariatet for det?", history, topics)
    assert not is_followup("Hvem har sekretariatet for PSU og ASU i Trøndelag?", topics)


def test_a_count_by_description_counts_the_documents_word_and_its_counterpart(tmp_path: Path) -> None:
    topics = topics_of(
        third_community(tmp_path),
        [(["Fjellrådet"], "nordfjell")],
        [(["Fjellrådet"], "nordfjell", ["Regionalt samhandlingsråd", "RSR"], "fjordland")],
    )

    def thesaurus(question: str) -> list[tuple[str, list[str]]]:  # "regionale grupper" describes RSR
        return [("regionale grupper", ["regionalt samhandlingsråd"])] if "regionale grupper" in question else []

    vocabulary = Vocabulary(synonyms=thesaurus, counterparts=topics.counterparts)
    question = "Hvor mange regionale grupper har de?"
    wanted = with_counted_terms(demands_of(question), question, vocabulary)
    assert wanted.counted == "grup" and not meets(demands_of(question), "Det er tre regionale samhandlingsråd.")
    assert meets(wanted, "Det er tre regionale samhandlingsråd.")  # the documents' word for the groups
    assert meets(wanted, "Kommunene følger opp de 4 ulike fjellrådene.")  # the same level in Nordfjell
    assert not meets(wanted, "Samhandlingsrådet møtes fire ganger i året.")  # how often, not how many
    assert not meets(wanted, "Det er tre samhandlingsledere.")  # another compound of the same start
    assert with_counted_terms(demands_of("Hvor mange kommuner er med?"), question, vocabulary).counted_as == ()
    # "like mange" asks for a count of each
    assert demands_of("Har Fjordland og Nordfjell like mange råd?").counted == "råd"


def test_an_inflected_adjective_in_a_name_still_names_it_and_an_adjective_is_no_document() -> None:
    topics = topics_of(CORPUS)
    found = topics.find("Hva gjør det strategiske samarbeidsutvalget og det administrative samarbeidsutvalget?")
    assert [kind for kind, _ in found] == ["body", "body"]
    assert topics.key(found[0][1]) == "telemark" and topics.key(found[1][1]) == "trondelag"
    assert topics.find("Hva er strategisk viktig?") == []  # "strategisk" is not "strategien"
    assert topics.find("Hva sier de strategiske føringene?") == []
    assert [kind for kind, _ in topics.find("Hva sier strategien?")] == ["document"]


def test_two_section_headings_named_in_a_comparison_are_its_sides(tmp_path: Path) -> None:
    topics = topics_of(third_community(tmp_path))
    headings = own_headings(
        [
            {"doc_id": "a", "section": "2.1 Kystutvalget › Oppgaver › Dialogdel"},
            {"doc_id": "a", "section": "2.1 Kystutvalget › Administrativ del"},
            {"doc_id": "a", "section": "2.1 Kystutvalget › Oppgaver"},
            {"doc_id": "a", "section": "2.2 RSR › Oppgaver"},  # a facet of every body
            {"doc_id": "a", "section": "6.3 Kjerneverdier"},
        ]
    )
    assert headings == {"Dialogdel", "Administrativ del", "Kjerneverdier"}
    question = "Hva er forskjellen på oppgavene i dialogdelen og i den administrative delen av møtet?"
    assert [s.name for s in heading_sides(question, headings, topics)] == ["dialogdelen", "administrative delen"]
    assert [s.kind for s in heading_sides("Hva skiller dialogdelen fra kjerneverdiene?", headings, topics)] == [
        "section",
        "section",
    ]
    assert heading_sides("Hva skjer i dialogdelen og den administrative delen?", headings, topics) == []  # no cue
    assert heading_sides("Hva er forskjellen på dialogdelen og Kystutvalget?", headings, topics) == []  # one heading


def test_a_count_in_a_year_says_how_often() -> None:
    often = demands_of("Hvor ofte er det anledning til å ta opp saker med Partnerskapet?")
    assert meets(often, "Det er lagt opp til to partnerskapsmøter i året for å adressere utfordringer.")
    assert not meets(often, "Det ble i år etablert et nytt nettverk.")  # "i år": this year, not how often


def test_each_part_of_a_followup_carries_the_conversations_context() -> None:
    from assistant.answering.comparison import question_parts
    from assistant.answering.engine import _with_context

    standalone = "Hva tilsvarer det i Trøndelag, og hvem har observatørstatus der (Politisk samarbeidsutvalg)?"
    assert _with_context(question_parts(standalone), standalone) == [
        "Hva tilsvarer det i Trøndelag (Politisk samarbeidsutvalg)?",
        "Hvem har observatørstatus der (Politisk samarbeidsutvalg)?",
    ]
    plain = "Hvem leder FSU, og hvem skal de representere?"  # no conversation: the parts as they are
    assert _with_context(question_parts(plain), plain) == question_parts(plain)


def test_the_kind_whose_names_fall_one_to_a_clause_gives_the_sides() -> None:
    topics = topics_of(CORPUS)
    # two bodies of one region and two regions, one region to a clause: the regions are the sides
    regions = (
        "Hvilke instanser er observatører i det strategiske utvalget i Telemark, "
        "og hvem har observatørstatus i PSU og ASU i Trøndelag?"
    )
    assert [s.kind for s in comparison_sides(regions, topics)] == ["region", "region"]
    # two documents, one to a clause, while one clause names two bodies: the documents
    documents = (
        "Hvordan er kommunene representert i hvert faglig samarbeidsutvalg etter retningslinje 1, "
        "og hvilken ulempe ved representasjonen i FSU pekte Partnerskapet på i høringsinnspillet?"
    )
    assert [s.kind for s in comparison_sides(documents, topics)] == ["document", "document"]
    # one body to a clause stays a comparison of bodies
    assert [s.name for s in comparison_sides("Hvem sitter i SSU, og hvem sitter i FSU?", topics)] == ["SSU", "FSU"]
    # a name in the other clause ("Helseplattformen") is not the topic both sides are asked about
    digital = "Hva er målet for digital samhandling i Telemark, og hva sa Trøndelag om Helseplattformen og verktøy?"
    pair = comparison_sides(digital, topics)
    assert side_question(digital, pair[0], pair, topics).endswith("(verktøy)?")


def test_a_number_after_what_is_counted_counts_the_word_that_follows_it() -> None:
    wanted = demands_of("Hvor mange representanter har hver kommunegruppe i fagrådene?")
    assert not meets(wanted, "Oppfølgingen av sine representanter i de 5 ulike fagrådene varierer.")
    assert meets(wanted, "Det er 2 representanter fra kommunene.")
    assert meets(wanted, "Antall representanter er 3 fra hver kommunegruppe.")
    assert meets(wanted, "Kommunegruppene har representanter, 4 totalt i hvert fagråd.")


def test_what_a_relative_is_entitled_to_and_results_in_the_past_are_not_said() -> None:
    assert demands_of("Kan mamma få digital hjemmeoppfølging med nettbrett fra kommunen?").advice
    assert demands_of("Har far min rett på korttidsopphold?").advice
    # a relative named as context, asking what the documents say, is no such question
    assert not demands_of("Når mormor må akutt til sykehus, hva sier helsefellesskapene om akuttkjeden?").advice
    assert result_not_said("Hvilke resultater ga forprosjektet FACT?", ["Forprosjekt FACT vil bli fulgt opp."])
    assert not result_not_said("Hvilke resultater ga forprosjektet?", ["Forprosjektet ga færre innleggelser."])


def test_a_speaker_before_its_verb_or_in_a_genitive_before_its_reply() -> None:
    assert speaker("Var rollen avklart da Partnerskapet svarte på høringen i 2022?") == (
        "Partnerskapet svarte på høringen i 2022"
    )
    assert speaker("Hva var vanskelig, ifølge Telemark-partnerskapets svar til staten i 2022?") == (
        "Telemark-partnerskapets svar til staten i 2022"
    )


def test_which_body_does_one_thing_is_no_question_about_the_organisation() -> None:
    topics = topics_of(CORPUS)
    assert not asks_organisation(
        "Kva for organ i helsefellesskapet i Telemark tek avgjerder i saker om økonomi?", topics
    )
    assert not asks_organisation("Hvilket nivå godkjenner retningslinjene i Telemark?", topics)
    assert asks_organisation("Hvilke organer har helsefellesskapet i Telemark?", topics)


def test_which_criteria_or_template_asks_for_a_written_specification() -> None:
    assert demands_of("Hvilke kriterier bruker SSU når de fordeler tilskuddet?").spec == "kriterier"
    assert demands_of("Hvilken mal skal sekretariatet bruke for referat?").spec == "mal"
    assert demands_of("Kva slags søknadsskjema finst?").spec == "søknadsskjema"
    assert demands_of("Hvem fordeler tilskuddet?").spec == ""
    assert demands_of("Kan vi hente inn flere folk, og på hvilke vilkår?").spec == ""  # conditions, in any words


def test_a_superlative_compares_only_between_alternatives() -> None:
    topics = topics_of(CORPUS)
    # "Hvilket FSU får oftest …?" ranks the FSU; it compares FSU with no SSU
    assert comparison_sides("Hvilket FSU i Telemark får oftest gjennomslag for forslagene sine i SSU?", topics) == []
    assert demands_of("Hvilket FSU i Telemark får oftest gjennomslag for forslagene sine i SSU?").ranking == "oftest"
    sides = comparison_sides("Har Telemark eller St. Olav-fellesskapet flest faglige utvalg?", topics)
    assert len(sides) == 2
    assert len(comparison_sides("Hvem møtes oftest, SSU eller FSU?", topics)) == 2


# Money asked after the thing paid for, a price in a compound, a sum in kroner; figures asked
# in English; which municipality in Nynorsk (canonical spelling turns "kva" into "hva"); two
# things in plain words ("hvilke to oppfølgingsverktøy") are no named product.
_ASKED_IN_OTHER_WORDS = {
    "Får de tillitsvalgte godtgjørelse for møtetiden, og hvor mye?": "amount",
    "Hvor mye tid bruker SSU på hver sak?": "quantity",
    "Kva døgnpris må kommunane betale for utskrivingsklare pasientar?": "amount",
    "hva får fastlegerepresentanten i ssu betalt per møte, kr?": "amount",
    "30-dagers overlevelse i telemark – what are the actual numbers?": "quantity",
    "Kven er brubyggjaren, og i kva kommune er vedkomande tilsett?": "names",
    "Hvilke to oppfølgingsverktøy skal kommunene og sykehuset samarbeide om?": "any",
    "Hvilken app brukes til digital hjemmeoppfølging?": "product",
    # a sum paid named by a compound, a share by a compound of "prosent", a supplier by name
    "Får de kilometergodtgjørelse for reisen, og hvor mye?": "amount",
    "Hva var svarprosenten i spørreundersøkelsen?": "percent",
    "Hvilken leverandør av digital hjemmeoppfølging har kommunene valgt?": "product",
    "Fungerer kommunikasjonen mellom legevakt og akutten godt nok?": "any",  # "nok" is enough, not NOK
    "Hva koster det, NOK?": "amount",
}


def test_sums_figures_and_outcomes_asked_in_other_words() -> None:
    assert {q: demands_of(q).answer_type for q in _ASKED_IN_OTHER_WORDS} == _ASKED_IN_OTHER_WORDS
    # what came of a pre-project, and whether a team was set up, asked after a dash
    question = "Kva kom ut av forprosjekt FACT i Telemark – vart det oppretta eit team i Skien?"
    assert asks_happened(question)
    planned = ["Oppfølging av forprosjekt FACT er forankret i Helsefellesskapet og vil bli fulgt opp i perioden."]
    assert result_not_said(question, planned)
    # "the next plan", as seen in the past, is no moment after the documents
    assert not demands_of("Hva ba de staten la være når den neste nasjonale planen skulle lages?").now
    assert demands_of("Når er neste møte i SSU?").now


def test_a_count_per_period_needs_a_number_said_per_that_period() -> None:
    travel = "Kommuner og sykehus samarbeider der reisetiden til sykehus overstiger 1 ½ time."
    assert unstated_rates("Hvor mange timer hjemmesykepleie i uka får en eldre?", "quantity", travel) == [
        "hvor mange per uke"
    ]
    weekly = "Pasienten får 10 timer i uka."
    assert unstated_rates("Hvor mange timer hjemmesykepleie i uka får en eldre?", "quantity", weekly) == []
    assert unstated_rates("Hvor mange timer varer møtet?", "quantity", travel) == []


def test_a_plans_horizon_and_the_last_step_of_a_process() -> None:
    # "de neste årene" is the horizon a strategy plans for, not a moment after the documents
    assert not demands_of("Hvilket team skal videreføres i Telemark de neste årene?").now
    assert demands_of("Hva står på sakslista til neste møte i SSU?").now
    # "hvem skal vedta … til slutt?" asks who takes the last step, not what was decided
    assert not demands_of("og hvem skal vedta og skrive under til slutt?").outcome
    assert demands_of("Hva ble til slutt vedtatt om delingen av SSU?").outcome
    # watching a patient is care, which the governing documents do not advise on
    assert demands_of("Hvor lenge bør vi observere en pasient med brystsmerter før innleggelse?").advice


def test_a_seat_held_by_another_bodys_leader_says_nothing_of_who_leads() -> None:
    asked = demands_of("Hvem leder partnerskapsmøtet?")
    assert asked.role == "led"
    assert not has_answer_type("person", "- Leder og nestleder i SSU", role=asked.role)
    assert not has_answer_type("person", "- To brukerrepresentanter (Leder av brukerutvalget)", role=asked.role)
    assert has_answer_type("person", "Hvert FSU utnevner en leder og en nestleder.", role=asked.role)
    assert has_answer_type("person", "Fagrådet ledes av kommuneoverlegen i Skien.", role=asked.role)


def test_something_like_that_points_back_even_when_a_place_is_named() -> None:
    topics = topics_of(CORPUS)
    assert is_followup("finnes det noe sånt i Trondheim?", topics)
    assert is_followup("Har de en slik ordning i Trøndelag?", topics)
    assert not is_followup("Finnes det et eget fagråd for legesamarbeid i Trøndelag?", topics)


def test_a_vote_a_verdict_and_what_a_review_showed_are_outcomes_and_results() -> None:
    assert demands_of("Hvordan stemte kommunestyret i Skien over den nye samarbeidsavtalen?").outcome
    assert not demands_of("Hvem kan stemme i SSU?").outcome
    proposal = ["Samarbeidsavtalen anbefales behandles som vedtakssak i kommunestyrene."]
    assert result_not_said("Hvilken vurdering fikk Telemark i Helsedirektoratets evaluering?", proposal)
    plan = ["Stillingene bør evalueres etter to år."]
    assert result_not_said("Hva viste evalueringen av de to stillingene?", plan)
    found = ["Evalueringen av stillingene viste at ventetiden ble redusert."]
    assert not result_not_said("Hva viste evalueringen av de to stillingene?", found)


def test_a_region_in_a_compound_with_a_form_of_a_known_word_is_that_region() -> None:
    known = frozenset({"trondheim", "regionens"})  # "region" itself is not written, "regionens" is
    assert not gaps(demands_of("Hva ønsket samarbeidet i Trondheimsregionen?"), "", "", "", known)
    assert gaps(demands_of("Hva ønsket samarbeidet i Bergensregionen?"), "", "", "", known)


def test_a_compound_seen_only_through_its_first_part_names_an_unknown_kind() -> None:
    corpus = frozenset(tokenize("Sykehuset har to deltakere i FSU. Sekretariatet har en funksjon."))
    (pharmacist,) = [c for c in concepts("Hvilken sykehusfarmasøyt?") if c.label == "sykehusfarmasøyt"]
    assert head_unknown(pharmacist, corpus)  # sykehus is known, farmasøyt is not
    (function,) = [c for c in concepts("Hvilken sekretariatfunksjon?") if c.label == "sekretariatfunksjon"]
    assert not head_unknown(function, corpus)  # what it is, a funksjon, is a word of theirs


def test_a_question_that_ends_on_a_pronoun_after_pa_points_back() -> None:
    topics = topics_of(CORPUS)
    assert is_followup("Hvem trekker kommunene fram som viktige for å bøte på det?", topics)


def test_where_to_see_how_much_asks_where_not_the_amount() -> None:
    assert demands_of("Hvor kan kommunen se hvor mye innbyggerne bruker sykehuset?").answer_type != "quantity"
    assert demands_of("Hvor mye bruker innbyggerne sykehuset?").answer_type == "quantity"
    assert demands_of("Kan du si hvor mange kommuner som er med?").answer_type == "quantity"
