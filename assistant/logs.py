"""Log redaction: questions stay out of the logs.

With ``HFA_LOG_REDACT`` on (the default), every log record passes through
``RedactFilter``: identity numbers, e-mail addresses and phone numbers are replaced by
"[fjernet]", and the access log shows request paths without their query string (where
`/v1/search?q=…` carries the question). The guard itself logs only that it fired.

With ``HFA_LOG_FORMAT=json`` every line is one JSON object (``JsonFormatter``), written
after the same filters, so the redaction is the same in both formats.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from urllib.parse import unquote

from assistant.guard import redact

ACCESS_LOGGERS = ("uvicorn.access",)
# Libraries whose debug logs carry payloads (Slack events, Teams activities) or noise.
QUIET = ("httpx", "chromadb", "llama_index", "bm25s", "slack_bolt", "slack_sdk", "microsoft_agents", "msal")


def configure(level: str, redacting: bool, fmt: str = "text") -> None:
    """Logging for every process (the CLI, and each uvicorn worker): one format, quiet
    libraries, redaction. Safe to call more than once."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    else:
        root.setLevel(level.upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, QuietFilter) for f in handler.filters):
            handler.addFilter(QuietFilter())
    install(redacting)
    if fmt == "json":
        use_json()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message and, for
    errors, the exception. The message is the one the filters left (redacted)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def use_json() -> None:
    """Give every handler of the root logger and uvicorn's loggers the JSON formatter."""
    for name in ("", "uvicorn", "uvicorn.error", *ACCESS_LOGGERS):
        for handler in logging.getLogger(name).handlers:
            handler.setFormatter(JsonFormatter())


class QuietFilter(logging.Filter):
    """Below WARNING, drop the libraries in ``QUIET`` (some set their own level at import)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.name.split(".")[0] not in QUIET


class RedactFilter(logging.Filter):
    """Redacts a record in place without changing its shape (uvicorn's access formatter
    unpacks exactly five arguments), on a copy of its arguments, after decoding
    percent-encoding (``kari.nordmann%40sthf.no``). It never raises: a record it cannot
    redact is replaced by a fixed line rather than passed on unredacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            _redact_record(record)
        except Exception:  # never break logging, never leak what could not be redacted
            record.msg, record.args, record.exc_info, record.exc_text = UNREDACTABLE, None, None, None
        return True


UNREDACTABLE = "[loggmelding fjernet: kunne ikke renses]"


def _clean(value: object) -> object:
    """``value`` with personal data removed, judged on its percent-decoded text; a value
    without any is returned unchanged (the status code stays a number)."""
    decoded = unquote(str(value))
    cleaned = redact(decoded)
    return cleaned if cleaned != decoded else value


def _redact_record(record: logging.LogRecord) -> None:
    args = record.args
    if record.name in ACCESS_LOGGERS and isinstance(args, tuple) and len(args) >= 3:
        copied = list(args)  # a new tuple of the same length: the access formatter unpacks it
        path = str(copied[2])
        if "?" in path:
            copied[2] = path.split("?", 1)[0] + "?[fjernet]"
        record.args = tuple(_clean(a) for a in copied)
    else:
        message = record.getMessage()
        cleaned = _clean(message)
        if cleaned is not message:
            record.msg, record.args = cleaned, None
    if record.exc_info and not record.exc_text:  # tracebacks carry exception messages
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = str(_clean(record.exc_text))
    if record.stack_info:
        record.stack_info = str(_clean(record.stack_info))


def install(redacting: bool) -> None:
    """Put the filter on every handler of the root logger and of uvicorn's loggers (which
    do not propagate), so no record reaches a file or console unfiltered."""
    if not redacting:
        return
    loggers = [
        logging.getLogger(),
        *(logging.getLogger(name) for name in ("uvicorn", "uvicorn.error", *ACCESS_LOGGERS)),
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, RedactFilter) for f in handler.filters):
                handler.addFilter(RedactFilter())
