"""Hybrid retrieval: dense (Chroma via llama-index) + BM25, fused, with glossary expansion.

Filters (region, kind, status, document) are applied inside both retrievers before
anything is ranked. The index is reloaded when ``hfa index`` swaps in a new generation.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Callable, Iterable, KeysView, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.domain import Filters, Hit, as_passage
from assistant.errors import HfaError
from assistant.guard import personal_data, warning_for
from indexer.analysis import (
    MONTHS,
    YEAR,
    canonical_spelling,
    intent_terms,
    normalize_question,
    numbered_words,
    one_edit,
    tokenize,
    words,
)
from indexer.embedders import Embedder, EmbedderError
from indexer.manifest import (
    PUBLIC,
    Manifest,
    Synonym,
    Term,
    load_glossary,
    load_intents,
    load_manifest,
    load_synonyms,
    region_patterns,
)
from indexer.store import FILTER_FIELDS, IndexSnapshot, StoreError, current_generation, load_generation

log = logging.getLogger(__name__)

RRF_K = 60
CENTRED_POOL = 3  # Chroma's nearest taken, in candidates, for the centred cosines to reorder
# BM25's best passage for the question's own words (no intents, no feedback) scoring this
# many times the second's counts as first in meaning too (0: off)
LEXICAL_MARGIN = 1.5
# Pseudo-relevance feedback (see Retriever._feedback_terms), tuned on the dev split
FEEDBACK_TERMS = 5
FEEDBACK_PASSAGES = 2
FEEDBACK_UNKNOWN = 0.2  # share of the question's words the index does not hold
MAX_QUESTION_CHARS = 2000
MIN_RESTORED = 4  # shorter words ("pa", "sa") are too often words of their own to respell
MAX_RESTORED_PLACES = 4  # letters a word may have respelled, at most (2^4 spellings tried)
# a word with a letter that may stand for æ, ø or å: o, a, or "ae"
_ASCII_WORD = re.compile(r"\b[a-zA-Z]*[oaOA][a-zA-Z]*\b")


def letter_variants(word: str) -> list[str]:
    """``word`` with o -> ø, a -> å and ae -> æ in every combination of its first
    MAX_RESTORED_PLACES such places, fewest changes first ("horingssvaret" ->
    "høringssvaret", …)."""
    places = [m.start() for m in re.finditer(r"ae|o|a", word)][:MAX_RESTORED_PLACES]
    variants: list[tuple[int, str]] = []
    for mask in range(1, 2 ** len(places)):
        chars, changed = list(word), 0
        for bit, at in enumerate(places):
            if mask >> bit & 1:
                if word.startswith("ae", at):
                    chars[at], chars[at + 1] = "æ", ""
                else:
                    chars[at] = "ø" if word[at] == "o" else "å"
                changed += 1
        variants.append((changed, "".join(chars)))
    return [v for _, v in sorted(variants)]


_LOWER_CASE_WORD = re.compile(r"(?<![\w-])[a-zæøå][a-zæøåäöüé]{1,30}(?![\w-])")
MAX_NAMING_CHARS = MAX_QUESTION_CHARS
# "sitt innspill", "deres strategi": a possessive makes a document's bare kind definite
_POSSESSIVES = ("sitt", "sin", "sine", "deres", "dets", "vårt", "vår", "våre", "deira", "hennar", "hans")
# "1. mars ", "juni " before a year: the date of an event, not of a document
_DATED_BEFORE = re.compile(rf"(?:\d\.|\b(?:{'|'.join(MONTHS)})) ?$", re.IGNORECASE)


_NUMBER_PREFIX = re.compile(r"^\d{1,3}(?:\.\d{1,3}){0,4}\.?\s+")
MAX_HEADING_WORDS = 3  # a heading a question can name as a thing of its own ("Administrativ del")


def _short_heading(section: str) -> str:
    """A section's own heading without its number or abbreviation in brackets, when it is
    short enough to be named in a question; "" otherwise."""
    last = _NUMBER_PREFIX.sub("", section.split(" › ")[-1])
    last = " ".join(re.sub(r"\([^()]{0,40}\)", " ", last).split())
    return last if 4 <= len(last) <= 40 and len(last.split()) <= MAX_HEADING_WORDS else ""


def own_headings(passages: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """The short headings that head one section of one document ("Dialogdel", "Visjon"):
    a heading under several sections ("Oppgaver", "Sammensetning") names a facet, not a thing."""
    parents: dict[str, set[tuple[str, str]]] = {}
    for passage in passages:
        section = str(passage["section"])
        heading = _short_heading(section)
        if heading:
            parents.setdefault(heading, set()).add((str(passage["doc_id"]), section.rpartition(" › ")[0]))
    return frozenset(heading for heading, where in parents.items() if len(where) == 1)


@dataclass(frozen=True)
class _Derived:
    """What one index generation implies: filter values, token IDF, its words, the words
    it writes in lower case and the documents that have questions in users' words."""

    path: Path
    known: dict[str, set[str]]
    idf: Callable[[str], float]
    vocabulary: frozenset[str]
    ordinary: frozenset[str]
    asked_documents: frozenset[str]
    region_words: dict[str, frozenset[str]]  # the distinct words of each region's passages
    numbered: frozenset[str]  # words the documents number ("Retningslinje 1", "retningslinje 2-12")
    headings: frozenset[str]  # the sections' own short headings ("Dialogdel", "Administrativ del")
    # the words and stems a respelled word may become (Retriever.restored_letters), made once
    letters: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict, compare=False)


