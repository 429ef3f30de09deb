"""The engine: question (+ earlier turns) -> retrieve -> answer -> validated citations.

Every interface (CLI, HTTP, Slack, Teams) calls ``Engine.ask``; nothing that decides
what to answer lives in an adapter. An answer leaves only after citation validation;
when the documents do not hold the answer, the engine says so and suggests the
nearest sections instead of inventing one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from assistant import guard
from assistant.answering.answerability import (
    INFLECTIONS,
    Vocabulary,
    answerable,
    concepts,
    coverage,
    demands_in,
    document_pattern,
    head_unknown,
    near,
)
from assistant.answering.comparison import (
    Side,
    asks_equivalent,
    comparison_sides,
    heading_sides,
    is_predicate,
    names_heading,
    question_parts,
    side_question,
    without_document,
)
from assistant.answering.demands import (
    NOW_GAP,
    SENTENCE_BREAK,
    TYPE_GAPS,
    VALUE_TYPES,
    Demands,
    asks_happened,
    demands_of,
    gaps,
    has_answer_type,
    meets,
    named_person,
    numbered_gaps,
    plans_only,
    result_not_said,
    role_named,
    speaker,
    unstated_amounts,
    unstated_days,
    unstated_measures,
    unstated_rates,
)
from assistant.answering.followup import Topics, is_followup, naming_aliases, own_question, standalone_question
from assistant.answering.generators.base import Generator
from assistant.answering.generators.citations import MARKER, cite, validate
from assistant.answering.generators.extractive import ExtractiveGenerator
from assistant.answering.organisation import asks_organisation, organisation_draft
from assistant.answering.status import StatusAsk, claim, lead, norwegian_date, other_time, status_ask
from assistant.domain import Citation, Draft, Filters, Hit, Passage, Result, Turn, as_passage
from assistant.errors import HfaError
from assistant.guard import personal_data
from assistant.retrieval.glossary import asked_term, glossary_draft
from assistant.retrieval.hybrid import Retriever, validate_question
from indexer.analysis import YEAR, canonical_spelling, intent_terms, tokenize, words
from indexer.sentences import passage_units

log = logging.getLogger(__name__)

ANSWER_K = 5
SIDE_K = 3  # passages per side of a comparison
OUTCOME_GAP = "hva som til slutt ble vedtatt (kildene er forslag)"
DECISION_UNSAID = "hva som ble vedtatt (kildene nevner ikke noe vedtak om dette)"
# A sentence that records a decision ("vedtatt av Partnerskapet", "besluttet", "godkjent");
# "Saker til beslutning behandles …" says how decisions are made, it records none.
_DECISION = re.compile(
    r"\b(?:vedt[ao]\w{0,5}|vedtak\w{0,3}|beslut(?!ning)\w{0,5}|godkjen\w{0,4}|bestemt\w{0,2})\b", re.IGNORECASE
)
# The auxiliaries before a participle ("er plukket ut", "ble slått sammen").
_AUXILIARY = r"\b(?:er|ble|blir|var|har|hadde|blitt|vart|vert|blei|vore|vorte)"
PLANNED_GAP = "hva resultatet ble (kildene sier bare hva som bør eller skal skje)"
RESULT_GAP = "hva resultatet ble"
CLAIM_PASSAGES = 10  # passages a status question's claim is looked for in
PREFERRED_MARK = 3  # a sentence with the addressee or sender asked for outweighs the date and status words
STATUS_PASSAGES = 40  # passages of the asked document (all, in most) searched for the sentence that states its status
# A numbered text a question may ask about: "vedlegg 1.1", "bilag 2", "retningslinje 3", "pkt. 13"
_REFERENCE = re.compile(
    r"\b(?P<kind>vedlegg|vedlegget|bilag|bilaget|retningslinje|retningslinjen|pkt\.?|punkt|punktet|kapittel|kapitlet|"
    r"versjon|versjonen|utgave|utgåve)"
    r"\s*(?P<number>\d{1,3}(?:\.\d{1,3}){0,3})(?![\d.]\d)",
    re.IGNORECASE,
)
# "Hvor mye koster en time hos fastlegen?": what the price is of
_COST_OF = re.compile(
    r"\b(?:koster|kostar|kostet|kosta)\s+(?:en\s+|ei\s+|et\s+|ett\s+|ein\s+|eit\s+)?(?P<what>[\w-]{2,40})",
    re.IGNORECASE,
)
# "Hva koster det for en sykepleier å …?", "Hva må jeg betale …?": a cost to one person
_PERSON_COST = re.compile(
    r"\b(?:koster|kostar|betale|betaler|pris\w{0,3}|avgift\w{0,3})\b(?:\W+\w+){0,4}?\W+"
    r"(?:for|per|pr\.?)\s+(?:en|ein|ei|hver|kvar|hvert|kvart)?\s*"
    r"(?P<person>sykepleier\w{0,2}|sjukepleiar\w{0,2}|lege\w{0,2}|fastlege\w{0,2}|ansatt\w{0,2}|tilsett\w{0,2}|"
    r"deltaker\w{0,2}|deltakar\w{0,2}|pasient\w{0,2}|bruker\w{0,2}|brukar\w{0,2}|person\w{0,2}|meg)\b",
    re.IGNORECASE,
)
# Words that ask for a date: what a date is of is in the question's other words.
_DATE_WORDS = frozenset(tokenize("frist fristen frister dato datoen tidspunkt tidspunktet deadline innen"))
# "Hvor mange ganger i året møtes …?": how often, not of what
_FREQUENCY_WORDS = frozenset(tokenize("ganger gonger årlig årleg året år ofte hyppig per pr hver kvar"))
# "Hvor ofte møttes «pandemimøtet»?", "hvor ofte er det SSU-møte": the meeting asked about, by its
# compound ("forsamlingen" is no "for"-meeting: a bare modifier has four letters at least)
_MEETING_NAMED = re.compile(
    r"\b(?:hvor|kor)\s+ofte\s+(?:\w+\s+){0,3}?«?(?P<modifier>\w{4,30}?|\w{2,30}-)"
    r"(?:møte|møtet|møta|møter|møtene|møtane|samling|samlinga|samlingen|samlingene)\b",
    re.IGNORECASE,
)
# "Hvor ofte kommer det øverste leddet sammen?": a particle verb apart is still "møtes"
_MEETS = re.compile(r"\b(?:kommer|kjem|komme|kom)\s+(?:\S+\s+){0,8}?(?:sammen|saman)\b", re.IGNORECASE)
_ORDINALS = ("første", "andre", "tredje", "fjerde", "femte", "sjette", "sjuende", "åttende", "niende", "tiende")
# "Hva sier …", "Hva står i …", "… etter punkt 13": the content of a numbered text, not its topic
_ASKS_CONTENT = re.compile(
    r"\b(?:sier|seier|står|stend|inneholder|inneheld|innholdet|beskriver|skildrar|konkret|konkrete)\b|"
    r"\better (?:pkt\.?|punkt)\s*\d|"
    # "Hvordan lyder den nye teksten …?", "Hvilken formulering …?": its wording
    r"\b(?:tekst|teksten|lyder|ljodar|ordlyd\w{0,3}|formulering\w{0,3})\b",
    re.IGNORECASE,
)
# A numbered point or chapter: any question of it asks what it holds, unless it asks what
# the point is about ("Hva handler punkt 11 om?", "Hva er punkt 11?"), which the list that
# names it answers
_POINTS = ("pkt", "punkt", "kapit")
_SENTENCE_END = re.compile(r"[.?!](?=\s|$)")
_ASKS_TOPIC = re.compile(
    r"\b(?:handler|handlar|dreier|dreiar|gjelder|gjeld|tema\w{0,3}|overskrift\w{0,3})\b|"
    r"\b(?:hva|kva)\s+(?:er|var)\s+(?:pkt\.?|punkt\w{0,3}|kapit\w{1,4})\s*\d",
    re.IGNORECASE,
)
# "… pkt. 11 om tvisteløsning i samarbeidsavtalen": the document the point belongs to
_OWNER = re.compile(r"\b(?:i|av|til|frå|fra)\s+(?:den\s+|det\s+)?(?P<owner>[a-zæøå]{5,40}?)(?:en|et|a)\b", re.I)
# "SSU vil utarbeide en handlingsdel", "en handlingsplan som utarbeides": a text still to be written
_TO_BE_WRITTEN = re.compile(
    r"\b(?:vil|skal|skulle|bør)\s+(?:\w+\s+){0,3}?(?:utarbeide|lage|utforme|skrive)\s+"
    r"(?:(?:en|et|ei|ein|eit|ny|nytt|nye|egen|eget|eiga)\s+)?(?P<object>\w{4,40})|"
    r"\b(?P<passive>\w{4,40})\s+(?:som\s+)?(?:skal\s+|vil\s+bli\s+)?(?:utarbeides|lages|utformes|skrives)\b|"
    # a task in a list of tasks: "- Utarbeide årsmelding for Helsefellesskapet"
    r"(?:^|\s-\s|\n\s{0,8}-\s{0,3})(?:utarbeide|lage|utforme|skrive)\s+(?:(?:en|et|ei|ein|eit|ny|nytt|nye)\s+)?(?P<task>\w{4,40})",
    re.IGNORECASE,
)
# "Hvilke tiltak står i handlingsdelen?", "Hva inneholder den?": what is inside a text, not
# what the documents say about it ("Hva står det om beredskapsplaner?")
_ASKS_INSIDE = re.compile(
    r"\b(?:står|stod|stend|sto) (?:\w+ )?i\b|\b(?:inneholder|inneheld|innholdet|innhaldet|konkrete?)\b", re.IGNORECASE
)
# "Hvilke konkrete tiltak foreslo arbeidsgruppen?": the things asked for, by their kind
_WHICH_THINGS = re.compile(
    r"\b(?P<which>hvilke|hvilken|hvilket|kva for nokre|kva for ein|kva for eit|kva for)\s+(?:konkrete\s+|slags\s+)?"
    r"(?P<kind>[a-zæøå]{4,30})\b|"
    # "Hva heter fagrådet der …?": the name of one
    r"\b(?:hva|kva)\s+(?:heter|heiter)\s+(?:det\s+|den\s+|de\s+|dei\s+)?(?P<named>[a-zæøå]{4,30})\b",
    re.IGNORECASE,
)
# "… har jobbet med kunnskapsgrunnlag og forslag til tiltak", "vurdert mulige tiltak": the kind
# named without the things themselves
_UNSPECIFIED = re.compile(
    r"\b(?:forslag til|forslag om|mulige|eventuelle|aktuelle|ulike|diverse|konkrete|nødvendige|flere|noen|nokre|"
    # "i ett av fagrådene", "andre pasient-/diagnosegrupper": one or some, not which
    r"andre|(?:ett|et|en|ei|eitt|ein|eit)\s+av(?:\s+de|\s+dei)?)\s+(?:\w+-/?)?$",
    re.IGNORECASE,
)
_LIST_LINE = re.compile(r"^[ \t]*(?:[-•·*]|\d{1,2}[.)])[ \t]", re.MULTILINE)
# "Hva skal handlingsdelen inneholde?" asks what is planned, which the documents may say
_ASKS_PLANNED = re.compile(r"\b(?:skal|skulle|bør|vil|er tenkt å|planlagt)\b", re.IGNORECASE)
# "Hvilket kom først?", "Hvilket er eldst?", "hvem sto bak hvert av dem?": of documents compared
_ASKS_ORDER = re.compile(
    r"\b(?:kom|var|ble|vart|blei) (?:\w+ )?(?:først|sist)\b|\b(?:eldst|eldste|nyest|nyeste)\b|"
    r"\b(?:hvem|kven) (?:sto|stod|står) bak\b",
    re.IGNORECASE,
)
# "Hva ble vedtatt om forslaget …?": what became of a proposal
_NAMES_PROPOSAL = re.compile(r"\b(?:forslag|endringsforslag|framlegg)\w{0,4}\b", re.IGNORECASE)
# "Hvem sender avtalene inn?": who, of any kind (a body, a role, a person)
# The value itself, not a thing it is of ("Hvor stort beløp …", "Hvor stor stillingsandel …")
_VALUE_NOUNS = (
    "beløp",
    "beløpet",
    "andel",
    "andelen",
    "prosent",
    "prosenten",
    "sum",
    "summen",
    "paragraf",
    "paragrafer",
    "paragrafar",
    "føresegn",
    "føresegner",
    "føresegnene",
    "bestemmelse",
    "bestemmelser",
)
_ASKS_WHO = re.compile(r"(?<!\w)(?:hvem|kven)(?!\w)", re.IGNORECASE)
# a passage that opens with a list item has no sentence of its own to say whose list it is
_OPENS_WITH_ITEM = re.compile(r"\s{0,40}[-•●·▪*]\s")
# Who a manifest's status note says adopted a document ("vedtatt av Partnerskapet"): a name
_DECIDER = re.compile(
    r"\b(?:vedtatt|vedteke|vedtas|godkjent|godkjend|godkjennes|besluttet|behandlet)\s+av\s+([A-ZÆØÅ][\w-]{1,40})"
)
_ASKS_TITLE = re.compile(r"\b(?:hva|kva) (?:heter|heiter|kalles|kallast)\b|\btittel\w{0,3}\b", re.IGNORECASE)
# "Til hvem ble innspillet sendt?", "Hvem sendte det?": the addressee, the sender
_ASKS_ADDRESSEE = re.compile(
    r"\btil (?:hvem|kven)\b|\b(?:hvem|kven)\b(?:\W+\w+){0,8}?\W+(?:sendt|sendte|send|adressert|retta|rettet)\s+til\b|"
    r"\bmottaker\w{0,3}\b|\bmottakar\w{0,3}\b|\badressat\w{0,3}\b",
    re.IGNORECASE,
)
_ASKS_SENDER = re.compile(
    r"\b(?:hvem|kven)\b(?:\W+\w+){0,3}?\W+(?:sendte|sende|signerte|signert|underskrev|skreiv under|skrev under)\b|"
    r"\bavsender\w{0,3}\b|\bavsendar\w{0,3}\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\d,.])\d+(?:[,.]\d+)?(?![\d])")
# A governing text of a kind, as a word or the end of a compound ("legemiddelrutiner")
_DOCUMENT_KIND = r"(?:retningslinj|rutin|prosedyr|avtal|veilede|rettleiar|protokoll|instruks)\w{0,4}"
# "en egen retningslinje for legemiddelsamstemming": the topic a text is said to be on
_DOCUMENT_ON = re.compile(
    rf"\b{_DOCUMENT_KIND}\s+(?:for|om|ved|på)\s+(?:(?:en|et|ei|ein|eit|den|det|de|dei)\s+)?(?P<topic>\w{{4,40}})",
    re.IGNORECASE,
)
_KIND_COMPOUND = re.compile(rf"(?P<topic>\w{{3,30}}?)s?{_DOCUMENT_KIND}$", re.IGNORECASE)
_MONEY_UNITS = ("kroner", "kr", "millioner", "million", "mill", "prosent", "penger", "beløp", "sum")


# A document's own line saying its issuer adopted it ("vedtok i sitt møte", "godkjent av")
_ADOPTED = re.compile(r"\b(?:vedtok|vedtatt|vedteke|godkjent|godkjente|godkjend|besluttet)\b", re.IGNORECASE)


@dataclass
class Plan:
    """A question ready for a generator: the standalone question, its passages, and
    what goes before the generated answer (a status line, a partial-answer note)."""

    standalone: str
    hits: list[Hit]
    passages: list[dict[str, Any]]
    lead: str = ""
    lead_citations: list[Citation] = field(default_factory=list)
    found: bool = True  # False for a partial answer: what the documents say, not what was asked
    demands: Demands | None = None  # what the answer must hold (checked on the answer itself)


class Engine:
    def __init__(self, retriever: Retriever, generator: Generator | None = None) -> None:
        self.retriever = retriever
        manifest = retriever.manifest
        self.regions = dict(manifest.regions)
        self._other_regions = [
            (name, re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)) for name in manifest.other_regions
        ]
        self.topics = corpus_topics(retriever)
        self._known: tuple[frozenset[str], frozenset[str]] | None = None
        self._not_covered = [
            (subject, re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w.lower()) for w in words) + r")\w{0,4}(?!\w)"))
            for subject, words in manifest.not_covered
        ]
        documents = list(manifest.documents.values())
        self._documents = document_pattern([name for d in documents for name in d.names() if name])
        self.vocabulary = Vocabulary(
            tuple(retriever.region_patterns.values()),
            self._documents,
            self._synonyms,
            retriever.intents,
            self.topics.counterparts,
        )
        self.extractive = ExtractiveGenerator(
            retriever.glossary,
            self.regions,
            idf=retriever.idf,
            vocabulary=self.vocabulary,
            known_words=self._known_words,
        )
        self.generator = generator or self.extractive
        self.texts = self.extractive.texts

    def ask(self, question: str, history: list[Turn] | None = None, filters: Filters | None = None) -> Result:
        prepared = self._prepare(question, history, filters)
        if isinstance(prepared, Result):
            return prepared
        return self._finish(self.generator.generate(prepared.standalone, prepared.hits), prepared)

    def ask_stream(
        self, question: str, history: list[Turn] | None = None, filters: Filters | None = None
    ) -> Iterator[tuple[str, Any]]:
        """("token", text) events while an LLM writes, then one ("final", Result). The
        final answer is the validated one; it replaces the streamed text when the
        model's citations did not hold. The question is checked before this returns, so
        a bad question raises here, not in the middle of a stream."""
        prepared = self._prepare(question, history, filters)
        return self._stream(prepared)

    def _stream(self, prepared: Result | Plan) -> Iterator[tuple[str, Any]]:
        if isinstance(prepared, Result):
            yield "final", prepared
            return
        if not self.generator.streams:
            yield "final", self._finish(self.generator.generate(prepared.standalone, prepared.hits), prepared)
            return
        pieces: list[str] = []
        for token in self.generator.stream(prepared.standalone, prepared.hits):
            pieces.append(token)
            yield "token", token
        draft = self.generator.finish("".join(pieces), prepared.hits)
        yield "final", self._finish(draft, prepared)

    def _prepare(self, question: str, history: list[Turn] | None, filters: Filters | None) -> Result | Plan:
        warning = guard.check(question or "")
        if warning:
            return Result(warning, False, guarded=True)
        question = self._without_situation(self.retriever.restored_letters(validate_question(question)))
        filters = filters or Filters()
        term = asked_term(question, self.retriever.glossary.terms)
        if term is not None:  # "Hva betyr USHT?": the glossary, cited where the corpus uses it
            found = glossary_draft(self.retriever, term, filters)
            if found is not None:
                draft, hits = found
                passages = [hit.public() for hit in hits]
                return self._finish(draft, Plan(question, hits, passages))
        history = [turn for turn in history or [] if not personal_data(turn.content)]
        standalone = self.standalone(question, history)
        elsewhere = self.uncovered_region(standalone)
        # "Hvilke organer har …?"; "Ifølge notatet: hvor er møtestrukturen bestemt?" asks what one
        # document says, which its own passages answer
        if not elsewhere and asks_organisation(standalone, self.topics) and not self._names_document(standalone):
            named = self.asked_regions(standalone)
            regions = [r for r in self.regions if (r in named or not named) and r == (filters.region or r)]
            organised = organisation_draft(self.retriever, regions, filters, self.texts["organisation_intro"])
            if organised is not None:
                draft, found_hits = organised
                return self._finish(draft, Plan(standalone, found_hits, [hit.public() for hit in found_hits]))
        # a follow-up's context ("… (foreslo kommunedirektørene i notatet)") says where to
        # look: the question's own words make it a comparison or not
        asked = own_question(standalone)
        sides = comparison_sides(asked, self.topics) if not elsewhere else []
        if len(sides) >= 2:
            return self._compare(standalone, sides, filters)
        described = self.bodies_named(asked) if not elsewhere else asked
        if described != asked:  # "… det øverste organet sammenlignet med SSU?": a body described, not named
            sides = [side for side in comparison_sides(described, self.topics) if side.kind == "body"]
            if len(sides) >= 2:
                return self._compare(self.bodies_named(standalone), sides, filters)
        sides = heading_sides(asked, self.retriever.headings(), self.topics) if not elsewhere else []
        if len(sides) >= 2:  # "forskjellen på dialogdelen og den administrative delen": each section
            return self._compare(standalone, sides, filters)
        counterpart = self._counterpart(asked, standalone)
        if counterpart:  # "Hva tilsvarer Partnerskapsmøtet hos St. Olav?": that body there, by both names
            standalone = asked = counterpart
        demands = self.demands(asked)  # what the question itself pins, not its context
        by_topic = demands.answer_type not in VALUE_TYPES
        hits = self.retriever.search(standalone, k=ANSWER_K, filters=filters, by_topic=by_topic)
        passages = [hit.public() for hit in hits]
        if elsewhere:
            covered = " og ".join(r.name for r in self.regions.values())
            text = self.texts["other_region"].format(covered=covered, region=elsewhere)
            return Result(text, False, [], passages, standalone)
        subject = self.uncovered_subject(standalone)
        if subject:
            return Result(self.texts["not_covered"].format(subject=subject), False, [], passages, standalone)
        ask = status_ask(standalone, self._names_document(standalone))
        # "Hva ble endret i versjon 2 …, og når ble den godkjent?": a version the documents do
        # not record is no status question about the one they do
        other_version = self._absent_attachment(standalone).startswith("versjon")
        # "Når starter arbeidet med neste strategi?": the next one, after the documents, has no status here
        if ask is not None and hits and demands.answer_type != "person" and not other_version and not demands.now:
            status = self._status_lead(standalone, ask, hits, filters)
            if status is not None:
                lead_text, citation, status_hits, answered = status
                passages = [hit.public() for hit in status_hits]
                return Plan(standalone, status_hits, passages, lead_text, [citation], found=answered)
        parts = _with_context(question_parts(standalone), standalone)
        if parts:  # two questions in one: each answered on its own
            by_parts = self._answer_parts(standalone, parts, hits, filters)
            # two questions one after the other often ask one thing twice ("…? har noen
            # link?"): when a part finds nothing there, the whole is asked as one question
            if by_parts.found or _with_context(question_parts(standalone, sentences=False), standalone) == parts:
                return by_parts
        if not self.answerable(standalone, hits):
            if near(hits) and self._coverage(standalone, hits) > 0:  # near in meaning: the nearest, plainly unsure
                return self.closest(standalone, hits, passages)
            return self.refusal(standalone, hits, passages)
        named = self.asked_regions(standalone)
        hits = _region_first(named, hits)
        said = self._said_in(standalone, named) if not filters.doc_id else ""
        if said:  # "Hva sa Telemark i 2022 om …?": the answer is what that document says
            hits = [h for h in hits if h.passage["doc_id"] == said] or hits
        body = self._asked_body(standalone, named)
        if body:  # a question about one body is answered from passages about it, not from another body's
            hits = [h for h in hits if not self._about_other(body, h.passage)] or hits
            # then its own sections first: "Leder og nestleder i SSU" in Partnerskapet's list
            # is not what SSU is made of
            hits = sorted(hits, key=lambda h: not self._section_of(body, h.passage))
        return Plan(standalone, hits, passages, demands=demands)

    def _finish(self, draft: Draft, plan: Plan) -> Result:
        if not draft.found:
            return self.refusal(plan.standalone, plan.hits, plan.passages)
        checked = self.checked(draft, plan.standalone, plan.hits)
        if checked is None:  # pragma: no cover - extractive quotes are verbatim
            return self.refusal(plan.standalone, plan.hits, plan.passages)
        replaced, draft = checked is not draft, checked
        found = plan.found
        if plan.demands is not None and plan.demands.answer_type == "link":
            draft = self._with_source_link(draft, plan.hits)
        passages = plan.passages
        if plan.demands is not None:
            draft, owner_hit = self._with_list_owner(plan.standalone, draft, plan.hits)
            if owner_hit is not None:
                passages = [*passages, owner_hit.public()]
        missing = self.answer_gaps(plan.standalone, plan.demands, draft, plan.hits) if plan.demands is not None else []
        if missing:
            if any(gap.startswith("noe om ") for gap in missing):  # another year, place or name: not here
                return self.refusal(plan.standalone, plan.hits, plan.passages, missing)
            # what the documents do say, and plainly what they do not
            draft = _prepend(self.texts["partial"].format(missing=_join(missing)), [], draft)
            found = False
        if plan.lead:  # the status line, then what the passages say; its own quote once
            draft = _without_repeats(draft, {" ".join(c.quote.split()) for c in plan.lead_citations}, plan.lead)
            draft = _prepend(plan.lead, plan.lead_citations, draft)
        return Result(draft.answer, found, draft.citations, passages, plan.standalone, replaced=replaced)

    def _with_list_owner(self, question: str, draft: Draft, hits: list[Hit]) -> tuple[Draft, Hit | None]:
        """``draft`` with whose list it quotes first ("Hvem sender avtalene inn?" answered by
        an item), and that passage's hit; else ``draft`` as it was and None."""
        owner = self._list_owner(question, draft, hits)
        if owner is None:
            return draft, None
        owner_hit, sentence = owner
        prefix = self.extractive.region_prefix(owner_hit) if len(self.regions) > 1 else ""
        return _prepend(f"{prefix}{sentence} [1]", [cite(1, owner_hit, sentence)], draft), owner_hit

    def _list_owner(self, question: str, draft: Draft, hits: list[Hit]) -> tuple[Hit, str] | None:
        """A "who" question answered by items of a list that opens a subsection
        ("3.1 Oppgaver": "- Innsending av avtaler …"): the list says what is done, the
        section above it says by whom ("Sekretariatfunksjonen … ivaretas av
        samhandlingskoordinatorene."). That section's first sentence, with its passage."""
        if not _ASKS_WHO.search(question) or not draft.citations:
            return None
        first = draft.citations[0]
        cited = next(
            (h.passage for h in hits if (h.passage["doc_id"], h.passage["section"]) == (first.doc_id, first.section)),
            None,
        )
        path = str(cited.get("section_path") or "") if cited is not None else ""
        if cited is None or " › " not in path or not _OPENS_WITH_ITEM.match(cited["text"]):
            return None
        above = path.rsplit(" › ", 1)[0]
        owner = next(
            (
                p
                for p in self.retriever.snapshot().passages
                if p["doc_id"] == first.doc_id and p.get("section_path") == above
            ),
            None,
        )
        if owner is None:
            return None
        sentence = next((u.text for u in passage_units(owner["text"]) if u.kind == "sentence"), "")
        if not sentence or any(sentence in c.quote for c in draft.citations):
            return None
        return Hit(as_passage(owner), 0.0), sentence

    # -- what other answering services (drafts) use ------------------------------------
    def checked(self, draft: Draft, question: str, hits: list[Hit]) -> Draft | None:
        """``draft`` when its citations hold; else the extractive answer over the same
        passages (verbatim quotes); None when neither holds."""
        check = validate(draft, hits)
        if check.ok:
            return draft
        log.warning(
            "Generated answer failed citation validation (%s); using the extractive answer", "; ".join(check.problems)
        )
        fallback = self.extractive.generate(question, hits)
        return fallback if validate(fallback, hits).ok else None

    def grounded(self, question: str, hits: list[Hit]) -> Draft:
        """An answer over ``hits`` whose citations hold: the configured generator's when
        it answers and cites correctly, else the extractive one."""
        draft = self.generator.generate(question, hits)
        checked = self.checked(draft, question, hits) if draft.found else None
        return checked if checked is not None else self.extractive.generate(question, hits)

    def extract(self, question: str, hits: list[Hit]) -> Draft:
        """The documents' own sentences over ``hits`` (no language model)."""
        return self.extractive.generate(question, hits)

    def search(self, query: str, k: int, filters: Filters) -> list[Hit]:
        return self.retriever.search(query, k=k, filters=filters)

    def structure(self, region: str | None, visible: tuple[str, ...] | None) -> dict[str, Any]:
        """The structure map (bodies, facts) the caller may see."""
        from assistant.retrieval import catalog

        return catalog.structure(self.retriever, region, visible)

    @property
    def region_ids(self) -> list[str]:
        return list(self.regions)

    # -- comparisons, status, partial answers --------------------------------------------
    def _compare(self, question: str, sides: list[Side], filters: Filters) -> Result:
        """Each side searched and answered on its own, then put together, each cited."""
        parts: list[Draft] = []
        all_hits: list[Hit] = []
        passages: list[dict[str, Any]] = []
        all_named: list[str] = []  # bodies the first answered side names
        ask = status_ask(question, self._names_document(question))  # of each side's document
        asks_order = bool(_ASKS_ORDER.search(question))  # "Hvilket kom først?"
        gaps = 0  # sides whose answer lacks what the question demands
        for side in sides:
            sub = side_question(question, side, sides, self.topics)
            side_filters = filters
            key = self.topics.key(side.name)
            if all_named and key in self.regions and asks_equivalent(question):
                there = self.topics.in_region(all_named[0], key)  # "Partnerskapsmøtet" -> "Politisk samarbeidsutvalg"
                if there != all_named[0]:
                    sub = f"{there}?"
            if side.kind in ("region", "body") and key in self.regions:  # a body belongs to its region
                side_filters = replace(filters, region=key)
                kind = self._named_kind(question, key)
                if kind and not filters.kind:  # "… i innspillene fra 2022": that region's document of that kind
                    side_filters = replace(side_filters, kind=kind)
                dated = self._dated_document(question, key, side_filters.kind)
                if dated and not filters.doc_id:  # "Telemark (2022)": that region's one document of that year
                    side_filters = replace(side_filters, doc_id=dated)
            elif side.kind == "document" and key:
                side_filters = replace(filters, doc_id=key)
            elif side.kind == "document":  # a kind several documents share: the one of the region named
                named = self.retriever.regions_in(question)
                if not named:  # "… pekte Partnerskapet på i høringsinnspillet": the region of the bodies named
                    named = {self.topics.key(n) for k, n in self.topics.find(question) if k == "body"} & set(
                        self.regions
                    )
                same = [
                    d.id
                    for d in self.retriever.manifest.documents.values()
                    if d.region in named
                    and any(side.name.lower().startswith(word.lower()) for word in (d.kind, *naming_aliases(d.aliases)))
                ]
                if len(same) == 1:
                    side_filters = replace(filters, doc_id=same[0])
            pinned: list[Any] = []
            if (side_filters.kind, side_filters.doc_id) != (filters.kind, filters.doc_id):
                pinned = [
                    d
                    for d in self.retriever.manifest.documents.values()
                    if d.id == side_filters.doc_id or (d.kind, d.region) == (side_filters.kind, side_filters.region)
                ]
                years = {d.date[:4] for d in pinned if d.date[:4].isdigit()}
                sub = without_document(sub, years, [f"{d.title} {d.kind}" for d in pinned], self._generic_stems)
            try:
                section = side.kind == "section"  # that section's own passages, when the search finds them
                hits = self.retriever.search(sub, k=SIDE_K * 3 if section else SIDE_K, filters=side_filters)
                if section:
                    own = [
                        h
                        for h in hits
                        if any(names_heading(side.name, p) for p in str(h.passage["section"]).split(" › "))
                    ]
                    hits = (own or hits)[:SIDE_K]
            except HfaError:  # a filter the caller may not use, or a document out of sight
                hits = []
            all_hits.extend(hits)
            passages.extend(hit.public() for hit in hits)
            shown = self.topics.without_genitive(side.name)  # "SSUs oppgave": "SSU:"
            intro = self.texts["side_intro"].format(side=shown[:1].upper() + shown[1:])
            if hits and len(pinned) == 1 and (ask is not None or asks_order):
                # "Hvilket kom først, og hvem sto bak hvert av dem?": each side's document's
                # date, issuer and status, cited to its own line about them
                side_status = self._status_lead(
                    sub, ask or StatusAsk(False, False, False), hits, replace(side_filters, doc_id=pinned[0].id)
                )
                if side_status is not None:  # the status line, then the document's own line
                    line, citation, cited = side_status[0].removesuffix(" [1]"), side_status[1], side_status[2][0]
                    if cited not in all_hits:  # the passage it quotes is among those returned
                        all_hits.append(cited)
                        passages.append(cited.public())
                    quote = f"«{' '.join(citation.quote.split())}»"
                    if quote not in line:  # the status line may hold the document's own line already
                        line = f"{line} {quote}"
                    parts.append(Draft(f"{intro} {line} [1]", [citation]))
                    continue
            if hits and self.answerable(sub, hits):
                draft = self.extractive.generate(sub, hits, region_prefix=side.kind != "region")
                wanted = self.demands(sub)
                if wanted.answer_type == "link":
                    draft = self._with_source_link(draft, hits)
                missing = self._side_gaps(sub, wanted, draft, hits, key) if draft.found else []
                if missing:  # "St. Olavs: Dokumentene sier ikke noe beløp i kroner for dette."
                    parts.append(Draft(f"{intro} {self.texts['side_gap'].format(missing=_join(missing))}", []))
                    gaps += 1
                    continue
                if draft.found:
                    parts.append(Draft(f"{intro} {draft.answer}", draft.citations))
                    if not all_named:
                        all_named.extend(n for kind, n in self.topics.find(draft.answer) if kind == "body")
                    continue
            parts.append(Draft(f"{intro} {self.texts['side_missing'].format(side=shown)}", []))
        if not any(part.citations for part in parts) and not gaps:
            return self.refusal(question, all_hits, passages)
        answer, citations = _merge(parts, self.extractive, sides=True)
        return Result(answer, not gaps, citations, passages, question)  # a side without its value: partial

    def _answer_parts(self, question: str, parts: list[str], hits: list[Hit], filters: Filters) -> Result:
        """Each part searched and answered on its own; a later part that points back
        ("… og hvem skal de representere?") is asked as a follow-up to the first. A
        part the documents do not answer is said so; parts citing the same sentence once."""
        drafts: list[Draft] = []
        all_hits = list(hits)
        found = True
        quoted: set[str] = set()
        for index, part in enumerate(parts):
            asked = part if index == 0 else standalone_question(part, [Turn("user", parts[0])], self.topics)
            wanted = self.demands(part)
            own = set(tokenize(part))
            if (
                asked != part
                and wanted.answer_type != "any"
                and any(
                    meets(wanted, sentence) and own & set(tokenize(sentence))
                    for quote in quoted
                    for sentence in SENTENCE_BREAK.split(quote)
                )
            ):
                continue  # "… og når ble det opprettet?": "I 2024 ble det opprettet …" is quoted above
            asked, part_hits, draft, missing = self._part_answer(asked, part, parts[0], filters, hits)
            all_hits.extend(h for h in part_hits if h not in all_hits)
            if draft is None or not draft.found or any(gap.startswith("noe om ") for gap in missing):
                drafts.append(Draft(self.texts["part_missing"].format(part=part), []))
                found = False
                continue
            draft, owner_hit = self._with_list_owner(part, draft, part_hits)  # whose list an item is
            if owner_hit is not None and owner_hit not in all_hits:
                all_hits.append(owner_hit)
            repeated = all(any(c.quote in earlier for earlier in quoted) for c in draft.citations)
            if missing:
                found = False
                if repeated:  # what the documents do say is above already
                    drafts.append(Draft(self.texts["part_missing"].format(part=part), []))
                    continue
                draft = _prepend(self.texts["partial"].format(missing=_join(missing)), [], draft)
            if repeated:
                continue  # an earlier part's answer already quotes it
            quoted.update(c.quote for c in draft.citations)
            drafts.append(draft)
        passages = [hit.public() for hit in all_hits]
        if not any(d.citations for d in drafts):
            return self.refusal(question, all_hits, passages)
        answer, citations = _merge(drafts, self.extractive)
        return Result(answer, found, citations, passages, question)

    def _part_answer(
        self, asked: str, part: str, first: str, filters: Filters, whole: list[Hit] | None = None
    ) -> tuple[str, list[Hit], Draft | None, list[str]]:
        """One part's hits, draft and gaps. A part that points back is asked with the first
        part as its context; when that finds no full answer, with only the bodies, regions
        or documents the first part names ("Hvor mange kommuner er med i HF Telemark, og
        når ble det startet?": what started is Telemark's, not a number of kommuner). Last,
        the part is answered from the passages the whole question found (``whole``): a part
        whose own words are few ("Hvilke paragrafer viser regelverket til?") may need the
        other part's words to find its passage."""
        named = list(dict.fromkeys(name for _, name in self.topics.find(first)))
        candidates = [asked]
        # a part that points back, or one that names no body, region or document of its own
        # ("…, og bør vi si noe om økonomi?"), may be about what the first part names
        if named and (asked != part or not self.topics.find(part)):
            candidates.append(f"{part.rstrip(' ?')} ({', '.join(named)})?")
        first_try: tuple[str, list[Hit], Draft | None, list[str]] | None = None
        for candidate in candidates:
            hits = _region_first(
                self.asked_regions(candidate), self.retriever.search(candidate, k=ANSWER_K, filters=filters)
            )
            draft = self.extractive.generate(candidate, hits) if self.answerable(candidate, hits) else None
            missing = (
                self.answer_gaps(candidate, self.demands(own_question(candidate)), draft, hits)
                if draft is not None
                else []
            )
            if draft is not None and draft.found and not missing:
                return candidate, hits, draft, missing
            first_try = first_try or (candidate, hits, draft, missing)
        assert first_try is not None  # there is always one candidate
        if whole:
            draft = self.extractive.generate(asked, whole) if self.answerable(asked, whole) else None
            missing = (
                self.answer_gaps(asked, self.demands(own_question(asked)), draft, whole) if draft is not None else []
            )
            if draft is not None and draft.found and not missing:
                return asked, whole, draft, missing
        return first_try

    def _counterpart(self, asked: str, standalone: str) -> str:
        """ "Hva tilsvarer Partnerskapsmøtet hos St. Olav?" (or "og hva tilsvarer det hos St.
        Olav?" after an answer about it): the question for the body of the region named that
        the corpus data puts at the same level, by its name and the name it was asked by, or ""."""
        if not asks_equivalent(asked):
            return ""
        named = {self.topics.key(name) for kind, name in self.topics.find(asked) if kind == "region"}
        regions = named & set(self.regions)
        bodies = [name for kind, name in self.topics.find(standalone) if kind == "body"]
        if len(regions) != 1 or not bodies:
            return ""
        region = next(iter(regions))
        body = next((name for name in bodies if self.topics.key(name) not in ("", region)), "")
        there = self.topics.in_region(body, region) if body else ""
        if not body and not question_parts(asked):
            # the follow-up's context already names the body there ("… på samme nivå der
            # (Politisk samarbeidsutvalg)?"): asked by the name of what it answers to
            there = next((n for n in bodies if self.topics.key(n) == region and n.lower() not in asked.lower()), "")
            body = self._answers_to(there, region) if there else ""
        if not there or not body or there == body:
            return ""
        return self.texts["counterpart"].format(there=there, body=body)

    def _answers_to(self, body: str, region: str) -> str:
        """The body of another region that ``body`` (of ``region``) is the counterpart of, or ""."""
        for other in self.regions:
            back = self.topics.in_region(body, other) if other != region else body
            if back != body:
                return back
        return ""

    def _said_in(self, question: str, regions: set[str]) -> str:
        """The document a question says is speaking, by its region and year ("Hva sa
        toppledelsen i Telemark-samarbeidet i 2022 om …?": Telemark's one document of 2022), or ""."""
        who = speaker(own_question(question))
        if len(regions) != 1 or not YEAR.search(who):
            return ""
        return self._dated_document(who, next(iter(regions)), None)

    def _dated_document(self, question: str, region: str, kind: str | None) -> str:
        """The one document of ``region`` (and ``kind``) dated in a year the question
        names ("Hva sa Telemark i 2022 …"), or ""."""
        years = set(YEAR.findall(question))
        dated = [
            d.id
            for d in self.retriever.manifest.documents.values()
            if d.region == region and d.date[:4] in years and (not kind or d.kind == kind)
        ]
        return dated[0] if len(dated) == 1 else ""

    def _named_kind(self, question: str, region: str) -> str:
        """The one document kind a question names ("innspillene", "strategien") that the
        region has a document of, or ""."""
        named = [name.lower() for kind, name in self.topics.find(question) if kind == "document"]
        if self._documents is not None:  # "innspillene": a kind's last part names it too ("høringsinnspill")
            named += [m.group("stem") for m in self._documents.finditer(canonical_spelling(question).lower())]
        kinds = {
            d.kind
            for d in self.retriever.manifest.documents.values()
            if d.region == region
            and any(name.startswith(d.kind.lower()) or d.kind.lower().endswith(name) for name in named)
        }
        return kinds.pop() if len(kinds) == 1 else ""

    def _status_lead(
        self, question: str, ask: Any, hits: list[Hit], filters: Filters
    ) -> tuple[str, Citation, list[Hit], bool] | None:
        """ "Ja." / "Nei – det er et forslag" and the document's status, date and issuer,
        cited to the passage of that document that best states them; and whether that
        answers the question (a proposal cannot say whether it was adopted later)."""
        said = claim(question)
        try:  # the passages that say what the question claims, status words left out
            claim_hits = self.retriever.search(said, k=CLAIM_PASSAGES, filters=filters) if said else []
        except HfaError:
            claim_hits = []
        # a side of a comparison pinned to one document is about that document, whatever
        # else its question names ("Hva sier notatet, og når ble retningslinjen godkjent?")
        doc_id = filters.doc_id or self._asked_document(question, claim_hits or hits)
        meta = next((m for m in self.retriever.manifest.documents.values() if m.id == doc_id), None)
        if meta is None:
            return None
        date = norwegian_date(meta.date)
        try:  # the document's own words about its date or status, among passages the caller may see
            doc_hits = self.retriever.search(  # the document's wording, not questions like this one
                f"{question} {date} {meta.status_note}",
                k=STATUS_PASSAGES,
                filters=replace(filters, doc_id=doc_id),
                by_topic=False,
            )
        except HfaError:
            return None
        if not doc_hits:
            return None
        preferred = [meta.sent_to] if _ASKS_ADDRESSEE.search(question) else []  # "Til hvem ble det sendt?"
        preferred += [meta.sent_by] if _ASKS_SENDER.search(question) else []
        if _ASKS_WHO.search(question) and not preferred:  # "Hvem har vedtatt strategien?": "vedtas av Partnerskapet"
            preferred += _DECIDER.findall(meta.status_note)
        marks = [date, meta.date[:4], *meta.status_note.split()]
        hit, quote = _status_quote(doc_hits, marks, [p for p in preferred if p], frozenset(tokenize(question)))
        status = self.texts.get(f"status_name_{meta.status}", meta.status)
        if meta.status_note:
            status = f"{status} – {meta.status_note}"
        line = self.texts["status_line"].format(
            title=meta.title,
            kind=meta.kind,
            date=f", {date}" if date else "",
            issuer=f", {meta.issued_by}" if meta.issued_by else "",
            sent=(f", sendt til {meta.sent_to}" if meta.sent_to else "")
            + (f", sendt av {meta.sent_by}" if meta.sent_by else ""),
            status=status,
        )
        first = lead(ask, meta.status, self.texts)
        asked_time = other_time(question, meta.date) if ask.yes_no and ask.asks_decided else ""
        if asked_time and meta.status == "gjeldende":  # "Ble den vedtatt i mars 2024?" of one approved in September
            first = self.texts["status_other_time"].format(asked=asked_time, date=date)
        answered = not (ask.yes_no and meta.status == "forslag" and asks_happened(question))
        # "På hvilken dato vedtok …?" of a document dated by its year only
        answered = answered and not (
            demands_of(question).answer_type == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.date)
        )
        if not answered:  # "Ble forslaget vedtatt på møtet?": the proposal is all the documents hold
            first = self.texts["status_outcome_unknown"]
        own_words = " ".join(quote.split())
        if any(_mark_pattern(m.strip(".,;:()«»").lower()).search(own_words.lower()) for m in marks if len(m) >= 4):
            line = f"{line} «{own_words}»"  # the document's own line about its date or status, verbatim
            adopted = ask.yes_no and ask.asks_decided and meta.status == "innspill" and _ADOPTED.search(own_words)
            # of the document itself ("Ble høringssvaret vedtatt?"), not of what it says ("… at SSU skal deles?")
            if adopted and self._names_document(" ".join(said.split()[:3])):
                # "Partnerskapet … vedtok i sitt møte 18. mars 2022 følgende": adopted as a reply, no rule
                first = self.texts["status_adopted_innspill"]
        text = f"{first} {line} [1]".strip()
        # What the passages say of the claim ("Gjelder ordningen med helsefellesskap
        # fortsatt?": "… ble videreført …") follows the status of the document that says it
        rows = {int(hit.passage["row"])}
        hits_out = [hit]
        for other in [*claim_hits[:1], *hits]:
            if int(other.passage["row"]) not in rows:
                rows.add(int(other.passage["row"]))
                hits_out.append(other)
        return text, cite(1, hit, quote), hits_out, answered

    def _names_document(self, question: str) -> bool:
        """Does the question name a document (its title, or its kind: "innspillet")?"""
        return any(kind == "document" for kind, _ in self.topics.find(question)) or bool(
            self.retriever.documents_in(question)
        )

    def _asked_document(self, question: str, hits: list[Hit]) -> str:
        """The document a status question is about: the first one it names ("notatet",
        "Retningslinje 1") that is not what it is compared with ("… en gjeldende
        retningslinje?"); a kind shared by several documents is narrowed by the region
        the question names, then by the search; else the best passage's document."""
        documents = list(self.retriever.manifest.documents.values())
        regions = self.retriever.regions_in(question) | {  # a body belongs to its region
            self.topics.key(name) for kind, name in self.topics.find(question) if kind == "body"
        } & set(self.regions)
        ranked = [hit.passage["doc_id"] for hit in hits]
        for kind, name in self.topics.find(question):
            if kind != "document" or is_predicate(question, name):
                continue
            key = self.topics.key(name)
            if key and (not regions or any(d.id == key and d.region in regions for d in documents)):
                return key  # "notatet", unless the question names another region than the memo's
            candidates = [d for d in documents if name.lower().startswith(d.kind.lower())]
            if regions:  # a kind of another region's document is not what the question is about
                candidates = [d for d in candidates if d.region in regions]
            if candidates:
                first = min(candidates, key=lambda d: ranked.index(d.id) if d.id in ranked else len(ranked))
                return first.id
        pointed = self.retriever.documents_in(question, regions)  # "innspillet fra St. Olavs"
        pointed = {d.id for d in documents if d.id in pointed and (not regions or d.region in regions)}
        if len(pointed) == 1:
            return next(iter(pointed))
        if regions:
            hits = [h for h in hits if h.passage["region"] in regions] or hits
        # No document named: the one whose passage holds most of what the question claims
        # ("Er det vedtatt at SSU skal deles?" is about the passage that says "dele"), the
        # better ranked on a tie.
        said = claim(question) or question
        claimed = max(hits[:CLAIM_PASSAGES], key=lambda h: (self._coverage(said, [h]), -hits.index(h)))
        return str(claimed.passage["doc_id"])

    def _with_source_link(self, draft: Draft, hits: list[Hit]) -> Draft:
        """A question for a web address whose answer quotes none: the address the
        manifest gives for the answer's document (where it is published), after the answer."""
        if has_answer_type("link", " ".join(c.quote for c in draft.citations)):
            return draft
        for source in _answering_sources(draft, hits):
            if source.get("url"):
                line = self.texts["source_link"].format(title=source["title"], url=source["url"])
                return Draft(f"{draft.answer}\n\n{line}", draft.citations, draft.found, draft.answering)
        return draft

    def answer_gaps(self, question: str, demands: Demands, draft: Draft, hits: list[Hit]) -> list[str]:
        """What the question demands that the answer — its quotes and the passages they
        come from — does not hold (any generator's answer: extractive or LLM)."""
        answering = draft.citations[: draft.answering] if draft.answering is not None else draft.citations
        sources = _answering_sources(draft, hits)
        quotes = " ".join(c.quote for c in answering)
        if demands.answer_type in ("amount", "quantity"):  # "Hvor mye av de 5,3 millionene …?": not 5,3 itself
            for number in set(_NUMBER.findall(question)) - set(demands.years):  # a year asked stays: it says when
                quotes = re.sub(rf"(?<![\d,.]){re.escape(number)}(?![\d]|[,.]\d)", " ", quotes)
        if demands.answer_type == "link":  # the address the answer gives from the manifest
            quotes += " " + " ".join(str(p["url"]) for p in sources if p.get("url") and p["url"] in draft.answer)
        # a document's date answers only questions about the document
        if demands.answer_type == "date" and not self._names_document(question):
            for passage in sources:
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(passage.get("date", ""))):
                    day = norwegian_date(str(passage["date"]))
                    quotes = re.sub(rf"{re.escape(day)}|{re.escape(day.replace('. ', '.', 1))}", " ", quotes)
        cited_documents = {str(p["doc_id"]) for p in sources}
        context = " ".join(
            [f"{p['title']} {p.get('date', '')} {p.get('trail', '')} {p['text']}" for p in sources]
            # a document names who issued it ("Grenlandssamarbeidet IPR på vegne av …")
            + [meta.issued_by for meta in self.retriever.manifest.documents.values() if meta.id in cited_documents]
        )
        evidence = " ".join(f"{h.passage['title']} {h.passage.get('date', '')} {h.passage['text']}" for h in hits)
        if demands.counted:  # "seks FSU" counts "faglige utvalg": what the abbreviation stands for
            quotes = self.extractive.spelled_out(quotes)
        missing = gaps(demands, quotes, context, evidence, self._known_words())
        missing.extend(numbered_gaps(question, context, self.retriever.numbered_words()))
        # "Stemmer det at FSU kan vedta tiltak under 100 000 kroner?": a sum the documents never give
        missing.extend(f"noe om {amount}" for amount in unstated_amounts(question, evidence))
        # "Stemmer det at PSU møtes seks ganger i året?": the answer's passages say no number of times
        missing.extend(f"noe om {measure}" for measure in unstated_measures(question, context))
        # "Hvilket vedtak fattet partnerskapsmøtet 1. mars 2024?" answered by a rule of another
        # day: the day must be in a passage the answer cites (its title or date will do)
        cited = [h.passage for h in hits if (h.passage["doc_id"], h.passage["section"]) in _cited_sections(draft)]
        dated = " ".join(
            f"{p['title']} {norwegian_date(str(p.get('date', '')))} {p.get('trail', '')} {p['text']}" for p in cited
        )
        missing.extend(f"noe om {day}" for day in unstated_days(own_question(question), f"{draft.answer} {dated}"))
        # "Hvor mye koster det per døgn?" answered by a yearly sum
        missing.extend(f"noe om {rate}" for rate in unstated_rates(question, demands.answer_type, quotes))
        if demands.thing and not self._thing_said(question, demands.thing, context, sources):
            missing.append(f"noe om {demands.thing}")  # "Hva er visjonen for …?" answered without one
        if demands.spec and not self._thing_said(question, demands.spec, context, sources, strict=True):
            missing.append(f"noe om {demands.spec}")  # "Hvilke kriterier …?" answered by the rule, not criteria
        if not missing and self._role_elsewhere(question, demands, [c.quote for c in answering]):
            missing.append(TYPE_GAPS["person"])
        if not missing and demands.answer_type == "amount" and not self._payer_said(question, answering):
            # "Hva koster det for en sykepleier å delta?": what all the members pay is not it
            missing.append(TYPE_GAPS["amount"])
        if not missing and demands.answer_type == "amount" and not self._cost_of_said(question, context):
            # "Hvor mye koster en time hos fastlegen?": the fee the members pay is no such price
            missing.append(TYPE_GAPS["amount"])
        if (
            not missing
            and demands.answer_type in ("amount", "time", "date", "frequency", "percent")
            and not (demands.answer_type == "date" and self._names_document(question))  # its own date
            and not self._value_about(question, answering, demands.answer_type)
        ):
            # "15 000 kroner" a year per member, asked of a fee per meeting; "Nasjonal helse- og
            # sykehusplan 2024 – 2027", asked when the health community was set up
            missing.append(TYPE_GAPS[demands.answer_type])
        topic = self._unknown_document_topic(question)
        if topic:  # "Har de en retningslinje for legemiddelsamstemming?": no document speaks of it
            missing.append(f"noe om {topic}")
        attachment = self._absent_attachment(question)
        if attachment:  # "Hvilke steg beskriver vedlegg 1.1?": the documents list it, it is not among them
            template = "absent_version" if attachment.startswith("versjon") else "absent_attachment"
            missing.append(self.texts[template].format(attachment=attachment))
        # the answer's supporting quotes count too: "Gruppen har … vurdert mulige tiltak" beside
        # "Helsefellesskapet har gode eksempler på … arbeidsgrupper" says no more of which
        unspecified = _only_unspecified(question, [c.quote for c in draft.citations])
        if not missing and unspecified:  # "Hvilke tiltak foreslo gruppen?": "forslag til tiltak"
            missing.append(self.texts["unspecified"].format(what=unspecified))
        unwritten = _not_yet_written(question, [c.quote for c in answering])
        if unwritten:  # "Hvilke tiltak står i handlingsdelen?": "SSU vil utarbeide en handlingsdel"
            missing.append(self.texts["not_yet_written"].format(document=unwritten))
        kind = self._unknown_kind(question, demands)
        if kind:  # "Hvilken sykehusfarmasøyt sitter i FSU?": the documents never speak of one
            missing.append(f"noe om {kind}")
        if demands.answer_type != "any" and not near(hits):
            # an amount, a date, a name … of something the documents never name, and
            # nothing close in meaning either ("Hva koster en parkeringsplass?")
            unknown = self._unknown_concepts(question)
            if unknown:
                missing.append(f"noe om {unknown[0]}")
        elif demands.phrase:
            # "Hvor lang karantenetid …?", "Hva tjener …?": the words that ask for the value name
            # what the documents never speak of, however close the passages are otherwise
            asking = demands.phrase.lower()
            inside = [
                word
                for word in self._unknown_concepts(question)
                if re.search(rf"(?<!\w){re.escape(word.lower())}", asking) and not word.lower().endswith(_VALUE_NOUNS)
            ]
            if inside:
                missing.append(f"noe om {inside[0]}")
        # "Hva ble vedtatt om forslaget …?": any proposal cited says the outcome is not there;
        # otherwise only an answer that quotes proposals alone
        named_proposal = bool(_NAMES_PROPOSAL.search(question))
        proposals = [p for p in (cited if named_proposal else sources) if p.get("status") == "forslag"]
        if demands.done_by_now and not demands.now and not proposals:
            missing.append(NOW_GAP)  # "Er det nå opprettet …?": "vurderes" in 2022 says nothing of now
        if demands.outcome and sources and proposals and (named_proposal or len(proposals) == len(sources)):
            missing.append(OUTCOME_GAP)
        elif demands.outcome and answering and not any(_DECISION.search(c.quote) for c in answering):
            missing.append(DECISION_UNSAID)  # "Hvilke tiltak ble vedtatt …?": no quote records a decision
        elif result_not_said(question, answered := [c.quote for c in answering]):
            # "… bør evalueres": what came of it is not there
            missing.append(PLANNED_GAP if plans_only(answered) else RESULT_GAP)
        named = self.asked_regions(question)
        if len(named) == 1 and sources and not any(p["region"] in named for p in sources):
            missing.append(f"noe om dette for {self.regions[next(iter(named))].name}")
        elif not missing:
            other = self._other_body(question, named, sources)
            if other:  # "Hvor lang er funksjonsperioden i SSU?" answered by what FSU's section says
                missing.append(f"noe om dette for {other}")
            elif len(named) == 1:  # "Skal Telemark ta i bruk Helseplattformen?": a Trøndelag name
                region = next(iter(named))
                # a name the thesaurus gives the documents' words for ("Teams-møter": digitale møter) is no gap
                everyday = " ".join(written for written, _ in self._synonyms(question)).lower()
                missing += [
                    f"noe om {name} for {self.regions[region].name}"
                    for name in self._names_elsewhere(question, demands.names, region)
                    if name.lower() not in everyday
                ]
        return missing

    def asked_regions(self, standalone: str) -> set[str]:
        """The regions a question names: a follow-up's own ("og hva sa Telemark …?") before
        those its context carries from the conversation ("(… St. Olav-samarbeidet …)")."""
        return self.retriever.regions_in(own_question(standalone)) or self.retriever.regions_in(standalone)

    def _other_body(self, question: str, regions: set[str], sources: list[Passage]) -> str:
        """The one body the question names, when every passage the answer quotes is about
        other bodies; "" otherwise."""
        asked = self._asked_body(question, regions)
        if not asked or not sources or not all(self._about_other(asked, passage) for passage in sources):
            return ""
        return asked

    def _asked_body(self, question: str, regions: set[str]) -> str:
        """The one body a question names ("SSU", or "strategisk samarbeidsutvalg" and "SSU"),
        or "": none, several, or another region named too (its counterpart answers there)."""
        speakers = {name.lower() for _, name in self.topics.find(speaker(question))}
        bodies = [name for kind, name in self.topics.find(question) if kind == "body" and name.lower() not in speakers]
        if not bodies or any(not self.topics.same(bodies[0], name) for name in bodies[1:]):
            return ""
        return "" if regions - {self.topics.key(bodies[0])} else bodies[0]

    def _bodies(self, text: str) -> list[str]:
        """The bodies ``text`` names (corpus data), in order."""
        return [name for kind, name in self.topics.find(text) if kind == "body"]

    def _section_of(self, asked: str, passage: Passage) -> bool:
        """Does a passage's section (its trail) name ``asked``, or no body at all?"""
        named = self._bodies(str(passage.get("trail", "")))
        return not named or any(self.topics.same(asked, name) for name in named)

    def _about_other(self, asked: str, passage: Passage) -> bool:
        """Is a passage about other bodies than ``asked``: its section names another body,
        and neither its section nor its text names ``asked``? (A section about no body in
        particular may speak of it in other words.)"""
        trail = str(passage.get("trail", ""))
        if any(self.topics.same(asked, name) for name in self._bodies(f"{trail} {passage['text']}")):
            return False
        return any(not self.topics.same(asked, name) for name in self._bodies(trail))

    @staticmethod
    def _payer_said(question: str, answering: list[Citation]) -> bool:
        """A cost asked of one person ("for en sykepleier", "for meg") needs a quoted
        amount said of such a person, not of the parties that pay it."""
        match = _PERSON_COST.search(question)
        if match is None:
            return True
        person = set(tokenize(match.group("person")))
        sentences = [s for c in answering for s in SENTENCE_BREAK.split(c.quote) if _NUMBER.search(s)]
        return not sentences or any(person & set(tokenize(s)) for s in sentences)

    def _cost_of_said(self, question: str, context: str) -> bool:
        """Do the answer's passages speak of what a price is asked of, the noun right after
        "koster" ("en time hos fastlegen": "time")? Only a word the documents use elsewhere
        can be judged; "Hva koster det å være med?" and "Hva koster medlemskapet?" (a word
        they never use) pass."""
        match = _COST_OF.search(question)
        if match is None:
            return True
        asked = set(tokenize(match.group("what").replace("-", " "))) - self._generic_stems
        known = asked & self.retriever.corpus_tokens()
        return not known or bool(known & set(tokenize(context)))

    def _thing_said(
        self, question: str, thing: str, context: str, sources: list[Passage], strict: bool = False
    ) -> bool:
        """Do the documents speak of the thing asked for ("visjonen") where the question
        looks: in the answer's passages, or anywhere in the documents of the region it
        names (else of the answer's region)? Its stem counts at a word's start or after a
        compound's first word ("samarbeidsvisjon", not "revisjon"), and so do the
        thesaurus's and the glossary's words for it. A thing no document speaks of cannot
        be judged (a paraphrase); one that only another region's documents treat
        ("visjonen" of Trøndelag's health community) is not there. ``strict``: only the
        answer's passages count (a written specification, "kriteriene", that they do not
        name is not given, whether or not any document speaks of one)."""
        # a short word ("malen") counts only whole and inflected, and only where strict
        short = [stem for stem in tokenize(thing) if len(stem) == 3] if strict else []
        stems = [stem for stem in tokenize(thing) if len(stem) >= 4]
        if not stems and not short:
            return True
        asked_stems = {*stems, *short}
        written = [
            word for asked, found in self._synonyms(question) if set(tokenize(asked)) & asked_stems for word in found
        ]
        said = [*stems, *(stem for word in written for stem in tokenize(word) if len(stem) >= 4)]

        def speaks(vocabulary: Iterable[str]) -> bool:  # at a word's start, or after 4 letters or more
            return any(word.startswith(stem) or stem in word[4:] for word in vocabulary for stem in said) or any(
                word == stem or (word.startswith(stem) and word[len(stem) :] in INFLECTIONS)
                for word in vocabulary
                for stem in short
            )

        if speaks(words(context)):
            return True
        if strict:
            return False
        regions = self.retriever.regions_in(question) or {str(p["region"]) for p in sources}
        if any(speaks(self.retriever.region_words(region)) for region in regions):
            return True
        return not any(speaks(self.retriever.region_words(region)) for region in self.regions)

    def _side_gaps(self, question: str, wanted: Demands, draft: Draft, hits: list[Hit], region: str) -> list[str]:
        """What a comparison side's answer lacks of what its question pins: the value asked
        for by name (an amount, a person, a date …: "Hvor mye betaler … rundt St. Olavs, slik
        … i Telemark?"), the thing asked for ("visjonen"), or a name only the other regions'
        documents use ("Fagforbundet" of Trøndelag). The other demands read a whole question,
        not a side's ("… neste nasjonale plan …" is no "now" of a side)."""
        found = self.answer_gaps(question, wanted, draft, hits)
        pinned = {TYPE_GAPS[wanted.answer_type]} if wanted.answer_type in VALUE_TYPES else set()
        if wanted.thing:
            pinned.add(f"noe om {wanted.thing}")
        missing = [gap for gap in found if gap in pinned]
        if region in self.regions:
            missing += [f"noe om {name}" for name in self._names_elsewhere(question, wanted.names, region)]
        return missing

    def _names_elsewhere(self, question: str, names: Iterable[str], region: str) -> list[str]:
        """The names a question pins (capitalised, not a body, region or document) that
        only other regions' documents use: "Fagforbundet" asked of Trøndelag. A name no
        document uses is the answer check's to judge."""
        topical = {name.lower() for _, name in self.topics.find(question)}
        out: list[str] = []
        for name in names:
            stems = [stem for stem in tokenize(name) if len(stem) >= 4]
            if not stems or any(name.lower() in named for named in topical) or self.retriever.regions_in(name):
                continue  # a body, region or document (or a region's name: "Telemark")

            def used(where: str, stems: list[str] = stems) -> bool:
                return any(word.startswith(stem) for word in self.retriever.region_words(where) for stem in stems)

            if not used(region) and any(used(other) for other in self.regions):
                # "Norsk sykepleieforbund": the name with the word that goes on from it
                phrase = re.search(rf"(?<!\w){re.escape(name)}(?: [a-zæøå]{{4,30}}(?!\w))?", question)
                out.append(phrase.group(0) if phrase else name)
        return out

    def _value_about(self, question: str, answering: list[Citation], answer_type: str) -> bool:
        """Does a quoted sentence with an amount (a year, a date, a frequency) share a word
        with what the question asks the amount (the time) of: its own words, its intents and
        the thesaurus's words for them, not only a region's name or the unit ("kroner")?"""
        sentences = [
            s
            for c in answering
            for s in SENTENCE_BREAK.split(c.quote)
            if (_NUMBER.search(s) if answer_type == "amount" else has_answer_type(answer_type, s))
        ]
        if not sentences:
            return True  # no value quoted: the type check says so
        said = set(tokenize(" ".join(sentences)))
        asked = set(tokenize(f"{question} {' '.join(intent_terms(question, self.retriever.intents))}"))
        asked = {token for token in asked if not token.isdigit()}  # "i 2024": when, not what
        asked |= {stem for _, found in self._synonyms(question) for word in found for stem in tokenize(word)}
        if answer_type == "date":  # "Hva er fristen for …?": the deadline of what
            asked -= _DATE_WORDS
        if answer_type == "frequency":  # "Hvor ofte møtes fagrådene?": the meetings of what
            asked -= _FREQUENCY_WORDS
            # "Hvor ofte møttes «pandemimøtet»?": a meeting named by a compound is that meeting,
            # so the sentence must speak of what names it ("pandemi"), not only of meetings
            named = _MEETING_NAMED.search(question)
            if named:
                modifier = named.group("modifier").lower().rstrip("-").rstrip("s")
                if not any(t.startswith(modifier) or (len(t) >= 3 and modifier.startswith(t)) for t in said):
                    return False
            if _MEETS.search(question):
                asked |= set(tokenize("møtes"))
        return bool((asked - self._generic_stems) & said)

    @cached_property
    def _generic_stems(self) -> frozenset[str]:
        """Stems that say where or in what unit, not what: the regions' names and aliases,
        what the corpus calls a health community, and units of money."""
        names = [w for r in self.regions.values() for w in (r.name, *r.aliases)]
        return frozenset(tokenize(" ".join([*names, *self.topics.community_words, *_MONEY_UNITS])))

    def _unknown_document_topic(self, question: str) -> str:
        """A guideline, routine or agreement the question takes for granted on a topic no
        indexed word covers ("en egen retningslinje for legemiddelsamstemming", "Hvilke
        legemiddelrutiner står i …?"), or "": the documents cannot hold what they never name."""
        unknown = self._unknown_concepts(question)
        if not unknown:
            return ""
        topics = {m.group("topic").lower() for m in _DOCUMENT_ON.finditer(question)}
        corpus = self.retriever.corpus_tokens()

        def known(part: str) -> bool:
            return bool(set(tokenize(part)) & corpus)

        def unknown_topic(word: str) -> bool:  # "legemiddelrutiner": legemiddel; not "ansvarsretningslinjen"
            match = _KIND_COMPOUND.match(word)
            return match is not None and not known(match.group("topic"))

        def no_known_part(word: str) -> bool:  # "statistikkverktøyet" (statistikk, verktøy) paraphrases a tool
            return not any(known(word[:i]) or known(word[i:]) for i in range(6, len(word) - 5))

        return next((w for w in unknown if (w.lower() in topics and no_known_part(w)) or unknown_topic(w)), "")

    def _absent_attachment(self, question: str) -> str:
        """The numbered text a question asks the content of ("Hvilke steg beskriver vedlegg
        1.1?", "Hva sier retningslinje 3?", "Hva står i punkt 13?") when no indexed document,
        section or attachment has that number (the documents name it, they do not hold it),
        or "". A question for its title ("Hva heter vedlegg 1.4?") or topic ("Hva handler
        punkt 11 om?") is answered from the list that names it."""
        if _ASKS_TITLE.search(question):
            return ""
        # "Hva ble endret i retningslinje 1 ved revisjonen til versjon 2?": each reference in turn
        return next(filter(None, (self._absent_reference(question, m) for m in _REFERENCE.finditer(question))), "")

    def _absent_reference(self, question: str, match: re.Match[str]) -> str:
        """One reference of ``_absent_attachment``: its name when no document holds it, else ""."""
        kind, number = match.group("kind").lower().rstrip("."), match.group("number")
        passages = self.retriever.snapshot().passages
        if kind.startswith(("vedlegg", "bilag")):  # an attachment: a section named after it
            name, where = f"vedlegg {number}", "trail"
        elif kind.startswith(("versjon", "utgave", "utgåve")):  # "versjon 2": a version the documents record
            said_number = re.escape(number)
            said = rf"(?:versjon|utgave|utgåve)\s*{said_number}(?![\d.]\d)|"
            said += rf"(?<![\d.]){said_number}\.\s*(?:versjon|utgave)"
            if number.isdigit() and 0 < int(number) <= len(_ORDINALS):
                said += rf"|\b{_ORDINALS[int(number) - 1]}\s+(?:versjon|utgave|utgåve)"
            held = any(re.search(said, str(p["text"]), re.IGNORECASE) for p in passages)
            return "" if held else f"versjon {number}"
        elif not _ASKS_CONTENT.search(question) and not (
            kind.startswith(_POINTS) and _in_asking_sentence(question, match.end()) and not _ASKS_TOPIC.search(question)
        ):
            return ""  # "Hvilke trinn har tvisteløsningen i punkt 11?" asks what the point holds, as "står" does
        elif kind.startswith("retningslinje"):  # a guideline: a document of that title
            name, where = f"retningslinje {number}", "title"
        else:  # a numbered point or chapter: a section of that number in the document it names
            owner = _OWNER.search(question[match.end() : match.end() + 200])
            held = any(
                str(p.get("section_number", "")) in (number, f"{number}.")
                and (owner is None or owner.group("owner").lower() in f"{p['title']} {p.get('kind', '')}".lower())
                for p in passages
            )
            return "" if held else f"punkt {number}"
        pattern = re.compile(rf"{re.escape(name)}(?![\d.])", re.IGNORECASE)
        return "" if any(pattern.search(str(p.get(where, ""))) for p in passages) else name

    def _role_elsewhere(self, question: str, demands: Demands, quotes: list[str]) -> bool:
        """ "Hvem leder PSU?" answered only by a role ("leder") that no quote ties to the
        body asked about ("leder og nestleder i ASU")."""
        if demands.answer_type != "person" or not demands.role:
            return False
        asked = [name for kind, name in self.topics.find(question) if kind == "body"]
        if not asked or named_person(" ".join(quotes), self._known_words()):
            return False
        sentences = [part for quote in quotes for part in SENTENCE_BREAK.split(quote)]
        return not any(
            role_named(demands.role, sentence)
            and any(self.topics.same(body, name) for body in asked for _, name in self.topics.find(sentence))
            for sentence in sentences
        )

    def standalone(self, question: str, history: list[Turn]) -> str:
        """Rule-based rewrite; with an LLM configured, the model rewrites follow-ups."""
        if history and is_followup(question, self.topics):
            rewritten = self.generator.rewrite(question, [(t.role, t.content) for t in history])
            if rewritten:
                return rewritten
        return standalone_question(question, history, self.topics)

    def uncovered_subject(self, question: str) -> str:
        """A subject the documents never treat (manifest ``not_covered``) that the
        question names by a word the documents never use."""
        corpus = self.retriever.corpus_words()
        for subject, pattern in self._not_covered:
            for match in pattern.finditer(canonical_spelling(question).lower()):
                if match.group(0) not in corpus:
                    return subject
        return ""

    def uncovered_region(self, question: str) -> str:
        """The area a question names when the corpus has no documents from it, also beside a
        covered region ("… sammenlignet med Telemark"): what it asks of that area is not there."""
        named = [(name, pattern) for name, pattern in self._other_regions if pattern.search(question)]
        return named[0][0] if named else ""

    def _known_words(self) -> frozenset[str]:
        """Words that are no one's name: the corpus data's bodies and regions, and every
        word the documents write in lower case ("Ordførere" starting a list item); kept
        until the index generation (and so its lower-case words) changes."""
        ordinary = self.retriever.ordinary_words()
        if self._known is None or self._known[0] is not ordinary:
            self._known = (ordinary, self.topics.known_words() | ordinary)
        return self._known[1]

    def _without_situation(self, question: str) -> str:
        """``question`` without a first sentence in which the asker tells of their own work
        in words the documents never use ("Jeg planlegger hjemreiser fra en sengepost. Hvem
        …?"): it says who asks, not what. A sentence that names a body, region or document,
        or tells what the asker has heard or read, stays."""
        match = _SITUATION.match(question[:MAX_SITUATION_CHARS])
        if match is None or "?" not in question[match.start("rest") :] or _REPORTED.search(match.group("first")):
            return question
        first = match.group("first")
        if self.topics.find(first):
            return question
        said = [c for c in concepts(first, self.vocabulary) if len(c.label) > 3]
        unknown = self._unknown_concepts(first)
        if len(said) < 2 or 2 * len(unknown) < len(said):
            return question
        return question[match.start("rest") :]

    def _unknown_kind(self, question: str, demands: Demands) -> str:
        """The kind a "hvilken X" question asks which one of, when the documents speak of X
        only through its first part and never of what it is ("Hvilken sykehusfarmasøyt
        …?": sykehus, no farmasøyt), or "". A plain word they lack may still be answered by
        what it describes ("Hvilken metode …?": SWOT-analyse)."""
        if not demands.which_of:
            return ""
        corpus = self.retriever.corpus_tokens()
        return next(
            (
                c.label
                for c in concepts(question, self.vocabulary)
                if canonical_spelling(c.label).lower().startswith(demands.which_of) and head_unknown(c, corpus)
            ),
            "",
        )

    def _unknown_concepts(self, question: str) -> list[str]:
        """The question's concepts that no word of the indexed documents covers: things,
        not a short word ("be om") or a verb after its auxiliary ("er plukket ut")."""
        corpus = self.retriever.corpus_tokens()
        text = canonical_spelling(question).lower()
        return [
            c.label
            for c in concepts(question, self.vocabulary)
            if (not c.covered_by(corpus) or head_unknown(c, corpus))
            and (len(c.label) > 3 or c.label.isdigit())
            and not re.search(rf"{_AUXILIARY}\s+{re.escape(c.label.lower())}\b", text)
        ]

    def bodies_named(self, question: str) -> str:
        """``question`` with each body it describes instead of naming ("det øverste
        organet", "temagruppene") named as the thesaurus names it ("partnerskapsmøtet")."""
        names = [name.lower() for _, name in self.topics.find(question)]
        for written, terms in self.retriever.thesaurus.matches(question):
            bodies = [term for term in terms if [kind for kind, _ in self.topics.find(term)] == ["body"]]
            if len(bodies) != 1 or any(written.lower() in name or name in written.lower() for name in names):
                continue
            question = re.sub(  # "det øverste organet": the article goes with the description
                rf"(?<!\w)(?:(?:det|den|de|dei)\s+)?{re.escape(written)}(?!\w)",
                bodies[0],
                question,
                count=1,
                flags=re.IGNORECASE,
            )
            names.append(bodies[0].lower())
        return question

    def demands(self, question: str) -> Demands:
        """What the question demands of its answer, with the documents' words for what it counts
        and the years that date a document it points at (``demands_in``)."""
        return demands_in(question, self.vocabulary)

    def _coverage(self, question: str, hits: list[Hit]) -> float:
        return coverage(question, hits, self.vocabulary)

    def _synonyms(self, question: str) -> list[tuple[str, list[str]]]:
        """The documents' words for the question's words: the thesaurus, and an
        abbreviation's expansion (or the other way round) from the glossary."""
        found = self.retriever.thesaurus.matches(question)
        text = question.lower()
        for term in self.retriever.glossary.expand(question).terms:
            written = term.abbr if term.abbr.lower() in text else term.expansion
            found.append((written, [term.expansion if written == term.abbr else term.abbr]))
        return found

    def answerable(self, question: str, hits: list[Hit]) -> bool:
        return answerable(question, hits, self.vocabulary)

    def closest(self, question: str, hits: list[Hit], passages: list[dict[str, Any]]) -> Result:
        """Not a sure answer: says so first, then quotes what the documents say nearest
        to the question, cited, for the reader to judge (found stays False)."""
        draft = self.extractive.closest(question, hits)
        if not draft.citations:
            return self.refusal(question, hits, passages)
        return Result(f"{self.texts['closest']}\n\n{draft.answer}", False, draft.citations, passages, question)

    def refusal(
        self, question: str, hits: list[Hit], passages: list[dict[str, Any]], gaps: list[str] | None = None
    ) -> Result:
        lines = [self.texts["refusal"]]
        if gaps:
            lines[0] = f"{self.texts['missing'].format(missing=_join(gaps))} {lines[0]}"
        if hits:
            lines.append(self.texts["suggestions_intro"])
            for hit in hits[:3]:
                p = hit.passage
                lines.append(f"- {p['title']}, {p['section']} (s. {p['page']})")
        return Result("\n".join(lines), False, [], passages, question)


