"""Several uvicorn workers over one index, and `hfa index` while they serve: readers
see the old index or the new one, never an error or a half-built index."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import httpx

from tests.conftest import CORPUS, hfa_command, running_server

NEW_DOCUMENT = """Retningslinje for kaffeordningen

1. Formål
Kaffeordningen i helsefellesskapet skal sikre at det serveres kaffe og frukt på alle møter i SSU.
Ordningen evalueres av sekretariatet hvert annet år.
"""


def test_reindex_while_two_workers_serve(corpus_index: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(corpus_index, data)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    env = {"HFA_CORPUS_DIR": str(corpus)}
    with running_server(data, tmp_path, env, workers=2) as base:
        before = httpx.get(f"{base}/readyz", timeout=60).json()["passages"]
        seen: list[tuple[int, int]] = []  # (status, passages)
        failures: list[str] = []
        stop = threading.Event()

        def hammer() -> None:
            with httpx.Client(timeout=60) as client:
                while not stop.is_set():
                    try:
                        ask = client.post(f"{base}/v1/ask", json={"question": "Hvor ofte møtes SSU?"})
                        ready = client.get(f"{base}/readyz")
                        seen.append((ask.status_code, ready.json().get("passages", -1)))
                        if ask.status_code != 200 or not ask.json()["found"]:
                            failures.append(ask.text)
                    except httpx.HTTPError as exc:
                        failures.append(repr(exc))

        threads = [threading.Thread(target=hammer) for _ in range(3)]
        for thread in threads:
            thread.start()
        (corpus / "kaffeordningen.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
        run_env = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
        run_env.update(HFA_DATA_DIR=str(data), HFA_CORPUS_DIR=str(corpus), HFA_LOG_LEVEL="WARNING")
        indexed = subprocess.run(
            [*hfa_command(), "index", "--quiet"], env=run_env, capture_output=True, text=True, timeout=600
        )
        assert indexed.returncode == 0, indexed.stderr
        deadline = time.monotonic() + 60
        found_new = 0
        while found_new < 6 and time.monotonic() < deadline:  # both workers must pick it up
            hits = httpx.get(f"{base}/v1/search", params={"q": "kaffeordningen frukt", "k": 1}, timeout=60).json()
            found_new = found_new + 1 if hits["results"][0]["doc_id"] == "kaffeordningen" else 0
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        after = httpx.get(f"{base}/readyz", timeout=60).json()["passages"]

    assert found_new >= 6, "the new index was not served"
    assert after > before
    assert not failures, failures[:3]
    assert seen and {passages for _, passages in seen} <= {before, after}
