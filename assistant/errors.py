"""One exception type for everything a user may be told, with its HTTP status."""

from __future__ import annotations


class HfaError(Exception):
    """An error with a Norwegian message for users and an HTTP status for the API."""

    def __init__(self, message: str, status: int = 400, log_message: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.log_message = log_message or message


class OpenAIRequestError(HfaError):
    """A request the OpenAI-compatible API refuses, sent in OpenAI's error shape
    (``type`` invalid_request_error, the offending ``param``)."""

    def __init__(self, message: str, param: str, log_message: str = "") -> None:
        super().__init__(message, 400, log_message)
        self.param = param