@dataclass
class Centred:
    """Vectors with what all of one corpus's texts share taken out, for ranking only.

    Every passage here is about the same few bodies and agreements, so much of each
    vector is a direction they all share; questions likewise share one. Cosines measured
    on what is left tell passages apart by what they are about, not by how much they
    sound like the corpus (a general overview section otherwise sits near every question).
    Rankings use these; the scores the answer stage calibrates on stay the plain cosines."""

    passages: np.ndarray | None  # passage vectors less ``centring`` x the mean text, unit length
    units: np.ndarray  # sentence and question vectors, centred the same way (questions as queries)
    query_mean: np.ndarray | None  # the mean question in users' words; None without any
    query_centring: float

    def query(self, vector: np.ndarray) -> np.ndarray:
        if self.query_mean is None:
            return np.asarray(vector, dtype=np.float32)
        return _unit_length(np.asarray(vector, dtype=np.float32) - self.query_centring * self.query_mean)


def _unit_length(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return (matrix / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def centre(snapshot: IndexSnapshot, centring: float, query_centring: float) -> Centred | None:
    """The generation's vectors centred (see Centred), or None without sentence vectors."""
    vectors = snapshot.unit_vectors
    if vectors is None or not len(snapshot.units) or centring <= 0:
        return None
    asks = np.array([int(entry["unit"]) < 0 for entry in snapshot.units], dtype=bool)
    if asks.all():
        return None
    text_mean = vectors[~asks].mean(axis=0)
    query_mean = vectors[asks].mean(axis=0) if asks.any() and query_centring > 0 else None
    units = np.empty_like(vectors)
    units[~asks] = _unit_length(vectors[~asks] - centring * text_mean)
    if asks.any():
        units[asks] = vectors[asks] if query_mean is None else _unit_length(vectors[asks] - query_centring * query_mean)
    passages = snapshot.passage_vectors
    if passages is not None:
        passages = _unit_length(passages - centring * text_mean)
    return Centred(passages, units, query_mean, query_centring)


@dataclass
class Expansion:
    """Glossary terms found in a question and the text they add."""

    terms: list[Term] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


class Glossary:
    def __init__(self, terms: list[Term]) -> None:
        self.terms = terms
        self._patterns: list[tuple[Term, re.Pattern[str], re.Pattern[str]]] = []
        for term in terms:
            abbr = re.escape(term.abbr)
            flags = 0 if len(term.abbr) < 3 else re.IGNORECASE
            abbr_pattern = re.compile(rf"(?<![\w-]){abbr}(?:-?\w{{0,3}})?(?![\w])", flags)
            phrases = [term.expansion, *term.variants]
            phrase_pattern = re.compile(
                "|".join(rf"\b{re.escape(canonical_spelling(p))}" for p in phrases), re.IGNORECASE
            )
            self._patterns.append((term, abbr_pattern, phrase_pattern))

    def expand(self, question: str) -> Expansion:
        expansion = Expansion()
        text = canonical_spelling(question)
        for term, abbr_pattern, phrase_pattern in self._patterns:
            has_abbr = bool(abbr_pattern.search(question))
            has_phrase = bool(phrase_pattern.search(text))
            if has_abbr and not has_phrase:
                expansion.terms.append(term)
                expansion.added.append(term.expansion)
            elif has_phrase and not has_abbr:
                expansion.terms.append(term)
                expansion.added.append(term.abbr)
        return expansion


_WORD = re.compile(r"\w+(?:-\w+)*")
# how an adjective before its noun ends: "tematiske", "tematisk", "faglig", "temabasert", "høyeste"
_ADJECTIVE_ENDINGS = ("e", "isk", "ig", "ert", "est")
# numbers and words for several, before a description of bodies
_SEVERAL = frozenset({"to", "tre", "fire", "fem", "seks", "begge", "alle", "2", "3", "4", "5", "6"})


# Inflection endings of a phrase's last word, longest first; the stem left must keep this
# many letters, so a short word ("enige") does not turn into a prefix of many others
_ENDINGS = ("ene", "ane", "en", "et", "a", "e")
MIN_STEM = 5


def _without_ending(phrase: str) -> str:
    """``phrase`` with its last word's inflection ending cut off ("felles saksliste" ->
    "felles sakslist"), or the phrase itself when the word has none or is too short. The
    plural "-er" stays: "sykehjemsplasser" (capacity) is no "sykehjemsplass" (one case)."""
    word = phrase.rsplit(" ", 1)[-1]
    if not word.isalpha():
        return phrase
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return phrase[: -len(ending)]
    return phrase


class Thesaurus:
    """Everyday words -> the documents' words (corpus/synonyms.yaml): "fylkesmannen"
    adds "statsforvalter" to the question, so a question in the user's own words finds
    the passage in the documents' words."""

    def __init__(self, synonyms: list[Synonym]) -> None:
        self._terms: dict[str, list[str]] = {}
        self._described = [(e.modifiers, e.heads, e.term) for e in synonyms if e.modifiers and e.heads]
        for entry in synonyms:
            for alternative in entry.alternatives:
                key = " ".join(canonical_spelling(alternative).lower().split())
                if key and entry.term not in self._terms.setdefault(key, []):
                    self._terms[key].append(entry.term)
        # An alternative matches its other inflections too: "saksliste" also "sakslista" and
        # "sakslistene" (its last word without its ending, then a short ending).
        self._matching: dict[str, list[str]] = {key: list(terms) for key, terms in self._terms.items()}
        for key, terms in self._terms.items():
            stem = _without_ending(key)
            if stem != key:
                known = self._matching.setdefault(stem, [])
                known.extend(t for t in terms if t not in known)
        alternatives = sorted(self._matching, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in alternatives) + r")\w{0,4}(?!\w)")
            if alternatives
            else None
        )

    @property
    def words(self) -> frozenset[str]:
        """Every word of the everyday phrases and of the documents' terms, lower case."""
        phrases = [
            *self._terms,
            *(t for terms in self._terms.values() for t in terms),
            *(t for *_, t in self._described),
        ]
        return frozenset(w for phrase in phrases for w in re.findall(r"\w+", phrase.lower()))

    def expand(self, question: str) -> list[str]:
        text = canonical_spelling(question).lower()
        added: list[str] = []
        for _, terms in self.matches(question):
            for term in terms:
                if term not in added and term.lower() not in text:
                    added.append(term)
        return added

    def matches(self, question: str) -> list[tuple[str, list[str]]]:
        """(the everyday words as written, the documents' terms for them), in order."""
        text = canonical_spelling(question).lower()
        found = (
            [(match.group(0), list(self._matching[match.group(1)])) for match in self._pattern.finditer(text)]
            if self._pattern is not None
            else []
        )
        return found + self._descriptions(text)

    def _descriptions(self, text: str) -> list[tuple[str, list[str]]]:
        """A body described, not named: one word that begins with a modifier and holds a
        head further on ("temagruppene", "fagfolk-gruppa", "toppmøtet"), or a modifier
        adjective right before a word holding a head ("de tematiske gruppene", "det høyeste
        samarbeidsforumet"). After a number ("de to øverste organene") it is several bodies."""
        if not self._described or len(text) > MAX_QUESTION_CHARS:
            return []
        words = _WORD.findall(text)
        found: list[tuple[str, list[str]]] = []
        for index, word in enumerate(words):
            if index and words[index - 1] in _SEVERAL:
                continue
            following = words[index + 1] if index + 1 < len(words) else ""
            for modifiers, heads, term in self._described:
                modifier = next((m for m in modifiers if word.startswith(m)), "")
                if not modifier:
                    continue
                if any(head in word[len(modifier) :] for head in heads):
                    found.append((word, [term]))
                elif following and word.endswith(_ADJECTIVE_ENDINGS) and any(head in following for head in heads):
                    found.append((f"{word} {following}", [term]))
        return found


