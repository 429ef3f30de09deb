"""Do the documents hold the answer? Concept coverage of the question in the best passages.

A question is split into concepts: each content word, plus one concept per question
intent ("hvor ofte" → "møtes ganger årlig"), whose trigger words it replaces. Naming a
health community says where, not what, so region names do not count. A concept is
covered when one of its stems occurs in the best passages — exactly, with one typo
("partnerskapsmøtte"), or as the stem of a derived word ("tildel" → "tildelingsprosess").
The engine answers when the covered share is high enough, or when a passage or one of
its sentences is very close in meaning (a paraphrase shares few words); the demands
check on the answer then refuses what the question pins and the documents lack
(calibration on the dev split: docs/answers.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from assistant.answering.demands import Demands, demands_of
from assistant.answering.followup import noun_stem
from assistant.domain import Hit
from indexer.analysis import Intent, canonical_spelling, normalize_text, one_edit, stopwords, tokenize, words

MIN_COVERAGE = 0.5
MIN_DENSE = 0.87
MIN_SENTENCE = 0.86  # cosine of a passage's best sentence or list item to the question
MIN_ASK = 0.87  # cosine of a passage's best question in users' words to the question
# Not answerable, but this near in meaning: the nearest quote is shown, plainly unsure.
NEAR_DENSE = 0.855
NEAR_SENTENCE = 0.85
PASSAGES = 3

# Words that say nothing about the topic: matching them is no evidence of an answer.
GENERIC = frozenset(
    tokenize(
        "helsefellesskap helsefellesskapet dokument dokumentene si sier står finnes gjør gjøre gjort gjelder "
        "har være kan skal må bør ofte mange mye hvor lenge lang tid når nå dag ja nei betyr heter skjer "
        "tilsvarer kjennetegner får gi ta tar kommer bak status rolle løpet per år sammen man vi "
        # asking, comparing and chatting, not what is asked about
        "egentlig slags type sånn slik ting noe noen folk folka bra funker fungerer mener mente synes syntes "
        "nevner svarer sa sagt foreslo foreslår burde bør ønsker ønsket gjentar hører sammenlignet "
        "sammenliknet forskjell forskjellen forskjeller likhet likheter ulikhet ulikheter skiller lol btw "
        # what a document does with its topic ("Hvordan beskriver Trøndelag sin egen …?")
        "beskriver beskrive beskrives beskrevet skriver skrev omtaler omtales omtalt"
    )
)
_PAIRED_COMPOUND = re.compile(r"\b\w+- (?:og|eller) \w+")
# Endings a derived word adds to a stem ("tildel" + "ingsprosess", "fordel" + "ing").
_DERIVED = ("ing", "els", "het", "else")
# What an inflection adds to a noun ("mal" → "malene"; the documents are in Bokmål)
INFLECTIONS = frozenset({"e", "er", "en", "et", "ene", "a"})
# A compound's last part says what it is ("beredskapsplanen" is a "plan"): a stem of at
# least MIN_HEAD letters is seen in a word that ends with it, after a first part of at
# least MIN_MODIFIER letters that joins it with an "s" ("partnerskaps|møte") or is a word
# of the same text ("fag|gruppe" beside "fag"). "endring" is no "ring": "end" is no word
# there. Only for coverage: in the choice of a sentence it cost more answers than it gained.
MIN_HEAD = 4
MIN_MODIFIER = 3


@dataclass(frozen=True)
class Concept:
    label: str  # the words of the question it stands for (for logs and docs)
    stems: frozenset[str]
    # the documents' words for it (a synonym, an abbreviation's expansion): covered when
    # every stem of one of them is seen
    phrases: frozenset[frozenset[str]] = frozenset()

    def covered_by(self, seen: Collection[str]) -> bool:
        return any(_matches(stem, seen) for stem in self.stems) or any(
            phrase and all(_matches(stem, seen) for stem in phrase) for phrase in self.phrases
        )


# Everyday words in a question and the documents' words for them (corpus/synonyms.yaml):
# (the words as written, the documents' terms).
Synonyms = Callable[[str], list[tuple[str, list[str]]]]


@dataclass(frozen=True)
class Vocabulary:
    """What corpus data says about a question's words: region names and document names
    (they say where, not what) and the documents' own words for everyday ones."""

    regions: tuple[re.Pattern[str], ...] = ()
    documents: re.Pattern[str] | None = None
    synonyms: Synonyms | None = None
    intents: Sequence[Intent] = ()  # what a question asks for (corpus/synonyms.yaml ``intents``)
    # the names of a body's counterparts in the other regions (corpus/structure.yaml)
    counterparts: Callable[[str], list[str]] | None = None


