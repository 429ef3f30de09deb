"""`hfa sync`: keep the corpus in step with the documents a health community publishes.

``corpus/sources.yaml`` lists sources: single documents, web pages (the page itself and,
with ``links: true``, the documents it links to) and sitemaps. Each run:

1. reads robots.txt per host (``urllib.robotparser``) and skips what it disallows;
2. asks for every document with ``If-None-Match``/``If-Modified-Since`` from the last
   run; a 304, or a body with the same SHA-256 as before, is "unchanged";
3. writes new and changed files to ``corpus/<source>/`` and their metadata to
   ``corpus/manifest.sync.yaml`` (title and date taken from the document, ``status:
   ukjent`` and a note that asks for review; manifest.yaml entries win over these);
4. marks documents that vanished from their source (no longer listed, or 404/410)
   ``retired: true``: the file stays on disk and the index leaves it out;
5. reports added / changed / unchanged / retired / failed.

Requests to one host are spaced by ``delay_seconds`` (or robots.txt's Crawl-delay, if
longer); downloads stop at HFA_MAX_FILE_MB; every request has a timeout. What it knows
between runs lives in ``corpus/.sync/state.json``.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import logging
import re
import time
import urllib.robotparser
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit
from xml.etree import ElementTree

import httpx
import yaml

from indexer.errors import IndexerError
from indexer.loaders import SUPPORTED_SUFFIXES
from indexer.manifest import KINDS, PUBLIC, STATUSES, SYNC_MANIFEST, slug

log = logging.getLogger(__name__)

SOURCES_FILE = "sources.yaml"
STATE_FILE = Path(".sync") / "state.json"
REVIEW_NOTE = "hentet automatisk av hfa sync; status er ikke vurdert"
MAX_URL_CHARS = 2000
MAX_LISTING_BYTES = 20 * 1024 * 1024  # a sitemap or page read for links
MAX_URLS_PER_SOURCE = 5000
MAX_REDIRECTS = 5
MAX_ROBOTS_BYTES = 512 * 1024
_SOURCE_TYPES = ("document", "page", "sitemap")
_DISALLOW_ALL = ["User-agent: *", "Disallow: /"]
_CONTENT_SUFFIX = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
}
_METADATA_KEYS = ("region", "kind", "issued_by", "status", "status_note", "visibility")


class SyncError(IndexerError):
    """sources.yaml is missing or malformed; the message is Norwegian."""


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    type: str = "document"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    links: bool = False
    metadata: dict[str, str] = field(default_factory=dict)

    def wants(self, url: str) -> bool:
        if len(url) > MAX_URL_CHARS:  # checked before any pattern runs
            return False
        included = not self.include or any(fnmatch.fnmatchcase(url, p) for p in self.include)
        return included and not any(fnmatch.fnmatchcase(url, p) for p in self.exclude)


@dataclass(frozen=True)
class SyncConfig:
    sources: tuple[Source, ...]
    delay_seconds: float = 1.0
    timeout_seconds: float = 30.0
    user_agent: str = "hfa-sync/0.1 (Helsefellesskap-assistenten)"


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "url: Norwegian reason"
    skipped: list[str] = field(default_factory=list)  # robots.txt, patterns
    downloaded_bytes: int = 0
    sources: int = 0


def load_sources(corpus_dir: Path) -> SyncConfig:
    path = corpus_dir / SOURCES_FILE
    if not path.exists():
        raise SyncError(f"Fant ikke {path}. Skriv den etter eksempelet i README («hfa sync») for å hente dokumenter.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise SyncError(f"{SOURCES_FILE} er ikke gyldig YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SyncError(f"{SOURCES_FILE}: forventet nøkler som sources, delay_seconds og timeout_seconds.")
    sources = []
    for number, entry in enumerate(data.get("sources") or [], start=1):
        if not isinstance(entry, dict) or not str(entry.get("url", "")).startswith(("http://", "https://")):
            raise SyncError(f"{SOURCES_FILE}: kilde {number} mangler en url som begynner med http:// eller https://.")
        kind = str(entry.get("type", "document"))
        if kind not in _SOURCE_TYPES:
            raise SyncError(f"{SOURCES_FILE}: kilde {number} har ukjent type «{kind}» ({', '.join(_SOURCE_TYPES)}).")
        metadata = {str(k): str(v) for k, v in (entry.get("metadata") or {}).items()}
        unknown = sorted(set(metadata) - set(_METADATA_KEYS))
        if unknown:
            raise SyncError(f"{SOURCES_FILE}: kilde {number} har ukjente metadatafelt: {', '.join(unknown)}.")
        if metadata.get("kind", "ukjent") not in KINDS or metadata.get("status", "ukjent") not in STATUSES:
            raise SyncError(f"{SOURCES_FILE}: kilde {number} har ugyldig kind eller status i metadata.")
        name = slug(str(entry.get("name") or urlsplit(str(entry["url"])).hostname or f"kilde-{number}"))
        sources.append(
            Source(
                name=name,
                url=str(entry["url"]),
                type=kind,
                include=tuple(str(p) for p in entry.get("include") or ()),
                exclude=tuple(str(p) for p in entry.get("exclude") or ()),
                links=bool(entry.get("links", False)),
                metadata=metadata,
            )
        )
    try:
        return SyncConfig(
            tuple(sources),
            delay_seconds=float(data.get("delay_seconds", 1.0)),
            timeout_seconds=float(data.get("timeout_seconds", 30.0)),
            user_agent=str(data.get("user_agent") or SyncConfig.user_agent),
        )
    except (TypeError, ValueError) as exc:
        raise SyncError(f"{SOURCES_FILE}: delay_seconds og timeout_seconds må være tall.") from exc


# --- fetching ------------------------------------------------------------------------


class _Failed(Exception):
    """One URL failed; the message is Norwegian."""


class _Gone(Exception):
    """The URL answered 404 or 410: the document is no longer published."""


@dataclass
class _Response:
    status: int
    url: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class _Fetcher:
    """httpx with robots.txt, a per-host pause, a timeout and a size limit."""

    def __init__(self, config: SyncConfig, max_bytes: int, report: SyncReport) -> None:
        self._config = config
        self._max_bytes = max_bytes
        self._report = report
        self._client = httpx.Client(
            timeout=httpx.Timeout(config.timeout_seconds),
            follow_redirects=False,  # followed hop by hop in get()
            headers={"User-Agent": config.user_agent},
        )
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._last: dict[str, float] = {}

    def close(self) -> None:
        self._client.close()

    def _pause(self, host: str, delay: float) -> None:
        wait = self._last.get(host, -1e9) + delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last[host] = time.monotonic()

    def _delay(self, host: str) -> float:
        robots = self._robots.get(host)
        crawl_delay = robots.crawl_delay(self._config.user_agent) if robots is not None else None
        return max(self._config.delay_seconds, float(crawl_delay or 0))

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._robots:
            parser = urllib.robotparser.RobotFileParser()
            self._pause(host, self._config.delay_seconds)
            try:
                with self._client.stream("GET", f"{host}/robots.txt", follow_redirects=True) as response:
                    body = b""
                    for chunk in response.iter_bytes():  # RFC 9309: at least 500 KiB are read
                        body += chunk
                        if len(body) >= MAX_ROBOTS_BYTES:
                            break
                if response.status_code == 200:
                    parser.parse(body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace").splitlines())
                elif response.status_code in (401, 403) or response.status_code >= 500:
                    parser.parse(_DISALLOW_ALL)  # RFC 9309: an unreachable robots.txt means "don't crawl"
                else:
                    parser.parse([])  # no robots.txt: everything is allowed
            except httpx.HTTPError:
                parser.parse(_DISALLOW_ALL)
            self._robots[host] = parser
        return self._robots[host]

    def allowed(self, url: str) -> bool:
        robots = self._robots_for(url)
        return robots is None or robots.can_fetch(self._config.user_agent, url)

    def get(self, url: str, known: dict[str, Any] | None = None, limit: int | None = None) -> _Response:
        """GET ``url`` conditionally (``known``: etag/last_modified from the last run).
        Redirects are followed one hop at a time, each paused and checked against the
        target's robots.txt."""
        headers = {}
        if known and known.get("etag"):
            headers["If-None-Match"] = str(known["etag"])
        if known and known.get("last_modified"):
            headers["If-Modified-Since"] = str(known["last_modified"])
        target = url
        for _ in range(MAX_REDIRECTS + 1):
            if target != url and not self.allowed(target):
                raise _Failed(f"{url}: videresendt til {target}, som robots.txt ikke tillater")
            parts = urlsplit(target)
            host = f"{parts.scheme}://{parts.netloc}"
            self._pause(host, self._delay(host))
            try:
                with self._client.stream("GET", target, headers=headers) as response:
                    location = response.headers.get("location", "")
                    if response.is_redirect and location:
                        target = urljoin(target, location)
                        continue
                    return self._read(url, response, limit or self._max_bytes)
            except httpx.TimeoutException as exc:
                raise _Failed(f"{url}: fikk ikke svar innen {self._config.timeout_seconds:g} s") from exc
            except httpx.HTTPError as exc:
                raise _Failed(f"{url}: kunne ikke hentes ({type(exc).__name__})") from exc
        raise _Failed(f"{url}: for mange videresendinger")

    def _read(self, url: str, response: httpx.Response, limit: int) -> _Response:
        if response.status_code == 304:
            return _Response(304, str(response.url))
        if response.status_code in (404, 410):
            raise _Gone(f"{url}: finnes ikke lenger (HTTP {response.status_code})")
        if response.status_code != 200:
            raise _Failed(f"{url}: serveren svarte HTTP {response.status_code}")
        size = int(response.headers.get("content-length") or 0)
        too_large = f"{url}: filen er for stor (grensen er {limit / 1024 / 1024:g} MB, HFA_MAX_FILE_MB)"
        if size > limit:
            raise _Failed(too_large)
        chunks: list[bytes] = []
        received = 0
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > limit:
                raise _Failed(too_large)
            chunks.append(chunk)
        self._report.downloaded_bytes += received
        return _Response(200, str(response.url), b"".join(chunks), dict(response.headers))


