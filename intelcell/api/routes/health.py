"""Liveness and store health, the one route without authentication."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

from intelcell.api.auth import cell_of
from intelcell.api.errors import ApiError

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(request: Request) -> dict[str, str]:
    """Answer ``ok`` when the store answers; 503 otherwise."""
    try:
        with cell_of(request).db.read() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        raise ApiError(503, "unavailable", "store is not answering") from None
    return {"status": "ok"}
