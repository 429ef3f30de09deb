"""``code_fingerprint`` covers only the modules that change what is written to the index."""

from __future__ import annotations

import shutil
from pathlib import Path

import indexer
from indexer.build import INDEX_MODULES, NOT_INDEX_MODULES, code_fingerprint

PACKAGE = Path(indexer.__file__).resolve().parent


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "indexer"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_editing_a_message_outside_the_index_modules_keeps_the_fingerprint(tmp_path: Path) -> None:
    """Previously the fingerprint hashed store.py whole, so rewording the Norwegian
    'Fant ingen indeks' message forced a full re-index."""
    copy = _copy(tmp_path)
    before = code_fingerprint(copy)
    assert before == code_fingerprint()
    _edit(copy / "store" / "reader.py", "Fant ingen indeks.", "Det finnes ingen indeks ennå.")
    _edit(copy / "errors.py", "message is Norwegian", "message is in Norwegian")
    _edit(copy / "sync.py", "class SyncError(", "class SyncError(  ")
    assert code_fingerprint(copy) == before


def test_editing_chunking_or_an_embedder_changes_the_fingerprint(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    before = code_fingerprint(copy)
    _edit(copy / "chunking.py", '"""', '"""Passages. ')
    after_chunking = code_fingerprint(copy)
    assert after_chunking != before
    _edit(copy / "embedders" / "base.py", "1e-12", "1e-9")
    assert code_fingerprint(copy) not in (before, after_chunking)


def test_every_indexer_module_is_classified_once() -> None:
    """A new module must be put in INDEX_MODULES (it shapes the index) or in
    NOT_INDEX_MODULES; otherwise an index-shaping module could slip past the fingerprint."""
    covered: list[str] = []
    for name in (*INDEX_MODULES, *NOT_INDEX_MODULES):
        if name.endswith("/"):
            covered += [p.relative_to(PACKAGE).as_posix() for p in (PACKAGE / name).rglob("*.py")]
        else:
            assert (PACKAGE / name).is_file(), name
            covered.append(name)
    modules = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))
    assert sorted(covered) == modules