# "Jeg leder en sengepost og planlegger hjemreiser. Hvordan …?": the asker's own situation first
_SITUATION = re.compile(r"(?P<first>(?:jeg|eg|vi|me)\b[^.?!]{3,200}[.!])\s+(?P<rest>\S)", re.IGNORECASE)
# "Jeg har hørt at …", "Vi har lest at …": what the asker heard is what they ask about
_REPORTED = re.compile(
    r"\b(?:hørt|høyrt|lest|sett|notert|skjønt|forstått|fått med meg|fått høre|fått høyre|lagt merke til|fått vite)\b",
    re.IGNORECASE,
)
MAX_SITUATION_CHARS = 240


def _not_yet_written(question: str, quotes: list[str]) -> str:
    """The text a question asks the content of ("Hvilke tiltak står i handlingsdelen?")
    when the quotes only say it is still to be written ("SSU vil utarbeide en
    handlingsdel"), or ""."""
    if not _ASKS_INSIDE.search(question) or _ASKS_TITLE.search(question) or _ASKS_PLANNED.search(question):
        return ""
    asked = set(tokenize(question))
    for quote in quotes:
        for match in _TO_BE_WRITTEN.finditer(quote):
            written = match.group("object") or match.group("passive") or match.group("task") or ""
            stems = tokenize(written)
            if stems and any(stem == a or a.endswith(stem) or stem.endswith(a) for stem in stems for a in asked):
                return written.lower()
    return ""


