"""The Docker image's install steps (deploy/install.sh, which the Dockerfile runs) in a
fresh venv, then a smoke test of that installed copy: index, serve, answer, web page.
No Docker engine runs on these machines; this proves what the image would do."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.conftest import CORPUS, ROOT, free_port, wait_for

pytestmark = pytest.mark.deploy


def test_install_script_gives_a_working_installed_copy(corpus_index: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HFA_", "VIRTUAL_ENV", "PYTHON"))}
    install = subprocess.run(
        ["bash", str(ROOT / "deploy" / "install.sh"), str(venv), str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    hfa = venv / "bin" / "hfa"
    site = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import assistant, sys; print(assistant.__file__); print(sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,  # not this checkout's folder, which would shadow the installed package
    ).stdout.split()
    assert str(venv) in site[0] and "site-packages" in site[0]  # an installed copy, not this checkout
    extras = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import importlib.util as u; print([m for m in "
            "('torch', 'sentence_transformers', 'llama_cpp', 'pytest') if u.find_spec(m)])",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert extras == "[]"  # without HFA_EXTRAS only what the main job needs (torch is hfa[torch])
    assert (venv / "share" / "hfa" / "prompts" / "answers.yaml").exists()

    data = tmp_path / "data"
    shutil.copytree(corpus_index / "cache", data / "cache")  # vectors by content: nothing is embedded again
    run_env = {
        **env,
        "HFA_DATA_DIR": str(data),
        "HFA_CORPUS_DIR": str(CORPUS),
        "HFA_LOG_LEVEL": "WARNING",
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }
    port = free_port()
    with (tmp_path / "serve.log").open("wb") as log:
        server = subprocess.Popen(
            [str(hfa), "serve", "--index", "--port", str(port)], env=run_env, cwd=tmp_path, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}/healthz", server, timeout=300)
            assert httpx.get(f"{base}/readyz", timeout=60).json()["passages"] > 100
            answer = httpx.post(f"{base}/v1/ask", json={"question": "Hvor ofte møtes SSU?"}, timeout=60).json()
            assert answer["found"] and "fire ganger årlig" in answer["answer"]
            assert '<html lang="nb">' in httpx.get(base, timeout=30).text
            assert httpx.get(f"{base}/static/app.js", timeout=30).status_code == 200
        finally:
            server.terminate()
            server.wait(timeout=30)
