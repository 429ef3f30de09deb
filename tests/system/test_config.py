"""`hfa config` and the optional TOML file."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.conftest import hfa_command


def run_config(env_extra: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HFA_")}
    env.update(env_extra)
    return subprocess.run([*hfa_command(), "config", "--json"], env=env, cwd=cwd, capture_output=True, text=True)


def test_toml_file_applies_and_environment_wins(tmp_path: Path) -> None:
    (tmp_path / "hfa.toml").write_text(
        'port = 9000\nsearch_k = 7\nslack_channel_filters = { C1 = { region = "telemark" } }\n', encoding="utf-8"
    )
    run = run_config({"HFA_SEARCH_K": "9"}, tmp_path)  # ./hfa.toml is found without HFA_CONFIG_FILE
    assert run.returncode == 0, run.stderr
    values = json.loads(run.stdout)
    assert values["HFA_PORT"] == 9000 and values["HFA_SEARCH_K"] == 9
    assert values["HFA_SLACK_CHANNEL_FILTERS"] == {"C1": {"region": "telemark"}}


def test_secrets_are_masked(tmp_path: Path) -> None:
    secrets = {
        "HFA_SLACK_BOT_TOKEN": "xoxb-123456789-abcdefghijkl",
        "HFA_SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5",
        "HFA_API_KEYS": "hemmelig-nokkel-1,hemmelig-nokkel-2=intern-ssu",
        "HFA_TEAMS_APP_PASSWORD": "passord",
        "HFA_LLM_API_KEY": "sk-0123456789abcdef",
    }
    run = run_config(secrets, tmp_path)
    assert run.returncode == 0, run.stderr
    for secret in secrets.values():
        assert secret not in run.stdout
    assert "hemmelig" not in run.stdout and "intern-ssu" not in run.stdout
    values = json.loads(run.stdout)
    assert values["HFA_API_KEYS"] == "2 nøkler (skjult)" and values["HFA_TEAMS_APP_PASSWORD"] == "****"


def test_bad_settings_are_named_in_norwegian(tmp_path: Path) -> None:
    missing = run_config({"HFA_CONFIG_FILE": str(tmp_path / "finnes-ikke.toml")}, tmp_path)
    assert missing.returncode == 2 and "finnes ikke" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "feil.toml").write_text('search_k = "mange"\n', encoding="utf-8")
    bad = run_config({"HFA_CONFIG_FILE": str(tmp_path / "feil.toml")}, tmp_path)
    assert bad.returncode == 2 and "search_k" in bad.stderr and "Traceback" not in bad.stderr