# --- discovering the documents of a source ----------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def _page_links(base: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    parser.close()
    urls = []
    for href in parser.links:
        url = urldefrag(urljoin(base, href.strip()))[0]
        if url.startswith(("http://", "https://")) and Path(urlsplit(url).path).suffix.lower() in SUPPORTED_SUFFIXES:
            urls.append(url)
    return urls


_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _sitemap_urls(body: bytes) -> tuple[list[str], list[str]]:
    """(page URLs, nested sitemap URLs) of a sitemap or sitemap index."""
    if b"<!DOCTYPE" in body[:2048] or b"<!ENTITY" in body[:4096]:
        raise _Failed("sitemapen inneholder DTD/entiteter, som ikke leses")
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise _Failed(f"sitemapen er ikke gyldig XML ({exc})") from exc
    locs = [" ".join((loc.text or "").split()) for loc in root.iter(f"{_SITEMAP_NS}loc")]
    if root.tag == f"{_SITEMAP_NS}sitemapindex":
        return [], locs
    return locs, []


def _discover(source: Source, fetcher: _Fetcher, state: dict[str, Any]) -> list[str]:
    """The document URLs of ``source``; the listing itself is fetched conditionally and
    its links remembered, so an unchanged sitemap costs a 304."""
    if source.type == "document":
        return [source.url]
    listings: dict[str, Any] = state.setdefault("listings", {})
    found: list[str] = [source.url] if source.type == "page" else []
    queue, seen = [source.url], set[str]()
    while queue and len(seen) < 20:  # nested sitemaps, a few levels at most
        url = queue.pop(0)
        seen.add(url)
        if not fetcher.allowed(url):
            raise _Failed(f"{url}: robots.txt tillater ikke henting")
        known = listings.get(url)
        response = fetcher.get(url, known, limit=MAX_LISTING_BYTES)
        if response.status == 304 and known:
            urls, nested = list(known["urls"]), list(known["nested"])
        elif source.type == "sitemap":
            urls, nested = _sitemap_urls(response.body)
        else:
            urls, nested = (
                (_page_links(response.url, response.body.decode("utf-8", "replace")) if source.links else []),
                [],
            )
        if response.status == 200:
            listings[url] = {**_validators(response), "urls": urls, "nested": nested}
        found.extend(urls)
        queue.extend(n for n in nested if n not in seen)
    wanted = [u for u in dict.fromkeys(found) if (u == source.url and source.type == "page") or source.wants(u)]
    return wanted[:MAX_URLS_PER_SOURCE]


