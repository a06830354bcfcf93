"""The member registry: members and communities (registry data is not classified)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.domain.registry import Registry
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1", tags=["members"])
Authenticated = Annotated[User, Depends(current_user)]


def member_json(registry: Registry, code: str) -> dict[str, Any]:
    """A member with the communities it belongs to."""
    member = registry.members[code]
    return {
        "code": member.code,
        "name": member.name,
        "kind": member.kind,
        "communities": registry.communities_of(code),
    }


@router.get("/members")
def list_members(request: Request, _user: Authenticated) -> list[dict[str, Any]]:
    """Every member, by code."""
    registry = cell_of(request).registry
    return [member_json(registry, code) for code in sorted(registry.members)]


@router.get("/members/{code}")
def get_member(code: str, request: Request, _user: Authenticated) -> dict[str, Any]:
    """One member; 404 for an unknown code."""
    registry = cell_of(request).registry
    if code.upper() not in registry.members:
        raise ApiError(404, "not_found", f"no member '{code}'")
    return member_json(registry, code.upper())


@router.get("/communities")
def list_communities(request: Request, _user: Authenticated) -> list[dict[str, Any]]:
    """Every community with its expanded member list."""
    registry = cell_of(request).registry
    return [
        {"code": c.code, "name": c.name, "members": sorted(c.members)}
        for c in sorted(registry.communities.values(), key=lambda c: c.code)
    ]
