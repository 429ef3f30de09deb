"""Where the project's data folders are (see ``indexer.resources``, which the indexer
uses too: the indexer never imports the assistant)."""

from __future__ import annotations

from indexer.resources import resource_dir

__all__ = ["resource_dir"]