def _validators(response: _Response) -> dict[str, str]:
    return {"etag": response.headers.get("etag", ""), "last_modified": response.headers.get("last-modified", "")}


# --- writing documents ----------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _file_name(url: str, content_type: str, taken: set[str]) -> str:
    path = unquote(urlsplit(url).path)
    stem = Path(path).stem or urlsplit(url).hostname or "side"
    suffix = Path(path).suffix.lower()
    typed = _CONTENT_SUFFIX.get(content_type.split(";")[0].strip().lower(), "")
    if suffix not in SUPPORTED_SUFFIXES or (typed and typed != suffix and not (typed == ".html" and suffix == ".htm")):
        suffix = typed or suffix or ".html"
    stem = _UNSAFE.sub("-", stem).strip("-.")[:80] or "dokument"
    name = f"{stem}{suffix}"
    if name in taken:
        name = f"{stem}-{hashlib.sha256(url.encode()).hexdigest()[:8]}{suffix}"
    return name


def _http_date(value: str) -> str:
    try:
        return parsedate_to_datetime(value).date().isoformat() if value else ""
    except (TypeError, ValueError):
        return ""


def _pdf_date(value: Any) -> str:
    return value.date().isoformat() if isinstance(value, datetime) else ""


def document_title_and_date(path: Path) -> tuple[str, str]:
    """The title and date the document itself records ("" when it records none)."""
    from indexer.loaders import LoadError, load_document

    suffix = path.suffix.lower()
    title = date = ""
    try:
        if suffix == ".pdf":
            from pypdf import PdfReader

            info = PdfReader(path).metadata
            if info is not None:
                title = " ".join(str(info.title or "").split())
                date = _pdf_date(info.modification_date) or _pdf_date(info.creation_date)
        elif suffix == ".docx":
            from docx import Document

            core = Document(str(path)).core_properties
            stamp = core.modified or core.created
            date = stamp.date().isoformat() if stamp else ""
        elif suffix in (".html", ".htm"):
            from indexer.formats import read_html

            date = read_html(path).date
    except Exception as exc:  # metadata is a nicety: the index reports broken files
        log.info("No metadata from %s: %s", path.name, exc)
    if not title:
        try:
            loaded = load_document(path)
            first = next((line.strip() for page in loaded.pages for line in page.split("\n") if line.strip()), "")
            title = loaded.title or first.lstrip("#- ").strip()
        except LoadError:
            title = ""
    return title[:200], date