def _with_context(parts: list[str], standalone: str) -> list[str]:
    """Each part of a follow-up made standalone with the conversation's context: "Hva
    tilsvarer det i Trøndelag, og hvem har observatørstatus der (PSU)?" asks both of PSU."""
    own = own_question(standalone)
    if own == standalone or not parts:
        return parts
    context = standalone[len(own) :].strip().rstrip("?").strip()
    return [part if context in part else f"{part.rstrip(' ?')} {context}?" for part in parts]


def _only_unspecified(question: str, quotes: list[str]) -> str:
    """What a "hvilke X" / "Hva heter X" question asks that the quotes leave open, when
    they name that kind only as unspecified ("forslag til tiltak", "ett av fagrådene") and
    list none: "hvilke tiltak det gjelder", "hva fagrådet heter"; else ""."""
    match = _WHICH_THINGS.search(question)
    if match is None or not quotes:
        return ""
    asked = match.group("kind") or match.group("named")
    stem = tokenize(asked)[:1]  # a compound's parts follow its own stem
    if not stem:
        return ""
    # the word itself, or a compound that is one ("oppfølgingsteam" is a team)
    mentions = [
        (index, quote, m.start())
        for index, quote in enumerate(quotes)
        for m in re.finditer(r"\w{4,40}", quote)
        if (found := tokenize(m.group(0))[:1]) and (found == stem or (len(stem[0]) >= 4 and found[0].endswith(stem[0])))
    ]
    # a list names them: one the mention introduces ("flere tiltak:\n- …\n- …"), or one of its
    # own (a quote of one item, "- En brukerrepresentant", names no kind of its own); the items
    # after a mention inside an item ("- … flere FACT-team ift andre diagnosegrupper") do not
    mentioned = {index for index, _, _ in mentions}
    if any(len(_LIST_LINE.findall(quote)) >= 2 for index, quote in enumerate(quotes) if index not in mentioned):
        return ""
    if not mentions or not all(
        _UNSPECIFIED.search(quote[max(0, at - 20) : at]) and not _introduces_list(quote, at)
        for _, quote, at in mentions
    ):
        return ""
    if match.group("named"):
        return f"hva {asked.lower()} heter"
    return f"{match.group('which').lower()} {asked.lower()} det gjelder"


