"""Turn a follow-up question and the earlier turns into a standalone question (rule-based).

"Hvem sitter i det utvalget?" after "Hvor ofte møtes SSU?" becomes "Hvem sitter i det
utvalget (SSU)?"; "Og i Trøndelag?" after "Hvor ofte møtes PSU?" asks the same question
about Trøndelag; "Hva med FSU?" after "Hvor ofte møtes SSU?" becomes "Hvor ofte møtes
FSU?"; "Hvorfor det?" takes the claim from the previous answer.

What a conversation can be about — bodies, regions, documents, abbreviations — comes
from the corpus's own data (manifest.yaml, glossary.yaml, structure.yaml) through
``Topics``; only the Norwegian words for "that one", "what about" and "why" live here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant.domain import Turn
from indexer.analysis import stopwords, tokenize

# Words that are part of many names but name nothing on their own.
_NAME_NOISE = frozenset({"hf", "i", "og", "for", "av", "til", "med", "mellom", "the", "de", "st", "st."})
MIN_ALIAS_CHARS = 8  # a manifest alias this long names its document in a question ("høringssvar")


# Adjective endings: in a name of several words, an adjective before the noun is inflected
# ("det strategiske samarbeidsutvalget" is "strategisk samarbeidsutvalg").
_ADJECTIVE_ENDS = ("isk", "ig", "iv", "al", "ell")


def _adjective_stem(word: str) -> str:
    """An adjective without its inflection ("strategiske" -> "strategisk", "administrativt"
    -> "administrativ"); any other word as it is."""
    for tail in ("e", "t", ""):
        if len(word) >= 5 and word.endswith(tuple(end + tail for end in _ADJECTIVE_ENDS)):
            return word[: len(word) - len(tail)]
    return word


def _loose(name: str) -> str:
    """A name of several words with its adjectives uninflected: the key the inflected
    forms share."""
    words = name.split(" ")
    return " ".join([*(_adjective_stem(word) for word in words[:-1]), words[-1]])


def noun_stem(word: str) -> str:
    """A noun without a definite or plural ending ("partnerskapsmøtet" -> "partnerskapsmøt",
    "kjerneverdier" -> "kjerneverdi"); the whole word otherwise, so that "samhandlingsråd"
    is not "samhandlingsleder"."""
    for ending in ("ene", "et", "en", "er", "a"):
        if len(word) - len(ending) >= 5 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def name_pattern(name: str) -> str:
    """A name as a pattern: its adjectives in any inflection ("strategiske? samarbeidsutvalg")."""
    words = name.split(" ")
    parts = [re.escape(word) for word in words]
    for index, word in enumerate(words[:-1]):
        stem = _adjective_stem(word)
        if stem != word or stem.endswith(_ADJECTIVE_ENDS):
            parts[index] = f"{re.escape(stem)}[et]?"
    return r"\ ".join(parts)


def naming_aliases(aliases: Iterable[str]) -> list[str]:
    """A document's aliases (manifest.yaml) that name it in a question; a short alias is an
    everyday word with verb forms ("svar": "svarte", "svarer")."""
    return [alias for alias in aliases if len(alias) >= MIN_ALIAS_CHARS]


@dataclass
class Topics:
    """Names a conversation can be about, by kind ("body", "region", "document", "term"),
    from corpus data. Each name is matched as a whole word (inflected forms by prefix),
    case-insensitively; names given together (an abbreviation and its expansion, a
    region and its aliases) are one topic, with one key (region id, document id)."""

    _pattern: re.Pattern[str] | None = None
    _kind_of: dict[str, str] = field(default_factory=dict)
    _group_of: dict[str, int] = field(default_factory=dict)
    _key_of: dict[str, str] = field(default_factory=dict)
    _loose_of: dict[str, str] = field(default_factory=dict)  # a name's uninflected form -> the name
    # what a region's name calls a health community ("Helsefellesskapet i Telemark" ->
    # "helsefellesskapet"): "helsefellesskapet rundt St. Olavs" names the region too
    community_words: frozenset[str] = frozenset()
    # each region's short name ("Telemark", "Trøndelag"): the sides of "de to helsefellesskapene"
    region_names: tuple[str, ...] = ()
    # a body's group -> the names of its counterpart in another region, by region id
    _counterparts: dict[int, dict[str, list[str]]] = field(default_factory=dict)

    @classmethod
    def from_corpus(
        cls,
        regions: Iterable[tuple[str, str, Iterable[str], Iterable[str]]],
        terms: Iterable[tuple[str, str, Iterable[str], str]],
        documents: Iterable[tuple[str, str, str, Iterable[str]]],
        bodies: Iterable[tuple[list[str], str]] = (),
        counterparts: Iterable[tuple[list[str], str, list[str], str]] = (),
    ) -> Topics:
        """``regions``: (id, name, aliases, bodies); ``terms``: (abbr, expansion, variants,
        region id); ``documents``: (id, title, kind, aliases); ``bodies``: (names, region id)
        from structure.yaml — a body's name, abbreviation and aliases are one topic;
        ``counterparts``: (names, region id, the counterpart's names, its region id)."""
        topics = cls()
        regions = list(regions)
        community = {name.split()[0].lower() for _, name, _, _ in regions if len(name.split()) > 1}
        topics.community_words = frozenset(community)
        topics.region_names = tuple((list(aliases) or [name])[0] for _, name, aliases, _ in regions)
        for region_id, name, aliases, region_bodies in regions:
            topics._add("region", [name, *aliases], region_id)
            for body in region_bodies:  # "Strategisk samarbeidsutvalg (SSU)" -> both names
                topics._add("body", [part.strip() for part in re.split(r"[()]", body) if part.strip()], region_id)
        for names, region_id in bodies:
            topics._add("body", names, region_id)
        for abbr, expansion, variants, region_id in terms:
            kind = "body" if re.search(r"utvalg|råd\b|møte|sekretariat", expansion, re.IGNORECASE) else "term"
            topics._add(kind, [abbr, expansion, *variants], region_id)
        documents = [(doc_id, title, kind, tuple(aliases)) for doc_id, title, kind, aliases in documents]
        words = [word for _, _, kind, aliases in documents for word in {w.lower() for w in (kind, *aliases)}]
        for doc_id, title, kind, aliases in documents:
            first = re.split(r"\s[–-]\s|:", title, maxsplit=1)[0].strip()  # "Retningslinje 1", "Strategi for …"
            topics._add("document", [first], doc_id)
            # "strategien", "notatet", "høringssvaret": the kind and the manifest's other words
            # for a document name it too (that one, when no other document is called so)
            for word in dict.fromkeys([kind, *naming_aliases(aliases)]):
                topics._add("document", [word], doc_id if words.count(word.lower()) == 1 else "")
        for names, region_id, other_names, other_region in counterparts:
            for these, there, region in ((names, other_names, other_region), (other_names, names, region_id)):
                group = topics._group_of.get(these[0].lower()) if these else None
                if group is not None and there:
                    topics._counterparts.setdefault(group, {})[region] = list(there)
        topics._compile()
        return topics

    def in_region(self, text: str, region: str) -> str:
        """``text`` asked of ``region``: each body of another region becomes its counterpart
        there ("Hvor mange FSU er det?" of Trøndelag -> "Hvor mange fagråd er det?")."""
        for kind, name in self.find(text):
            group = self._group_of.get(self._base(name))
            there = self._counterparts.get(group, {}).get(region) if kind == "body" and group else None
            if not there or self.key(name) in ("", region):
                continue
            short = [n for n in there if n.isupper()]  # "PSU" for "FSU", a name for a name
            other = short[0] if name.isupper() and short else next((n for n in there if not n.isupper()), there[0])
            start = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
            if start is not None:
                text = f"{text[: start.start()]}{other}{text[start.end() :]}"
        return text

    def counterparts(self, name: str) -> list[str]:
        """The names of the bodies at ``name``'s level in the other regions ("faglig
        samarbeidsutvalg" -> "Fagråd"); [] for a name that is no such body."""
        group = self._group_of.get(self._base(name))
        return [other for names in self._counterparts.get(group, {}).values() for other in names] if group else []

    def _add(self, kind: str, names: list[str], key: str = "") -> None:
        group = len(self._group_of) + 1
        for name in names:
            name = " ".join(str(name).split())
            low = name.lower()
            if len(name) < 2 or low in _NAME_NOISE:
                continue
            self._kind_of.setdefault(low, kind)
            self._loose_of.setdefault(_loose(low), low)
            self._group_of.setdefault(low, self._group_of.get(names[0].lower(), group))
            if key:
                self._key_of.setdefault(low, key)

    def _compile(self) -> None:
        every = sorted(self._kind_of, key=len, reverse=True)  # longest first: "St. Olavs" before "St. Olav"
        if every:
            alternatives = "|".join(name_pattern(n) for n in every)
            # inflected forms ("utvalget", "strategien") match by a short suffix; a document's
            # name or kind before "dokument" names it too ("strategidokumentet")
            documents = "|".join(re.escape(n) for n in every if self._kind_of[n] == "document")
            compound = rf"(?:{documents}){_DOCUMENT_SUFFIX}|" if documents else ""
            # "strategisk", "strategiske": an adjective made of a name is not that name
            self._pattern = re.compile(rf"(?<!\w)(?:{compound}(?:{alternatives})(?!sk)\w{{0,4}})(?!\w)", re.IGNORECASE)

    def find(self, text: str) -> list[tuple[str, str]]:
        """(kind, name as written) for each name in ``text``, in order, without repeats."""
        if self._pattern is None:
            return []
        seen: list[tuple[str, str]] = []
        for match in self._pattern.finditer(text):
            value = match.group(0)
            if value.lower() not in {v.lower() for _, v in seen}:
                seen.append((self.kind(value), value))
        return seen

    def _base(self, value: str) -> str:
        low = value.lower()
        whole = re.sub(rf"{_DOCUMENT_SUFFIX}$", "", low)  # "strategidokumentet": "strategi"
        if whole != low and self._kind_of.get(whole) == "document":
            return whole
        for cut in range(len(low), max(0, len(low) - 5), -1):
            if low[:cut] in self._kind_of:
                return low[:cut]
        loose = _loose(low)  # "det strategiske samarbeidsutvalget": "strategisk samarbeidsutvalg"
        for cut in range(len(loose), max(0, len(loose) - 5), -1):
            if loose[:cut] in self._loose_of:
                return self._loose_of[loose[:cut]]
        return low

    def without_genitive(self, value: str) -> str:
        """A name as written, without a genitive "s" ("SSUs" -> "SSU", "partnerskapsmøtets"
        -> "partnerskapsmøtet")."""
        low = value.lower()  # "St. Olavs" is a name of its own
        if len(low) > 2 and low.endswith("s") and low not in self._kind_of and low[:-1] in self._kind_of:
            return value[:-1]
        return value

    def kind(self, value: str) -> str:
        return self._kind_of.get(self._base(value), "term")

    def key(self, value: str) -> str:
        """The region id (regions, bodies, region-bound terms) or document id of a name."""
        return self._key_of.get(self._base(value), "")

    def known_words(self) -> frozenset[str]:
        """Every word of every name (lower case): a name in a question that the corpus
        data knows is no unknown place or person."""
        return frozenset(word.lower() for name in self._kind_of for word in re.findall(r"\w+", name))

    def same(self, a: str, b: str) -> bool:
        """Do two names stand for one topic (an abbreviation and its expansion)?"""
        ga, gb = self._group_of.get(self._base(a)), self._group_of.get(self._base(b))
        return ga is not None and ga == gb


_DOCUMENT_SUFFIX = r"dokument\w{0,3}"
_DEICTIC = re.compile(
    r"\b(?:det|den|de|dem|der|dit|dette|disse|deres|denne|utvalget|utvalet|organet|gruppen|gruppa|dokumentet|"
    r"dei|hit|samme|sånn|sånne|sånt|slik|slike|slikt|desse|same|her|hen|han|hun|ho|vedkommende|vedkomande)\b",
    re.IGNORECASE,
)
# "finnes det noe sånt i Trondheim?", "har de en slik ordning?": the thing just talked about
_LIKE_THAT = re.compile(
    r"\b(?:noe|noko|noen|nokon|et|eit|en|ein|ei)\s+(?:sånt|slikt|sånn|slik|sånne|slike|lignende|liknande|liknende)\b",
    re.IGNORECASE,
)
_WHAT_ABOUT = re.compile(
    # "hva med mulighetene, da?": a filler word after the topic is no part of it
    r"^\s*(?:og|men|enn)?\s*(?:hva|kva)\s+med\s+(?P<topic>.{1,200}?)(?:,?\s+(?:da|då|så|egentlig|eigentleg))?\s*\??\s*$|"
    r"^\s*(?:og|enn|men)\s+(?P<topic2>(?:i|for|på|hos|om|fra|frå)\s+.{1,200}?|[^\s?]{1,60})"
    r"(?:,?\s+(?:da|då|så|egentlig|eigentleg))?\s*\??\s*$",
    re.IGNORECASE,
)
_BARE_WHY = re.compile(
    r"^\s*(?:og\s+)?(?:hvorfor|kvifor|hvordan|korleis)(?:\s+(?:det|da|det da|så))?"
    # "hvorfor ville de det?", "kvifor meinte dei det?": why the ones just named did it
    r"(?:\s+(?:ville|vil|gjorde|gjør|ønsker|ønsket|ønska|foreslo|foreslår|mente|mener|meinte|meiner|skulle|valgte|"
    r"valde)\s+(?:de|dei|han|hun|ho|man)(?:\s+(?:det|dette|da|så|egentlig|eigentleg)){0,2})?\s*\??\s*$",
    re.IGNORECASE,
)
# A pronoun that points back (after a preposition, or as the object of "få … til"), not
# the "det" of "det er" or "hva er det".
_POINTING = re.compile(
    r"\b(?:av|med|om|for|fra|frå|mot|utan|uten)\s+(?:det|dette|dem|dei|disse|desse)\b|\bfå\s+(?:det|dette)\s+til\b",
    re.IGNORECASE,
)
_POINTING_END = re.compile(
    r"\b(?:av|med|om|for|fra|frå|mot|til|i|på)\s+(?:det|dette|dem|dei|disse|desse)\s*\??\s*$", re.IGNORECASE
)
# "hva med i Trøndelag – hvilken gruppe …?": the new place, then a question of its own
_OWN_QUESTION = re.compile(
    # "og i Trøndelag? hvordan er erfaringene der?": a question mark before it too
    r"\s+[–—-]\s+|:\s+|[,?]\s+(?=(?:hva|kva|hvem|kven|hvilke|hvilken|hvilket|hvordan|korleis|hvorfor|kvifor|når|"
    r"hvor|kor|har|er|kan|skal|må|finnes|fins|får)\b)",
    re.IGNORECASE,
)
# The topic a question ends on ("… om skrøpelige eldre?"), after its last "om", "for" or
# "med", which "og for X?" replaces.
_TRAILING_TOPIC = re.compile(r"^(?P<head>.{3,300}\b(?:om|for|med))\s+(?P<old>[^?]{3,120}?)\s*\?*\s*$", re.IGNORECASE)
_SUBJECT_PREPOSITION = re.compile(r"^(?:for|om|med)\s+", re.IGNORECASE)
_CITATION = re.compile(r"\s*\[\d{1,3}\]")
_PREPOSITION = re.compile(r"^(?:i|for|på|hos|om)\s+", re.IGNORECASE)
EMPTY_TOPICS = Topics()
MAX_RESOLVE_CHARS = 4000  # of a question or an earlier turn searched for what a noun refers to
SHORT_QUESTION = 5  # words: a question this short that names nothing continues the conversation


def is_followup(question: str, topics: Topics = EMPTY_TOPICS) -> bool:
    if _WHAT_ABOUT.match(question) or _BARE_WHY.match(question):
        return True
    if question.strip().lower().startswith(("og ", "enn ")):
        return True
    if _POINTED_NOUN.search(question[:MAX_RESOLVE_CHARS]):  # "det arbeidsutvalget": the one just named
        return True
    # "hvem har sekretariatet for det?": it names a body, and ends pointing back at the topic
    if len(question.split()) <= 10 and _POINTING_END.search(question[-MAX_RESOLVE_CHARS:]):
        return True
    if len(question.split()) <= 16 and _LIKE_THAT.search(question[:MAX_RESOLVE_CHARS]):
        return True  # "finnes det noe sånt i Trondheim?" names a place, and points back at the thing
    if topics.find(question):
        return False
    # "Hvem sitter der?", and a short question that names nothing ("hva går pengene til?");
    # a pronoun after a preposition points back in a longer one too ("… mer av det?")
    size = len(question.split())
    return (
        size <= SHORT_QUESTION
        or (size <= 10 and bool(_DEICTIC.search(question)))
        or (size <= 16 and bool(_POINTING.search(question) or _POINTING_END.search(question[-MAX_RESOLVE_CHARS:])))
        # "er det en bestemt pasientgruppe de vil se spesielt på der?": "der" points back
        or (size <= 16 and bool(_THERE.search(question)))
    )


def own_question(standalone: str) -> str:
    """A standalone question without the context a follow-up carries ("Hvem sitter der
    (Hvor ofte møtes SSU)?" -> "Hvem sitter der"): the words the user asked with."""
    own, _, context = standalone.rpartition(" (")
    return own if own and context.rstrip(" ?").endswith(")") else standalone


def standalone_question(question: str, history: Sequence[Turn] | None, topics: Topics = EMPTY_TOPICS) -> str:
    """The question itself when it stands alone; otherwise the question with the topic
    of the conversation made explicit."""
    if not history:
        return question
    users = [t.content for t in history if t.role == "user"]
    assistants = [t.content for t in history if t.role == "assistant"]
    last_user = users[-1] if users else ""
    last_answer = _CITATION.sub("", assistants[-1]) if assistants else ""
    question = _other_region(question, f"{last_user} {last_answer}", topics)  # "i den andre regionen"
    ordinal = _ordinal_item(question, last_answer, last_user)
    counterpart = _counterpart(question, f"{last_user} {last_answer}", topics)
    if counterpart:  # "Hva heter tilsvarende nivå i Trøndelag?": the body talked about, there
        return f"{question.rstrip(' ?')} ({counterpart})?"
    if not ordinal and not is_followup(question, topics):
        # "Hvem sitter i sekretariatet der?" names a body, but "der" is the place talked about
        pointed = _pointed_region(question, f"{last_user} {last_answer}", topics)
        return f"{question.rstrip(' ?')} ({pointed})?" if pointed else question

    if _BARE_WHY.match(question):
        claim = re.split(r"(?<=[.!?])\s", last_answer.strip(), maxsplit=1)[0] if last_answer else last_user
        return f"{question.rstrip('?').strip()}: {claim}".strip()

    what_about = _WHAT_ABOUT.match(question)
    if what_about:
        topic = (what_about.group("topic") or what_about.group("topic2") or "").strip()
        # "og fra kommunene?" is about the earlier question only in place of its "fra …" phrase
        if not _FROM.match(topic) or _parallel_phrase(topic, last_user):
            return _what_about(topic, last_user, topics)

    resolved = ordinal or _resolve_noun(question, [last_answer, last_user])
    if resolved != question:  # the noun names what is asked about; keep only where it was
        places = list(dict.fromkeys(n for k, n in topics.find(f"{last_user} {last_answer}") if k in ("region", "body")))
        places = [p for p in places if p.lower() not in resolved.lower()]
        return f"{resolved.rstrip(' ?')} ({', '.join(places)})?" if places else resolved

    # "Hva heter organet …?" — "Politisk samarbeidsutvalg (PSU)" — "hvem er observatører
    # der?": the body the answer named is what "der" points at
    if _ASKS_IDENTITY.search(last_user[:MAX_RESOLVE_CHARS]):
        named = [n for k, n in topics.find(last_answer) if k == "body" and n.lower() not in last_user.lower()]
        if named:  # with the body's own region as the conversation named it
            said = [n for k, n in topics.find(f"{last_user} {last_answer}") if k == "region"]
            own = [n for n in said if topics.key(n) and topics.key(n) == topics.key(named[0])]
            return f"{question.rstrip('?').strip()} ({', '.join([named[0], *own[:1]])})?"

    # "Hvem sitter der?": the question, with what the conversation was about: the
    # earlier question's own words, and the bodies, regions or documents it or the
    # answer named.
    anchors = [name for _, name in topics.find(last_user)] or [name for _, name in topics.find(last_answer)]
    context = " ".join(_stripped(last_user).split())
    asked_regions = {topics.key(name) for kind, name in topics.find(question) if kind == "region"} - {""}
    if asked_regions:  # "og hva sa Telemark om KS?" after St. Olav's: the other region is not asked about
        context = _without_regions(context, asked_regions, topics)
        anchors = [a for a in anchors if topics.kind(a) != "region" or topics.key(a) in asked_regions]
    extra = [a for a in anchors if a.lower() not in context.lower()]
    parts = [p for p in (context, ", ".join(extra)) if p]
    if not parts:
        return question
    return f"{question.rstrip('?').strip()} ({'; '.join(parts)})?"


# "den andre regionen", "det andre helsefellesskapet", "i det andre fylket": the region
# the conversation was not about, when the corpus has two
_OTHER_PLACE = re.compile(r"\b(?:den|det|dei|de)\s+andre\s+(?P<noun>[^\W\d_]{4,30})", re.IGNORECASE)
_PLACE_NOUNS = ("region", "område", "samarbeid", "fellesskap", "fylke", "sted", "stad")


def _other_region(question: str, conversation: str, topics: Topics) -> str:
    """``question`` with "den andre regionen" replaced by the name of the one region the
    conversation did not name, or unchanged."""
    match = _OTHER_PLACE.search(question[:MAX_RESOLVE_CHARS])
    if match is None or len(topics.region_names) != 2:
        return question
    noun = match.group("noun").lower()
    # the corpus's own word for a community, in any form ("helsefellesskapet" -> "helsefellesskap")
    community = tuple(word[:-2] if len(word) > 6 else word for word in topics.community_words)
    if not noun.startswith((*_PLACE_NOUNS, *community)):
        return question
    talked = {topics.key(name) for kind, name in topics.find(conversation[:MAX_RESOLVE_CHARS]) if kind != "document"}
    others = [name for name in topics.region_names if topics.key(name) not in talked]
    if len(others) != 1 or len(talked & {topics.key(name) for name in topics.region_names}) != 1:
        return question
    return f"{question[: match.start()]}{others[0]}{question[match.end() :]}"


def _without_regions(text: str, keep: set[str], topics: Topics) -> str:
    """``text`` without the names of regions other than ``keep`` ("sier St. Olav-innspillet
    om …" -> "sier innspillet om …")."""
    for kind, name in topics.find(text):
        if kind == "region" and topics.key(name) not in keep:
            text = re.sub(rf"(?<!\w){re.escape(name)}-?", "", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def _counterpart(question: str, conversation: str, topics: Topics) -> str:
    """What the body the conversation was about is called in the one region a question
    asks of "the corresponding" thing ("tilsvarende nivå i Trøndelag"), or ""."""
    if not _CORRESPONDING.search(question[:MAX_RESOLVE_CHARS]):
        return ""
    named = topics.find(question)
    regions = {topics.key(name) for kind, name in named if kind == "region"} - {""}
    if len(regions) != 1 or any(kind == "body" for kind, _ in named):
        return ""
    region = next(iter(regions))
    for kind, name in topics.find(conversation[:MAX_RESOLVE_CHARS]):
        if kind == "body" and topics.key(name) not in ("", region):
            there = topics.in_region(name, region)
            if there != name:
                return there
    return ""


# "tilsvarende", "hva tilsvarer det", "det samme organet", "organet på samme nivå": the
# counterpart of what the conversation named
_CORRESPONDING = re.compile(
    r"\b(?:tilsvar\w{0,4}|motsvar\w{0,4}|samsvarende|svarer til|svarar til|det samme|den samme|same|"
    r"samme nivå\w{0,2})\b",
    re.IGNORECASE,
)


def _pointed_region(question: str, conversation: str, topics: Topics) -> str:
    """The place the conversation was about, when a question points there ("der",
    "deres") without naming a region of its own: the body it named ("Hvem sitter i SSU
    …?" — "er NAV med der også?"), unless the question names a body itself ("Hvem sitter i
    sekretariatet der?"), then the region."""
    named = topics.find(question)
    if not _THERE.search(question[:MAX_RESOLVE_CHARS]) or any(k == "region" for k, _ in named):
        return ""
    talked = topics.find(conversation[:MAX_RESOLVE_CHARS])
    bodies = [name for kind, name in talked if kind == "body"]
    if bodies and not any(k == "body" for k, _ in named):
        return bodies[0]
    regions = [name for kind, name in talked if kind == "region"]
    return regions[0] if regions else ""


# "der", "deres", "hos dem": the place the conversation is about (not "der som", a clause)
_THERE = re.compile(r"\b(?:der|dit|deres|deira|hos dem|hos dei)\b(?!\s+(?:som|det|de|dei)\b)", re.IGNORECASE)
# "Hva heter organet …?", "Hvilket utvalg …?": a question whose answer names the topic
_ASKS_IDENTITY = re.compile(
    r"^\s*(?:og\s+)?(?:(?:hva|kva) (?:heter|heiter|kalles|kallast)|(?:hvilket|hvilken|hvilke|kva for)\s+"
    r"(?:\w+\s+)?(?:organ|utvalg|utval|råd|forum|gruppe|nivå))",
    re.IGNORECASE,
)
_DEFINITE_NOUN = re.compile(
    r"\b(?:det|den|dette|denne|disse|desse|de|dei)\s+(?P<noun>\w{3,40}?(?:et|en|a|ene|ane|ne))\b", re.IGNORECASE
)
# "den gruppa", "det utvalget", "denne ordningen": a demonstrative pointing at a definite noun
_POINTED_NOUN = re.compile(r"\b(?:den|det|denne|dette|disse|desse)\s+\w{3,40}?(?:et|en|a|ene|ane)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w-]{2,60}")
_COMPLEMENT = re.compile(r"\s+(?:for|om|av|i|til|med|mot)(?:\s+[^\W\d_][\w-]{0,40}){1,3}")


def _resolve_noun(question: str, earlier: Sequence[str]) -> str:
    """ "Hvem står bak det nettverket?" after an answer that named "Læringsnettverk for
    gode pasientforløp": the definite noun replaced by the earlier compound it is the
    head of, with its complement ("for gode pasientforløp")."""
    match = _DEFINITE_NOUN.search(question[:MAX_RESOLVE_CHARS])
    if not match:
        return question
    head = tokenize(match.group("noun"))
    if len(head) != 1 or len(head[0]) < 4:
        return question
    for text in earlier:
        text = text[:MAX_RESOLVE_CHARS]
        for word in _WORD.finditer(text):
            stems = tokenize(word.group())
            if len(stems) == 1 and stems[0].endswith(head[0]) and len(stems[0]) > len(head[0]):
                complement = _COMPLEMENT.match(text, word.end())
                phrase = word.group() + (complement.group() if complement else "")
                return question[: match.start()] + phrase + question[match.end() :]
    return question


# "det siste av dem", "den første", "den siste gruppen": one item of the list just given
_ORDINAL = re.compile(
    r"\b(?:(?:den|det|dei|de)\s+(?P<ord>første|fyrste|siste|sistnevnte|førstnevnte|tredje|fjerde|femte)|"
    r"(?:den|det)\s+(?P<second>andre))"
    r"(?:\s+(?P<noun>(?!(?:av|om|i|på|for|til|med|er|var|som|da|nå|der|og|så)\b)[a-zæøå]{2,30}))?"
    r"(?:\s+av\s+(?:dem|dei|de|disse|desse))?\b",
    re.IGNORECASE,
)
_ORDINAL_INDEX = {"første": 0, "fyrste": 0, "førstnevnte": 0, "andre": 1, "tredje": 2, "fjerde": 3, "femte": 4}
_ITEM_SPLIT = re.compile(r",\s+|;\s+|\n+\s*(?:[-•·*]\s+)?")
_JOINER = re.compile(r"\s+(?:og|eller|samt)\s+")
_BRACKETED = re.compile(r"\(([^()]{1,2000})\)")
# "De fire prioriterte gruppene er …": the words that lead into a list, up to its verb
_LEAD_IN = re.compile(r"^[^,:]{0,120}?\s(?:er|var|blir|heter|heiter)\s+", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ«\d])")


def _enumeration(answer: str) -> list[str]:
    """The items of the first list an answer gives ("… fire pasientgrupper: barn og unge,
    …, skrøpelige eldre og personer med flere kroniske lidelser"): the part in brackets or
    after a colon (else the sentence, after its "… er") split at commas, with the last part
    split at its last "og"."""
    sentences = _SENTENCE.split(answer[:MAX_RESOLVE_CHARS].strip())
    ordered = [s for s in sentences if ":" in s or _bracketed_list(s)]
    ordered += [s for s in sentences if s not in ordered]
    for sentence in ordered:
        bracketed = _bracketed_list(sentence)  # "De fire pasientgruppene (barn og unge, …)"
        if bracketed:
            segment = bracketed
        elif ":" in sentence:
            segment = sentence.split(":", 1)[1]
        else:  # "De fire prioriterte gruppene er barn og unge, …": the list after its lead-in
            segment = _LEAD_IN.sub("", sentence, count=1)
        parts = [p.strip(" .!?") for p in _ITEM_SPLIT.split(segment.strip()) if p.strip(" .!?")]
        joiners = list(_JOINER.finditer(parts[-1])) if parts else []
        if joiners:  # "… skrøpelige eldre og personer med flere kroniske lidelser": the last "og"
            last, cut = parts[-1], joiners[-1]
            parts[-1:] = [last[: cut.start()].strip(" .!?"), last[cut.end() :].strip(" .!?")]
        if len(parts) >= 2:
            return parts
    return []


def _bracketed_list(sentence: str) -> str:
    """The first part in brackets that lists things (holds a comma), or ""."""
    return next((m.group(1) for m in _BRACKETED.finditer(sentence) if "," in m.group(1)), "")


def _named_items(head: str, answer: str) -> list[str]:
    """The things of one kind an answer names, in order: "todelt med en dialogdel og en
    administrativ del" holds two of kind "del" ("dialogdel", "administrativ del"); [] when
    it names fewer than two."""
    words = re.findall(r"[\w-]+", answer[:MAX_RESOLVE_CHARS])
    items: list[str] = []
    for index, word in enumerate(words):
        stems = tokenize(word)
        if len(stems) != 1 or not stems[0].endswith(head) or len(word) < len(head):
            continue
        if stems[0] == head and index and tokenize(words[index - 1]):
            word = f"{words[index - 1]} {word}"  # "administrativ del": the bare noun with its adjective
        if word.lower() not in (i.lower() for i in items):
            items.append(word)
    return items if len(items) >= 2 else []


def _ordinal_item(question: str, last_answer: str, last_user: str = "") -> str:
    """ "hva står det om det siste av dem?" after an answer that listed eight areas: the
    ordinal phrase replaced by that item of the list, or "" when there is none. A noun
    after the ordinal ("den siste gruppen") must be one the conversation used
    ("pasientgrupper"): "den første uka" is no item of a list."""
    match = _ORDINAL.search(question[:MAX_RESOLVE_CHARS])
    if match is None or not last_answer:
        return ""
    items: list[str] = []
    if match.group("noun"):
        head = tokenize(match.group("noun"))
        earlier = tokenize(f"{last_user} {last_answer}"[:MAX_RESOLVE_CHARS])
        if len(head) != 1 or not any(stem.endswith(head[0]) for stem in earlier):
            return ""
        items = _named_items(head[0], last_answer)
    items = items or _enumeration(last_answer)
    word = (match.group("ord") or match.group("second") or "").lower()
    index = len(items) - 1 if word.startswith("sist") else _ORDINAL_INDEX.get(word, len(items))
    if not 0 <= index < len(items):
        return ""
    return f"{question[: match.start()]}{items[index]}{question[match.end() :]}"


_QUESTION_WORDS = re.compile(
    r"^\s*(?:og\s+)?(?:hva|kva|hvem|kven|hvor|kor|hvordan|korleis|hvorfor|kvifor|når|hvilke|hvilken|hvilket|"
    r"kva for|er|har|kan|skal|må)\b\s*",
    re.IGNORECASE,
)


def _stripped(question: str) -> str:
    """A question without its question word and mark: the topic it was about."""
    return _QUESTION_WORDS.sub("", question).strip(" ?")


def _what_about(topic: str, previous: str, topics: Topics) -> str:
    """ "Og i Trøndelag?" / "Hva med FSU?": the previous question, asked of the new topic."""
    parts = _OWN_QUESTION.split(topic, maxsplit=1)
    if len(parts) == 2 and _QUESTION_WORDS.match(parts[1]) and topics.find(parts[0]):
        # "hva med i Trøndelag – hvilken gruppe ser de en særlig utfordring for?": its own question, there
        return f"{parts[1].strip().rstrip(' ?')} {parts[0].strip()}?"
    new = topics.find(topic)
    old = topics.find(previous)
    if previous and new:
        kind, name = new[0]
        same_kind = [value for k, value in old if k == kind or {k, kind} <= {"body", "term"}]
        region = topics.key(name) if kind == "region" else ""
        if same_kind:  # replace the earlier body (region, document) by the new one
            pattern = re.compile(rf"(?<!\w){re.escape(same_kind[0])}(?!\w)", re.IGNORECASE)
            asked = pattern.sub(lambda _: name, previous, count=1)
            # "Og hva med ASU i Trøndelag?": the region named with it replaces the earlier one too
            places = [n for k, n in new[1:] if k == "region"]
            earlier = [v for k, v in old if k == "region" and v.lower() != name.lower()]
            if places and earlier and topics.key(places[0]) != topics.key(earlier[0]):
                pattern = re.compile(rf"(?<!\w){re.escape(earlier[0])}(?!\w)", re.IGNORECASE)
                asked = pattern.sub(lambda _: places[0], asked, count=1)
            return topics.in_region(asked, region) if region else asked
        if kind == "region":  # the earlier question named no region: ask it of this one
            return f"{topics.in_region(previous, region).rstrip(' ?')} i {name}?"
    swapped = _parallel_phrase(topic, previous) if previous and not new else ""
    if swapped:  # "og fra kommunenes side?" after "Hvem sitter i SSU fra sykehusets side?"
        return swapped
    parallel = _parallel_noun(topic, previous, topics) if previous and not new else None
    if parallel is not None:  # "og mulighetene?" after "Hva er de største utfordringene …?"
        asked = f"{previous[: parallel.start()]}{topic.strip(' ?')}{previous[parallel.end() :]}".rstrip(" ?")
        return f"{topic.strip(' ?')} ({asked})?"  # the new noun is what to pick; the rest says where
    trailing = _TRAILING_TOPIC.match(previous) if previous and not new else None
    if trailing is not None and _SUBJECT_PREPOSITION.match(topic):
        # "og for dem med flere kroniske lidelser?" after "… om skrøpelige eldre?": the new
        # subject takes the old one's place
        return f"{trailing.group('head')} {_SUBJECT_PREPOSITION.sub('', topic).strip(' ?')}?"
    if previous and not new and _PREPOSITION.match(topic) is None and len(topic.split()) <= 6:
        # "Hva med barn og unge?" after a question about the strategy: keep its context
        context = [value for _, value in old if value.lower() not in topic.lower()]
        return f"{topic} {' '.join(context)}".strip() + "?"
    return f"{previous.rstrip(' ?')} ({topic})?" if previous else f"{topic}?"


_DEFINITE_ENDINGS = ("ene", "ane", "en", "et", "a")
_FROM = re.compile(r"(?:fra|frå)\s", re.IGNORECASE)
_PHRASE_PREPOSITIONS = frozenset({"fra", "frå", "for", "på", "hos", "i", "om"})


def _parallel_phrase(topic: str, previous: str) -> str:
    """The previous question with its phrase of the same shape as ``topic`` (the same
    preposition and last word) replaced: "fra kommunenes side" takes the place of "fra
    sykehusets side"; "" when the previous question has none."""
    words = topic.strip(" ?").split()
    if not 2 <= len(words) <= 5 or words[0].lower() not in _PHRASE_PREPOSITIONS or len(words[-1]) < 3:
        return ""
    if len(words) == 2 and not _FROM.match(topic):  # "og for eldre?": the subject may be longer than a word
        return ""
    # "fra kommunene" takes the place of "fra sykehuset"; "fra kommunenes side" of "fra … side"
    tail = r"[\w-]+" if len(words) == 2 else rf"(?:\S+\s+){{0,3}}?{re.escape(words[-1])}"
    pattern = re.compile(rf"(?<!\w){re.escape(words[0])}\s+{tail}(?!\w)", re.IGNORECASE)
    match = pattern.search(previous[:MAX_RESOLVE_CHARS])
    if match is None or match.group(0).lower() == " ".join(words).lower():
        return ""
    return f"{previous[: match.start()]}{' '.join(words)}{previous[match.end() :]}"


def _parallel_noun(topic: str, previous: str, topics: Topics) -> re.Match[str] | None:
    """In "og mulighetene?" after "Hva er de største utfordringene …?", the earlier noun in
    the same definite form ("utfordringene") that the new one takes the place of."""
    word = topic.strip(" ?").lower()
    ending = next((e for e in _DEFINITE_ENDINGS if word.endswith(e)), "")
    if not ending or " " in word or len(word) < 6 or not word.isalpha():
        return None
    names = {name.lower() for _, name in topics.find(previous)}
    for match in re.finditer(r"\b[a-zæøå]{6,40}\b", previous[:MAX_RESOLVE_CHARS]):
        other = match.group(0)
        if other.endswith(ending) and other != word and other not in names and other not in stopwords():
            return match
    return None