EMPTY_QUESTION = "Spørsmålet er tomt. Skriv hva du lurer på."
LONG_QUESTION = f"Spørsmålet er for langt (over {MAX_QUESTION_CHARS} tegn). Korte det ned."


def validate_question(question: str) -> str:
    kind = personal_data(question or "")
    if kind:  # searching is asking too: refuse, and log only that the guard fired
        log.warning("Patient-data guard fired (%s): search refused", kind)
        raise HfaError(warning_for(kind), 422, f"patient-data guard ({kind})")
    text = normalize_question(question or "")
    if not text:
        raise HfaError(EMPTY_QUESTION, 422)
    if len(text) > MAX_QUESTION_CHARS:
        raise HfaError(LONG_QUESTION, 422)
    return text


class Retriever:
    """Reads the current index generation and answers searches."""

    def __init__(
        self,
        data_dir: Path,
        corpus_dir: Path,
        embedder: Embedder,
        fusion: str = "rrf",
        dense_weight: float = 0.3,
        candidates: int = 40,
        region_boost: float = 0.15,
        document_boost: float = 0.15,  # a document the question names ("innspillet fra Telemark")
        chroma_url: str = "",
        sentence_weight: float = 0.15,  # the same defaults as Settings (wiring passes them)
        ask_weight: float = 0.15,
        centring: float = 1.0,
        query_centring: float = 0.5,
    ) -> None:
        self.data_dir = data_dir
        self.chroma_url = chroma_url
        self.corpus_dir = corpus_dir
        self.embedder = embedder
        self.fusion = fusion
        self.dense_weight = dense_weight
        self.candidates = candidates
        self.region_boost = region_boost
        self.document_boost = document_boost
        self.sentence_weight = sentence_weight
        self.ask_weight = ask_weight
        self.centring = centring
        self.query_centring = query_centring
        self._near_cache: dict[tuple[int, str], list[str]] = {}
        self._centred: tuple[Path, Centred | None] | None = None
        self.glossary = Glossary(load_glossary(corpus_dir))
        self.thesaurus = Thesaurus(load_synonyms(corpus_dir))
        self.intents = load_intents(corpus_dir)
        self.manifest = load_manifest(corpus_dir)
        self.region_patterns = region_patterns(self.manifest.regions)
        self._document_words = _document_words(self.manifest)
        self._derived: _Derived | None = None
        self._lock = threading.Lock()
        self._snapshot: IndexSnapshot | None = None

    # -- index lifecycle -------------------------------------------------------------
    def snapshot(self) -> IndexSnapshot:
        """The loaded generation, reloaded if ``hfa index`` has swapped in a new one."""
        current = current_generation(self.data_dir)
        with self._lock:
            if self._snapshot is None or (current is not None and current != self._snapshot.path):
                try:
                    snapshot = load_generation(self.data_dir, self.chroma_url)
                except StoreError as exc:
                    raise HfaError(str(exc), 503) from exc
                if snapshot.params.get("embedder") != self.embedder.name:
                    raise HfaError(
                        "Indeksen er bygget med en annen embedder enn den som er konfigurert. Kjør `hfa index`.",
                        503,
                        f"index embedder {snapshot.params.get('embedder')} != configured {self.embedder.name}",
                    )
                self._snapshot = snapshot
                log.info("Loaded index generation %s (%d passages)", snapshot.path.name, len(snapshot.passages))
            return self._snapshot

    def centred(self, snapshot: IndexSnapshot) -> Centred | None:
        """The centred vectors of this very generation (a search keeps the snapshot it
        started with while `hfa index` swaps in another), made once per generation."""
        cached = self._centred
        if cached is None or cached[0] != snapshot.path:
            cached = (snapshot.path, centre(snapshot, self.centring, self.query_centring))
            self._centred = cached
        return cached[1]

    def _derived_state(self) -> _Derived:
        """What the current generation implies, computed once per generation (and again
        after `hfa index` swaps in a new one)."""
        snapshot = self.snapshot()
        if self._derived is None or self._derived.path != snapshot.path:
            known = {key: {str(p[key]) for p in snapshot.passages} for key in FILTER_FIELDS}
            counts: dict[str, int] = {}
            for passage in snapshot.passages:
                for token in set(tokenize(f"{passage.get('trail', '')} {passage['text']}")):
                    counts[token] = counts.get(token, 0) + 1
            total = len(snapshot.passages)

            def weight(token: str) -> float:
                return math.log((total + 1) / (counts.get(token, 0) + 0.5))

            self._derived = _Derived(
                path=snapshot.path,
                known=known,
                idf=weight,
                vocabulary=frozenset(
                    word for passage in snapshot.passages for word in words(f"{passage['title']} {passage['text']}")
                ),
                ordinary=frozenset(
                    canonical_spelling(match.group(0))
                    for passage in snapshot.passages
                    for match in _LOWER_CASE_WORD.finditer(passage["text"])
                ),
                asked_documents=frozenset(
                    str(snapshot.passages[int(entry["row"])]["doc_id"])
                    for entry in snapshot.units
                    if int(entry["unit"]) < 0
                ),
                region_words={
                    region: frozenset(
                        word
                        for p in snapshot.passages
                        if p["region"] == region
                        for word in words(f"{p['title']} {p.get('trail', '')} {p['text']}")
                    )
                    for region in known.get("region", set())
                },
                numbered=numbered_words(f"{p['title']}\n{p['text']}" for p in snapshot.passages),
                headings=own_headings(snapshot.passages),
            )
        return self._derived

    def corpus_tokens(self) -> KeysView[str]:
        """Every BM25 token (stem) of the current generation (the index's own vocabulary)."""
        return self.snapshot().bm25.vocab_dict.keys()  # type: ignore[no-any-return]

    def region_words(self, region: str) -> frozenset[str]:
        """The distinct words of a region's passages (canonical spelling, lower case): what
        its documents speak of anywhere."""
        return self._derived_state().region_words.get(region, frozenset())

    def ordinary_words(self) -> frozenset[str]:
        """Words the documents write in lower case (canonical spelling): ordinary words,
        never a name, even where a line starts with one ("Ordførere", "Det")."""
        return self._derived_state().ordinary

    def headings(self) -> frozenset[str]:
        """The short headings of the documents' sections ("Dialogdel", "Administrativ del")."""
        return self._derived_state().headings

    def numbered_words(self) -> frozenset[str]:
        """Words the documents write with two or more different numbers after them
        ("Retningslinje 1", "retningslinje 2-12", "Pkt. 11"): names of numbered things."""
        return self._derived_state().numbered

    def corpus_words(self) -> frozenset[str]:
        """Every word (lower case, canonical spelling) of the indexed documents."""
        return self._derived_state().vocabulary

    def idf(self, token: str) -> float:
        """Inverse document frequency of a BM25 token over the current passages."""
        return self._derived_state().idf(token)

    def known_values(self, visible: tuple[str, ...] | None = None) -> dict[str, set[str]]:
        if visible is None:
            return self._derived_state().known
        seen = [p for p in self.snapshot().passages if str(p.get("visibility", PUBLIC)) in visible]
        return {key: {str(p[key]) for p in seen} for key in FILTER_FIELDS}

    def check_filters(self, filters: Filters) -> None:
        active = filters.active()
        if not active:
            return
        known = self.known_values(filters.visible)  # never name what the caller may not see
        for key, value in active.items():
            if value not in known[key]:
                allowed = ", ".join(sorted(known[key]))
                raise HfaError(f"Ukjent verdi «{value}» for filteret {key}. Gyldige verdier: {allowed}.", 422)

    # -- search ----------------------------------------------------------------------
    def restored_letters(self, text: str) -> str:
        """A question typed without æ, ø and å ("funka digitale moter … i horingssvaret"):
        each word that neither the documents nor the thesaurus know is written with the
        letters that make it one they do ("møter", "høringssvaret"); other words stay."""
        if len(text) > MAX_QUESTION_CHARS:
            return text
        cache = self._derived_state().letters
        known = cache.get("known")
        if known is None:  # made whole, then stored under one key: a concurrent request sees all or nothing
            thesaurus = self.thesaurus.words
            known = (
                self.corpus_words() | thesaurus,
                frozenset(self.corpus_tokens()) | frozenset(tokenize(" ".join(thesaurus))),
            )
            cache["known"] = known
        words, stems = known

        def restore(match: re.Match[str]) -> str:
            word = match.group(0)
            low = word.lower()
            if len(low) < MIN_RESTORED or low in words or all(stem in stems for stem in tokenize(low)):
                return word
            for candidate in letter_variants(low):
                if candidate in words or (tokenize(candidate) and all(t in stems for t in tokenize(candidate))):
                    return candidate[:1].upper() + candidate[1:] if word[:1].isupper() else candidate
            return word

        return _ASCII_WORD.sub(restore, text)

    def search(self, question: str, k: int = 5, filters: Filters | None = None, by_topic: bool = True) -> list[Hit]:
        """The best ``k`` passages. ``by_topic``: let questions in users' words
        (corpus/questions.yaml) rank passages too; off for a question that needs a value
        by name (an amount, a person, a date), which its own words must find."""
        question = self.restored_letters(validate_question(question))
        filters = filters or Filters()
        self.check_filters(filters)
        snapshot = self.snapshot()
        expansion = self.glossary.expand(question)
        query_text = canonical_spelling(question)
        added = [*expansion.added, *self.thesaurus.expand(question)]
        if added:
            query_text = f"{query_text} ({'; '.join(added)})"

        allowed = self._allowed_rows(snapshot, filters)
        if not allowed.any():
            return []
        try:
            vector = self.embedder.embed_query(query_text)
        except EmbedderError as exc:
            raise HfaError(str(exc), 503) from exc
        dense = self._dense(snapshot, vector, filters)
        sentences, unit_scores, asks = self._sentences(snapshot, vector, allowed)
        # What the question asks for (composition, frequency, cost …) weighs double: it
        # separates sections that share the same subject.
        intents = intent_terms(question, self.intents)
        lexical = self._bm25(snapshot, " ".join([query_text, *intents, *intents]), allowed)
        extra = self._feedback_terms(snapshot, query_text, dense)
        if extra:  # a question in words the documents do not use: theirs, from the nearest passages
            lexical = self._bm25(snapshot, " ".join([query_text, *intents, *intents, *extra]), allowed)
        # Both retrievers filtered already; this guards against an index written without
        # the metadata (nothing restricted may slip through, whatever the store did).
        own = self._bm25(snapshot, query_text, allowed) if LEXICAL_MARGIN else []  # the question's words only
        decisive = own[0][0] if len(own) >= 2 and own[0][1] >= LEXICAL_MARGIN * max(own[1][1], 1e-9) else None
        # Questions in users' words rank passages only when the question's own words do not
        # single one out, and only when its best match by those words is in a document that
        # has such questions: a new document without them ("Kveldsvakt") must not lose to
        # passages that merely have questions like this one.
        lexical_first = snapshot.passages[own[0][0]]["doc_id"] if own else None
        asked = lexical_first in self._derived_state().asked_documents
        topical = asks if by_topic and decisive is None and asked else []
        asked_scores = dict(asks)
        fused = self._fuse(snapshot, dense, lexical, sentences, decisive, topical)
        hits = [hit for hit in fused if allowed[int(hit.passage["row"])]]
        for hit in hits:
            hit.unit_scores = unit_scores.get(int(hit.passage["row"]), {})
            hit.ask_score = asked_scores.get(int(hit.passage["row"]))
        regions = self.regions_in(question)
        if len(regions) == 1 and self.region_boost:
            for hit in hits:  # a question about one region prefers that region's documents
                if hit.passage["region"] in regions:
                    hit.score *= 1.0 + self.region_boost
        documents = self.documents_in(question, regions) | self.dated_in(question, regions)
        if documents and self.document_boost:
            for hit in hits:  # "innspillet fra Telemark": that document's passages first
                if hit.passage["doc_id"] in documents:
                    hit.score *= 1.0 + self.document_boost
        hits.sort(key=lambda h: (-h.score, h.passage["row"]))
        return hits[:k]

    def documents_in(self, question: str, regions: set[str] | None = None) -> set[str]:
        """Documents a question points at by their kind or their title's first word
        ("innspillet", "Telemark-strategien", "notatet"), narrowed to the region it names."""
        text = canonical_spelling(question[:MAX_NAMING_CHARS]).lower()
        found = self._document_words.finditer(text) if self._document_words else iter(())
        said = {match.group("stem") or match.group("owned") for match in found}
        if not said:
            return set()
        named = [
            doc
            for doc in self.manifest.documents.values()
            if any(
                name.startswith(stem) or name.endswith(stem)
                for stem in said
                for name in (n.lower() for n in doc.names())
            )
        ]
        regions = self.regions_in(question) if regions is None else regions
        in_region = [doc for doc in named if doc.region in regions]
        return {doc.id for doc in (in_region or named)}

    def dated_in(self, question: str, regions: set[str]) -> set[str]:
        """Documents dated in a year the question names ("Hva skrev Telemark til staten i
        2022 …?": the consultation reply of 2022), narrowed to the region it names."""
        text = question[:MAX_NAMING_CHARS]
        years = {
            year.group(0)
            for year in YEAR.finditer(text)
            if not _DATED_BEFORE.search(text[max(0, year.start() - 12) : year.start()])
        }
        return {
            doc.id
            for doc in self.manifest.documents.values()
            if doc.date[:4] in years and (not regions or doc.region in regions)
        }

    def _feedback_terms(self, snapshot: IndexSnapshot, query_text: str, dense: list[tuple[int, float]]) -> list[str]:
        """Pseudo-relevance feedback for a question whose words the documents mostly do
        not use (a paraphrase: "hyppig", "høyeste leddet"): the rarest words of the
        passages nearest in meaning join the lexical query. A question in the documents'
        own words keeps its lexical ranking as it is."""
        asked = tokenize(query_text)
        vocabulary = snapshot.bm25.vocab_dict
        unknown = sum(1 for token in asked if token not in vocabulary) / len(asked) if asked else 0.0
        if not FEEDBACK_TERMS or not dense or unknown < FEEDBACK_UNKNOWN:
            return []
        seen = set(asked)
        weights: dict[str, float] = {}
        for row, _ in dense[:FEEDBACK_PASSAGES]:
            passage = snapshot.passages[row]
            for token in set(tokenize(f"{passage.get('trail', '')} {passage['text']}")) - seen:
                weights[token] = weights.get(token, 0.0) + self.idf(token)
        return sorted(weights, key=lambda token: (-weights[token], token))[:FEEDBACK_TERMS]

    def regions_in(self, question: str) -> set[str]:
        """Regions (health communities) a question names, by the manifest's aliases."""
        return {region for region, pattern in self.region_patterns.items() if pattern.search(question)}

    def _allowed_rows(self, snapshot: IndexSnapshot, filters: Filters) -> np.ndarray:
        active = filters.active()
        if not active and filters.visible is None:
            return np.ones(len(snapshot.passages), dtype=bool)
        return np.array(
            [
                filters.can_see(p) and all(str(p[key]) == value for key, value in active.items())
                for p in snapshot.passages
            ],
            dtype=bool,
        )

    def _sentences(
        self, snapshot: IndexSnapshot, vector: np.ndarray, allowed: np.ndarray
    ) -> tuple[list[tuple[int, float]], dict[int, dict[int, float]], list[tuple[int, float]]]:
        """Passages ranked by their best sentence or list item, every unit's cosine, and
        passages ranked by their best question in users' words (units with a negative
        index: corpus/questions.yaml). Ranked by centred cosines when the generation has
        them (Centred); the scores given are the plain ones."""
        matrix = snapshot.unit_vectors
        if matrix is None or not len(snapshot.units):
            return [], {}, []
        cosines = matrix @ np.asarray(vector, dtype=np.float32)
        centred = self.centred(snapshot)
        ranking = centred.units @ centred.query(vector) if centred is not None else cosines
        per_row: dict[int, dict[int, float]] = {}
        best: dict[int, tuple[float, float]] = {}  # row -> (best ranking cosine, best plain cosine)
        asked: dict[int, tuple[float, float]] = {}
        for entry, cosine, rank_cosine in zip(snapshot.units, cosines.tolist(), ranking.tolist(), strict=True):
            row, unit = int(entry["row"]), int(entry["unit"])
            if not allowed[row]:
                continue
            into = asked if unit < 0 else best
            before = into.get(row, (-2.0, -2.0))
            into[row] = (max(before[0], rank_cosine), max(before[1], cosine))
            if unit >= 0:
                per_row.setdefault(row, {})[unit] = cosine
        by_unit = sorted(best.items(), key=lambda x: -x[1][0])
        asks = sorted(asked.items(), key=lambda x: -x[1][0])
        return (
            [(row, plain) for row, (_, plain) in by_unit[: self.candidates]],
            per_row,
            [(row, plain) for row, (_, plain) in asks[: self.candidates]],
        )

    def _dense(self, snapshot: IndexSnapshot, vector: np.ndarray, filters: Filters) -> list[tuple[int, float]]:
        from llama_index.core.vector_stores.types import (
            FilterOperator,
            MetadataFilter,
            MetadataFilters,
            VectorStoreQuery,
        )

        conditions = [MetadataFilter(key=k, value=v, operator=FilterOperator.EQ) for k, v in filters.active().items()]
        if filters.visible is not None:
            conditions.append(MetadataFilter(key="visibility", value=list(filters.visible), operator=FilterOperator.IN))
        metadata_filters = MetadataFilters(filters=conditions) if conditions else None
        centred = self.centred(snapshot)
        centred_passages = centred.passages if centred is not None else None
        pool = self.candidates * CENTRED_POOL if centred_passages is not None else self.candidates
        query = VectorStoreQuery(
            query_embedding=[float(x) for x in vector],
            similarity_top_k=min(pool, len(snapshot.passages)),
            filters=metadata_filters,
        )
        result = snapshot.vector_store.query(query)
        ranked = []
        for node, similarity in zip(result.nodes or [], result.similarities or [], strict=False):
            row = int(node.metadata["row"])
            cosine = 1.0 + math.log(max(similarity, 1e-12))  # Chroma: similarity = exp(-distance)
            ranked.append((row, cosine))
        if centred is not None and centred_passages is not None and ranked:
            # Chroma's nearest by plain cosine, in the order of the centred ones (Centred)
            rows = np.array([row for row, _ in ranked])
            order = np.argsort(-(centred_passages[rows] @ centred.query(vector)), kind="stable")
            ranked = [ranked[i] for i in order]
        return ranked[: self.candidates]

    def _bm25(self, snapshot: IndexSnapshot, query_text: str, allowed: np.ndarray) -> list[tuple[int, float]]:
        vocab = snapshot.bm25.vocab_dict
        tokens: list[str] = []
        for token in tokenize(query_text):
            tokens.extend([token] if token in vocab else self._near(token, vocab))
        if not tokens:
            return []
        scores = np.asarray(snapshot.bm25.get_scores(tokens), dtype=np.float64)
        scores = np.where(allowed, scores, -np.inf)
        order = np.argsort(-scores)[: self.candidates]
        return [(int(i), float(scores[i])) for i in order if np.isfinite(scores[i]) and scores[i] > 0]

    def _near(self, token: str, vocab: dict[str, int]) -> list[str]:
        """Index words for a word the index does not have: what a clipped word
        ("brukerrep") begins, or a word one typing error away ("partnerskapsmøtte")."""
        if len(token) < 5 or token.isdigit():
            return []
        key = (id(vocab), token)
        if key not in self._near_cache:
            found = sorted(word for word in vocab if word.startswith(token))[:3]
            if not found and len(token) >= 6:
                found = sorted(word for word in vocab if abs(len(word) - len(token)) <= 1 and one_edit(word, token))[:2]
            if len(self._near_cache) > 50_000:
                self._near_cache.clear()
            self._near_cache[key] = found
        return self._near_cache[key]

    def _fuse(
        self,
        snapshot: IndexSnapshot,
        dense: list[tuple[int, float]],
        lexical: list[tuple[int, float]],
        sentences: list[tuple[int, float]] | None = None,
        decisive: int | None = None,
        asks: list[tuple[int, float]] | None = None,
    ) -> list[Hit]:
        hits: dict[int, Hit] = {}
        for rank, (row, score) in enumerate(dense):
            hits[row] = Hit(as_passage(snapshot.passages[row]), 0.0, dense_rank=rank, dense_score=score)
        for rank, (row, score) in enumerate(lexical):
            hit = hits.setdefault(row, Hit(as_passage(snapshot.passages[row]), 0.0))
            hit.bm25_rank, hit.bm25_score = rank, score
        for rank, (row, score) in enumerate(sentences or []):
            hit = hits.setdefault(row, Hit(as_passage(snapshot.passages[row]), 0.0))
            hit.sentence_rank, hit.sentence_score = rank, score
        ask_ranks: dict[int, int] = {}
        ask_scores: dict[int, float] = {}
        for rank, (row, score) in enumerate(asks or []):
            hits.setdefault(row, Hit(as_passage(snapshot.passages[row]), 0.0))
            ask_ranks[row], ask_scores[row] = rank, score
        # The sentence ranking is a second dense signal; without unit vectors (an index
        # from before they existed) the two original rankings keep their weights.
        w_sent = self.sentence_weight if sentences else 0.0
        w_dense, w_bm25 = self.dense_weight, 1.0 - self.dense_weight
        if self.fusion == "rrf":
            for hit in hits.values():
                # a passage below the dense cut-off ranks just below its last, not nowhere: a
                # short list the small embedder places far off still counts by its words
                dense_rank = hit.dense_rank if hit.dense_rank is not None else len(dense)
                hit.score += 2 * w_dense / (RRF_K + dense_rank + 1)
                if hit.bm25_rank is not None:
                    hit.score += 2 * w_bm25 / (RRF_K + hit.bm25_rank + 1)
                if hit.sentence_rank is not None:
                    hit.score += 2 * w_sent / (RRF_K + hit.sentence_rank + 1)
                ask_rank = ask_ranks.get(int(hit.passage["row"]))
                if ask_rank is not None:  # a question in users' words that this passage answers
                    hit.score += 2 * self.ask_weight / (RRF_K + ask_rank + 1)
            if decisive is not None and decisive in hits:
                # one passage holds the question's own words far beyond any other (ranks
                # hide by how much): it counts as first in meaning too
                hits[decisive].score += 2 * (w_dense + w_sent) / (RRF_K + 1)
        else:  # weighted sum of min-max normalised scores
            dense_norm = _min_max([s for _, s in dense])
            bm25_norm = _min_max([s for _, s in lexical])
            sent_norm = _min_max([s for _, s in sentences or []])
            ask_norm = _min_max(list(ask_scores.values()))
            for hit in hits.values():
                dense_part = dense_norm(hit.dense_score)
                bm25_part = bm25_norm(hit.bm25_score)
                hit.score = w_dense * dense_part + w_bm25 * bm25_part + w_sent * sent_norm(hit.sentence_score)
                hit.score += self.ask_weight * ask_norm(ask_scores.get(int(hit.passage["row"])))
        return sorted(hits.values(), key=lambda h: (-h.score, h.passage["row"]))