PLAIN = Vocabulary()


def concepts(question: str, vocabulary: Vocabulary = PLAIN) -> list[Concept]:
    """The question's concepts. Names of regions and, when something else is asked,
    of document kinds ("ifølge innspillet", "i strategien") say where, not what; a word
    the thesaurus knows also counts as the documents' word for it."""
    text = canonical_spelling(normalize_text(question)).lower()
    for pattern in vocabulary.regions:
        text = pattern.sub(" ", text)
    documents = vocabulary.documents
    found = _concepts(documents.sub(" ", text) if documents else text, vocabulary.intents)
    if documents and not found:  # "Hva er strategien?": the document is what is asked about
        found = _concepts(text, vocabulary.intents)
    if vocabulary.synonyms:
        for written, terms in vocabulary.synonyms(question):
            written_stems = set(tokenize(written))
            extra = frozenset(frozenset(tokenize(term)) - GENERIC for term in terms) - {frozenset()}
            for index, concept in enumerate(found):
                if concept.stems & written_stems and extra:
                    found[index] = Concept(concept.label, concept.stems, concept.phrases | extra)
    return found


def with_counted_terms(demands: Demands, question: str, vocabulary: Vocabulary) -> Demands:
    """``demands`` with the documents' words for what a count question counts: the head
    of each thesaurus term for the written words that hold it ("Hvor mange faglige
    grupper …?" counts "seks FSU", which spells out as "faglig samarbeidsutvalg"), and of
    that body's counterparts in other regions ("de 5 ulike fagrådene")."""
    counted = demands.counted
    if not counted or vocabulary.synonyms is None:
        return demands
    heads: list[str] = []
    for written, terms in vocabulary.synonyms(question):
        if not any(word.startswith(counted) or counted in word[3:] for word in words(written.lower())):
            continue
        others = [name for term in terms for name in vocabulary.counterparts(term)] if vocabulary.counterparts else []
        for term in [*terms, *others]:  # "fagråd" at FSU's level counts in Trøndelag
            parts = words(term)
            if parts and (stem := noun_stem(parts[-1])) != counted and stem not in heads:
                heads.append(stem)
    return replace(demands, counted_as=tuple(heads)) if heads else demands


# "notatet frå 2024", "innspillet fra mars 2022": the year after a document's name dates it
_DATED_BY = re.compile(r"\s+(?:fra|frå|i|av|datert)\s+(?:\w+\s+)?((?:19|20)\d{2})(?!\d)")


def demands_in(question: str, vocabulary: Vocabulary) -> Demands:
    """What ``question`` demands (``demands_of``), with the documents' words for what it
    counts and the years that date a document it points at."""
    demands = with_counted_terms(demands_of(question), question, vocabulary)
    if vocabulary.documents is None or not demands.years:
        return demands
    text = canonical_spelling(normalize_text(question)).lower()
    dating = [
        dated.group(1)
        for named in vocabulary.documents.finditer(text)
        if (dated := _DATED_BY.match(text, named.end())) is not None
    ]
    return replace(demands, dating=tuple(dict.fromkeys(dating))) if dating else demands


