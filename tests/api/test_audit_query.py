"""Who accessed my object: for the originator and administrators who may read it, and nobody else."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.demo import scenario
from tests.helpers import bearer, stored_objects


def demo_object(cell: Cell, text: str) -> str:
    """The id of the demo object under the label ``text``."""
    scenario.load(cell, persons_count=50)
    return next(stix_id for stix_id, label, _orig, _body in stored_objects(cell) if label == text)


def test_originator_sees_who_read_its_object(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    report = demo_object(cell, "NATO SECRET // REL TO COALITION")  # from USA
    _u, reader = make_user("IRQ", name="irq.reader")
    _u, owner = make_user("USA", name="usa.owner")
    client.get(f"/api/v1/objects/{report}", headers=bearer(reader))
    answer = client.get("/api/v1/audit", params={"object_id": report}, headers=bearer(owner)).json()
    reads = [e for e in answer["entries"] if e["action"] == "read"]
    assert [(e["member"], e["user"]) for e in reads] == [("IRQ", "irq.reader")]
    # The route, not the address: an entry is shown to the originator of every object it names, and
    # an address can carry the id of another object some of them may not read.
    assert reads[0]["path"] == "GET /api/v1/objects/{stix_id}"
    assert reads[0]["label"] == "NATO SECRET // REL TO COALITION"
    assert any(e["operation"] == "object.add" for e in answer["entries"])


def test_another_member_gets_the_same_answer_as_for_a_missing_object(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    report = demo_object(cell, "NATO SECRET // REL TO COALITION")
    _u, other = make_user("IRQ")
    missing = f"report--{uuid.uuid4()}"
    a = client.get("/api/v1/audit", params={"object_id": report}, headers=bearer(other))
    b = client.get("/api/v1/audit", params={"object_id": missing}, headers=bearer(other))
    assert a.status_code == b.status_code == 200
    assert a.json()["entries"] == b.json()["entries"] == []


def test_admin_sees_accesses_only_to_objects_it_may_read(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    sigint = demo_object(cell, "NATO SECRET // SIGINT, ORCON")
    _u, plain_admin = make_user("NATO", role="admin")
    _u, sigint_admin = make_user("NATO", caveats=("SIGINT",), role="admin", name="nato.sigadmin")
    q = {"object_id": sigint}
    assert client.get("/api/v1/audit", params=q, headers=bearer(plain_admin)).json()["entries"] == []
    assert client.get("/api/v1/audit", params=q, headers=bearer(sigint_admin)).json()["entries"] != []


def test_object_id_is_required(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("USA")
    response = client.get("/api/v1/audit", headers=bearer(token))
    assert response.status_code == 422 and "object_id" in response.json()["reason"]