def _min_max(scores: list[float]) -> Callable[[float | None], float]:
    """Map scores to [0, 1] over the candidate list; a missing score is 0."""
    if not scores:
        return lambda value: 0.0
    low, high = min(scores), max(scores)
    span = high - low or 1.0
    return lambda value: 0.0 if value is None else (value - low) / span


def _document_words(manifest: Manifest) -> re.Pattern[str] | None:
    """The words that point at a document: each kind and each title's first word in its
    definite form ("strategien", "innspillet", "innspillene"). The bare word is what the
    document is about, not which one it is ("gi innspill på retningslinje 1")."""
    names = {
        name.lower() for doc in manifest.documents.values() for name in doc.names() if len(name) >= 4 and name.isalpha()
    }
    if not names:
        return None
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    # "Telemarks høringsinnspill", "sitt innspill": a genitive or a possessive makes the bare word definite
    genitives = {
        alias.lower() if alias.lower().endswith("s") else f"{alias.lower()}s"
        for region in manifest.regions.values()
        for alias in (*region.aliases, region.name)
    }
    owners = "|".join(re.escape(o) for o in sorted(genitives | set(_POSSESSIVES), key=len, reverse=True))
    return re.compile(
        rf"(?<!\w)(?:(?P<stem>{alternatives})(?:ene|en|et|ne|n|a)|(?:{owners})\s+(?P<owned>{alternatives}))(?!\w)"
    )
