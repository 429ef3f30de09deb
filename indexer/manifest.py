"""Corpus metadata (manifest.yaml) and the abbreviation glossary (glossary.yaml)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from indexer.analysis import Intent, intent_pattern
from indexer.errors import IndexerError

log = logging.getLogger(__name__)

KINDS = ("retningslinje", "strategi", "notat", "høringsinnspill", "samarbeidsavtale", "protokoll", "ukjent")
STATUSES = ("gjeldende", "forslag", "innspill", "ukjent")
PUBLIC = "offentlig"  # visibility everyone has; other values name a group (e.g. intern-ssu)
SYNC_MANIFEST = "manifest.sync.yaml"  # entries `hfa sync` writes (indexer/sync.py); manifest.yaml wins
_GROUP = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class ManifestError(IndexerError):
    """The manifest or glossary is malformed; the message is Norwegian."""


@dataclass(frozen=True)
class DocMeta:
    id: str
    file: str
    title: str
    region: str = "ukjent"
    kind: str = "ukjent"
    issued_by: str = ""
    sent_to: str = ""  # the addressee a letter or consultation reply names ("Til Helse- og omsorgsdepartementet")
    sent_by: str = ""  # who sent it, when the document says and it is not the issuer ("Med vennlig hilsen …")
    date: str = ""
    status: str = "ukjent"
    status_note: str = ""
    url: str = ""
    visibility: str = PUBLIC
    inferred: bool = False
    reviewed: bool = False  # checked by a person: flagged passages may reach an LLM (indexer/injection.py)
    retired: bool = False  # gone from its source: kept on disk, left out of the index
    # other words users call the document by ("høringssvaret", "uttalelsen"), besides its kind
    # and its title's first word
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """The words that point at this document: its kind, its title's first word, its aliases."""
        return (self.kind, (self.title.split() or [""])[0], *self.aliases)


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    hospital: str = ""
    bodies: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass
class Manifest:
    documents: dict[str, DocMeta] = field(default_factory=dict)  # by file name
    regions: dict[str, Region] = field(default_factory=dict)
    other_regions: tuple[str, ...] = ()  # areas the corpus holds no documents from
    # subjects the documents never treat: (what to call it, the words that name it)
    not_covered: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def is_retired(self, path: Path) -> bool:
        meta = self.documents.get(path.name)
        return meta is not None and meta.retired

    def for_file(self, path: Path, first_line: str = "") -> DocMeta:
        meta = self.documents.get(path.name)
        if meta is not None:
            return meta
        log.warning("No manifest entry for %s: metadata inferred from the file", path.name)
        title = " ".join(first_line.split())[:120] or path.stem.replace("-", " ").replace("_", " ")
        return DocMeta(id=slug(path.stem), file=path.name, title=title, inferred=True)


