"""Robustness and no data loss: kill -9 mid-index, a full disk, a read-only data dir,
odd files and odd Unicode. Real processes, real file systems (tmpfs mounts when the
tests run as root, as in CI; file permissions otherwise)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.errors import HfaError
from assistant.retrieval.hybrid import MAX_QUESTION_CHARS, validate_question
from indexer.analysis import normalize_question
from indexer.store import current_generation, index_root
from tests.conftest import CORPUS, hfa_command, running_server

ONE_DOC = "telemark-retningslinje-1-ansvar-og-oppgaver.txt"


def hfa(data: Path, corpus: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
    env.update(HFA_DATA_DIR=str(data), HFA_CORPUS_DIR=str(corpus), HFA_LOG_LEVEL="WARNING")
    return subprocess.run([*hfa_command(), *args], env=env, capture_output=True, text=True, timeout=timeout)


def small_corpus(target: Path, names: tuple[str, ...] = (ONE_DOC,)) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in (*names, "manifest.yaml", "glossary.yaml"):
        shutil.copy(CORPUS / name, target / name)
    return target


# -- kill -9 in the middle of indexing -----------------------------------------------------
def _start_index(data: Path, corpus: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
    env.update(HFA_DATA_DIR=str(data), HFA_CORPUS_DIR=str(corpus), HFA_LOG_LEVEL="WARNING", HFA_EMBED_BATCH_SIZE="2")
    return subprocess.Popen([*hfa_command(), "index", "--quiet"], env=env, stderr=subprocess.DEVNULL)


def test_kill_9_mid_index_leaves_the_previous_index_serving(corpus_index: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(corpus_index, data)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    before = current_generation(data)
    shutil.rmtree(data / "cache")  # no cached vectors: the build has to embed everything
    with (corpus / ONE_DOC).open("a", encoding="utf-8") as doc:
        doc.write("\n\n9 Tillegg\nKaffeordningen i SSU gjelder fra 2027 og evalueres av sekretariatet.\n")

    with running_server(data, tmp_path, {"HFA_CORPUS_DIR": str(corpus)}) as base:
        ready = httpx.get(f"{base}/readyz", timeout=60).json()

        # 1: killed while embedding
        process = _start_index(data, corpus)
        time.sleep(4)
        assert process.poll() is None, "the build finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert current_generation(data) == before
        assert httpx.get(f"{base}/readyz", timeout=60).json() == ready
        answer = httpx.post(f"{base}/v1/ask", json={"question": "Hvor ofte møtes SSU?"}, timeout=60).json()
        assert answer["found"] and "fire ganger årlig" in answer["answer"]

        # 2: killed the moment it starts writing the new generation
        process = _start_index(data, corpus)
        known = set(index_root(data).glob("gen-*"))
        deadline = time.monotonic() + 300
        while not set(index_root(data).glob("gen-*")) - known and time.monotonic() < deadline:
            assert process.poll() is None, "the build finished unseen"
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert current_generation(data) == before
        assert httpx.get(f"{base}/readyz", timeout=60).json() == ready

        # 3: a build that is left alone completes and is served
        done = hfa(data, corpus, "index", "--quiet")
        assert done.returncode == 0, done.stderr
        assert current_generation(data) != before
        hits = httpx.get(f"{base}/v1/search", params={"q": "Kaffeordningen 2027", "k": 1}, timeout=60).json()
        assert "Kaffeordningen" in hits["results"][0]["text"]


# -- a full disk and a read-only data dir ----------------------------------------------------
@contextmanager
def small_filesystem(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True)
    if os.geteuid() != 0:
        pytest.fail("the disk tests mount a tmpfs and need root (CI and these machines run as root)")
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_full_disk_is_a_clear_error_and_keeps_the_previous_index(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    with small_filesystem(tmp_path / "disk", "4m") as disk:
        data = disk / "data"
        first = hfa(data, corpus, "index", "--quiet")
        assert first.returncode == 0, first.stderr
        before = current_generation(data)
        free = shutil.disk_usage(disk).free
        (disk / "ballast").write_bytes(b"\0" * (free - 96 * 1024))  # something else filled the disk
        shutil.copy(CORPUS / "telemark-strategi-2025-2029.txt", corpus)
        full = hfa(data, corpus, "index", "--quiet")
        assert full.returncode == 1
        assert "disken er full" in full.stderr and "Traceback" not in full.stderr
        assert current_generation(data) == before
        assert len(list(index_root(data).glob("gen-*"))) == 1  # the failed generation was removed
        stuck = hfa(data, corpus, "search", "Hvor ofte møtes SSU?")
        assert "Traceback" not in stuck.stderr and (stuck.returncode == 0 or "full" in stuck.stderr)
        (disk / "ballast").unlink()  # the operator frees space: the old index serves, a new build works
        search = hfa(data, corpus, "search", "Hvor ofte møtes SSU?")
        assert search.returncode == 0 and "fire ganger årlig" in search.stdout
        again = hfa(data, corpus, "index", "--quiet")
        assert again.returncode == 0 and current_generation(data) != before


def test_read_only_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    with small_filesystem(tmp_path / "disk", "20m") as disk:
        data = disk / "data"
        assert hfa(data, corpus, "index", "--quiet").returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        shutil.copy(CORPUS / "telemark-strategi-2025-2029.txt", corpus)
        index = hfa(data, corpus, "index", "--quiet")
        assert index.returncode == 1 and "Traceback" not in index.stderr
        assert "skrivebeskyttet" in index.stderr, index.stderr
        search = hfa(data, corpus, "search", "Hvor ofte møtes SSU?")
        assert search.returncode == 1 and "Traceback" not in search.stderr
        assert "skrivebeskyttet" in search.stderr, search.stderr


# -- odd files ---------------------------------------------------------------------------------
def test_huge_files_are_skipped_by_name(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    with (corpus / "enorm.pdf").open("wb") as huge:  # sparse: 200 MB on paper, nothing on disk
        huge.truncate(200 * 1024 * 1024)
    run = hfa(tmp_path / "data", corpus, "index")
    assert run.returncode == 0, run.stderr
    assert "enorm.pdf" in run.stderr and "for stor" in run.stderr
    assert "Indeksert 1 dokumenter" in run.stdout


def test_many_page_pdf_is_indexed_page_by_page(tmp_path: Path) -> None:
    from fpdf import FPDF

    corpus = small_corpus(tmp_path / "corpus", ())
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)

    def code(page: int) -> str:  # a made-up word unique to the page
        return "".join("bdfgklmnpr"[int(d)] for d in str(page)) + "a"

    topics = ["utskrivning", "legemidler", "rehabilitering", "psykisk helse", "jordmor", "ambulanse", "fastleger"]
    for page in range(1, 301):
        word = code(page)
        pdf.add_page()
        pdf.multi_cell(0, 6, f"{page} Tiltak {word}\nTiltaket {word} gjelder samhandling om {topics[page % 7]}.")
    pdf.output(str(corpus / "stor-retningslinje.pdf"))
    run = hfa(tmp_path / "data", corpus, "index", "--json")
    assert run.returncode == 0, run.stderr
    for page in (15, 151, 287, 300):
        word = code(page)
        found = hfa(tmp_path / "data", corpus, "search", f"Tiltaket {word}", "--json", "-k", "1")
        hit = json.loads(found.stdout)["results"][0]
        assert f"Tiltaket {word} gjelder" in hit["text"] and hit["page"] <= page


def test_odd_unicode_in_documents_is_found_and_quoted(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus", ())
    odd = "Sam\u00adarbeids\u200butvalget for kvelds\u00advakter møtes hver tredje uke."  # soft hyphen, zero width
    text = f"Samarbeid om vakter\n\n1 Vakter\n{odd}\n"
    (corpus / "vakter.txt").write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    assert hfa(tmp_path / "data", corpus, "index", "--quiet").returncode == 0
    answer = hfa(tmp_path / "data", corpus, "ask", "Hvor ofte møtes samarbeidsutvalget for kveldsvakter?", "--json")
    assert answer.returncode == 0, answer.stderr
    assert "møtes hver tredje uke" in answer.stdout


# -- the question normaliser, fuzzed -------------------------------------------------------
ODD = st.lists(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff", "\u2028", "\x00", "\t"]),
        st.sampled_from(["a\u0308", "o\u0338", "møtes", "SSU", "15048543216", " ", "?"]),  # NFD, words, an fnr
    ),
    max_size=120,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(ODD)
def test_question_normaliser_never_crashes_and_is_idempotent(text: str) -> None:
    normal = normalize_question(text)
    assert normal == normalize_question(normal)
    assert unicodedata.is_normalized("NFC", normal)
    assert not any(c in normal for c in "\u00ad\u200b\u200c\u200d\ufeff\x00")
    try:
        checked = validate_question(text)
    except HfaError as exc:
        assert exc.status == 422 and exc.message
    else:
        assert checked and len(checked) <= MAX_QUESTION_CHARS
