"""A scripted OpenAI-compatible completion server on loopback: it answers
`POST /v1/completions` (plain and `stream: true`) in OpenAI's wire format with the text
the test gives it, and records the prompts it was sent. Used to play a hostile or
careless model, which a real small local model cannot be made to do on demand."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ScriptedModel:
    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.prompts: list[str] = []
        self.url = ""


@contextmanager
def scripted_model(reply: str) -> Iterator[ScriptedModel]:
    model = ScriptedModel(reply)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _json(self, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._json({"object": "list", "data": [{"id": "scripted", "object": "model", "owned_by": "test"}]})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
            if self.path.rstrip("/") != "/v1/completions":
                self.send_error(404)
                return
            prompt = body.get("prompt")
            model.prompts.append(prompt if isinstance(prompt, str) else json.dumps(prompt))
            base = {
                "id": "cmpl-scripted",
                "object": "text_completion",
                "created": int(time.time()),
                "model": "scripted",
            }
            if not body.get("stream"):
                choice = {"text": model.reply, "index": 0, "logprobs": None, "finish_reason": "stop"}
                self._json(
                    {
                        **base,
                        "choices": [choice],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    }
                )
                return
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            pieces = [model.reply[i : i + 7] for i in range(0, len(model.reply), 7)] + [""]
            for n, piece in enumerate(pieces):
                finish = "stop" if n == len(pieces) - 1 else None
                event = {**base, "choices": [{"text": piece, "index": 0, "logprobs": None, "finish_reason": finish}]}
                self._chunk(f"data: {json.dumps(event)}\n\n".encode())
            self._chunk(b"data: [DONE]\n\n")
            self._chunk(b"")

        def _chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    model.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield model
    finally:
        server.shutdown()
        server.server_close()