def slug(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "dokument"


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ManifestError(f"{path.name} er ikke gyldig YAML: {exc}") from exc


def load_manifest(corpus_dir: Path) -> Manifest:
    path = corpus_dir / "manifest.yaml"
    if not path.exists() and not (corpus_dir / SYNC_MANIFEST).exists():
        log.warning("No manifest.yaml in %s: all metadata will be inferred", corpus_dir)
        return Manifest()
    data = _read_yaml(path) if path.exists() else {}
    manifest = Manifest()
    for region_id, region in (data.get("regions") or {}).items():
        manifest.regions[region_id] = Region(
            id=region_id,
            name=region.get("name", region_id),
            hospital=region.get("hospital", ""),
            bodies=tuple(region.get("bodies") or ()),
            aliases=tuple(str(a) for a in region.get("aliases") or ()),
        )
    manifest.other_regions = tuple(str(r) for r in data.get("other_regions") or ())
    manifest.not_covered = tuple(
        (str(entry.get("subject", "")), tuple(str(w) for w in entry.get("words") or ()))
        for entry in data.get("not_covered") or ()
        if isinstance(entry, dict) and entry.get("subject") and entry.get("words")
    )
    seen_ids: set[str] = set()
    sync_path = corpus_dir / SYNC_MANIFEST
    synced = (_read_yaml(sync_path).get("documents") or []) if sync_path.exists() else []
    hand_files = {str(entry.get("file")) for entry in data.get("documents") or [] if isinstance(entry, dict)}
    for entry in [*(data.get("documents") or []), *(e for e in synced if str(e.get("file")) not in hand_files)]:
        try:
            skip = ("inferred", "reviewed", "retired", "aliases")
            fields: dict[str, Any] = {str(k): str(v) for k, v in entry.items() if k not in skip}
            aliases = entry.get("aliases") or []
            if not isinstance(aliases, list):
                raise ManifestError(f"manifest.yaml: aliases for {entry.get('id')} må være en liste")
            meta = DocMeta(
                **fields,
                reviewed=entry.get("reviewed") is True,
                retired=bool(entry.get("retired", False)),
                aliases=tuple(str(a) for a in aliases),
            )
        except TypeError as exc:
            raise ManifestError(f"manifest.yaml: ugyldig dokumentoppføring {entry!r}: {exc}") from exc
        if meta.kind not in KINDS:
            raise ManifestError(f"manifest.yaml: {meta.id} har ukjent kind «{meta.kind}» (tillatt: {', '.join(KINDS)})")
        if meta.status not in STATUSES:
            raise ManifestError(
                f"manifest.yaml: {meta.id} har ukjent status «{meta.status}» (tillatt: {', '.join(STATUSES)})"
            )
        if not _GROUP.match(meta.visibility):
            raise ManifestError(
                f"manifest.yaml: {meta.id} har ugyldig visibility «{meta.visibility}» "
                f"(bruk «{PUBLIC}» eller et gruppenavn med små bokstaver, tall og bindestrek)"
            )
        if meta.id in seen_ids:
            raise ManifestError(f"manifest.yaml: dokument-id «{meta.id}» er brukt to ganger")
        seen_ids.add(meta.id)
        manifest.documents[meta.file] = meta
    for entry in synced:  # gone from the web site: retired even when manifest.yaml describes it
        described = manifest.documents.get(str(entry.get("file")))
        if entry.get("retired") and described is not None:
            manifest.documents[described.file] = replace(described, retired=True)
    return manifest


@dataclass(frozen=True)
class Term:
    abbr: str
    expansion: str
    variants: tuple[str, ...] = ()
    region: str = ""
    expand: bool = True  # spell out in answers (off for parts of names, e.g. "HF")


def _entries(corpus_dir: Path, file: str, key: str) -> list[Any]:
    """The list under ``key`` in an optional corpus YAML file ([] when the file is absent)."""
    path = corpus_dir / file
    if not path.exists():
        return []
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ManifestError(f"{file}: filen må ha nøkler på toppnivå (som «{key}:»)")
    entries = data.get(key) or []
    if not isinstance(entries, list):
        raise ManifestError(f"{file}: «{key}» må være en liste")
    return entries


def load_glossary(corpus_dir: Path) -> list[Term]:
    terms = []
    for entry in _entries(corpus_dir, "glossary.yaml", "terms"):
        try:
            terms.append(
                Term(
                    abbr=str(entry["abbr"]),
                    expansion=str(entry["expansion"]),
                    variants=tuple(str(v) for v in entry.get("variants") or ()),
                    region=str(entry.get("region", "")),
                    expand=bool(entry.get("expand", True)),
                )
            )
        except KeyError as exc:
            raise ManifestError(f"glossary.yaml: oppføringen {entry!r} mangler {exc}") from exc
    return terms


@dataclass(frozen=True)
class Synonym:
    term: str  # as the documents write it
    alternatives: tuple[str, ...]  # what a user may write instead
    # A body described instead of named ("de tematiske gruppene", "toppmøtet"): a word
    # that begins with a modifier and holds a head, or a modifier adjective before a head.
    modifiers: tuple[str, ...] = ()
    heads: tuple[str, ...] = ()


def load_synonyms(corpus_dir: Path) -> list[Synonym]:
    """corpus/synonyms.yaml: everyday words mapped to the documents' words (optional)."""
    out = []
    for entry in _entries(corpus_dir, "synonyms.yaml", "synonyms"):
        try:
            modifiers, heads = _description(entry)
            out.append(
                Synonym(str(entry["term"]), tuple(str(a) for a in entry.get("alternatives") or ()), modifiers, heads)
            )
        except (KeyError, TypeError) as exc:
            raise ManifestError(f"synonyms.yaml: oppføringen {entry!r} mangler {exc}") from exc
    return out


MIN_DESCRIPTION_WORD = 3  # a shorter modifier or head ("e", "ti") would match inside most words


def _description(entry: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """An entry's ``described_as``: (modifiers, heads), both or neither, each a word of
    three letters or more."""
    described = entry.get("described_as")
    if described is None:
        return (), ()
    words = {key: described.get(key) if isinstance(described, dict) else None for key in ("modifiers", "heads")}
    lists = {key: [str(w).strip().lower() for w in value] for key, value in words.items() if isinstance(value, list)}
    if len(lists) != 2 or not all(lists.values()):
        raise ManifestError(
            f"synonyms.yaml: «described_as» for «{entry.get('term')}» må ha to lister, modifiers og heads."
        )
    short = [w for value in lists.values() for w in value if len(w) < MIN_DESCRIPTION_WORD or not w.isalpha()]
    if short:
        raise ManifestError(
            f"synonyms.yaml: «described_as» for «{entry.get('term')}»: «{short[0]}» er ikke et ord på minst "
            f"{MIN_DESCRIPTION_WORD} bokstaver."
        )
    return tuple(lists["modifiers"]), tuple(lists["heads"])


ASKS_FILE = "questions.yaml"


@dataclass(frozen=True)
class PassageAsks:
    """Questions users ask in their own words that one passage answers (doc2query data):
    the passage is the one of document ``doc`` whose text holds ``quote``."""

    doc: str
    quote: str
    asks: tuple[str, ...]


def load_asks(corpus_dir: Path) -> list[PassageAsks]:
    """corpus/questions.yaml: per passage, questions in users' words (optional)."""
    out = []
    for entry in _entries(corpus_dir, ASKS_FILE, "passages"):
        try:
            asks = tuple(" ".join(str(a).split()) for a in entry.get("asks") or () if str(a).strip())
            out.append(PassageAsks(str(entry["doc"]), " ".join(str(entry["quote"]).split()), asks))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ManifestError(f"{ASKS_FILE}: oppføringen {entry!r} mangler {exc}") from exc
    return out


def load_intents(corpus_dir: Path) -> list[Intent]:
    """corpus/synonyms.yaml ``intents``: what a question asks for, in the documents' words."""
    out = []
    for entry in _entries(corpus_dir, "synonyms.yaml", "intents"):
        try:
            unless = entry.get("unless")
            if unless is not None and not isinstance(unless, list):
                raise ManifestError(f"synonyms.yaml: 'unless' under intents må være en liste, ikke {unless!r}")
            out.append(
                Intent(
                    intent_pattern(str(a) for a in entry["asks"]),
                    str(entry["terms"]),
                    intent_pattern(str(u) for u in unless) if unless else None,
                )
            )
        except (KeyError, TypeError) as exc:
            raise ManifestError(f"synonyms.yaml: oppføringen {entry!r} under intents mangler {exc}") from exc
        except ValueError as exc:
            raise ManifestError(f"synonyms.yaml: {exc} (under intents)") from exc
    return out


def region_patterns(regions: dict[str, Region]) -> dict[str, re.Pattern[str]]:
    """Per region id, a pattern matching its name or any alias as a whole word (with a
    genitive s: "Telemarks")."""
    patterns = {}
    for region_id, region in regions.items():
        names = [region.name, *region.aliases]
        patterns[region_id] = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names if n) + r")s?(?!\w)", re.IGNORECASE
        )
    return patterns
