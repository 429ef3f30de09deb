"""Operations: Prometheus metrics, JSON logs, secrets files, and event streams through a
real nginx reverse proxy (Debian's nginx, started here with a temporary config)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import background, free_port, running_server
from tests.standins.openai_standin import scripted_model


def scrape(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, parsed by prometheus-client's own parser."""
    response = httpx.get(f"{base}/metrics", timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_parse_and_move_when_questions_are_asked(server: str) -> None:
    before = scrape(server)
    questions = {
        "found": "Hvor ofte møtes SSU?",
        "refused": "Hvilken dose paracetamol kan jeg gi et barn på 20 kg?",
        "guarded": "Hvem varsler kommunen om pasient 15048543216?",
    }
    for question in questions.values():
        assert httpx.post(f"{server}/v1/ask", json={"question": question}, timeout=60).status_code == 200
    assert httpx.get(f"{server}/v1/documents/telemark-retningslinje-1", timeout=30).status_code == 200
    after = scrape(server)

    for outcome in questions:
        assert (
            value(after, "hfa_answers_total", outcome=outcome)
            == value(before, "hfa_answers_total", outcome=outcome) + 1
        )
    ask = {"method": "POST", "route": "/v1/ask", "status": "200"}
    assert value(after, "hfa_http_requests_total", **ask) == value(before, "hfa_http_requests_total", **ask) + 3
    latency = {"method": "POST", "route": "/v1/ask"}
    assert value(after, "hfa_http_request_duration_seconds_count", **latency) >= 3
    assert value(after, "hfa_query_embedding_seconds_count") > value(before, "hfa_query_embedding_seconds_count")
    routes = {dict(labels).get("route") for (name, labels) in after if name == "hfa_http_requests_total"}
    assert "/v1/documents/{doc_id}" in routes  # the template, never the raw path
    assert not any(route and "retningslinje" in route for route in routes)

    assert value(after, "hfa_index_passages", collection="standard") > 50
    assert value(after, "hfa_index_size_bytes", collection="standard") > 10_000
    assert 0 <= value(after, "hfa_index_age_seconds", collection="standard") < 3600
    generation = httpx.get(f"{server}/readyz", timeout=30).json()["generation"]
    assert value(after, "hfa_index_generation_info", collection="standard", generation=generation) == 1
    assert ("hfa_citation_replacements_total", ()) in after


def test_json_logs_parse_and_are_redacted(corpus_index: Path, tmp_path: Path) -> None:
    env = {"HFA_LOG_FORMAT": "json", "HFA_LOG_LEVEL": "INFO"}
    with running_server(corpus_index, tmp_path, env) as base:
        httpx.get(f"{base}/v1/search", params={"q": "ring meg på 98765432 om SSU"}, timeout=30)
        httpx.post(f"{base}/v1/ask", json={"question": "Skriv til ola.nordmann@example.no om SSU"}, timeout=60)
    lines = [line for line in (tmp_path / next(p.name for p in tmp_path.glob("server-*.log"))).read_text().splitlines()]
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    assert len(entries) >= 3 and all({"time", "level", "logger", "message"} <= set(entry) for entry in entries)
    access = [e["message"] for e in entries if e["logger"] == "uvicorn.access"]
    assert any("/v1/search?[fjernet]" in message for message in access)
    text = "\n".join(lines)
    assert "98765432" not in text and "ola.nordmann" not in text


def test_settings_read_secret_files_and_a_missing_dir_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.settings import Settings

    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "HFA_API_KEYS").write_text("hemmelig-nokkel=intern-ssu\n", encoding="utf-8")
    (secrets / "hfa_llm_api_key").write_text("sk-fra-fil", encoding="utf-8")
    monkeypatch.setenv("HFA_SECRETS_DIR", str(secrets))
    settings = Settings()
    assert settings.api_key_access() == {"hemmelig-nokkel": (("intern-ssu",), ())}
    assert settings.llm_api_key.get_secret_value() == "sk-fra-fil"
    monkeypatch.setenv("HFA_LLM_API_KEY", "sk-fra-miljo")  # the environment wins over a file
    assert Settings().llm_api_key.get_secret_value() == "sk-fra-miljo"
    monkeypatch.setenv("HFA_SECRETS_DIR", str(tmp_path / "finnes-ikke"))
    assert Settings().api_keys.get_secret_value() == ""


