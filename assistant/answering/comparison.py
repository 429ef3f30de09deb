"""Comparison questions: "Hva er forskjellen mellom PSU i Trøndelag og SSU i Telemark?"

A comparison names two (or more) things of one kind — regions, bodies or documents —
and asks about them together. Each side is searched and answered on its own (a region
side is filtered to that region, a document side to that document), so the answer
holds both sides, each cited, and says so when the documents are silent on one.
The names come from corpus data through ``Topics``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from assistant.answering.demands import NEXT_SENTENCE
from assistant.answering.followup import Topics, name_pattern, noun_stem
from indexer.analysis import MONTHS, tokenize

_CUE = re.compile(
    r"\b(?:forskjell\w{0,4}|skilnad\w{0,4}|ulikhet\w{0,4}|likhet\w{0,4}|sammenlign\w{0,6}|samanlikn\w{0,6}|"
    r"sammenlikn\w{0,6}|skiller|skil seg|skiljer|versus|vs|kontra|motsetning|annerledes|differ\w{0,6}|"
    r"compare\w{0,2}|difference\w{0,2})\b|\bbåde\b.{1,80}\bog\b|\bhver for seg\b|\bhenholdsvis\b|"
    # "oftere enn SSU", "Hvem møtes oftest, SSU eller FSU?": a comparative, or a superlative between
    # alternatives ("Hvilket FSU får oftest gjennomslag i SSU?" ranks the FSU, it compares no sides)
    r"\benn\b|\b(?:oftest|sjeldnest|flest|færrest|størst|minst|mest)\b(?=[^?]{0,120}\beller\b)|"
    r"\beller\b[^?]{0,120}\b(?:oftest|sjeldnest|flest|færrest|størst|minst|mest)\b|"
    r"\b(?:fordelt|fordelast|fordeles|fordeling\w{0,2}|ansvarsfordeling\w{0,2}|arbeidsdeling\w{0,2}|"
    r"forhold\w{0,3})\s+mellom\b",
    re.IGNORECASE,
)
# "Hva gjør SSU, og hvem sitter i FSU?": two questions in one, one per side.
_TWO_CLAUSES = re.compile(
    r",?\s+og\s+(?:hva|kva|hvem|kven|hvilke|hvilken|hvor|kor|hvordan|korleis|når)\b", re.IGNORECASE
)
# A clause that points back ("og hva tilsvarer det i …", "og hvordan er det der?") asks
# the first clause's question of its own side: it has no subject of its own.
_POINTS_BACK = re.compile(r"\b(?:det|den|dette|denne|dei|tilsvar\w{0,4}|samme|same|sånn|slik)\b", re.IGNORECASE)
# "… og hva tilsvarer det i Trøndelag?": the other side is asked for its counterpart of
# the body the first side's answer names.
_EQUIVALENT = re.compile(
    r"\b(?:tilsvar\w{0,6}|motstykke\w{0,3}|motsvar\w{0,6}|samme nivå|same nivå|equivalent|counterpart)\b",
    re.IGNORECASE,
)
# Nouns that say "a health community" without naming one ("begge regionene", "Telemark-samarbeidet")
_COMMUNITY_NOUNS = ("region", "område", "samarbeid")
_AFTER_NAME = (*_COMMUNITY_NOUNS, "fellesskap")  # "St. Olav-fellesskapet": no more than the name
_CLAUSE_SPLIT = re.compile(
    r",?\s+og\s+(?=(?:hva|kva|hvem|kven|hvilke|hvilken|hvor|kor|hvordan|korleis|når)\b)", re.IGNORECASE
)
_MONTHS = "(?:" + "|".join(MONTHS) + ")"
_PREDICATE = re.compile(r"\b(?:en|et|ei|eit|ein)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
# "X sammenlignet med Y": what follows the cue up to the other side is that side's wording.
_VERSUS = re.compile(
    r"\b(?:sammenlign\w{0,4}|sammenlikn\w{0,4}|samanlikn\w{0,4}|kontra|versus|i motsetning til)\s+(?:med\s+)?"
)
# Phrases that only say "compare": dropped from each side's own question.
_CUE_PHRASE = re.compile(
    r"\b(?:hva|kva|hvilke|kva for)\s+(?:er|var)\s+(?:de\s+|dei\s+)?(?:viktigste\s+)?"
    r"(?:forskjell\w{0,4}|skilnad\w{0,4}|ulikhet\w{0,4}|likhet\w{0,4})\s*(?:på|mellom|i)?|"
    r"\b(?:forskjell\w{0,4}|skilnad\w{0,4}|ulikhet\w{0,4})\s+(?:på|mellom)|"
    r"\b(?:sammenlign\w{0,4}|samanlikn\w{0,4}|sammenlikn\w{0,4})(?:\s+med)?|\bskil(?:ler|jer)?\s+seg(?:\s+fra|\s+frå)?|"
    r"\bi motsetning til|\bversus\b|\bvs\.?|\bkontra\b|\bbåde\b|\bhenholdsvis\b|\bhver for seg\b|"
    r"\b(?:fordelt|fordelast|fordeles)\s+mellom\b",
    re.IGNORECASE,
)


# "hva SSU gjør": an indirect question's order, asked directly ("Hva gjør SSU")
_INDIRECT = re.compile(
    r"^(?P<wh>hva|kva|hvem|kven|hvordan|korleis)\s+(?P<subject>(?:[\w.-]+\s+){0,4}?[\w.-]+)\s+"
    r"(?P<verb>gjør|gjer|betyr|tyder|bestemmer|avgjør|vedtar|jobber|arbeider)\b(?P<rest>[^?]*)$",
    re.IGNORECASE,
)
# "Er det flere FSU i Telemark enn fagråd rundt St. Olav?", "Hvem har flest medlemmer, …": a count of each
_MORE_OF = re.compile(
    r"\b(?:flere|fleire|færre|flest|fleirast|færrest|(?:hvor|kor|like) mange)\s+(?P<noun>[^\W\d_][\w-]{1,40})",
    re.IGNORECASE,
)
_NO_NOUN = frozenset({"enn", "av", "i", "som", "og", "eller", "med", "på", "hos", "ved"})


@dataclass(frozen=True)
class Side:
    kind: str  # "region" | "body" | "document" | "term" | "section"
    name: str  # as written in the question


def comparison_sides(question: str, topics: Topics) -> list[Side]:
    """The sides of a comparison question (two or more of one kind), or [] when the
    question compares nothing."""
    found = [(k, name) for k, name in topics.find(question) if k != "document" or not is_predicate(question, name)]
    every = _every_region(topics)
    if every is not None and every.search(question) and not any(kind == "region" for kind, _ in found):
        return [Side("region", name) for name in topics.region_names]  # "de to helsefellesskapene": each region
    if len(found) < 2:
        return []
    by_kind: dict[str, list[str]] = {}
    for kind, name in found:
        key = "body" if kind in ("body", "term") else kind
        by_kind.setdefault(key, []).append(name)
    cue = bool(_CUE.search(question)) or bool(_TWO_CLAUSES.search(question))
    candidates = [
        (kind, names)
        for kind in ("body", "document", "region")
        if len(names := _distinct(by_kind.get(kind, []), topics)) >= 2 and (cue or kind in ("region", "document"))
    ]
    if len(candidates) > 1:
        # "Hvem er observatører i SSU i Telemark, og hvem har status i PSU og ASU i Trøndelag?":
        # two clauses, one per region; the kind whose names fall one to a clause is the sides'
        clauses = _clauses(question)
        chosen = next((c for c in candidates if _one_per_clause(c[0], clauses, topics)), None)
        if chosen is not None:
            candidates = [chosen]
    if not candidates:
        return []
    kind, names = candidates[0]
    return [Side(kind, name) for name in names[:3]]


def _clauses(question: str) -> list[str]:
    """The clauses of a question: split before "og hva/hvem …" and between sentences."""
    return [c for part in _CLAUSE_SPLIT.split(question) for c in NEXT_SENTENCE.split(part) if c.strip()]


def _one_per_clause(kind: str, clauses: list[str], topics: Topics) -> bool:
    """Does each of two or more clauses name one thing of ``kind``, each a different one?"""
    if len(clauses) < 2:
        return False
    named: list[str] = []
    for clause in clauses:
        found = _distinct(
            [name for k, name in topics.find(clause) if ("body" if k in ("body", "term") else k) == kind], topics
        )
        if len(found) != 1 or any(topics.same(found[0], other) for other in named):
            return False
        named.append(found[0])
    return True


def _heading_pattern(heading: str) -> str:
    """A heading in any inflection: its adjectives, and its noun from its stem
    ("Kjerneverdier": "kjerneverdiene")."""
    return rf"(?<!\w){name_pattern(noun_stem(heading.lower()))}\w{{0,4}}(?!\w)"


def names_heading(written: str, heading: str) -> bool:
    """Does ``written`` ("den administrative delen") name the section ``heading`` ("Administrativ del")?"""
    return re.search(_heading_pattern(heading), written, re.IGNORECASE) is not None


def heading_sides(question: str, headings: Collection[str], topics: Topics) -> list[Side]:
    """ "Hva er forskjellen på dialogdelen og den administrative delen?": section headings
    of the documents that a comparison names (as written, in any inflection), each a side;
    [] unless two or more are named."""
    if not (_CUE.search(question) or _TWO_CLAUSES.search(question)):
        return []
    found: dict[int, str] = {}
    for heading in sorted(headings, key=len, reverse=True):
        match = re.search(_heading_pattern(heading), question, re.IGNORECASE)
        if match is None or topics.find(match.group(0)):  # a body or a place is a side of its own kind
            continue
        if not any(start <= match.start() < start + len(text) for start, text in found.items()):
            found[match.start()] = match.group(0)
    names = [found[start] for start in sorted(found)]
    return [Side("section", name) for name in names[:3]] if len(names) >= 2 else []


def is_predicate(question: str, name: str) -> bool:
    """ "Er notatet … en gjeldende retningslinje?": a document kind after an indefinite
    article is what the document is compared with, not a document asked about."""
    start = question.lower().find(name.lower())
    return start > 0 and _PREDICATE.search(question[:start]) is not None


def _every_region(topics: Topics) -> re.Pattern[str] | None:
    """ "de to helsefellesskapene", "begge regionene": every region of the corpus, when it
    has two or more (the word for a community comes from the regions' names)."""
    if len(topics.region_names) < 2:
        return None
    stems = {word[:-2] if word.endswith(("et", "en")) else word for word in topics.community_words}
    words = "|".join(re.escape(stem) for stem in sorted({*stems, *_COMMUNITY_NOUNS}))
    return re.compile(rf"(?:\b(?:i|for|hos|fra)\s+)?\b(?:(?:de|dei) to|begge|båe)\s+(?:{words})\w{{0,5}}\b", re.I)


def _distinct(names: list[str], topics: Topics) -> list[str]:
    """Drop names that are another name's abbreviation or expansion ("SSU" and
    "strategisk samarbeidsutvalg" are one side) or name the same document or region
    ("Retningslinje 1" and "retningslinjene", when there is one guideline)."""
    out: list[str] = []
    for name in names:
        key = topics.key(name) if topics.kind(name) in ("document", "region") else ""  # a body's key is its region
        if not any(topics.same(name, other) or (key and key == topics.key(other)) for other in out):
            out.append(name)
    return out


def side_question(question: str, side: Side, sides: list[Side], topics: Topics | None = None) -> str:
    """The question asked of one side. In "Hvem sitter i SSU, og hva gjør FSU?" each side
    gets its own clause. Otherwise every side's mention goes, with the comparison words
    and what joined them ("… i Telemark sammenlignet med helsefellesskapet rundt St. Olavs"),
    and the side is named at the end: each side is asked the same question. A question
    left with nothing to ask becomes "Hva er <side>?"."""
    topics = topics or Topics()
    more = _MORE_OF.search(question)
    if more and side.kind == "body":  # how many each side has, or how many of what
        noun = more.group("noun")
        if noun.lower() in _NO_NOUN or any(other.name.lower().startswith(noun.lower()) for other in sides):
            return f"Hvor mange {side.name} er det?"
        if not more.group(0).lower().startswith(("hvor", "kor")):  # "Hvor mange møter har …" stays as asked
            return f"Hvor mange {noun} har {side.name}?"
    # "Telemark-retningslinjen beskriver … . Hvordan stemmer det med det St. Olav forteller …?":
    # each sentence is a clause too
    clauses = _clauses(question)
    own = [c for c in clauses if _names(c, side.name)]
    if (
        len(clauses) > 1
        and len(own) == 1
        and not any(_names(own[0], other.name) for other in sides if other is not side)
        and not (own[0] is not clauses[0] and _points_back(own[0], sides, topics))
    ):
        clause = " ".join(_CUE_PHRASE.sub(" ", own[0]).split()).strip(" ,?")  # "Hva er forskjellen på hva SSU gjør"
        indirect = _INDIRECT.match(clause)
        if indirect:
            clause = f"{indirect['wh']} {indirect['verb']} {indirect['subject']}{indirect['rest']}"
        clause = clause[:1].upper() + clause[1:]
        others = [_CUE_PHRASE.sub(" ", c) for c in clauses if c is not own[0]]
        shared = _shared_topic(others, clause, sides, topics)
        return f"{clause} ({shared})?" if shared else f"{clause}?"
    back = [c for c in clauses[1:] if _points_back(c, sides, topics) and any(_names(c, other.name) for other in sides)]
    text = clauses[0] if back and len(clauses) == 2 else question  # "og hva tilsvarer det i X"
    community = "|".join(re.escape(word) for word in topics.community_words)
    # "helsefellesskapet i Telemark", "fellesskapet rundt St. Olav": words that only lead in to a name
    around = r"[^\W\d_]{3,30}\s+(?:rundt|kring|ved)\s+"
    lead_in = rf"(?:(?:{community})\w{{0,3}}\s+(?:rundt|i|ved|mellom)\s+|{around})?" if community else f"(?:{around})?"
    # "… i Telemark sammenlignet med antall fagråd rundt St. Olavs": the words after the cue are the
    # later side's own; its question keeps them, the others' drop them
    for other in (other for other in sides if other is not side):
        text = re.sub(
            rf"(?:,\s*)?{_VERSUS.pattern}(?:[\w.-]+\s+){{0,6}}?{lead_in}(?<!\w){re.escape(other.name)}(?:-\w+)?(?!\w)",
            " ",
            text,
            flags=re.IGNORECASE,
        )
    text = _CUE_PHRASE.sub(" ", text)
    every = _every_region(topics)
    if every is not None:  # "… i de to helsefellesskapene": each side is one of them
        text = every.sub(" ", text)
    for other in sides:
        text = re.sub(
            rf"(?:\s+(?:og|eller|enn))?(?:\s+(?:det\s+)?(?:i|fra|frå|rundt|ved))?(?:\s+(?:hvert?|hele|alle))?\s*{lead_in}"
            rf"(?<!\w){re.escape(other.name)}(?:-(?P<rest>\w+))?(?!\w)",
            lambda match: f" {_own_rest(match.group('rest'), topics)} ",  # "Telemark-strategien" -> "strategien"
            text,
            flags=re.IGNORECASE,
        )
    if side.kind == "body":  # "SSU i Telemark sammenlignet med ASU i Trøndelag": each body in its own region
        own_region = topics.key(side.name)
        elsewhere = {topics.key(o.name) for o in sides if o is not side and o.kind == "body"} - {own_region, ""}
        for kind, name in topics.find(text):
            if kind == "region" and topics.key(name) in elsewhere:
                text = re.sub(
                    rf"(?:\s+(?:i|fra|frå|rundt|ved|hos))?\s*{lead_in}(?<!\w){re.escape(name)}(?:-\w+)?(?!\w)",
                    " ",
                    text,
                    flags=re.IGNORECASE,
                )
    text = re.sub(r"\s+([,?.])", r"\1", " ".join(text.split())).strip(" ,?–-")
    rest = text
    for _, name in topics.find(text):  # names say whom or where; the rest says what is asked
        rest = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", rest)
    if not [w for w in re.findall(r"\w+", rest) if len(w) > 3]:
        return f"Hva er {side.name}?"
    if side.kind == "region" and topics.key(side.name):  # "SSU" asked of St. Olavs is "ASU"
        text = topics.in_region(text, topics.key(side.name))
    # "rollen til FSU og SSU i Telemark": the side goes back where a preposition lost its noun
    dangling = _DANGLING.search(text)
    if dangling:
        return f"{text[: dangling.end(1)]} {side.name}{text[dangling.end(1) :]}?"
    return f"{text} {side.name}?"


# A preposition whose noun was taken out: another preposition or the end follows it
_DANGLING = re.compile(
    r"\b(?:rollen|rolla|oppgavene|oppgåvene|ansvaret|mandatet|sammensetningen|samansetjinga|leder|leiar|lederen|"
    r"leiaren|medlemmene|møtene|møta)\s+(til|for|av|i|hos|på)(?=\s+(?:i|på|ved|rundt|innen|innan)\b|$)",
    re.IGNORECASE,
)


def _own_rest(rest: str | None, topics: Topics) -> str:
    """What follows a side's name after a hyphen, when it says more than "the community":
    "Telemark-strategien" keeps "strategien", "St. Olav-fellesskapet" and
    "Telemark-samarbeidet" keep nothing."""
    if not rest:
        return ""
    word = rest.lower()
    if word.startswith(_AFTER_NAME) or any(len(word) >= 6 and c.endswith(word) for c in topics.community_words):
        return ""
    return rest


def _points_back(clause: str, sides: list[Side], topics: Topics) -> bool:
    """Does a later clause ask the first clause's question of its own side ("og hvem har
    den i Trøndelag?", "og hvor mange har St. Olav?")? A pointer word alone does not say
    so: a clause with three or more words of its own ("hva forteller notatet om hvordan
    det opprinnelig var organisert") asks its own question."""
    pointer = bool(_POINTS_BACK.search(clause))
    text = clause
    # a body the clause names is a subject of its own ("og hvor mange fagråd har St. Olav?")
    places = [name for kind, name in topics.find(clause) if kind != "body"]
    for name in [side.name for side in sides] + places:
        text = re.sub(rf"(?<!\w){re.escape(name)}(?:-\w+)?(?!\w)", " ", text, flags=re.IGNORECASE)
    # "og hvor mange har helsefellesskapet rundt St. Olav?": without a pointer word, the words
    # for a community only lead in to a name ("og hvordan er det satt sammen i helsefellesskapet
    # rundt …" asks its own question of what "det" points at)
    community = set() if pointer else set(tokenize(" ".join(topics.community_words))) | {"rund", "kring"}
    own = [
        word
        for word in re.findall(r"\w+", text)
        if tokenize(word) and not _POINTS_BACK.fullmatch(word) and not set(tokenize(word)) <= community
    ]
    return len(own) < (3 if pointer else 1)  # "og hvor mange har St. Olav?" asks the first question too


def _shared_topic(others: list[str], own: str, sides: list[Side], topics: Topics) -> str:
    """What the other clauses ask about that this side's own clause does not say
    ("Hvordan er brukerne med i Telemark, og hva sier St. Olav om brukermedvirkningen?":
    "brukermedvirkningen"): a comparison asks both sides about one topic. Without the
    sides' names, the names of bodies and regions, and the words for a health community."""
    have = set(tokenize(own)) | set(tokenize(" ".join(topics.community_words)))
    words: list[str] = []
    for clause in others:
        text = clause
        for name in [side.name for side in sides] + [name for _, name in topics.find(clause)]:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?:-\w+)?(?!\w)", " ", text, flags=re.IGNORECASE)
        for word in re.findall(r"\w{7,40}", text):  # a topic is a noun, most often a long one; a verb is short
            if word[:1].isupper() and not text.lstrip().startswith(word):
                continue  # a name ("Helseplattformen") is its own side's, not the topic both are asked about
            stems = set(tokenize(word))
            if stems and not stems & have:
                have |= stems
                words.append(word)
    return " ".join(words)


