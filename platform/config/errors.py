"""The one error type that user-caused refusals raise, in every app.

Each app declares its stable codes and translated messages in its ``errors.py``; API and pages turn
a ``PlatformError`` into a 400/409 with ``{"error": {"code", "message", "field", "details"}}``.
"""

from __future__ import annotations

from typing import Any

from django_stubs_ext import StrOrPromise


class PlatformError(Exception):
    status = 400

    def __init__(
        self,
        code: str,
        message: StrOrPromise,
        *,
        field: str | None = None,
        status: int | None = None,
        details: dict[str, Any] | None = None,
    ):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        self.details = details or {}
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message), "field": self.field}
        if self.details:
            body["details"] = self.details
        return body


class ErrorCatalog:
    """Codes -> messages of one app; ``catalog.error(code, ...)`` builds the exception."""

    def __init__(self, messages: dict[str, StrOrPromise]):
        self.messages = messages

    def error(self, code: str, *, field: str | None = None, status: int | None = None, **details: Any) -> PlatformError:
        message = self.messages[code]
        if details:
            message = str(message) % {k: str(v) for k, v in details.items()}
        return PlatformError(code, message, field=field, status=status, details={k: str(v) for k, v in details.items()})