def _entry(source: Source, name: str, url: str, headers: dict[str, str], path: Path, ids: set[str]) -> dict[str, Any]:
    title, date = document_title_and_date(path)
    doc_id = slug(f"{source.name}-{Path(name).stem}")[:80]
    while doc_id in ids:
        doc_id = f"{doc_id}-{hashlib.sha256(url.encode()).hexdigest()[:4]}"
    meta: dict[str, Any] = {
        "id": doc_id,
        "file": name,
        "title": title or Path(name).stem.replace("-", " "),
        "region": "ukjent",
        "kind": "ukjent",
        "date": date or _http_date(headers.get("last-modified", "")),
        "status": "ukjent",
        "status_note": REVIEW_NOTE,
        "url": url,
        "visibility": PUBLIC,
    }
    meta.update(source.metadata)
    return meta


class _Corpus:
    """The files, the state and manifest.sync.yaml of one corpus directory."""

    def __init__(self, corpus_dir: Path) -> None:
        self.dir = corpus_dir
        state_path = corpus_dir / STATE_FILE
        self.state: dict[str, Any] = (
            json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {"documents": {}}
        )
        manifest_path = corpus_dir / SYNC_MANIFEST
        entries = (yaml.safe_load(manifest_path.read_text(encoding="utf-8")) or {}) if manifest_path.exists() else {}
        self.entries: dict[str, dict[str, Any]] = {str(e["file"]): e for e in entries.get("documents") or []}

    @property
    def documents(self) -> dict[str, dict[str, Any]]:
        docs: dict[str, dict[str, Any]] = self.state.setdefault("documents", {})
        return docs

    def write(self, source: Source, url: str, response: _Response) -> str:
        known = self.documents.get(url)
        taken = {d["file"] for u, d in self.documents.items() if u != url}
        taken |= {p.name for p in self.dir.rglob("*") if p.is_file()}  # file names are manifest keys
        name = known["file"] if known else _file_name(response.url, response.headers.get("content-type", ""), taken)
        target = self.dir / source.name / name
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{name}.part")
        partial.write_bytes(response.body)
        partial.replace(target)
        entry = self.entries.get(name)
        ids = {str(e["id"]) for f, e in self.entries.items() if f != name}
        fresh = _entry(source, name, url, response.headers, target, ids)
        if entry is None or entry.get("status_note") == REVIEW_NOTE:
            self.entries[name] = {**(entry or {}), **fresh}  # not yet reviewed: the document's own metadata
        self.entries[name].pop("retired", None)
        self.documents[url] = {
            "file": name,
            "source": source.name,
            "sha256": hashlib.sha256(response.body).hexdigest(),
            **_validators(response),
        }
        return name

    def retire(self, url: str) -> None:
        name = self.documents[url]["file"]
        self.documents[url]["retired"] = True
        if name in self.entries:
            self.entries[name]["retired"] = True

    def save(self) -> None:
        state_path = self.dir / STATE_FILE
        state_path.parent.mkdir(parents=True, exist_ok=True)
        state_path.write_text(json.dumps(self.state, ensure_ascii=False, indent=2), encoding="utf-8")
        header = (
            "# Written by `hfa sync` (corpus/sources.yaml). Review each document and set its status;\n"
            "# an entry whose status_note you change is no longer overwritten. manifest.yaml wins.\n"
        )
        body = yaml.safe_dump(
            {"documents": sorted(self.entries.values(), key=lambda e: str(e["file"]))},
            allow_unicode=True,
            sort_keys=False,
        )
        (self.dir / SYNC_MANIFEST).write_text(header + body, encoding="utf-8")