def _region_first(named: set[str], hits: list[Hit]) -> list[Hit]:
    """``hits`` with the passages of the one region a question names (``named``, from
    ``Engine.asked_regions``) first: a question about one health community is answered from
    its documents."""
    if len(named) != 1:
        return hits
    return [h for h in hits if h.passage["region"] in named] + [h for h in hits if h.passage["region"] not in named]


def _introduces_list(quote: str, at: int) -> bool:
    """Does the line of ``quote`` from ``at`` end with a colon before a list ("flere tiltak:")?"""
    end = quote.find("\n", at)
    line = quote[at:] if end < 0 else quote[at:end]
    return line.rstrip().endswith(":") and len(_LIST_LINE.findall(quote[at:])) >= 2


def _hospital_names(hospital: str) -> list[str]:
    """A region's hospital names it too: "St. Olavs hospital HF" -> that name and "St.
    Olavs hospital"; "Sykehuset Telemark HF (STHF)" -> also "Sykehuset Telemark", "STHF"."""
    names = [part.strip() for part in re.split(r"[()]", hospital) if part.strip()]
    return [*names, *(name[:-3] for name in names if name.endswith(" HF"))]


def corpus_topics(retriever: Retriever) -> Topics:
    """Bodies, regions, documents and abbreviations the corpus's data files name."""
    manifest = retriever.manifest
    bodies: list[tuple[list[str], str]] = []
    try:
        structure = retriever.snapshot().structure or {}
    except HfaError:  # no index yet: the manifest's bodies are enough
        structure = {}
    by_id: dict[str, tuple[list[str], str]] = {}
    for region_id, region in (structure.get("regions") or {}).items():
        for body in region.get("bodies") or []:
            name = str(body.get("name", ""))
            if name and " – " not in name:
                names = [part.strip() for part in re.split(r"[()]", name) if part.strip()]
                bodies.append(([*names, *(str(alias) for alias in body.get("aliases") or [])], region_id))
                by_id[str(body.get("id"))] = (names, region_id)
    counterparts = [
        (*by_id[str(body["id"])], *by_id[str(body["counterpart"])])
        for region in (structure.get("regions") or {}).values()
        for body in region.get("bodies") or []
        if body.get("counterpart") and str(body.get("id")) in by_id and str(body["counterpart"]) in by_id
    ]
    return Topics.from_corpus(
        [(r.id, r.name, (*r.aliases, *_hospital_names(r.hospital)), r.bodies) for r in manifest.regions.values()],
        [(t.abbr, t.expansion, t.variants, t.region) for t in retriever.glossary.terms],
        [(d.id, d.title, d.kind, d.aliases) for d in manifest.documents.values()],
        bodies,
        counterparts,
    )


