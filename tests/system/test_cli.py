"""The `hfa` command line, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS, copy_corpus, hfa_command


def run(*args: str, data_dir: Path, corpus: Path = CORPUS, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
    environment.update(HFA_DATA_DIR=str(data_dir), HFA_CORPUS_DIR=str(corpus), HFA_LOG_LEVEL="WARNING", **env)
    return subprocess.run(
        [*hfa_command(), *args], env=environment, capture_output=True, text=True, timeout=300, check=False
    )


def test_help_does_not_import_heavy_backends(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from assistant.channels.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'chromadb', 'llama_index') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert "HEAVY []" in out.stdout and "index" in out.stdout and "search" in out.stdout


def test_search_does_not_import_torch(corpus_index: Path) -> None:
    code = (
        "import sys\n"
        "from assistant.channels.cli import main\n"
        "main(['search', 'Hvor ofte møtes SSU?', '--json'])\n"
        "print('HEAVY', [m for m in ('torch', 'sentence_transformers') if m in sys.modules])\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
    env.update(HFA_DATA_DIR=str(corpus_index), HFA_CORPUS_DIR=str(CORPUS), HFA_LOG_LEVEL="WARNING")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout


def test_index_then_search(tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path / "corpus", ["telemark-notat-partnerskapsmote-2024-03-01.txt"])
    data = tmp_path / "data"
    indexed = run("index", data_dir=data, corpus=corpus)
    assert indexed.returncode == 0, indexed.stderr
    assert "Indeksert 1 dokumenter" in indexed.stdout
    assert "Ingen endringer" in run("index", data_dir=data, corpus=corpus).stdout

    found = run("search", "Hvem underskriver samarbeidsavtalen?", "-k", "2", "--json", data_dir=data, corpus=corpus)
    results = json.loads(found.stdout)["results"]
    assert len(results) == 2 and "Ordførerne underskriver" in results[0]["text"]

    plain = run("search", "Hvem underskriver samarbeidsavtalen?", data_dir=data, corpus=corpus)
    assert plain.returncode == 0 and "1. Notat til partnerskapsmøtet" in plain.stdout


def test_errors_are_norwegian_without_traceback(tmp_path: Path) -> None:
    missing = run("search", "SSU", data_dir=tmp_path / "tom")
    assert missing.returncode == 1 and "Fant ingen indeks" in missing.stderr and "Traceback" not in missing.stderr
    bad_setting = run("search", "SSU", data_dir=tmp_path, HFA_EMBED_BACKEND="word2vec")
    assert bad_setting.returncode == 2 and "HFA_" in bad_setting.stderr and "Traceback" not in bad_setting.stderr