def without_document(
    question: str, years: Collection[str], titles: Collection[str] = (), keep: Collection[str] = ()
) -> str:
    """A side's question once the side is filtered to one document (or one kind of one
    region): the document's date ("fra 18. mars 2022", "(2022)"), the words of its title
    and kind ("i innspillene til Nasjonal helse- og sykehusplan") and "de to" chose the
    document and no longer tell its sentences apart. Unchanged when nothing would be
    left to ask. ``keep``: stems that say where, not which document (a region's names)."""
    text = question
    named = set(tokenize(" ".join(titles))) - set(keep)
    if named:  # "i innspillene til Nasjonal helse- og sykehusplan": every passage is about it
        text = _without_title_runs(text, named)
    for year in years:
        day = rf"(?:(?:\d{{1,2}}\.\s*)?{_MONTHS}\s+)?"
        text = re.sub(rf"(?:\b(?:fra|frå|i|av)\s+)?{day}\(?(?<!\d){re.escape(year)}(?!\d)\)?", " ", text)
    text = re.sub(r"\b(?:de|dei)\s+(?:to|begge)\b", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+([,?.])", r"\1", " ".join(text.split())).strip(" ,")
    if len([w for w in re.findall(r"\w+", text) if len(w) > 3]) < 2:
        return question
    return text[:1].upper() + text[1:]


def _without_title_runs(text: str, named: set[str]) -> str:
    """``text`` without each run of two or more title words (with the small words and
    numbers between them) that names the document: "innspillene sine til Nasjonal helse-
    og sykehusplan". A lone title word ("oppgaver") may be what is asked, and stays."""
    words = text.split()
    kinds = []
    for word in words:
        stems = tokenize(word)  # "innspillene": the head of "høringsinnspill"
        # the whole word's stem names the title ("sykehusplanen"), or every part of it does
        title = bool(stems) and (
            stems[0] in named or all(s in named or (len(s) >= 4 and any(n.endswith(s) for n in named)) for s in stems)
        )
        kinds.append("title" if title else "filler" if not stems else "other")
    kept: list[str] = []
    index = 0
    while index < len(words):
        end = index
        if kinds[index] == "title":
            while end < len(words) and kinds[end] != "other":
                end += 1
            if end == len(words) or not words[end][:1].isdigit():  # "i 2022" goes with the date
                while kinds[end - 1] != "title":  # small words after the run stay ("… 2024 om hvordan det")
                    end -= 1
        if sum(1 for kind in kinds[index:end] if kind == "title") >= 2:
            index = end  # the run names the document
            continue
        kept.append(words[index])
        index += 1
    joined = " ".join(kept)
    return f"{joined.rstrip(' ?')}?" if text.rstrip().endswith("?") else joined


def _names(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None


# "Hvem tar den endelige beslutningen, og bør vi si noe om økonomi?": a yes/no question
# after a comma and "og" (its verb first, then who or what it is about) is a part of its own
_YES_NO_CLAUSE = re.compile(
    r",\s+og\s+(?=(?:bør|må|skal|kan|er|var|har|hadde|finnes|fins|blir|ble|gjelder|gjentar|trenger|"
    r"får|fikk|går|gikk)\s+(?:vi|jeg|eg|me|de|dei|den|det|dette|man|ein|en|hun|han|hen|noen|nokon)\b)",
    re.IGNORECASE,
)
# "… hva het de før? og skal det bli flere team?": a second question after a question mark
_NEXT_QUESTION = re.compile(r"\?\s+(?=\S[^?]{8,}\?\s*$)")


def question_parts(question: str, sentences: bool = True) -> list[str]:
    """The questions in "Hvem utnevner leder i et FSU, og hvem skal de representere?":
    two or three clauses that each ask something (a question word, or a yes/no question's
    verb after a comma and "og"), or (``sentences``) two questions one after the other;
    else []."""
    split = _NEXT_QUESTION.split(question) if sentences else [question]
    pieces = [c for part in split for c in _YES_NO_CLAUSE.split(part)]
    clauses = [
        re.sub(r"^og\s+", "", c.strip(" ,?"), flags=re.IGNORECASE)
        for piece in pieces
        for c in _CLAUSE_SPLIT.split(piece)
        if c.strip(" ,?")
    ]
    if not 2 <= len(clauses) <= 3 or any(len(c.split()) < 2 for c in clauses):
        return []
    return [c[:1].upper() + c[1:] + "?" for c in clauses]


def asks_equivalent(question: str) -> bool:
    """Does a comparison ask for the other side's counterpart ("hva tilsvarer det i …")?"""
    return bool(_EQUIVALENT.search(question))
