"""Privacy-preserving matching over HTTP: submit keyed Bloom-filter encodings, learn hit/no-hit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.domain import bloom
from intelcell.fighters import privacy
from intelcell.fighters.records import SubmitError
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/persons", tags=["persons"])
Authenticated = Annotated[User, Depends(current_user)]

_EXAMPLE = {"ref": "ftf-0001", "name_filter": "AAECAwQF... (128 bytes per name, base64)", "birth_year": 1971}


class EncodedRequest(BaseModel):
    """Encodings made with ``intelcell persons encode``, the label they are shared under, disclosure choices."""

    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1, max_length=1000, examples=["NATO SECRET // REL TO COALITION"])
    # Each encoding is checked by intelcell.fighters.privacy, whose refusals name it by position and ref.
    encodings: list[Any] = Field(min_length=1, examples=[[_EXAMPLE]])
    discoverable: bool = Field(True, description="False: these encodings never yield a hit to anyone.")
    disclose_holder: bool = Field(False, description="True: a hit on these encodings may name your member.")


@router.post("/encoded", status_code=201)
def submit_encoded(body: EncodedRequest, request: Request, user: Authenticated) -> dict[str, Any]:
    """Store encodings under a label (all or none) and answer, per ref, whether another member
    holds a possible match; 422 naming the encoding refused.

    A hit names the holding members that allow it and nothing else: no record, id or score. No
    hit and a hit on a record that is not discoverable give the same answer.
    """
    if len(body.encodings) > privacy.MAX_ENCODINGS:
        raise ApiError(422, "too_many", f"{len(body.encodings)} encodings; at most {privacy.MAX_ENCODINGS}")
    try:
        submitted = privacy.submit_encodings(
            cell_of(request),
            user,
            body.encodings,
            body.label,
            body.discoverable,
            body.disclose_holder,
            path=f"POST {request.url.path}",
        )
    except SubmitError as exc:
        raise ApiError(422, exc.kind, exc.reason) from None
    return {
        "algorithm": bloom.NAME,
        "compared_with": list(submitted.compared_with),
        "results": [answer.to_json() for answer in submitted.answers],
    }