def _join(parts: list[str]) -> str:
    parts = list(dict.fromkeys(parts))  # two checks may miss the same thing ("noe om 2026")
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} eller {parts[-1]}"


def _renumber(draft: Draft, offset: int) -> Draft:
    if not offset:
        return draft
    answer = MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", draft.answer)
    citations = [replace(c, id=c.id + offset) for c in draft.citations]
    return Draft(answer, citations, draft.found)


# "Helsefellesskapet i Telemark: …": the region a paragraph's passage is from, before its text
_LABEL = re.compile(r"^[^:\n]{1,80}:\s")


def _without_repeats(draft: Draft, quoted: set[str], said: str = "") -> Draft:
    """``draft`` without the paragraphs whose every citation quotes what an earlier part
    quoted already (alone or inside a longer quote), and which say nothing the earlier
    parts did not (``said``): two parts of a question answered by one sentence, it stands
    once; a paragraph that quotes the same sentence with the next part's answer around it
    stays."""
    if not quoted:
        return draft
    # a quote inside an earlier, longer one is a repeat too ("Retningslinjen dreier seg om …"
    # after "Retningslinjen dreier seg om … . Formålet er …")
    repeated = {c.id for c in draft.citations if any(" ".join(c.quote.split()) in earlier for earlier in quoted)}
    if not repeated:
        return draft
    earlier = " ".join(MARKER.sub(" ", said).split())

    def new_words(paragraph: str) -> bool:
        text = " ".join(MARKER.sub(" ", _LABEL.sub("", paragraph, count=1)).split())
        return bool(earlier) and bool(text) and text not in earlier

    kept = [
        paragraph
        for paragraph in draft.answer.split("\n\n")
        if not (marks := {int(m) for m in MARKER.findall(paragraph)}) or not marks <= repeated or new_words(paragraph)
    ]
    used = [c for c in draft.citations if any(f"[{c.id}]" in paragraph for paragraph in kept)]
    numbers = {c.id: index for index, c in enumerate(used, start=1)}
    answer = MARKER.sub(lambda m: f"[{numbers.get(int(m.group(1)), int(m.group(1)))}]", "\n\n".join(kept))
    return Draft(answer, [replace(c, id=numbers[c.id]) for c in used], draft.found, draft.answering)


