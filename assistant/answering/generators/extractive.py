"""The extractive generator: answers with the documents' own sentences or list items.

It needs no language model. From the best passages it picks the sentence(s) that share
the most with the question, or — for "who sits in / which bodies / which tasks"
questions — the list itself. Each fact is cited [n] with a verbatim quote, says which
health community it belongs to when the corpus has more than one, and is marked when
its document is not in force. Abbreviations are spelled out the first time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from assistant.answering.answerability import Vocabulary, concepts, demands_in
from assistant.answering.demands import confirms_claim, has_answer_type, meets, named_things
from assistant.answering.followup import own_question
from assistant.answering.generators.base import Generator
from assistant.answering.generators.citations import cite
from assistant.answering.status import norwegian_date
from assistant.domain import Citation, Draft, Hit
from assistant.resources import resource_dir
from indexer.analysis import YEAR, canonical_spelling, normalize_text, tokenize
from indexer.injection import usable_by_llm
from indexer.manifest import Region, region_patterns
from indexer.sentences import passage_units

if TYPE_CHECKING:  # the engine passes the retriever's glossary in; generators never import retrieval
    from assistant.retrieval.hybrid import Glossary

LIST_QUESTION = re.compile(
    r"\b(?:hvem (?:som )?(?:(?:skal|kan|må|bør) )?(?:sitter|sitte|deltar|delta|er med|være med|møter|møte|består|"
    r"representerer|representere)|hvilke|består\w* av|sammensetning\w*|"
    r"oppgave\w*|medlem\w*|hva gjør|hvem er representert|lista|listen|liste|oversikt\w*|list|"
    r"(?:hva|kva) (?:heter|heiter) (?:de|dei|disse|desse|dem)|navnene|namna)\b",
    re.IGNORECASE,
)
_ANAPHOR = re.compile(r"(?:Denne|Dette|Disse|Slike|Desse|Dei)\b")
# A sentence that opens by pointing back ("Et alternativ til dette …", "Dette gjelder også …")
# goes on with the sentence before it.
_REFERS_BACK = re.compile(r"(?:[^\W\d]+ ){0,3}(?:dette|denne|disse|desse)\b", re.IGNORECASE)
# A sentence that draws the conclusion of the one before it ("Helsefellesskapet vil derfor
# sette fokus på …") completes it: what the document does about what it just described.
_CONCLUDES = re.compile(r"(?:[^\W\d]+ ){0,3}(?:derfor|difor|dermed|således)\b", re.IGNORECASE)
_WHY = re.compile(r"\b(?:hvorfor|kvifor|begrunn\w*|årsak\w*)\b", re.IGNORECASE)
_REASON = re.compile(
    r"\b(?:fordi|begrunn\w*|årsak\w*|derfor|grunnet|skyldes|mener at|oppfatning\w*|på grunn av|slik at)\b",
    re.IGNORECASE,
)
_HOW_MUCH = re.compile(r"\b(?:hvor|kor) (?:mye|mykje|mange|lenge|lang|stor\w*|ofte)\b|\blike mange\b", re.IGNORECASE)
_QUANTITY = re.compile(r"\d|\b(?:en|ett|to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|tolv|hver|årlig)\b", re.IGNORECASE)
# Who issued a document, and when: what its own date line answers.
_WHO_OR_WHEN = re.compile(r"\b(?:hvem|kven|når|dato\w{0,2}|datert|skrevet|signert|sendt|avsender)\b", re.IGNORECASE)
# "Er det vedtatt/bestemt at …?": whether something was decided
_ASKS_DECIDED = re.compile(
    r"^\s*(?:og\s+)?(?:er|var|ble|blei|vart|har)\b[^?]{0,80}?\b(?:vedtatt|vedteke|bestemt|besluttet|godkjent|"
    r"godkjend|avgjort)\b",
    re.IGNORECASE,
)
_DECIDED_STEMS = frozenset(
    tokenize("vedtatt vedteke vedtak bestemt besluttet beslutning godkjent godkjend godkjenning avgjort avgjørelse")
)
# A sentence that proposes or recommends ("Kommunedirektørene tilrår å …", "anbefalt av …")
_PROPOSING = re.compile(r"\b(?:tilrår|tilrås|anbefaler|anbefales|anbefalt|foreslår|foreslås|foreslått)\b", re.I)
_NEGATION = re.compile(r"\b(?:ikke|ikkje|uten|unntatt)\b", re.IGNORECASE)
# A letter's closing ("Med vennlig hilsen sekretariatet for …") says who sent it, like its
# own date: an answer only to a question about the document.
_SIGN_OFF = re.compile(r"\s*(?:med\s+)?(?:vennlig|vennleg|venleg|beste)\s+(?:hilsen|helsing)\b|\s*mvh\b", re.I)
MAX_SENTENCES = 4
REASON_REACH = 5  # sentences after the claim where its reason may stand
CONTEXT_WORDS = 0.25  # weight of a follow-up's context words against its own
REASON_EXTRA = 2  # sentences a reason may take
CONTEXT_SHARE = 0.4  # another sentence of the answer's passage joins it at this share of the best score
SEMANTIC_WEIGHT = 0.1
MAX_PASSAGES = 5  # passages whose units compete for the answer (as many as the engine retrieves)
MAX_ITEMS = 8
ITEM_SHARE = 0.9  # another item of the answer's list joins it at this share of the best item's score
SUPPORT_SHARE = 0.6  # another passage's best unit joins the answer at this share of the best score
NOVELTY_SHARE = 0.5  # a passage's supporting unit is one that adds this share of a typical question word more
MAX_SUPPORT = 2
# What the question asks for by type, when a unit near enough holds it and the best does not:
# a duration or a frequency is rarely of something else (a bare amount or date may be).
_PROMOTED_TYPES = frozenset({"duration", "frequency", "names", "law"})
LONG_HEADING_WORDS = 5  # a sub-heading this long says what its list is about without its parent
DEMAND_SHARE = 0.6  # a unit with a number next to what is counted leads at this share of the best score
QUESTION_SHARE = 0.5  # score kept by a sentence that is itself a question
OWN_LINE_SHARE = 0.5  # score kept by a line with its document's own date, unless the question is about the document


def load_texts(path: Path | None = None) -> dict[str, str]:
    data = yaml.safe_load((path or resource_dir("prompts") / "answers.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


# Answer types a list answers only when its items hold them: clauses, addresses, sums
_ITEM_TYPES = frozenset({"law", "email", "link", "number", "amount"})


@dataclass
class _Unit:
    hit_rank: int
    text: str  # verbatim from the passage
    tokens: set[str]  # of the text itself
    kind: str  # "sentence" | "list" | "item"
    context: set[str] = field(default_factory=set)  # of a heading line just above it
    items: list[set[str]] = field(default_factory=list)  # a list's items, one token set each
    parent: int = -1  # an item's list, as an index into the passage's units
    meaning: float | None = None  # cosine of the unit's vector to the question (None: no vector)
    depth: int = 0  # an item's indentation in its list: a sub-item ("  - Fagdirektør") is deeper

    @property
    def asks(self) -> bool:
        """Is it a question the document itself asks (a consultation's "Hvilken støtte savner dere?")?"""
        return self.text.rstrip().endswith("?")


def _units(rank: int, hit: Hit) -> list[_Unit]:
    units: list[_Unit] = []
    scores = hit.unit_scores  # by unit index in the passage, as the indexer numbered them
    for index, unit in enumerate(passage_units(hit.passage["text"])):
        context = set(tokenize(unit.heading))
        if unit.kind == "list":
            items = [set(tokenize(item)) for item in unit.items]
            item_scores = [scores[i] for i in range(index + 1, index + 1 + len(unit.items)) if i in scores]
            units.append(
                _Unit(
                    rank, unit.text, set().union(*items), "list", context, items, meaning=max(item_scores, default=None)
                )
            )
        else:
            tokens = set(tokenize(unit.text))
            units.append(
                _Unit(rank, unit.text, tokens, unit.kind, context, parent=unit.parent, meaning=scores.get(index))
            )
    depths: Iterator[int] = iter(())
    for built in units:  # each item's indentation, from its list's lines (the items follow their list)
        if built.kind == "list":
            depths = iter(len(line) - len(line.lstrip()) for line in built.text.split("\n") if _ITEM_LINE.match(line))
        elif built.kind == "item":
            built.depth = next(depths, 0)
    return units


_ITEM_LINE = re.compile(r"^\s*- ")


def _with_sub_items(siblings: list[_Unit], chosen: list[_Unit]) -> list[_Unit]:
    """``chosen`` items with the sub-items under each ("Sykehusdirektører" and its
    "Administrerende direktør", "Fagdirektør" …) and the item above a chosen sub-item, in the
    list's order: a sub-item alone does not say whose it is, nor an item what it holds."""
    keep = {id(u) for u in chosen}
    for index, item in enumerate(siblings):
        if id(item) not in keep:
            continue
        for below in siblings[index + 1 :]:  # the deeper items straight after it
            if below.depth <= item.depth:
                break
            keep.add(id(below))
        above = next((u for u in reversed(siblings[:index]) if u.depth < item.depth), None)
        if above is not None:
            keep.add(id(above))
    return [u for u in siblings if id(u) in keep]


class ExtractiveGenerator(Generator):
    def __init__(
        self,
        glossary: Glossary,
        regions: dict[str, Region],
        texts: dict[str, str] | None = None,
        idf: Callable[[str], float] | None = None,
        vocabulary: Vocabulary | None = None,
        known_words: Callable[[], frozenset[str]] | None = None,
    ) -> None:
        self.glossary = glossary
        # words that are no one's name (a "Hvilke kommuner …?" is not answered by "Telemark")
        self.known_words = known_words or frozenset
        self.regions = regions
        self.texts = texts or load_texts()
        self.idf = idf or (lambda token: 1.0)
        # what corpus data says about a question's words (regions, documents, thesaurus, intents)
        self.vocabulary = vocabulary or Vocabulary(tuple(region_patterns(regions).values()))

    def question_concepts(self, question: str) -> list[frozenset[str]]:
        """What the question asks about, as groups of stems: one group per content word
        or question intent; an abbreviation and its expansion are one group, so a
        sentence that says both is not counted twice, and the documents' own word for an
        everyday one (the thesaurus) counts as it. Region and document names are left
        out: they say where, not what."""
        groups = []
        for concept in concepts(question, self.vocabulary):
            # the documents' words for it ("betalt" -> "godtgjørelse") count as it
            groups.append(set(concept.stems).union(*concept.phrases))
        for term in self.glossary.expand(question).terms:
            abbr, expansion = set(tokenize(term.abbr)), set(tokenize(term.expansion))
            variants = set(tokenize(" ".join(term.variants)))  # "Kommunenes Sentralforbund" is KS too
            for group in groups:
                if group & abbr or (group & expansion and not group & abbr):
                    group |= abbr | expansion | variants
        return [frozenset(g) for g in groups]

    def generate(self, question: str, hits: list[Hit], region_prefix: bool = True) -> Draft:
        return self._draft(question, hits, region_prefix, support=True)

    def closest(self, question: str, hits: list[Hit]) -> Draft:
        """What the passages say nearest to a question they do not answer for certain:
        the best sentence(s) or list, without support from other passages."""
        return self._draft(question, hits, region_prefix=True, support=False)

    def _draft(self, question: str, hits: list[Hit], region_prefix: bool, support: bool) -> Draft:
        top = hits[:MAX_PASSAGES]
        groups = self.question_concepts(question)
        if _ASKS_DECIDED.search(question):  # "Er det vedtatt at SSU skal deles?": the claim picks, not "vedtatt"
            groups = [g for g in groups if not g <= _DECIDED_STEMS]
        # A follow-up made standalone ends in "(what the conversation was about)": those
        # words say where to look, the question's own words what to pick.
        share = {g: 1.0 for g in groups}
        own = own_question(question)
        if own != question:
            asked = set().union(*self.question_concepts(own))
            if asked:
                share = {g: 1.0 if g & asked else CONTEXT_WORDS for g in groups}
        units = [unit for rank, hit in enumerate(top) for unit in _units(rank, hit)]
        if not units:
            return Draft(self.texts["refusal"], [], found=False)
        # "who does not ...": a sentence says "ikke", a list does not; a claim's "ikke"
        # ("Stemmer det at tillitsvalgte ikke er med?") is what is checked, not asked for
        negated = bool(_NEGATION.search(question)) and not confirms_claim(question)
        wants_list = bool(LIST_QUESTION.search(canonical_spelling(question))) and not negated
        why = bool(_WHY.search(question))  # the answer gives a reason
        how_much = bool(_HOW_MUCH.search(question))  # the answer holds a number
        # an amount, a frequency, a date …: prefer units that hold one
        wanted = demands_in(question, self.vocabulary)
        # one "typical" concept of this question
        unit_weight = sum(share[g] * max(self.idf(t) for t in g) for g in groups) / len(groups) if groups else 1.0
        sections = [set(tokenize(hit.passage.get("trail") or hit.passage["section"])) for hit in top]
        # A year that dates one of these documents ("svaret de ga staten i 2022") says which
        # document: every unit of that document has it, as its heading, and a sentence that
        # merely mentions the year ("ble i 2022 slått sammen") does not. So do the years of
        # the period its title names ("planen for 2025–2029": "Strategi … 2025–2029").
        dates = [
            {str(hit.passage.get("date", ""))[:4], *YEAR.findall(str(hit.passage.get("title", "")))} for hit in top
        ]
        dating = set().union(*dates) & set().union(*groups) if dates else set()
        if dating:
            for rank in range(len(top)):
                sections[rank] |= dating & dates[rank]
            for unit in units:
                unit.tokens -= dating
                unit.items = [item - dating for item in unit.items]
        # A line with its document's own date ("… vedtok i sitt møte 18.mars 2022 følgende") says
        # who issued the document and when: an answer only to a question about the document.
        documents = self.vocabulary.documents
        about_document = wanted.answer_type == "date" or bool(
            documents and documents.search(canonical_spelling(question).lower()) and _WHO_OR_WHEN.search(question)
        )
        own_dates = [_own_date(hit.passage) for hit in top]

        def weight(tokens: set[str]) -> float:
            return sum(share[group] * max((self.idf(t) for t in group & tokens), default=0.0) for group in groups)

        # Meaning: each unit's cosine to the question, scaled so the best unit of these
        # passages gets 1 and a median one 0; worth up to SEMANTIC_WEIGHT of all the
        # question's words, so a paraphrase that shares no word still finds its sentence.
        meanings = sorted(u.meaning for u in units if u.meaning is not None)
        floor = meanings[len(meanings) // 2] if meanings else 0.0
        span = (meanings[-1] - floor) if meanings else 0.0
        full = sum(share[g] * max(self.idf(t) for t in g) for g in groups) if groups else 1.0

        def meaning(unit: _Unit) -> float:
            if unit.meaning is None or span <= 0:
                return 0.0
            return SEMANTIC_WEIGHT * full * max(0.0, (unit.meaning - floor) / span) ** 2

        def typed_share(unit: _Unit) -> float:
            """The share of a list's items that hold the demanded value (one "§ 6-4" among
            thirteen tasks is no list of laws); 1 for a sentence or an item, and for a count
            (a list is what is counted)."""
            lines = [line for line in unit.text.split("\n") if line.lstrip().startswith("- ")]
            if unit.kind != "list" or not lines or wanted.answer_type not in _ITEM_TYPES:
                return 1.0
            return sum(has_answer_type(wanted.answer_type, line, role=wanted.role) for line in lines) / len(lines)

        def score(unit: _Unit) -> float:
            # Headings say what a unit is about: full weight for a list (its items rarely
            # repeat the subject), half for a sentence. A list counts its heading and its
            # best item, so a long list does not win by sheer size.
            head = unit.context | sections[unit.hit_rank]
            if unit.kind == "list":
                overlap = weight(head) + max(weight(item) - weight(item & head) for item in unit.items)
            else:
                overlap = weight(unit.tokens) + 0.5 * (weight(unit.tokens | head) - weight(unit.tokens))
            overlap += meaning(unit)
            if overlap <= 0:
                return 0.0
            if negated and _NEGATION.search(unit.text):
                overlap += unit_weight
            if (why and _REASON.search(unit.text)) or (how_much and _QUANTITY.search(unit.text)):
                overlap += 0.5 * unit_weight
            if wanted.answer_type != "any" and has_answer_type(wanted.answer_type, unit.text, role=wanted.role):
                overlap += 0.5 * unit_weight * typed_share(unit)
            if wanted.listed and named_things(unit.text) >= wanted.listed:  # "Hvilke tre …": names three
                overlap += unit_weight
            prior = unit_weight / (unit.hit_rank + 1)
            shape = 0.5 * unit_weight if wants_list == (unit.kind == "list") else 0.0
            total = overlap + prior + shape
            own_date = own_dates[unit.hit_rank]
            if not about_document and (
                (own_date is not None and own_date.search(unit.text)) or _SIGN_OFF.match(unit.text)
            ):
                total *= OWN_LINE_SHARE
            if unit.asks:  # a question the document asks (a consultation's) answers nothing
                total *= QUESTION_SHARE
            return total

        # The groups that say what the question is about, not what it asks for (an intent's
        # terms: "hvor lenge" -> "år deltakelsen gjelder"): a unit that holds the demanded
        # type but none of these is about something else ("Deltakelsen gjelder for 2 år"
        # for how long a working group went on)
        asking = canonical_spelling(normalize_text(question)).lower()
        asked_for = [frozenset(tokenize(i.terms)) for i in self.vocabulary.intents if i.find(asking)]
        topical = [g for g in groups if not any(terms and terms <= g for terms in asked_for)]

        def on_topic(unit: _Unit) -> bool:
            seen = unit.tokens | unit.context | sections[unit.hit_rank]
            return not topical or any(group & seen for group in topical)

        ranked = sorted(units, key=lambda u: (-score(u), u.hit_rank))
        best = ranked[0]
        known = self.known_words()
        anchor: _Unit | None = None  # the best unit, when its neighbour holds what is demanded
        if wanted.counted and not meets(wanted, self.spelled_out(best.text)):
            # "Hvor mange fagråd …": the unit with a number next to what is counted answers,
            # when near enough (a bare amount or date may be of something else: not promoted);
            # "seks FSU" counts "faglige utvalg" as its expansion does
            holding = next(
                (u for u in ranked[1:] if u.kind != "list" and meets(wanted, self.spelled_out(u.text)) and on_topic(u)),
                None,
            )
            if holding is not None and score(holding) >= DEMAND_SHARE * score(best):
                best = holding
        elif wanted.answer_type in _PROMOTED_TYPES and (not meets(wanted, best.text, known) or typed_share(best) < 0.5):
            # "Kor lenge arbeidde gruppa …?": the unit that says how long answers, when near enough;
            # "Hvilke lovparagrafer …?": a sentence of laws, over a list of tasks with one law among them
            holding = next(
                (u for u in ranked[1:] if u.kind != "list" and meets(wanted, u.text, known) and on_topic(u)), None
            )
            if holding is not None and score(holding) >= DEMAND_SHARE * score(best):
                best = holding
            elif best.kind == "sentence":
                # "Gruppen har fremskaffet grunnlagsdata …" answers what the group did; the
                # sentence just before it says how long it worked ("… i ca. 6 mndr."): both
                beside = [u for u in _neighbours(units, best) if u is not None and u.kind == "sentence"]
                holding = next((u for u in beside if meets(wanted, u.text, known)), None)
                if holding is not None:
                    best, anchor = holding, best
        elif why and not _REASON.search(best.text):
            # "Hvorfor ville de dele SSU?": the sentence that gives a reason answers, when near enough
            holding = next((u for u in ranked[1:] if u.kind == "sentence" and _REASON.search(u.text)), None)
            if holding is not None and score(holding) >= DEMAND_SHARE * score(best):
                # "Anbefalte de at … , og hvorfor?": the claim stays beside its reason when they stand together
                together = best.hit_rank == holding.hit_rank and best.kind == "sentence"
                best, anchor = holding, (best if together else None)
        chosen = [best] if anchor is None else [best, anchor]
        if best.kind == "item":  # the items of its list that answer as well as it does
            siblings = [u for u in units if u.hit_rank == best.hit_rank and u.parent == best.parent]
            chosen = [u for u in siblings if score(u) >= ITEM_SHARE * score(best)][:MAX_ITEMS]
            chosen = _with_sub_items(siblings, chosen)
            # "FSU for akuttkjeden – faktisk etablert?": the list's lead sentence ("… er det etablert
            # seks FSU.") says what the items alone do not
            lead = _lead_sentence(units, best)
            told = set().union(*(u.tokens for u in chosen))
            if lead is not None and any(g & lead.tokens and not g & told for g in groups if share[g] == 1.0):
                chosen.insert(0, lead)
        elif best.kind == "list":  # "For å imøtekomme disse utfordringene …" answers what the list lists
            following = _after_list(units, best)
            if following is not None and (_REFERS_BACK.match(following.text) or _CONCLUDES.match(following.text)):
                chosen.append(following)
        elif best.kind == "sentence":
            passage_text = top[best.hit_rank].passage["text"]
            before, after = _neighbours(units, best)
            # "- Mangeårig samarbeid … om ambulante team.\nFungerer godt og vurderes utvidelse …":
            # a line straight after an item that is a sentence goes on with that item's subject
            # (after a list of names, "- Faglige samarbeidsutvalg", a new paragraph starts)
            continues = (
                before is not None
                and before.kind == "item"
                and before.text.rstrip().endswith(".")
                and f"{before.text}\n{best.text}" in passage_text
            )
            if continues and before is not None:
                chosen.insert(0, before)
            elif _ANAPHOR.match(best.text):  # "Denne informasjonen ..." needs what it refers to
                if after is not None and after.kind == "list":
                    chosen.append(after)
                elif before is not None:
                    chosen.insert(0, before)
            if (
                after is not None
                and after.kind == "sentence"
                and not after.asks
                and _REFERS_BACK.match(after.text)
                and after not in chosen
            ):  # "… som en overgangsordning. Et alternativ til dette kunne vært en permanent ordning …"
                chosen.append(after)
            for unit in ranked[1:]:
                if len(chosen) >= MAX_SENTENCES:
                    break
                if (
                    unit.kind == "sentence"
                    and unit.hit_rank == best.hit_rank  # context from the same passage only
                    and score(unit) >= CONTEXT_SHARE * score(best)
                    and not unit.asks  # the document's own question is no context
                    and all(unit.text not in c.text for c in chosen)
                ):
                    chosen.append(unit)
            last = max(chosen, key=lambda u: passage_text.find(u.text))
            after = _neighbours(units, last)[1] if last.kind == "sentence" else None
            if (
                after is not None
                and after.kind == "sentence"
                and _CONCLUDES.match(after.text)
                and len(chosen) <= MAX_SENTENCES
                and all(after.text not in c.text for c in chosen)
            ):
                chosen.append(after)
            if why:  # a reason often follows the claim it explains
                for reason in _reason_after(units, best, passage_text):
                    if len(chosen) < MAX_SENTENCES + 1 and all(reason.text not in c.text for c in chosen):
                        chosen.append(reason)
            if _ASKS_DECIDED.search(question) and not _PROPOSING.search(best.text):
                # "Er det bestemt at SSU skal deles?" answered by a proposal: who proposes it, from the same passage
                proposing = next(
                    (
                        u
                        for u in units
                        if u.hit_rank == best.hit_rank
                        and u.kind == "sentence"
                        and _PROPOSING.search(u.text)
                        and all(u.text not in c.text for c in chosen)
                    ),
                    None,
                )
                if proposing is not None:
                    chosen.append(proposing)
            if not best.text.rstrip().endswith((".", "!", "?", ":")):  # a heading or table header: add what follows
                after = _neighbours(units, best)[1]
                if after is not None and after not in chosen:
                    chosen.append(after)
            chosen.sort(key=lambda u: passage_text.find(u.text))  # in the document's own order
            chosen = _fill_gaps(chosen, [u for u in units if u.hit_rank == best.hit_rank and u.kind == "sentence"])
            if (
                not _ANAPHOR.match(best.text) and not continues and not (why and anchor is not None)
            ):  # a claim before its reason
                # what answers first, then what supports it, in the document's order
                chosen = [best, *[u for u in chosen if u is not best]]
        answering = len({u.hit_rank for u in chosen})
        covered = {g for g in groups for u in chosen if g & (u.tokens | u.context | sections[u.hit_rank])}

        typed = wanted.answer_type != "any" and any(
            has_answer_type(wanted.answer_type, u.text, role=wanted.role) for u in chosen
        )

        def novelty(unit: _Unit) -> float:  # what a unit says of the question that the answer does not yet
            new = weight(unit.tokens) - sum(
                share[g] * max((self.idf(t) for t in g & unit.tokens), default=0.0) for g in covered
            )
            if not typed and wanted.answer_type != "any" and has_answer_type(wanted.answer_type, unit.text):
                new += unit_weight  # the value asked for, which the answer lacks
            return new

        supporting = self._support(ranked, chosen, score, novelty, NOVELTY_SHARE * unit_weight) if support else []
        for unit in list(supporting):  # "Denne summen …" from another passage needs what it refers to
            before = _neighbours(units, unit)[0] if unit.kind == "sentence" and _ANAPHOR.match(unit.text) else None
            if before is not None and before.kind == "sentence" and all(before.text not in c.text for c in chosen):
                supporting.insert(supporting.index(unit), before)
        source = bool(_ASKS_SOURCE.search(own_question(question)))
        draft = self._compose(chosen + supporting, top, region_prefix, source)
        draft.answering = answering
        return draft

    @staticmethod
    def _support(
        ranked: list[_Unit],
        chosen: list[_Unit],
        score: Callable[[_Unit], float],
        novelty: Callable[[_Unit], float] = lambda unit: 0.0,
        margin: float = 0.0,
    ) -> list[_Unit]:
        """What supports the answer from other passages: a unit of another passage that
        answers at least SUPPORT_SHARE as well as the chosen one (the documents often say one
        thing in two places, and the first is not always the one that was asked about). Of a
        passage's such units, the one that says most of what the answer does not yet ("Hvem
        tar beslutningen, og hva bør forslaget ha med?": the sentence about what to include)."""
        if SUPPORT_SHARE <= 0 or not chosen:
            return []
        best = max(score(u) for u in chosen)
        used = {u.hit_rank for u in chosen}
        candidates = [u for u in ranked if score(u) >= SUPPORT_SHARE * best]
        support: list[_Unit] = []
        for unit in candidates:
            if len(support) >= MAX_SUPPORT:
                break
            if unit.hit_rank in used:
                continue
            used.add(unit.hit_rank)
            own = [
                u
                for u in candidates
                if u.hit_rank == unit.hit_rank
                and not any(u.text in c.text or c.text in u.text for c in chosen + support)
            ]
            if own:  # the first scores best; one that adds more of the question takes its place
                newest = max(own, key=novelty)
                support.append(newest if novelty(newest) > novelty(own[0]) + margin else own[0])
        return support

    # -- composing ------------------------------------------------------------------
    def _compose(self, chosen: list[_Unit], top: list[Hit], region_prefix: bool = True, source: bool = False) -> Draft:
        """The answer from ``chosen``, each passage's units under one marker. ``source``:
        the question asks which document says it, so the answer names it first."""
        citations: list[Citation] = []
        numbers: dict[int, int] = {}
        parts: list[str] = []
        multi_region = len(self.regions) > 1 and region_prefix
        groups: list[list[_Unit]] = []
        for unit in chosen:  # sentences from one passage (items of one list) go together, one marker
            last = groups[-1][0] if groups else None
            if (
                last is not None
                and last.hit_rank == unit.hit_rank
                and last.kind == unit.kind
                and unit.kind != "list"
                and last.parent == unit.parent
            ):
                groups[-1].append(unit)
            else:
                groups.append([unit])
        for group in groups:
            first = group[0]
            hit = top[first.hit_rank]
            if first.hit_rank not in numbers:
                numbers[first.hit_rank] = len(citations) + 1
                citations.append(cite(numbers[first.hit_rank], hit, first.text))
            existing = citations[numbers[first.hit_rank] - 1]
            for unit in group:
                existing.quote = _join_quotes(hit.passage["text"], existing.quote, unit.text)
            marker = f"[{numbers[first.hit_rank]}]"
            prefix = self.region_prefix(hit) if multi_region else ""
            status = self._status_mark(hit)
            heading = _heading(hit.passage)
            intro = self.texts["list_intro"].format(section=heading, title=hit.passage["title"])
            if source and not parts:  # "Hvilket dokument beskriver …?": the document first
                named = self.texts["source_lead"].format(title=hit.passage["title"], section=heading)
                prefix, intro = f"{prefix}{named}", ""
            if first.kind == "list":
                listed = _without_heading_line(first.text, heading)
                parts.append(f"{prefix}{intro}{' ' + status if status else ''}\n{listed} {marker}")
            elif first.kind == "item":
                items = "\n".join(f"{'  ' if u.depth else ''}- {u.text}" for u in group)
                parts.append(f"{prefix}{intro}{' ' + status if status else ''}\n{items} {marker}")
            else:
                text = " ".join(" ".join(u.text.split()) for u in group)
                lead = f"{prefix} " if prefix.endswith(":") else prefix
                parts.append(f"{lead}{text}{' ' + status if status else ''} {marker}")
        answer = self.with_abbreviation_note("\n\n".join(parts))
        return Draft(answer, citations, found=True)

    def region_prefix(self, hit: Hit) -> str:
        region = self.regions.get(hit.passage["region"])
        return self.texts["region_prefix"].format(region_name=region.name) if region else ""

    def _status_mark(self, hit: Hit) -> str:
        passage = hit.passage
        note = passage.get("status_note") or passage["status"]
        if not usable_by_llm(passage):  # flagged by the indexer, not reviewed: always say whose text it is
            issuer = passage.get("issued_by") or self.texts["unknown_issuer"]
            return self.texts["flagged_mark"].format(status_note=note, issued_by=issuer)
        if passage["status"] == "gjeldende":
            return ""
        return self.texts["status_mark"].format(status_note=note)

    def with_abbreviation_note(self, text: str) -> str:
        """Name the abbreviation after a spelled-out name the first time
        ("Strategisk samarbeidsutvalg (SSU)": readers ask and search by the short name),
        and say what the text's other abbreviations stand for in a closing line
        ("Forkortelser: KS = Kommunesektorens organisasjon."), so the quoted sentences
        stay as the documents wrote them."""
        text = self._abbreviate(self.without_abbreviations(text))
        note = self._abbreviation_note(text)
        return f"{text}\n\n{note}" if note else text

    def without_abbreviations(self, text: str) -> str:
        """``text`` without the closing line ``with_abbreviation_note`` added."""
        head, sep, tail = text.rpartition("\n\n")
        return head if sep and tail.startswith(self._note_prefix) else text

    @property
    def _note_prefix(self) -> str:
        return self.texts["abbreviations"].split("{", 1)[0]

    def _abbreviation_note(self, text: str) -> str:
        terms = {t.abbr: t for t in self.glossary.terms if t.expand and t.expansion.lower() not in text.lower()}
        if not terms:
            return ""
        # "(FSU)" already follows its expansion in the documents' own wording: leave it.
        pattern = re.compile(r"(?<![\w(-])(" + "|".join(re.escape(a) for a in terms) + r")(?![\w)-])")
        named = dict.fromkeys(match.group(1) for match in pattern.finditer(text))
        if not named:
            return ""
        listed = "; ".join(
            self.texts["abbreviation"].format(abbr=abbr, expansion=terms[abbr].expansion) for abbr in named
        )
        return self.texts["abbreviations"].format(terms=listed)

    def spelled_out(self, text: str) -> str:
        """``text`` with every glossary abbreviation followed by what it stands for, at each
        occurrence ("seks FSU (faglig samarbeidsutvalg)"): for checks, not for readers."""
        terms = {t.abbr: t.expansion for t in self.glossary.terms}
        if not terms:
            return text
        pattern = re.compile(
            r"(?<![\w-])(" + "|".join(re.escape(a) for a in sorted(terms, key=len, reverse=True)) + r")(?![\w-])"
        )
        return pattern.sub(lambda m: f"{m.group(1)} ({terms[m.group(1)]})", text)

    def _abbreviate(self, text: str) -> str:
        by_name = {
            t.expansion.lower(): t.abbr
            for t in self.glossary.terms
            if t.expand and len(t.expansion) > len(t.abbr) and not re.search(rf"(?<!\w){re.escape(t.abbr)}(?!\w)", text)
        }
        if not by_name:
            return text
        names = sorted(by_name, key=len, reverse=True)
        pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)(?!\s*\()", re.IGNORECASE)
        done: set[str] = set()

        def add(match: re.Match[str]) -> str:
            abbr = by_name[match.group(1).lower()]
            if abbr in done:
                return match.group(0)
            done.add(abbr)
            return f"{match.group(0)} ({abbr})"

        return pattern.sub(add, text)


def _own_date(passage: Mapping[str, Any]) -> re.Pattern[str] | None:
    """The passage's document date as its lines write it ("18. mars 2022", "18.mars 2022")."""
    day = norwegian_date(str(passage.get("date", "")))
    if not re.fullmatch(r"\d{1,2}\. \w+ \d{4}", day):
        return None
    number, month, year = day.split(" ")
    return re.compile(rf"(?<!\d){re.escape(number)}\s?{month}\s+{year}", re.IGNORECASE)


# "Hvilket dokument beskriver …?", "Hvor står det at …?", "I hvilken retningslinje …?"
_ASKS_SOURCE = re.compile(
    r"\b(?:hvilke[tn]|kva for(?: eit| ein| ei)?|hva slags)\s+(?:[^\W\d]+\s+)?(?:dokument|kilde|kjelde)\w{0,4}\b"
    r"|\b(?:hvor|kvar) står det\b|\bi hvilke[tn] (?:[^\W\d]+ )?(?:dokument|retningslinje|avtale|notat)\w{0,4}\b",
    re.IGNORECASE,
)


def _heading(passage: Mapping[str, Any]) -> str:
    """What a list is about, said as a label a reader takes in at once: its section with
    the section it belongs to ("Sekretariatfunksjon – Oppgaver og ansvarsområde" says whose
    tasks they are; "Oppgaver og ansvarsområde" alone does not). Section numbers, the
    breadcrumb and the document's title stay in the citation, where a reader checks them."""
    trail = [part.strip() for part in str(passage.get("trail") or "").split("›") if part.strip()]
    section = str(passage["section"])
    parts = [part.strip() for part in section.split("›") if part.strip()]
    if len(parts) < 2 and len(trail) >= 2:
        parts = trail
    names = [_unnumbered(part) for part in parts]
    if len([word for word in names[-1].split() if word[:1].isalpha()]) >= LONG_HEADING_WORDS:
        # "Hva opplever helsefellesskapet som mest krevende …" says what it is about alone
        return names[-1]
    if len(names) >= 2 and names[-1].casefold() in names[-2].casefold():
        return names[-2]
    numbered = [i for i, part in enumerate(parts) if _SECTION_NUMBER.match(part)]
    if len(names) >= 3 and numbered and numbered[-1] < len(names) - 2:
        # "Oppgaver › Dialogdel" under "2.1 Partnerskapsmøtet": whose tasks, from the numbered section
        return " – ".join([names[numbered[-1]], *names[-2:]])
    return " – ".join(names[-2:])


_SECTION_NUMBER = re.compile(r"(?:(?:pkt|punkt|kap|kapittel)\.?\s)?\d{1,3}(?:\.\d{1,3}){0,4}\.?\s+", re.IGNORECASE)
MAX_HEADING_CHARS = 400


def _unnumbered(heading: str) -> str:
    """``heading`` without its section number ("2.1 Partnerskapsmøtet" → "Partnerskapsmøtet")."""
    heading = heading[:MAX_HEADING_CHARS]
    match = _SECTION_NUMBER.match(heading)
    rest = heading[match.end() :] if match else heading
    return rest.strip() or heading.strip()


def _without_heading_line(listed: str, heading: str) -> str:
    """A list without its own first line when that line only repeats the heading its
    intro already gave ("Sammensetning" under "Partnerskapsmøtet – Sammensetning:")."""
    first, sep, rest = listed.partition("\n")
    label = first.strip().rstrip(":").strip().casefold()
    last = heading.rpartition(" – ")[2].casefold()
    cut = last.endswith("…") and label.startswith(last.rstrip("… "))  # a heading the index shortened
    if sep and rest.strip() and label and (label == last or label == heading.casefold() or cut):
        return rest
    return listed


def _fill_gaps(chosen: list[_Unit], sentences: list[_Unit]) -> list[_Unit]:
    """Chosen sentences one apart get the sentence between them ("... en arbeidsgruppe
    ... Gruppen har ..." reads wrong without it)."""
    filled = list(chosen)
    for first, second in pairwise(chosen):
        if first in sentences and second in sentences:
            i, j = sentences.index(first), sentences.index(second)
            if j - i == 2 and not sentences[i + 1].asks:
                filled.insert(filled.index(second), sentences[i + 1])
    return filled


def _reason_after(units: list[_Unit], best: _Unit, passage_text: str) -> list[_Unit]:
    """For a why-question: the sentences among the next REASON_REACH after the best one
    that give a reason ("mener at", "fordi" …), and the sentence that goes on from the
    last of them in the same paragraph (a reason often takes two)."""
    same = [u for u in units if u.hit_rank == best.hit_rank and u.kind == "sentence"]
    if best not in same:
        return []
    start = same.index(best)
    found = [u for u in same[start + 1 : start + 1 + REASON_REACH] if _REASON.search(u.text)][:REASON_EXTRA]
    last = found[-1] if found else best
    index = same.index(last)
    if index + 1 < len(same):
        end = passage_text.find(last.text) + len(last.text)
        following = passage_text.find(same[index + 1].text, end)
        if end >= len(last.text) and following >= 0 and "\n" not in passage_text[end:following]:
            found.append(same[index + 1])
    return found


def _neighbours(units: list[_Unit], unit: _Unit) -> tuple[_Unit | None, _Unit | None]:
    """The units just before and after ``unit`` in the same passage."""
    index = units.index(unit)
    before = units[index - 1] if index > 0 else None
    after = units[index + 1] if index + 1 < len(units) else None
    return (
        before if before is not None and before.hit_rank == unit.hit_rank else None,
        after if after is not None and after.hit_rank == unit.hit_rank else None,
    )


def _lead_sentence(units: list[_Unit], item: _Unit) -> _Unit | None:
    """The sentence that opens an item's list ("I Helsefellesskapet i Telemark er det etablert
    seks FSU."), when the list's heading line is that sentence; else None."""
    own = [u for u in units if u.hit_rank == item.hit_rank]
    if not 0 < item.parent < len(own):
        return None
    before = own[item.parent - 1]
    if before.kind != "sentence" or before.asks or not before.text.rstrip().endswith("."):
        return None
    return before if own[item.parent].text.startswith(before.text) else None


def _after_list(units: list[_Unit], listed: _Unit) -> _Unit | None:
    """The sentence right after a list and its items in the same passage, if any."""
    index = units.index(listed) + 1
    while index < len(units) and units[index].kind == "item" and units[index].hit_rank == listed.hit_rank:
        index += 1
    after = units[index] if index < len(units) else None
    if after is None or after.hit_rank != listed.hit_rank or after.kind != "sentence" or after.asks:
        return None
    return after


def _join_quotes(passage_text: str, first: str, second: str) -> str:
    """Two quotes from one passage: the verbatim span from the first to the second."""
    start, end = passage_text.find(first), passage_text.find(second)
    if start < 0 or end < 0:
        return first
    lo, hi = min(start, end), max(start + len(first), end + len(second))
    return passage_text[lo:hi]
