"""The layer contract (pyproject.toml [tool.importlinter], run by `make lint`) and the
answering service's single guard run, through the real HTTP API."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _tree(tmp_path: Path) -> Path:
    """A copy of the two packages and the contract, to break on purpose."""
    for package in ("assistant", "indexer"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "web"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(tree), "PATH": str(Path(sys.executable).parent)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=300
    )


def _add_import(module: Path, line: str) -> None:
    text = module.read_text(encoding="utf-8")
    head, _, rest = text.partition("from __future__ import annotations\n")
    module.write_text(f"{head}from __future__ import annotations\n{line}\n{rest}", encoding="utf-8")


def test_the_contract_holds_and_fails_on_an_upward_or_sideways_import(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    kept = _lint(tree)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "BROKEN" not in kept.stdout

    # Upward: the engine (answering) reaching into a channel.
    _add_import(tree / "assistant" / "answering" / "engine.py", "import assistant.channels.render")
    # Sideways: one channel importing another (Teams used to import the Slack adapter).
    _add_import(tree / "assistant" / "channels" / "teams.py", "import assistant.channels.slack")
    # The indexer importing the assistant.
    _add_import(tree / "indexer" / "chunking.py", "import assistant.domain")
    broken = _lint(tree)
    assert broken.returncode != 0
    assert "assistant.answering.engine -> assistant.channels.render" in broken.stdout
    assert "assistant.channels.teams -> assistant.channels.slack" in broken.stdout
    assert "The indexer never imports the assistant BROKEN" in broken.stdout


def _guard_scans(base: str) -> float:
    lines = httpx.get(f"{base}/metrics", timeout=10).text.splitlines()
    return next(float(line.split()[-1]) for line in lines if line.startswith("hfa_guard_scans_total "))


def test_the_guard_scans_an_api_question_once(server: str) -> None:
    """Issue 17: `/v1/ask` ran the guard's patterns in the engine, in validate_question
    and again in Retriever.search; the OpenAI route a fourth time before streaming. The
    answering service checks a question once; the later boundaries read its verdict."""
    before = _guard_scans(server)
    answer = httpx.post(f"{server}/v1/ask", json={"question": "Hvor ofte møtes SSU i år 2032?"}, timeout=120)
    assert answer.status_code == 200, answer.text
    assert _guard_scans(server) - before == 1

    before = _guard_scans(server)
    body = {"model": "hfa", "messages": [{"role": "user", "content": "Hvem leder SSU i år 2033?"}]}
    completion = httpx.post(f"{server}/v1/chat/completions", json=body, timeout=120)
    assert completion.status_code == 200, completion.text
    assert _guard_scans(server) - before == 1
