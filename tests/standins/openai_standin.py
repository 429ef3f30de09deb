"""A scripted OpenAI-compatible completion server on loopback: it answers
`POST /v1/completions` (plain and `stream: true`) in OpenAI's wire format with the text
the test gives it, and records the prompts it was sent. Used to play a hostile or
careless model, which a real small local model cannot be made to do on demand."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.standins.loopback import JsonHandler, serve


class ScriptedModel:
    def __init__(self, reply: str, delay: float = 0.0) -> None:
        self.reply = reply
        self.delay = delay  # seconds between streamed pieces (a slow model)
        self.prompts: list[str] = []
        self.url = ""


@contextmanager
def scripted_model(reply: str, delay: float = 0.0) -> Iterator[ScriptedModel]:
    model = ScriptedModel(reply, delay)

    class Handler(JsonHandler):
        def do_GET(self) -> None:
            self.send_json({"object": "list", "data": [{"id": "scripted", "object": "model", "owned_by": "test"}]})

        def do_POST(self) -> None:
            body = self.read_json()
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
                self.send_json(
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
                time.sleep(model.delay)
            self._chunk(b"data: [DONE]\n\n")
            self._chunk(b"")

        def _chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

    with serve(Handler) as url:
        model.url = f"{url}/v1"
        yield model
