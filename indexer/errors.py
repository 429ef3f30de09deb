"""One base for every error the indexer reports to a user.

Each part keeps its own exception (``LoadError``, ``StoreError``, ``EmbedderError`` …),
named after what failed; all derive from ``IndexerError``, so a caller that only wants
to print the Norwegian message (the CLI) catches one type.
"""

from __future__ import annotations


class IndexerError(Exception):
    """An indexer error whose message is Norwegian and says what to do."""