def document_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Words that name a document by its kind or its title's first word ("strategien",
    "innspillet", "notatet"), in their inflected forms; None when there are none."""
    stems = sorted({canonical_spelling(name).lower() for name in names if len(name) >= 4}, key=len, reverse=True)
    if not stems:
        return None
    alternatives = "|".join(re.escape(stem) for stem in stems)
    return re.compile(rf"(?<!\w)(?P<stem>{alternatives})(?:en|et|er|ene|a|s)?(?!\w)")


def _concepts(text: str, intents: Sequence[Intent] = ()) -> list[Concept]:
    found: list[Concept] = []
    for intent in intents:
        match = intent.find(text)
        if match:
            stems = frozenset(tokenize(intent.terms)) | frozenset(tokenize(match.group(0)))
            found.append(Concept(match.group(0), stems))
            text = intent.pattern.sub(" ", text)
    for match in _PAIRED_COMPOUND.finditer(text):  # "helse- og omsorgstjenesteloven" is one thing
        found.append(Concept(match.group(0), frozenset(tokenize(match.group(0))) - GENERIC))
    text = _PAIRED_COMPOUND.sub(" ", text)
    stop = stopwords()
    numbers: set[str] = set()  # "6-1" in "§ 6-1" is one number, not the numbers 6 and 1
    for word in dict.fromkeys(words(text)):
        if "-" in word:
            parts = [part for part in word.split("-") if part]
            if parts and all(part.isdigit() for part in parts):
                numbers.update(parts)
                found.append(Concept(word, frozenset({word})))
            continue  # other hyphenated words: the parts are words of their own
        if word in stop or word in numbers:
            continue
        stems = frozenset(tokenize(word)) - GENERIC
        if any(len(stem) >= 6 and _matches(stem, GENERIC) for stem in stems):
            continue  # "helsefellesskpaet"
        if stems and not any(stems <= concept.stems for concept in found):  # "tilskudd" after "penger"
            found.append(Concept(word, stems))
    return found


def is_head_of(stem: str, word: str, seen: Collection[str]) -> bool:
    """Is ``stem`` the last part of the compound ``word`` ("plan" of "beredskapsplan")?"""
    if len(stem) < MIN_HEAD or len(word) < len(stem) + MIN_MODIFIER or not word.endswith(stem):
        return False
    first = word[: -len(stem)]
    return first.endswith("s") or first in seen or first.removesuffix("e") in seen


def head_unknown(concept: Concept, seen: Collection[str]) -> bool:
    """Is a compound the documents never use seen only through its first part
    ("sykehusfarmasøyt": sykehus), while what it is, its last part ("farmasøyt"), is no word
    of theirs either? A kind of person or thing the documents do not speak of."""
    if " " in concept.label or concept.phrases:
        return False
    whole = tokenize(concept.label)[:1]
    if not whole or _matches(whole[0], seen):
        return False
    heads = [whole[0][len(stem) :] for stem in concept.stems if stem != whole[0] and whole[0].startswith(stem)]
    variants: set[str] = set()
    for head in heads:  # with or without a linking letter ("partnerskap|s|møte", "kommun|e|sjef")
        for variant in {head, head[1:] if head[:1] in "se" else head}:
            if len(variant) < 5:  # a short head says too little
                return False
            variants.add(variant)
    return bool(variants) and not any(_matches(variant, seen) for variant in variants)


def _matches(stem: str, seen: Collection[str]) -> bool:
    if stem in seen:
        return True
    if len(stem) < 5:
        return any(is_head_of(stem, other, seen) for other in seen)
    for other in seen:
        if is_head_of(stem, other, seen):
            return True
        if other.startswith(stem) and other[len(stem) :].startswith(_DERIVED):
            return True
        # the stemmer cuts "statsforvalter" to "statsforvalt" but keeps "statsforvalter"
        # of "statsforvalteren": one stem is the other plus an inflection ending
        if len(other) >= 5 and stem.startswith(other) and stem[len(other) :] in INFLECTIONS:
            return True
        if len(stem) >= 6 and abs(len(other) - len(stem)) <= 1 and one_edit(stem, other):
            return True
    return False


def coverage(question: str, hits: list[Hit], vocabulary: Vocabulary = PLAIN) -> float:
    """Share of the question's concepts found in the best passages (0 when it has none)."""
    wanted = concepts(question, vocabulary)
    if not wanted:
        return 0.0
    seen: set[str] = set()
    for hit in hits[:PASSAGES]:
        seen |= set(tokenize(f"{hit.passage.get('trail', '')} {hit.passage['text']}"))
    covered = sum(1 for concept in wanted if concept.covered_by(seen))
    return covered / len(wanted)


def answerable(question: str, hits: list[Hit], vocabulary: Vocabulary = PLAIN) -> bool:
    if not hits:
        return False
    covered = coverage(question, hits, vocabulary)
    if covered >= MIN_COVERAGE:
        return True
    # Close in meaning, and about something the passages name at least once: a question
    # none of whose words the passages hold ("Hva tjener en sykepleier?") is not theirs.
    best_dense, best_sentence = closeness(hits)
    # or as near to a question users ask of one of the best passages (corpus/questions.yaml):
    # question to question, where a paraphrase and its passage share no word
    best_ask = max((h.ask_score or 0.0 for h in hits[:PASSAGES]), default=0.0)
    return covered > 0 and (best_dense >= MIN_DENSE or best_sentence >= MIN_SENTENCE or best_ask >= MIN_ASK)


def closeness(hits: list[Hit]) -> tuple[float, float]:
    """The best passage's and the best sentence's cosine to the question."""
    best_dense = max((h.dense_score or 0.0 for h in hits), default=0.0)
    best_sentence = max((h.sentence_score or 0.0 for h in hits), default=0.0)
    return best_dense, best_sentence


def near(hits: list[Hit]) -> bool:
    """Are the best passage and its best sentence near the question in meaning, though
    not near enough to count as an answer?"""
    best_dense, best_sentence = closeness(hits)
    return best_dense >= NEAR_DENSE and best_sentence >= NEAR_SENTENCE
