"""Typed errors that know their HTTP status and exit code.

They are translated in exactly two places: ``medkg.web.errors`` and the CLI's entry point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file with line and column (1-based), or a query position."""

    path: str
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        """Render as ``path:line:col`` the way editors and compilers do.

        >>> str(Location("data/claims/x.yaml", 4, 7))
        'data/claims/x.yaml:4:7'
        """
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v is not None}


class MedkgError(Exception):
    """Base of every error medkg raises on purpose."""

    status = 500
    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None, where: Location | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.where = where

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text}; {self.hint}" if self.hint else text

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status, "error": self.message}
        if self.where:
            body["where"] = self.where.to_dict()
        if self.hint:
            body["hint"] = self.hint
        return body


class BadRequest(MedkgError):
    status = 400
    exit_code = 2


class QuerySyntaxError(BadRequest):
    """A SPARQL query the parser rejected."""


class QueryEvaluationError(BadRequest):
    """A well-formed query the engine refused to evaluate."""


class ParameterError(BadRequest):
    """A named query's parameter is missing or has the wrong type."""


class UnknownCurie(BadRequest):
    """A CURIE whose prefix the project does not know."""


class NotFound(MedkgError):
    status = 404
    exit_code = 2


class NotAcceptable(MedkgError):
    status = 406
    exit_code = 2


class MethodNotAllowed(MedkgError):
    """An HTTP method a route does not take; ``allowed`` lists the ones it does."""

    status = 405
    exit_code = 2

    def __init__(self, message: str, *, allowed: list[str], hint: str | None = None):
        super().__init__(message, hint=hint or "use " + ", ".join(allowed))
        self.allowed = allowed


class UnsupportedMediaType(MedkgError):
    status = 415
    exit_code = 2


class Forbidden(MedkgError):
    status = 403
    exit_code = 2


class Unauthorized(MedkgError):
    status = 401
    exit_code = 2


class PayloadTooLarge(MedkgError):
    status = 413
    exit_code = 2


class TooManyRequests(MedkgError):
    """A client over its share; ``retry_after`` is the whole seconds until it may ask again."""

    status = 429
    exit_code = 2

    def __init__(self, message: str, *, retry_after: int, hint: str | None = None):
        super().__init__(message, hint=hint or f"retry after {retry_after} s")
        self.retry_after = retry_after


class QueryTimeout(MedkgError):
    status = 503
    exit_code = 2


class Overloaded(MedkgError):
    """Every worker stayed busy for as long as a request may wait for one: 503 with
    Retry-After (``retry_after`` whole seconds), as for TooManyRequests."""

    status = 503
    exit_code = 2

    def __init__(self, message: str, *, retry_after: int, hint: str | None = None):
        super().__init__(message, hint=hint or f"retry after {retry_after} s")
        self.retry_after = retry_after


class ConfigError(MedkgError):
    status = 500
    exit_code = 2


class StoreError(MedkgError):
    """The store could not be opened or written."""

    status = 503
    exit_code = 2


class BuildError(MedkgError):
    """Curated input that cannot be built; nothing in the store changed."""

    status = 500
    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        where: Location | None = None,
        problems: list[MedkgError] | None = None,
    ):
        super().__init__(message, hint=hint, where=where)
        self.problems = problems or []

    def __str__(self) -> str:
        if not self.problems:
            return super().__str__()
        return "\n".join([self.message, *(f"  {p}" for p in self.problems)])
