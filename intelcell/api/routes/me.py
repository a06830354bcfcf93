"""Who the caller is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from intelcell.api.auth import current_user
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1", tags=["identity"])


@router.get("/me")
def me(user: Annotated[User, Depends(current_user)]) -> dict[str, object]:
    """The authenticated user: member, clearance, caveats and role."""
    return user.to_json()
