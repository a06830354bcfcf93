"""Bearer-token authentication for every API route except health."""

from __future__ import annotations

from fastapi import Request

from intelcell.api.errors import ApiError
from intelcell.cell import Cell
from intelcell.store import tokens
from intelcell.store.users import User


def cell_of(request: Request) -> Cell:
    """The cell this app was built with."""
    return request.app.state.cell  # type: ignore[no-any-return]


def _unauthorized(reason: str) -> ApiError:
    return ApiError(401, "unauthorized", reason, {"WWW-Authenticate": 'Bearer realm="intelcell"'})


def current_user(request: Request) -> User:
    """The user whose API token is in the ``Authorization: Bearer`` header; 401 otherwise."""
    header = request.headers.get("authorization")
    if not header:
        raise _unauthorized("missing Authorization: Bearer token")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Authorization header must be 'Bearer TOKEN'")
    cell = cell_of(request)
    try:
        with cell.db.read() as conn:
            return tokens.authenticate(conn, token.strip(), cell.clock())
    except tokens.AuthError as exc:
        raise _unauthorized(str(exc)) from None
