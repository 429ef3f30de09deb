"""Text analysis shared by the indexer and retrieval.

Documents and questions must always be analysed the same way, so both sides import
this module: Unicode normalisation, the corpus's spelling variants, common Nynorsk
forms, Norwegian stop words and the Snowball Norwegian stemmer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

# Bump when tokenisation changes: the index stores it and is rebuilt on mismatch.
ANALYSIS_VERSION = "10"

# Characters that carry no text: soft hyphen, zero-width space/joiners, BOM, word joiner.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

# Spelling variants found in the corpus itself (Helsefelleskapet, Helefellesskapet,
# helsefellesskapt) all mean "helsefellesskap".
_VARIANTS: list[tuple[re.Pattern[str], str]] = [
    # Swedish and German keyboards ("mötes"): the Norwegian letters
    (re.compile(r"[öÖ]"), "ø"),
    (re.compile(r"[äÄ]"), "æ"),
    (re.compile(r"\bhel(?:s?e)?fel+es+kap", re.IGNORECASE), "helsefellesskap"),
    (re.compile(r"\bhelsefellesskapt\b", re.IGNORECASE), "helsefellesskapet"),
    (re.compile(r"\bsamhandlings?koordinator", re.IGNORECASE), "samhandlingskoordinator"),
    # a consultation reply by its other name ("høringssvaret", "høyringssvaret"): the
    # word a document kind and title use, so the question points at that document
    (re.compile(r"\bhøy?ringssvar", re.IGNORECASE), "høringsinnspill"),
    # Nynorsk "kva for (ein/eit/nokre)" is "hvilken/hvilket/hvilke": a question for a list
    (re.compile(r"\bkva for(?: (?:ein|ei|eit|nokre|noko))?\b", re.IGNORECASE), "hvilke"),
    # chat shorthand: "m/ fastlegene", "pas m sammensatte lidelser", "ordfører el kommunedir?"
    # (not "m.m." or "m.fl.", which the documents write)
    (re.compile(r"\bm/?(?=\s)", re.IGNORECASE), "med"),
    (re.compile(r"\bel(?=\s|[?!,]|$)", re.IGNORECASE), "eller"),
]

# Nynorsk (and a few dialect) forms mapped to the Bokmål the corpus is written in.
NYNORSK: dict[str, str] = {
    "kor": "hvor",
    "kva": "hva",
    "kven": "hvem",
    "korleis": "hvordan",
    "kvifor": "hvorfor",
    "kvar": "hver",
    "kvart": "hvert",
    "ikkje": "ikke",
    "eg": "jeg",
    "dei": "de",
    "møtest": "møtes",
    "møtast": "møtes",
    "utval": "utvalg",
    "utvalet": "utvalget",
    "utvala": "utvalgene",
    "samarbeidsutval": "samarbeidsutvalg",
    "samarbeidsutvalet": "samarbeidsutvalget",
    "samarbeidsutvala": "samarbeidsutvalgene",
    "sjukehus": "sykehus",
    # chat shorthand between patients: "utskrivningsklare pas"
    "pas": "pasienter",
    "sjukehuset": "sykehuset",
    "sjukehusa": "sykehusene",
    "helseføretak": "helseforetak",
    "helseføretaket": "helseforetaket",
    "føretak": "foretak",
    "teneste": "tjeneste",
    "tenesta": "tjenesten",
    "tenester": "tjenester",
    "tenestene": "tjenestene",
    "kommunane": "kommunene",
    "kommunar": "kommuner",
    "kjerneverdiar": "kjerneverdier",
    "brukar": "bruker",
    "brukarar": "brukere",
    "brukarrepresentant": "brukerrepresentant",
    "brukarrepresentantar": "brukerrepresentanter",
    "oppgåve": "oppgave",
    "oppgåver": "oppgaver",
    "oppgåvene": "oppgavene",
    "gongar": "ganger",
    "gong": "gang",
    "årleg": "årlig",
    "fagleg": "faglig",
    "faglege": "faglige",
    "skrøpelege": "skrøpelige",
    "vere": "være",
    "berre": "bare",
    "mykje": "mye",
    "fleire": "flere",
    "heile": "hele",
    "kjem": "kommer",
    "sit": "sitter",
    "sitje": "sitte",
    "setje": "sette",
    "liggje": "ligge",
    "skriv": "skriver",
    "avgjer": "avgjør",
    "vedtek": "vedtar",
    "handsamar": "behandler",
    "handsame": "behandle",
    "deltakarar": "deltakere",
    "deltakar": "deltaker",
    "leiar": "leder",
    "nestleiar": "nestleder",
    "verksemd": "virksomhet",
    "verksemder": "virksomheter",
    "innsatsområda": "innsatsområdene",
    "lækjar": "lege",
    "fastlegar": "fastleger",
    "samansetjing": "sammensetning",
    "samansett": "sammensatt",
    "òg": "også",
    "frå": "fra",
    "eit": "et",
    "ein": "en",
    "ei": "en",
    "noko": "noe",
    "nokon": "noen",
    "vert": "blir",
    "vore": "vært",
    "gjeld": "gjelder",
    "born": "barn",
    "borna": "barna",
    "ifølgje": "ifølge",
    "gjere": "gjøre",
    "gjer": "gjør",
    "seie": "si",
    "seier": "sier",
    "nokre": "noen",
    "difor": "derfor",
    "vorte": "blitt",
    "innspel": "innspill",
    "innspelet": "innspillet",
    "innspela": "innspillene",
    "høyring": "høring",
    "høyringa": "høringen",
    "framlegg": "forslag",
    "framlegget": "forslaget",
    "løysing": "løsning",
    "løysingar": "løsninger",
    "løysinga": "løsningen",
    "sjukepleiar": "sykepleier",
    "sjukepleiarar": "sykepleiere",
    "innbyggjar": "innbygger",
    "innbyggjarar": "innbyggere",
    "tilsette": "ansatte",
    "leiing": "ledelse",
    "skule": "skole",
    "heim": "hjem",
    "pasientar": "pasienter",
    "møta": "møtene",
    "avgjerd": "avgjørelse",
    "avgjerder": "avgjørelser",
    "ansvarleg": "ansvarlig",
    "vedteke": "vedtatt",
    "usemje": "uenighet",
    "usemja": "uenigheten",
    "ueinige": "uenige",
    "ueinig": "uenig",
    "høyrer": "hører",
    "døme": "eksempel",
    "meiner": "mener",
    "meinte": "mente",
    "meir": "mer",
    "nemner": "nevner",
    "nemnde": "nevnte",
    "svarar": "svarer",
    "føreslo": "foreslo",
    "føreslår": "foreslår",
    "føreslått": "foreslått",
    "leggje": "legge",
    "byggjer": "bygger",
    "byggje": "bygge",
    "gjentek": "gjentar",
    "eige": "egen",
    "eigne": "egne",
    "eigen": "egen",
    "storleik": "størrelse",
    "storleiken": "størrelsen",
    "tekne": "tatt",
    "teke": "tatt",
    "løyse": "løse",
    "løysast": "løses",
    "kjelde": "kilde",
    "kjelder": "kilder",
    "datakjelder": "datakilder",
    "tydeleg": "tydelig",
    "fekk": "fikk",
    "gjekk": "gikk",
    "skreiv": "skrev",
    "sendast": "sendes",
    "handsamast": "behandles",
    "avgjerast": "avgjøres",
    "saka": "saken",
    "noreg": "norge",
    "kvarandre": "hverandre",
    "øvste": "øverste",
    "organa": "organene",
    "tillitsvald": "tillitsvalgt",
    "tillitsvalde": "tillitsvalgte",
}
# Nynorsk endings and prefixes for words the table does not hold, each with the length
# a word needs before it applies (short words are too often Bokmål words of their own).
_NYNORSK_FORMS: tuple[tuple[str, str, str, int], ...] = (
    # (where, Nynorsk, Bokmål, shortest word)
    ("end", "leg", "lig", 6),  # vanskeleg -> vanskelig, særleg -> særlig
    ("end", "ande", "ende", 8),  # samanhengande -> samanhengende, pårørande -> pårørende
    ("end", "ingar", "inger", 8),  # utfordringar -> utfordringer
    ("end", "ingane", "ingene", 9),  # utfordringane -> utfordringene
    ("end", "ast", "es", 7),  # samlast -> samles, vurderast -> vurderes (passive)
    ("end", "spelet", "spillet", 6),  # innspelet -> innspillet
    ("end", "spel", "spill", 6),  # høyringsinnspel -> høringsinnspill
    ("start", "saman", "sammen", 6),  # samanheng -> sammenheng, samanlikne -> sammenlikne
    ("start", "partnar", "partner", 7),  # partnarskapet -> partnerskapet
    ("start", "sjuke", "syke", 7),  # sjukehusplanen -> sykehusplanen
    ("start", "høyrings", "hørings", 9),  # høyringsinnspel -> høringsinnspel
)

YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")  # a year, in a question or a document
MONTHS = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)  # fmt: skip

# "Retningslinje 1", "Pkt. 11", "Vedlegg 1.2", "retningslinje 2-12": a word and the number
# that names one of its kind (a range names several); not part of a longer number
NUMBERED = re.compile(
    r"(?<![\w-])([^\W\d_]{3,30})\.?[ \t]+(\d{1,2}(?:\.\d{1,2})?)(?:\s?[-–]\s?(\d{1,2}))?(?![\d,]|\.\d)"
)


def numbered_words(texts: Iterable[str]) -> frozenset[str]:
    """Words written with two or more different numbers after them: the documents'
    numbered things ("retningslinje", "pkt", "vedlegg"), not a word that a count or a
    date happens to follow once ("møte 18")."""
    seen: dict[str, set[str]] = {}
    for text in texts:
        for match in NUMBERED.finditer(text):
            seen.setdefault(match.group(1).lower(), set()).add(match.group(2))
    return frozenset(word for word, numbers in seen.items() if len(numbers) >= 2)


_WORD = re.compile(r"[0-9a-zæøåäöüéèáàóòôêçñ]+(?:[-'][0-9a-zæøåäöüéèáàóòôêçñ]+)*", re.IGNORECASE)


def normalize_text(text: str) -> str:
    """Normalise Unicode for display and storage: NFC, invisible characters removed,
    odd spaces folded to a plain space, control characters dropped (newlines kept)."""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text)


def normalize_question(text: str) -> str:
    """Normalise a question the way documents are normalised, on one line."""
    return " ".join(normalize_text(text).split())


# An abbreviation's genitive ("SSUs oppgaver", "FSU's mandat") is the abbreviation: the
# documents write "SSU" and "oppgavene til SSU", never "SSUs".
_ABBREVIATION_GENITIVE = re.compile(r"\b([A-ZÆØÅ]{2,6})'?s\b")


def canonical_spelling(text: str) -> str:
    """Map the corpus's spelling variants and Nynorsk word forms to Bokmål."""
    text = _ABBREVIATION_GENITIVE.sub(r"\1", text)
    for pattern, replacement in _VARIANTS:

        def keep_case(match: re.Match[str], replacement: str = replacement) -> str:
            return replacement.capitalize() if match.group(0)[0].isupper() else replacement

        text = pattern.sub(keep_case, text)

    def repl(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        mapped = NYNORSK.get(lower) or _inflected(lower)
        if mapped is None and len(lower) > 7 and lower.endswith("ane"):
            mapped = lower[:-3] + "ene"  # Nynorsk definite plural: kommunane -> kommunene
        if mapped is None:
            mapped = _nynorsk_form(lower)
        if mapped is None or mapped == lower:
            return word
        return mapped.capitalize() if word[:1].isupper() else mapped

    return _WORD.sub(repl, text)


# A noun's Nynorsk ending after a word the table holds ("leiaren": "leiar" + "en"), with
# the Bokmål ending it takes: lederen, ledelsen (leiinga), brukerene (brukarane: the stem
# of "bruker" and "brukere", though not written as Bokmål writes it).
_NYNORSK_ENDINGS = (("ane", "ene"), ("ar", "er"), ("en", "en"), ("et", "et"), ("a", "en"))


def _inflected(word: str) -> str | None:
    """A table word with a Nynorsk noun ending ("leiaren", "leiinga"), in Bokmål, or None."""
    for nynorsk, bokmal in _NYNORSK_ENDINGS:
        base = word[: -len(nynorsk)]
        if word.endswith(nynorsk) and len(base) >= 5 and base in NYNORSK:
            mapped = NYNORSK[base]
            return mapped + (bokmal[1:] if mapped.endswith("e") and bokmal.startswith("e") else bokmal)
    return None


def _nynorsk_form(word: str) -> str | None:
    """A Nynorsk word's endings and prefixes mapped to Bokmål (_NYNORSK_FORMS), each
    part of a hyphenated word on its own ("St. Olavs-innspelet"), or None."""
    if "-" in word:
        parts = [NYNORSK.get(part) or _nynorsk_form(part) or part for part in word.split("-")]
        joined = "-".join(parts)
        return joined if joined != word else None
    mapped = word
    for where, nynorsk, bokmal, shortest in _NYNORSK_FORMS:
        if len(mapped) < shortest:
            continue
        if where == "end" and mapped.endswith(nynorsk):
            mapped = mapped[: -len(nynorsk)] + bokmal
        elif where == "start" and mapped.startswith(nynorsk):
            mapped = bokmal + mapped[len(nynorsk) :]
    return mapped if mapped != word else None


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("norwegian")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_NORWEGIAN

    # Question words carry no topic; "møtes" etc. do, so they are not stop words.
    extra = {
        "hva",
        "hvem",
        "hvilke",
        "hvilken",
        "hvilket",
        "hvordan",
        "hvor",
        "når",
        "kor",
        "kva",
        "kven",
        "korleis",
        "finnes",
        "står",
        "sier",
        "gjelder",
        "jf",
        "bl",
        "a",
        "f",
        "eks",
        "m",
        "fl",
        "ifølge",
        "iflg",
        # chat fillers ("hvor mange fsu er det egt?", "protokoller osv?", "trenger lista asap")
        "osv",
        "etc",
        "egt",
        "egentlig",
        "eigentleg",
        "liksom",
        "asap",
        "btw",
        "el",
        "ol",
        "typ",
        "altså",
        "altso",
        "forresten",
        "uansett",
    }
    # English function words mixed into chat questions ("hvem er in charge av …", "link
    # pls"); none of them is also a Norwegian word that carries a topic ("to", "by", "it" are
    # left out for that reason).
    english = {
        "in",
        "of",
        "the",
        "an",
        "is",
        "are",
        "was",
        "what",
        "who",
        "whom",
        "how",
        "when",
        "where",
        "which",
        "why",
        "pls",
        "plz",
        "please",
        "does",
        "about",
        "and",
        "or",
        "with",
        "any",
        "there",
        "this",
        "that",
        "these",
        "those",
        "my",
        "our",
        "we",
        "you",
        "your",
        "can",
        "could",
        "should",
        "would",
        "will",
        "from",
        "into",
        "quick",
        "asap",
        "list",
        "info",
        "thanks",
        "thx",
        "ok",
        "hey",
        "hi",
    }
    return frozenset(STOPWORDS_NORWEGIAN) | frozenset(extra) | frozenset(english)


def words(text: str) -> list[str]:
    """Lower-cased word tokens after normalisation and spelling canonicalisation."""
    text = canonical_spelling(normalize_text(text)).lower()
    out: list[str] = []
    for match in _WORD.finditer(text):
        token = match.group(0)
        out.append(token)
        if "-" in token:  # "helse-" compounds: index the parts too
            out.extend(part for part in token.split("-") if part)
    return out


# Parts of the corpus's many compounds ("sekretariatfunksjon", "partnerskapsmøtet"):
# a word that contains one also yields the part, for documents and questions alike.
COMPOUND_PARTS = (
    "samarbeidsutvalg",
    "samarbeid",
    "utvalg",
    "sekretariat",
    "helsefellesskap",
    "partnerskap",
    "representant",
    "samhandling",
    "koordinator",
    "kommune",
    "sykehus",
    "strategi",
    "tjeneste",
    "kompetanse",
    "pasient",
    "beredskap",
    "tilskudd",
    "avtale",
    "fastlege",
    "omsorg",
    "direktør",
    "klinikk",
    "innsatsområde",
    "forløp",
    "møte",
    "plan",
    "budsjett",
    "bruker",
    "leder",
)

MAX_INTENT_PHRASE = 60  # characters of one phrase in synonyms.yaml's intents


@dataclass(frozen=True)
class Intent:
    """What a question asks for, in the documents' words (corpus/synonyms.yaml
    ``intents``): "hvem sitter i …" asks for a body's "sammensetning"."""

    pattern: re.Pattern[str]  # the phrases that ask for it
    terms: str  # the documents' words for it
    unless: re.Pattern[str] | None = None  # phrases that ask something else ("hva gjør jeg hvis …")

    def find(self, text: str) -> re.Match[str] | None:
        """Where ``text`` (lower case, canonical spelling) asks for this, if it does."""
        if self.unless is not None and self.unless.search(text):
            return None
        return self.pattern.search(text)


def intent_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """Whole-word phrases, case-insensitive after canonical spelling; a trailing ``*``
    on a word takes any ending ("medlem*" matches "medlemmer"). Escaped literals with
    ``\\w*`` tails only, so no phrase can make the pattern backtrack."""
    alternatives = []
    for phrase in phrases:
        if len(phrase) > MAX_INTENT_PHRASE:
            raise ValueError(f"uttrykket {phrase[:MAX_INTENT_PHRASE]!r}… er lengre enn {MAX_INTENT_PHRASE} tegn")
        parts = canonical_spelling(phrase).lower().split()
        if not parts or not all(re.fullmatch(r"[\w§-]+\*?", part) for part in parts):
            raise ValueError(f"uttrykket {phrase!r} kan bare ha ord, og * til slutt i et ord")
        joined = _INTENT_GAP.join(re.escape(p[:-1]) + r"\w*" if p.endswith("*") else re.escape(p) for p in parts)
        alternatives.append(joined)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


# "hvem andre sitter", "kven fleire sit": one small word may stand inside a phrase that asks;
# "hvem fra sykehuset sitter", "kven frå leiinga ved sjukehuset sit": so may where they come from
_INTENT_GAP = (
    r"\s+(?:(?:andre|flere|fleire|mer|meir|egentlig|eigentleg|da|nå|no|så|også|ellers|elles)\s+|"
    r"(?:fra|frå)\s+(?:[^\W\d]+\s+){1,3})?"
)


def intent_terms(question: str, intents: Sequence[Intent]) -> list[str]:
    text = canonical_spelling(normalize_text(question)).lower()
    return [intent.terms for intent in intents if intent.find(text)]


def tokenize(text: str) -> list[str]:
    """BM25 tokens: words without stop words, plus compound parts, stemmed with Snowball
    Norwegian (twice: the second pass reaches the stem the first leaves for a shorter form)."""
    stop = stopwords()
    kept: list[str] = []
    for word in words(text):
        if word in stop or (len(word) < 2 and not word.isdigit()):
            continue
        kept.append(word)
        if len(word) > 7:
            kept.extend(part for part in COMPOUND_PARTS if part in word and len(word) > len(part) + 2)
    stemmer = _stemmer()
    # Snowball cuts one ending at a time, so "statsforvalteren" -> "statsforvalter" but
    # "statsforvalter" -> "statsforvalt": stemming again makes every form one stem.
    stems = stemmer.stemWords(kept)
    again = stemmer.stemWords(stems)
    return list(again)


def fold_for_match(text: str) -> str:
    """Fold text for verbatim comparison: normalised, lower-case, one space between words."""
    return " ".join(normalize_text(text).lower().split())


def one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one insertion, deletion or substitution."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]