def _merge(parts: list[Draft], extractive: ExtractiveGenerator, sides: bool = False) -> tuple[str, list[Citation]]:
    """Drafts side by side, their citations numbered on from one another; a passage
    cited twice keeps its first number. One closing line of abbreviations for all.
    ``sides``: each part opens with its side's name; a side answered wholly by what an
    earlier side quoted keeps its name and points there ("SSU: Se [2] over.")."""
    texts: list[str] = []
    citations: list[Citation] = []
    for whole in parts:
        part = _without_repeats(whole, {" ".join(c.quote.split()) for c in citations}, "\n\n".join(texts))
        label = _LABEL.match(whole.answer) if sides else None
        if label is not None and not part.answer.startswith(label.group(0)):  # the side's own answer went
            first = whole.answer.split("\n\n")[0]
            opening = {" ".join(c.quote.split()) for c in whole.citations if f"[{c.id}]" in first}
            earlier = [f"[{c.id}]" for c in citations if " ".join(c.quote.split()) in opening]
            if earlier:
                texts.append(f"{label.group(0)}{extractive.texts['side_same'].format(refs=', '.join(earlier))}")
        if not part.answer.strip():
            continue
        part = _renumber(part, len(citations))
        texts.append(extractive.without_abbreviations(part.answer))
        citations.extend(part.citations)
    return extractive.with_abbreviation_note("\n\n".join(texts)), citations