def sync_corpus(corpus_dir: Path, max_file_bytes: int) -> SyncReport:
    """Bring ``corpus_dir`` in step with its sources.yaml (see module doc)."""
    config = load_sources(corpus_dir)
    report = SyncReport(sources=len(config.sources))
    if not config.sources:  # the bundled example: nothing to fetch, nothing written
        return report
    corpus = _Corpus(corpus_dir)
    fetcher = _Fetcher(config, max_file_bytes, report)
    try:
        for source in config.sources:
            _sync_source(source, fetcher, corpus, report)
    finally:
        fetcher.close()
        corpus.save()
    return report


def _sync_source(source: Source, fetcher: _Fetcher, corpus: _Corpus, report: SyncReport) -> None:
    try:
        urls = _discover(source, fetcher, corpus.state)
    except (_Failed, _Gone) as exc:
        report.failed.append(f"{source.name}: {exc}")  # nothing is retired when the listing failed
        return
    listed = set(urls)
    for url in urls:
        known = corpus.documents.get(url)
        if not fetcher.allowed(url):
            report.skipped.append(f"{url}: robots.txt tillater ikke henting")
            continue
        try:
            response = fetcher.get(url, known if known and not known.get("retired") else None)
        except _Gone:
            if known and not known.get("retired"):
                corpus.retire(url)
                report.retired.append(f"{source.name}/{known['file']}")
            elif not known:
                report.failed.append(f"{url}: finnes ikke (HTTP 404/410)")
            continue
        except _Failed as exc:
            report.failed.append(str(exc))
            continue
        if known and not known.get("retired"):
            if response.status == 200 and known["sha256"] == hashlib.sha256(response.body).hexdigest():
                known.update(_validators(response))  # same content, new validators: a 304 next time
                response.status = 304
            if response.status == 304:
                report.unchanged.append(f"{source.name}/{known['file']}")
                continue
        name = corpus.write(source, url, response)
        (report.changed if known and not known.get("retired") else report.added).append(f"{source.name}/{name}")
    for url, known in corpus.documents.items():
        if known.get("source") == source.name and url not in listed and not known.get("retired"):
            corpus.retire(url)
            report.retired.append(f"{source.name}/{known['file']}")


def print_report(report: SyncReport) -> None:
    """The run in Norwegian: a count per outcome, then every document that changed state."""
    if not report.sources:
        print(f"Ingen kilder i {SOURCES_FILE}; ingenting å hente (se eksempelet i filen).")
        return
    print(
        f"Synkronisert: {len(report.added)} nye, {len(report.changed)} endret, {len(report.unchanged)} uendret, "
        f"{len(report.retired)} trukket tilbake, {len(report.failed)} feilet "
        f"({report.downloaded_bytes / 1024:.0f} KB lastet ned)."
    )
    for label, items in (
        ("Ny", report.added),
        ("Endret", report.changed),
        ("Trukket tilbake", report.retired),
        ("Feilet", report.failed),
        ("Hoppet over", report.skipped),
    ):
        for item in items:
            print(f"  {label}: {item}")
