"""Screening in OpenSanctions yente's ``/match`` shape, so screening clients work unchanged.

The request is yente's (``queries`` keyed by the client's ids, each ``{"schema", "properties"}``;
``limit`` and ``threshold`` as query parameters); so is the response (``responses`` keyed the
same way, each with ``results``, ``total`` and ``query``; results carry ``score``, ``match``,
``features`` and ``explanations``; ``matcher`` documents the features). Two additions: each
response lists ``hits``, the possible matches the caller may not read (hit/no-hit, see
``intelcell/fighters/screening.py``), and each result says which member holds it under which label.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.api.routes.rfis import Question, refused
from intelcell.domain.matching import ftf_v2
from intelcell.exchange.rfis import RfiError
from intelcell.fighters import hits, screening
from intelcell.fighters.screening import QueryError, Result
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1", tags=["screening"])
Authenticated = Annotated[User, Depends(current_user)]
MAX_QUERIES = 100


class EntityExample(BaseModel):
    """A query entity as yente takes it: a schema and properties (strings or lists of strings)."""

    model_config = ConfigDict(populate_by_name=True)
    id: str | None = Field(None, max_length=200)
    schema_: str = Field(alias="schema", examples=["Person"])
    properties: dict[str, str | list[Any]] = Field(
        examples=[{"name": ["Abou Bakr al-Baghdadi"], "birthDate": ["1971"], "nationality": ["iq"]}]
    )


class MatchRequest(BaseModel):
    """yente's match request: queries keyed by the client's own ids."""

    model_config = ConfigDict(extra="forbid")
    queries: dict[str, EntityExample] = Field(min_length=1, max_length=MAX_QUERIES)
    weights: dict[str, float] = Field(default_factory=dict, description="yente compatibility: must be empty.")
    config: dict[str, Any] = Field(default_factory=dict, description="Accepted for yente compatibility; ignored.")


def _matcher() -> dict[str, Any]:
    return {
        function.__name__: {"description": (function.__doc__ or "").strip(), "coefficient": weight, "url": None}
        for function, weight in ftf_v2.WEIGHTS
    }


def _result(result: Result) -> dict[str, Any]:
    entity, comparison = result.entity, result.comparison
    props = entity.get("properties", {})
    caption = (props.get("name") or props.get("alias") or [result.record_id])[0]
    return {
        "id": result.record_id,
        "caption": caption,
        "schema": "Person",
        "properties": props,
        "datasets": [result.member],
        "referents": [],
        "target": True,
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
        "score": comparison.score,
        "match": comparison.match,
        "features": comparison.feature_values(),
        "explanations": {f.name: {"score": round(f.value, 4), "detail": f.explanation} for f in comparison.features},
        "token": None,
        "intelcell": {"member": result.member, "label": result.label, "algorithm": comparison.algorithm},
    }


@router.post("/match")
def match(
    body: MatchRequest,
    request: Request,
    user: Authenticated,
    limit: Annotated[int, Query(ge=1, le=screening.MAX_LIMIT)] = 5,
    threshold: Annotated[float, Query(ge=0.0, le=1.0)] = ftf_v2.THRESHOLD,
    algorithm: Annotated[str, Query(max_length=64)] = ftf_v2.NAME,
) -> dict[str, Any]:
    """Screen person queries against the records the caller may read; hit/no-hit for the rest.

    422 with the reason (and nothing recorded) when any query is not a valid Person.
    """
    if algorithm not in (ftf_v2.NAME, "best", "default"):
        raise ApiError(422, "invalid_request", f"unknown algorithm {algorithm[:64]!r}; use {ftf_v2.NAME}")
    if body.weights:
        raise ApiError(422, "invalid_request", "custom weights are not supported; the algorithm is calibrated")
    profiles = {}
    for key, query in body.queries.items():
        if query.schema_ != "Person":
            raise ApiError(422, "invalid_query", f"query {key[:64]!r}: only schema 'Person' can be screened")
        try:
            profiles[key] = screening.query_profile(query.properties, f"query {key[:64]!r}")
        except QueryError as exc:
            raise ApiError(422, "invalid_query", str(exc)) from None
    found = screening.screen(cell_of(request), user, profiles, limit=limit, threshold=threshold)
    released = [r for s in found.values() for r in s.results]
    record_read(request, user, "person.match", [r.record_id for r in released], [r.label for r in released])
    responses = {
        key: {
            "status": 200,
            "results": [_result(r) for r in s.results],
            "total": {"value": s.total, "relation": "eq"},
            "query": {"id": body.queries[key].id, "schema": "Person", "properties": body.queries[key].properties},
            "hits": [h.to_json() for h in s.hits],
        }
        for key, s in found.items()
    }
    return {
        "responses": responses,
        "matcher": _matcher(),
        "limit": limit,
        "algorithm": {"name": ftf_v2.NAME, "threshold": threshold},
    }


@router.post("/hits/{ref}/rfi", status_code=201)
def ask_holder(ref: str, body: Question, request: Request, user: Authenticated) -> dict[str, Any]:
    """Open an RFI to the holder of a hit your member received; the holder stays unnamed to you.

    404 for a reference your member did not receive (whoever else received it).
    """
    try:
        rfi = hits.ask_holder(
            cell_of(request),
            user,
            ref,
            question=body.question,
            label=body.label,
            deadline=body.deadline,
            priority=body.priority,
            path=f"POST {request.url.path}",
        )
    except RfiError as exc:
        raise refused(exc) from None
    return rfi.to_json()


@router.get("/hits")
def held_hits(
    request: Request, user: Authenticated, limit: Annotated[int, Query(ge=1, le=hits.MAX_LIMIT)] = 100
) -> dict[str, Any]:
    """Queries of other members that hit your member's records (those you may read), newest first."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        found = hits.hits_on_records(cell, conn, user, limit)
    return {"hits": [h.to_json() for h in found]}