def _cited_sections(draft: Draft) -> set[tuple[str, str]]:
    return {(c.doc_id, c.section) for c in draft.citations}


def _answering_sources(draft: Draft, hits: list[Hit]) -> list[Passage]:
    """The passages the answering citations (not the supporting ones) quote."""
    answering = draft.citations[: draft.answering] if draft.answering is not None else draft.citations
    cited = {(c.doc_id, c.section, c.page) for c in answering}
    return [h.passage for h in hits if (h.passage["doc_id"], h.passage["section"], int(h.passage["page"])) in cited]


def _in_asking_sentence(text: str, position: int) -> bool:
    """Is ``position`` in a sentence that asks (it ends with "?" or the text ends first)?
    A follow-up's context ("hvorfor ville de det: Notatet … i punkt 7.1 …, 11 … .") asks nothing."""
    end = _SENTENCE_END.search(text, position)
    return end is None or end.group(0).startswith("?")


def _prepend(text: str, lead_citations: list[Citation], draft: Draft) -> Draft:
    body = _renumber(draft, len(lead_citations))
    joined = f"{text}\n\n{body.answer}" if body.answer.strip() else text
    return Draft(joined, [*lead_citations, *body.citations], draft.found)


def _mark_pattern(mark: str) -> re.Pattern[str]:
    """A status mark as the documents may write it: "18. mars 2022" also "18.mars 2022",
    a word in another form ("vedtatt" also "vedtas", "Partnerskapet" also "Partnerskapets")."""
    if mark.isalpha() and len(mark) >= 6:
        body = re.escape(mark[:-2]) + r"\w{0,3}"
    else:  # "2025–2029" also "2025 – 2029"
        body = r"\s*".join(re.escape(part) for part in mark.split())
        body = re.sub(r"(?:\\-|–)", r"\\s*[–-]\\s*", body)
    return re.compile(rf"(?<!\w){body}(?:en|et|a|ene|er)?(?!\w)")


