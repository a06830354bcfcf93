"""One error shape for the whole API: ``{"error": CODE, "reason": TEXT}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    """An error the API answers with ``status`` and a JSON reason."""

    def __init__(self, status: int, error: str, reason: str, headers: dict[str, str] | None = None):
        super().__init__(reason)
        self.status, self.error, self.reason, self.headers = status, error, reason, headers


def error_response(status: int, error: str, reason: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON response for an error."""
    return JSONResponse({"error": error, "reason": reason}, status_code=status, headers=headers)


def _validation_reason(errors: list[dict[str, Any]]) -> tuple[int, str, str]:
    first = errors[0] if errors else {}
    if first.get("type") == "json_invalid":
        return 400, "malformed_json", "request body is not valid JSON"
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    message = first.get("msg", "invalid request")
    return 422, "invalid_request", f"{where}: {message}" if where else message


def response_for(exc: Exception) -> JSONResponse:
    """The JSON response for an ApiError, a request validation error or an HTTP exception."""
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.error, exc.reason, exc.headers)
    if isinstance(exc, RequestValidationError):
        status, error, reason = _validation_reason(list(exc.errors()))
        return error_response(status, error, reason)
    if isinstance(exc, StarletteHTTPException):
        error = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(exc.status_code, error, str(exc.detail), getattr(exc, "headers", None))
    raise TypeError(f"no error response for {type(exc).__name__}")


#: The exceptions `response_for` answers.
HANDLED: tuple[type[Exception], ...] = (ApiError, RequestValidationError, StarletteHTTPException)


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the same shape."""

    async def _handle(_request: Request, exc: Exception) -> JSONResponse:
        return response_for(exc)

    for kind in HANDLED:
        app.add_exception_handler(kind, _handle)
