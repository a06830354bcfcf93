"""Kept screenings: screen and keep a query, list the member's kept ones, run one again (fighters.saved_screenings)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.api.routes.match import _result
from intelcell.domain.matching import ftf_v2
from intelcell.fighters import saved_screenings, screening
from intelcell.fighters.saved_screenings import Run
from intelcell.fighters.screening import QueryError
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/screenings", tags=["screening"])
Authenticated = Annotated[User, Depends(current_user)]
Limit = Annotated[int, Query(ge=1, le=screening.MAX_LIMIT)]


class KeepRequest(BaseModel):
    """A person to screen now and keep for later runs: Person properties, as a `/match` query gives them."""

    model_config = ConfigDict(extra="forbid")
    properties: dict[str, str | list[Any]] = Field(examples=[{"name": ["Omar Haddad"], "birthDate": ["1987"]}])
    threshold: float = Field(ftf_v2.THRESHOLD, ge=0.0, le=1.0)


def _answer(request: Request, user: User, run: Run, operation: str) -> dict[str, Any]:
    """A run as the API answers it, its released records audited as `/match` audits them."""
    results = run.found.results
    record_read(request, user, operation, [r.record_id for r in results], [r.label for r in results])
    return {
        "screening": run.saved.to_json(),
        "results": [{**_result(r), "new": r.record_id in run.new} for r in results],
        "total": run.found.total,
        "new": sum(1 for r in results if r.record_id in run.new),
        "hits": [h.to_json() for h in run.found.hits],
    }


@router.post("", status_code=201)
def screen_and_keep(body: KeepRequest, request: Request, user: Authenticated, limit: Limit = 5) -> dict[str, Any]:
    """Screen a person as `/match` does and keep the screening (your member's own) to run again later."""
    try:
        run = saved_screenings.screen_and_keep(
            cell_of(request), user, body.properties, limit=limit, threshold=body.threshold
        )
    except QueryError as exc:
        raise ApiError(422, "invalid_query", str(exc)) from None
    return _answer(request, user, run, "person.match")


@router.get("")
def list_kept(request: Request, user: Authenticated) -> dict[str, Any]:
    """Your member's kept screenings (other members' never show)."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        kept = saved_screenings.listed(conn, user)
    return {"screenings": [s.to_json() for s in kept]}


@router.post("/{screening_id}/rerun")
def rerun(screening_id: str, request: Request, user: Authenticated, limit: Limit = 5) -> dict[str, Any]:
    """Run a kept screening again on the records as they are now; results not shown before say ``new``.

    404 alike for a screening that is missing or another member's.
    """
    run = saved_screenings.rerun(cell_of(request), user, screening_id[:64], limit=limit)
    if run is None:
        raise ApiError(404, "not_found", f"no kept screening '{screening_id[:64]}'")
    return _answer(request, user, run, "person.match")


@router.delete("/{screening_id}", status_code=204)
def forget(screening_id: str, request: Request, user: Authenticated) -> Response:
    """Delete a kept screening; 404 alike for one that is missing or another member's."""
    if not saved_screenings.remove(cell_of(request), user, screening_id[:64]):
        raise ApiError(404, "not_found", f"no kept screening '{screening_id[:64]}'")
    return Response(status_code=204)