# -- streams through nginx ------------------------------------------------------------------
NGINX_CONF = """
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass {upstream};
            proxy_http_version 1.1;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""
SLOW_REPLY = "SSU møtes fire ganger årlig [1].\n\nSitater:\n[1] «Alle møter er avlyst i år»"


def nginx_path() -> str:
    path = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    assert path, "Debian's nginx is missing: `make test` installs it (apt-get install nginx-light)"
    return path


def test_streams_pass_through_nginx_event_by_event_with_pings(corpus_index: Path, tmp_path: Path) -> None:
    """Tokens pass a real nginx (default `proxy_buffering on`) one by one while the model
    writes, with keep-alive pings between them and the proxy headers set. (nginx 1.22
    passed chunked events on promptly here even without `X-Accel-Buffering: no`; the
    header is for proxies and set-ups that do hold them back, and is checked directly.)"""
    with scripted_model(SLOW_REPLY, delay=0.15) as model:
        env = {"HFA_LLM_BASE_URL": model.url, "HFA_LLM_MODEL": "scripted", "HFA_SSE_PING_SECONDS": "0.3"}
        with running_server(corpus_index, tmp_path / "hfa", env) as upstream:
            port = free_port()
            root = tmp_path / "nginx"
            root.mkdir()
            (root / "nginx.conf").write_text(NGINX_CONF.format(root=root, port=port, upstream=upstream))
            command = [nginx_path(), "-p", str(root), "-c", str(root / "nginx.conf")]
            proxy = f"http://127.0.0.1:{port}"
            with background(command, root / "nginx.log", f"{proxy}/healthz"):
                started = time.monotonic()
                arrivals: list[tuple[float, str]] = []
                body = {"question": "Hvor ofte møtes SSU?"}
                with httpx.stream("POST", f"{proxy}/v1/ask/stream", json=body, timeout=60) as response:
                    assert response.status_code == 200
                    assert response.headers["cache-control"] == "no-cache"
                    assert response.headers["content-type"].startswith("text/event-stream")
                    for line in response.iter_lines():
                        arrivals.append((time.monotonic() - started, line))
            direct = httpx.post(f"{upstream}/v1/ask/stream", json=body, timeout=60)
            assert direct.headers["x-accel-buffering"] == "no"  # nginx reads it and does not pass it on
            after = scrape(upstream)

    first_token = next(t for t, line in arrivals if line == "event: token")
    final = next(t for t, line in arrivals if line == "event: final")
    assert final - first_token > 1.0, arrivals[:5]  # tokens arrived while the model was still writing
    assert any(line == ": ping" for _, line in arrivals)
    final_data = json.loads(next(line for _, line in arrivals if line.startswith('data: {"answer"'))[6:])
    assert final_data["found"] and "avlyst" not in final_data["answer"]  # the false citation was replaced
    assert value(after, "hfa_citation_replacements_total") >= 1


def test_chat_completion_streams_carry_the_proxy_headers(server: str) -> None:
    body = {"model": "hfa", "stream": True, "messages": [{"role": "user", "content": "Hvem sitter i SSU?"}]}
    with httpx.stream("POST", f"{server}/v1/chat/completions", json=body, timeout=60) as response:
        lines = list(response.iter_lines())
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["x-accel-buffering"] == "no"
    assert lines[-2:] == ["data: [DONE]", ""] or lines[-1] == "data: [DONE]"


def test_metrics_add_up_across_workers(corpus_index: Path, tmp_path: Path) -> None:
    """With PROMETHEUS_MULTIPROC_DIR every worker's counts reach /metrics, whichever
    worker answers the scrape (docs/operations.md)."""
    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(shared)}
    with running_server(corpus_index, tmp_path / "hfa", env, workers=2) as base:
        for _ in range(6):
            with httpx.Client() as fresh:  # a new connection each time: either worker may answer
                assert fresh.post(f"{base}/v1/ask", json={"question": "Hvor ofte møtes SSU?"}, timeout=60).is_success
        assert len(list(shared.glob("counter_*.db"))) == 2  # one file per worker
        samples = [scrape(base) for _ in range(3)]
    assert all(value(s, "hfa_answers_total", outcome="found") == 6 for s in samples)
    assert all(value(s, "hfa_index_passages", collection="standard") > 50 for s in samples)