def _status_quote(
    hits: list[Hit], marks: list[str], preferred: Sequence[str] = (), asked: frozenset[str] = frozenset()
) -> tuple[Hit, str]:
    """The passage and sentence that state a document's date or status (verbatim), else
    the best passage's first sentence; a sentence with a ``preferred`` phrase (the
    addressee a question asks for) first."""
    wanted = {m.strip(".,;:()«»").lower() for m in marks}
    patterns = [_mark_pattern(m) for m in wanted if len(m) >= 4]
    best: tuple[tuple[int, int, int], Hit, str] | None = None
    for hit in hits:  # the sentence that holds the most of them ("strategi 2025 – 2029", "vedtas av Partnerskapet")
        for unit in passage_units(hit.passage["text"]):
            text = unit.text.lower()
            score = sum(1 for pattern in patterns if pattern.search(text))
            score += sum(PREFERRED_MARK for p in preferred if p.lower() in text)
            score = score if unit.kind != "list" else 0
            # of two sentences that hold as many, the one with more of the question's own
            # words ("hvem vedtar den?": "vedtas av"), then the shorter, says it more plainly
            rank = (score, len(asked & set(tokenize(unit.text))), -len(unit.text))
            if score and (best is None or rank > best[0]):
                best = (rank, hit, unit.text)
    if best is not None:
        return best[1], best[2]
    hit = hits[0]
    units = [u for u in passage_units(hit.passage["text"]) if u.kind != "list"]
    return hit, units[0].text if units else hit.passage["text"].split("\n")[0]
