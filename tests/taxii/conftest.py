"""TAXII fixtures: collections with every can_read/can_write combination, users, and a client."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.domain import marking
from intelcell.exchange import collections

TAXII = "application/taxii+json;version=2.1"
ROOT = "/taxii2/cell"


@dataclass
class Taxii:
    """A TAXII test bed: a client, tokens and collection ids."""

    client: TestClient
    cell: Cell
    token: str  # USA analyst, NATO COSMIC TOP SECRET with SIGINT: reads and writes "rw"
    rw: str  # readers and writers COALITION
    read_only: str  # readers COALITION, writers FRA
    write_only: str  # readers FRA, writers COALITION
    closed: str  # readers and writers FRA
    definitions: dict[str, dict[str, Any]] = field(default_factory=dict)  # label marking-definitions made by labelled()

    def headers(self, token: str | None = None, **extra: str) -> dict[str, str]:
        """Authorization and Accept headers (and any extra)."""
        return {"Authorization": f"Bearer {token or self.token}", "Accept": TAXII, **extra}

    def get(self, path: str, token: str | None = None, **params: Any) -> Any:
        """GET a path under the API root."""
        return self.client.get(f"{ROOT}{path}", headers=self.headers(token), params=params)

    def post(self, path: str, objects: list[dict[str, Any]], token: str | None = None, define: bool = False) -> Any:
        """POST an envelope to a path under the API root; ``define`` prepends the definitions of the
        labels the objects name (needed for labels that do not release to the submitter's member)."""
        if define:
            named = {ref for o in objects for ref in o.get("object_marking_refs") or []}
            named |= {g["marking_ref"] for o in objects for g in o.get("granular_markings") or []}
            objects = [self.definitions[ref] for ref in sorted(named) if ref in self.definitions] + objects
        return self.client.post(
            f"{ROOT}{path}", json={"objects": objects}, headers=self.headers(token, **{"Content-Type": TAXII})
        )

    def add(
        self,
        objects: list[dict[str, Any]],
        collection: str | None = None,
        token: str | None = None,
        define: bool = False,
    ) -> dict[str, Any]:
        """Add objects and assert every one succeeded; return the status resource."""
        response = self.post(f"/collections/{collection or self.rw}/objects/", objects, token, define)
        assert response.status_code == 202, response.text
        status = response.json()
        assert status["failure_count"] == 0, status
        return status  # type: ignore[no-any-return]

    def labelled(self, obj: dict[str, Any], text: str) -> dict[str, Any]:
        """``obj`` with the intelcell label ``text`` in its object_marking_refs."""
        from intelcell.domain.label import parse

        label = parse(text, self.cell.vocabulary)
        self.cell.labels.ensure(self.cell.db, [label])
        self.definitions[marking.marking_id(label)] = marking.marking_definition(label)
        return {**obj, "object_marking_refs": [marking.marking_id(label)]}


def sdo(
    kind: str = "threat-actor",
    name: str | None = None,
    modified: str = "2026-11-20T09:00:00.000Z",
    created: str = "2026-11-20T09:00:00.000Z",
    object_id: str | None = None,
    **props: Any,
) -> dict[str, Any]:
    """A valid STIX 2.1 SDO (threat-actor by default)."""
    base: dict[str, Any] = {
        "type": kind,
        "spec_version": "2.1",
        "id": object_id or f"{kind}--{uuid.uuid4()}",
        "created": created,
        "modified": modified,
        "name": name or f"{kind} {uuid.uuid4().hex[:6]}",
    }
    if kind == "indicator":
        base.update(pattern="[ipv4-addr:value = '203.0.113.7']", pattern_type="stix", valid_from=created)
    if kind == "report":
        base.update(published=created, object_refs=[f"threat-actor--{uuid.uuid4()}"])
    return {**base, **props}


@pytest.fixture
def taxii(cell: Cell, client: TestClient, make_user) -> Taxii:  # type: ignore[no-untyped-def]
    from intelcell.domain.label import parse

    _u, token = make_user("USA", "NATO COSMIC TOP SECRET", ("SIGINT",), name="usa.taxii")

    def make(title: str, readers: list[str], writers: list[str]) -> str:
        return collections.create(
            cell,
            title=title,
            description=f"{title} (test)",
            alias=None,
            default_label=parse("NATO RESTRICTED // REL TO COALITION", cell.vocabulary),
            readers=readers,
            writers=writers,
            release_limit=["COALITION"],
            audit_path="test",
        ).id

    return Taxii(
        client,
        cell,
        token,
        make("rw", ["COALITION"], ["COALITION"]),
        make("read only", ["COALITION"], ["FRA"]),
        make("write only", ["FRA"], ["COALITION"]),
        make("closed", ["FRA"], ["FRA"]),
    )
