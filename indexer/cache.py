"""Embedding cache: content hash -> vector, so unchanged passages are never re-embedded."""

from __future__ import annotations

import errno
import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np


def content_key(embedder_name: str, text: str) -> str:
    return hashlib.sha256(f"{embedder_name}\0passage\0{text}".encode()).hexdigest()


def _as_os_error(exc: sqlite3.Error, path: Path) -> OSError:
    """SQLite reports a full disk or a read-only file system in words; say it as errno."""
    text = str(exc).lower()
    if "full" in text:
        return OSError(errno.ENOSPC, "disk full", str(path))
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return OSError(errno.EROFS, "read-only", str(path))
    return OSError(errno.EIO, str(exc), str(path))


class EmbeddingCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
            self._db.commit()
        except sqlite3.Error as exc:
            raise _as_os_error(exc, path) from exc

    def get_many(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        keys = list(keys)
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            marks = ",".join("?" * len(batch))
            for key, blob in self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", batch):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        try:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                [(key, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in items.items()],
            )
            self._db.commit()
        except sqlite3.Error as exc:
            self._db.rollback()
            raise _as_os_error(exc, self.path) from exc

    def close(self) -> None:
        self._db.close()
