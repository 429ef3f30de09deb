"""One ``IndexerError`` base: every indexer exception derives from it, and the CLI
catches that one type."""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil

import pytest

import indexer
from assistant.channels.cli import _run
from indexer.errors import IndexerError


def _indexer_exceptions() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for module in pkgutil.walk_packages(indexer.__path__, "indexer."):
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Exception)
                and value.__module__ == loaded.__name__
                and not name.startswith("_")
            ):
                found[f"{value.__module__}.{name}"] = value
    return [found[key] for key in sorted(found)]


def test_every_indexer_exception_derives_from_indexer_error() -> None:
    exceptions = _indexer_exceptions()
    names = {cls.__name__ for cls in exceptions}
    assert {"BuildError", "StoreError", "EmbedderError", "ManifestError", "LoadError", "SyncError"} <= names
    assert [cls.__name__ for cls in exceptions if not issubclass(cls, IndexerError)] == []


@pytest.mark.parametrize("error", [cls for cls in _indexer_exceptions() if cls is not IndexerError])
def test_cli_reports_any_indexer_error_in_norwegian(error: type[Exception], capsys: pytest.CaptureFixture[str]) -> None:
    """Previously only BuildError, EmbedderError, ManifestError and StoreError were caught;
    a LoadError or SyncError reaching the CLI ended in a traceback."""

    def command(args: argparse.Namespace) -> int:
        raise error("Noe gikk galt i indekseringen.")

    assert _run(command, argparse.Namespace()) == 1
    assert capsys.readouterr().err == "Feil: Noe gikk galt i indekseringen.\n"
