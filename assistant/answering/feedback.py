"""Answers given in chat and the 👍/👎 votes on them, in SQLite under the data dir.

An answer is recorded when it is posted (so a later vote knows the question, answer
and citations); answers nobody voted on are removed after ``KEEP_UNVOTED_DAYS``.
Questions stopped by the patient-data guard are never recorded. ``export`` writes the
voted answers in the gold-set format (`evals/gold.yaml`) for review.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import yaml

from assistant.domain import Result

KEEP_UNVOTED_DAYS = 30
_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,        -- slack | teams
    channel TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    found INTEGER NOT NULL,
    citations TEXT NOT NULL,     -- JSON list
    created REAL NOT NULL,
    ref TEXT NOT NULL DEFAULT '' -- the chat message that carried it (Teams: conversation|activity id)
);
CREATE INDEX IF NOT EXISTS answers_ref ON answers(ref);
CREATE INDEX IF NOT EXISTS answers_channel ON answers(source, channel, created);
CREATE TABLE IF NOT EXISTS votes (
    answer_id TEXT NOT NULL REFERENCES answers(id),
    user TEXT NOT NULL,
    vote INTEGER NOT NULL,       -- +1 or -1
    created REAL NOT NULL,
    PRIMARY KEY (answer_id, user)
);
"""


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._ready = False  # the file is created on first use, not when a server starts

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with sqlite3.connect(self.path, timeout=30) as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
            self._ready = True
        return sqlite3.connect(self.path, timeout=30)

    def record_answer(self, source: str, channel: str, question: str, result: Result) -> str:
        """Store a posted answer; returns its id (carried by the vote buttons)."""
        if result.guarded:  # never store a question that held patient data
            raise ValueError("guarded questions are never stored")
        answer_id = uuid.uuid4().hex
        citations = json.dumps([c.as_dict() for c in result.citations], ensure_ascii=False)
        now = time.time()
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')",
                (answer_id, source, channel, question, result.answer, int(result.found), citations, now),
            )
            db.execute(
                "DELETE FROM answers WHERE created < ? AND id NOT IN (SELECT answer_id FROM votes)",
                (now - KEEP_UNVOTED_DAYS * 86400,),
            )
        return answer_id

    def set_ref(self, answer_id: str, ref: str) -> None:
        with self._lock, self._connect() as db:
            db.execute("UPDATE answers SET ref = ? WHERE id = ?", (ref, answer_id))

    def answer_id_for(self, ref: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT id FROM answers WHERE ref = ?", (ref,)).fetchone()
        return str(row[0]) if row else None

    def recent_turns(
        self, source: str, channel: str, limit: int = 5, within: float = 2 * 3600
    ) -> list[tuple[str, str]]:
        """The last answered (question, answer) pairs of a conversation, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT question, answer FROM answers WHERE source = ? AND channel = ? AND created > ? "
                "ORDER BY created DESC LIMIT ?",
                (source, channel, time.time() - within, limit),
            ).fetchall()
        return [(str(q), str(a)) for q, a in reversed(rows)]

    def vote(self, answer_id: str, user: str, vote: int) -> bool:
        """Record (or change) a user's vote; False when the answer is unknown."""
        with self._lock, self._connect() as db:
            if db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is None:
                return False
            db.execute(
                "INSERT INTO votes VALUES (?, ?, ?, ?) ON CONFLICT(answer_id, user) DO UPDATE SET vote = excluded.vote,"
                " created = excluded.created",
                (answer_id, user, 1 if vote > 0 else -1, time.time()),
            )
        return True

    def answer(self, answer_id: str) -> dict[str, Any] | None:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            row = db.execute("SELECT * FROM answers WHERE id = ?", (answer_id,)).fetchone()
        if row is None:
            return None
        return {**dict(row), "citations": json.loads(row["citations"]), "found": bool(row["found"])}

    def votes(self) -> list[dict[str, Any]]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(
                "SELECT a.*, v.vote, v.user, v.created AS voted FROM votes v JOIN answers a ON a.id = v.answer_id "
                "ORDER BY v.created"
            ).fetchall()
        return [{**dict(r), "citations": json.loads(r["citations"]), "found": bool(r["found"])} for r in rows]

    def export(self) -> str:
        """Voted answers as gold-set YAML: 👍 answers with their quotes as evidence,
        👎 answers marked for review (evidence and key facts to be written by hand)."""
        questions = []
        for row in self.votes():
            citations = row["citations"]
            item: dict[str, Any] = {
                "id": f"fb-{row['id'][:8]}-{'opp' if row['vote'] > 0 else 'ned'}",
                "group": "clinician",
                "type": "feedback",
                "question": row["question"],
                "evidence": [c["quote"] for c in citations] if row["vote"] > 0 else [],
                "key_facts": [],
                "vote": "👍" if row["vote"] > 0 else "👎",
                "answer": row["answer"],
                "source": f"{row['source']}:{row['channel']}",
                "voted": time.strftime("%Y-%m-%d %H:%M", time.localtime(row["voted"])),
            }
            if citations:
                item["doc"] = citations[0]["doc_id"]
            if row["vote"] < 0 or not citations:
                item["needs_review"] = True
            questions.append(item)
        header = "# Tilbakemeldinger fra chat, i gullsett-format. Gå gjennom før de flyttes til evals/gold.yaml.\n"
        return header + yaml.safe_dump({"questions": questions}, allow_unicode=True, sort_keys=False, width=100)
