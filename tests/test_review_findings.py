"""Review findings on the read paths: each test demonstrates one leak or bug.

Every test here fails on the code as reviewed and is marked ``xfail(strict=True)``, so the suite
stays green while the finding is open and turns red (XPASS) once it is fixed, as a reminder to
drop the marker.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from intelcell.cell import open_cell
from intelcell.domain import marking
from intelcell.domain.label import parse
from intelcell.domain.policy import parse_clearance
from intelcell.domain.portion import SelectorError, check_selector
from intelcell.exchange import federation, ingest, peers, reading
from intelcell.settings import Settings
from tests.helpers import bearer, coalition_collection, user
from tests.taxii.conftest import (
    Taxii,
    sdo,
    taxii,  # noqa: F401
)

SHARED = "NATO SECRET // REL TO COALITION"
USA_ONLY = "NATO SECRET // REL TO USA"  # releases to USA and the NATO organisation, not to FRA or IRQ


def _mid(bed: Taxii, text: str, ensure: bool = True) -> str:
    label = parse(text, bed.cell.vocabulary)
    if ensure:
        bed.cell.labels.ensure(bed.cell.db, [label])
    return marking.marking_id(label)


# --- audit view --------------------------------------------------------------------------------


def test_audit_view_does_not_reveal_a_hidden_version_of_my_object(taxii: Taxii, make_user) -> None:  # noqa: F811
    _u, fra = make_user("FRA", "NATO SECRET", name="fra.owner")
    mine = taxii.labelled(sdo(name="fra v1"), SHARED)
    taxii.add([mine], token=fra)
    # USA adds a newer version of the same id under a label France may not read.
    theirs = taxii.labelled({**mine, "modified": "2026-11-21T09:00:00.000Z", "name": "usa v2"}, USA_ONLY)
    taxii.add([theirs])
    assert taxii.client.get(f"/api/v1/objects/{mine['id']}", headers=bearer(fra)).json()["name"] == "fra v1"

    entries = taxii.client.get("/api/v1/audit", params={"object_id": mine["id"]}, headers=bearer(fra)).json()["entries"]
    assert entries, "the originator sees its own object's entries"
    assert all(e["label"] != USA_ONLY for e in entries), entries
    assert all(e["member"] != "USA" for e in entries), entries


# --- label marking lookup ------------------------------------------------------------------------


def test_marking_lookup_does_not_reveal_labels_used_only_on_hidden_objects(taxii: Taxii, make_user) -> None:  # noqa: F811
    _u, fra = make_user("FRA", "NATO SECRET", name="fra.prober")
    taxii.add([taxii.labelled(sdo(name="usa eyes only"), USA_ONLY)])
    used = _mid(taxii, USA_ONLY, ensure=False)
    unused = _mid(taxii, "NATO SECRET // REL TO CAN, USA", ensure=False)
    a = taxii.client.get(f"/api/v1/labels/markings/{used}", headers=bearer(fra))
    b = taxii.client.get(f"/api/v1/labels/markings/{unused}", headers=bearer(fra))
    assert a.status_code == b.status_code == 404


# --- ingest: label binding ----------------------------------------------------------------------


def test_an_unknown_label_ref_is_not_silently_downgraded_to_the_default(taxii: Taxii, make_user) -> None:  # noqa: F811
    _u, fra = make_user("FRA", "NATO SECRET", name="fra.author")
    _u, irq = make_user("IRQ", "NATO SECRET", name="irq.reader")
    # The id any intelcell server derives for this label (DESIGN: same label, same id everywhere).
    ref = _mid(taxii, "NATO SECRET // REL TO DEU, FRA", ensure=False)
    obj = {**sdo(name="for germany only"), "object_marking_refs": [ref]}
    taxii.post(f"/collections/{taxii.rw}/objects/", [obj], fra)
    # Whatever the server did (reject it, or bind the asked label), Iraq must not read it.
    assert taxii.client.get(f"/api/v1/objects/{obj['id']}", headers=bearer(irq)).status_code == 404


def test_posting_a_ref_to_a_label_in_use_answers_like_an_unused_one(taxii: Taxii, make_user) -> None:  # noqa: F811
    _u, fra = make_user("FRA", "NATO SECRET", name="fra.prober")
    taxii.add([taxii.labelled(sdo(name="sigint"), "NATO COSMIC TOP SECRET // SIGINT")])
    used = _mid(taxii, "NATO COSMIC TOP SECRET // SIGINT", ensure=False)
    unused = _mid(taxii, "NATO COSMIC TOP SECRET // BOHEMIA", ensure=False)
    a = taxii.post(f"/collections/{taxii.rw}/objects/", [{**sdo(), "object_marking_refs": [used]}], fra).json()
    b = taxii.post(f"/collections/{taxii.rw}/objects/", [{**sdo(), "object_marking_refs": [unused]}], fra).json()
    assert (a["success_count"], a["failure_count"]) == (b["success_count"], b["failure_count"]), (a, b)
    assert a["failures"][0]["message"].replace(used, "X") == b["failures"][0]["message"].replace(unused, "X")


# --- date_added ------------------------------------------------------------------------------------


def test_date_added_gaps_do_not_count_hidden_objects(taxii: Taxii, make_user) -> None:  # noqa: F811
    _u, fra = make_user("FRA", "NATO SECRET", name="fra.reader")
    # The same envelope twice, once with a hidden object in the middle (rw and write_only each have
    # their own date_added sequence, and France reads both).
    with_hidden = [taxii.labelled(sdo(name="a"), SHARED), taxii.labelled(sdo(name="h"), USA_ONLY)]
    with_hidden.append(taxii.labelled(sdo(name="b"), SHARED))
    without = [taxii.labelled(sdo(name="a2"), SHARED), taxii.labelled(sdo(name="b2"), SHARED)]
    taxii.add(with_hidden, taxii.rw)
    taxii.add(without, taxii.write_only)

    def gap(collection: str) -> list[str]:
        records = taxii.get(f"/collections/{collection}/manifest/", fra).json()["objects"]
        assert len(records) == 2
        return [r["date_added"] for r in records]

    (a1, b1), (a2, b2) = gap(taxii.rw), gap(taxii.write_only)
    assert a1 == a2  # same clock, same start
    assert b1 == b2, f"a hidden object shows as a gap: {a1} -> {b1} vs {a2} -> {b2}"


# --- portion labels -------------------------------------------------------------------------------


def test_redacting_a_list_element_keeps_the_remaining_selectors_valid(taxii: Taxii, make_user) -> None:  # noqa: F811
    _u, fra = make_user("FRA", "NATO SECRET", name="fra.reader")
    obj = taxii.labelled(
        sdo(
            name="with aliases",
            aliases=["usa-only alias", "shared alias"],
            granular_markings=[
                {"marking_ref": _mid(taxii, USA_ONLY), "selectors": ["aliases.[0]"]},
                {"marking_ref": _mid(taxii, SHARED), "selectors": ["aliases.[1]"]},
            ],
        ),
        SHARED,
    )
    taxii.add([obj])
    seen = taxii.get(f"/collections/{taxii.rw}/objects/{obj['id']}/", fra).json()["objects"][0]
    # A hidden list element hides its whole list: no gap and no shifted selector betray it.
    assert "aliases" not in seen and "usa-only" not in json.dumps(seen)
    for granular in seen.get("granular_markings", []):
        for selector in granular["selectors"]:
            try:
                check_selector(seen, selector)
            except SelectorError as exc:
                pytest.fail(f"served object carries a dangling selector: {exc}")


# --- federation push -----------------------------------------------------------------------------


class _Recorder:
    """A fake peer TAXII collection: records every envelope POSTed and accepts it."""

    def __init__(self) -> None:
        self.envelopes: list[list[dict[str, Any]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        objects = json.loads(request.content)["objects"]
        self.envelopes.append(objects)
        body = {"id": str(uuid.uuid4()), "status": "complete", "success_count": len(objects), "failure_count": 0}
        return httpx.Response(202, json=body)


def _push(bed: Taxii, name: str) -> list[dict[str, Any]]:
    peer = peers.add(
        bed.cell,
        name=name,
        direction="push",
        url="https://peer.example/bed2/cell/collections/x/",
        token="t",
        member="NATO",
        collection_id=bed.rw,
        clearance=parse_clearance("NATO SECRET"),
    )
    recorder = _Recorder()
    with httpx.Client(transport=httpx.MockTransport(recorder)) as client:
        report = federation.push(bed.cell, peer, client)
    assert report.error is None
    return [o for envelope in recorder.envelopes for o in envelope]


def test_push_keeps_another_members_orcon_portion_home(taxii: Taxii) -> None:  # noqa: F811
    obj = taxii.labelled(
        sdo(
            name="usa report",
            description="originator-controlled detail",
            granular_markings=[{"marking_ref": _mid(taxii, f"{SHARED} // ORCON"), "selectors": ["description"]}],
        ),
        SHARED,
    )
    taxii.add([obj])  # originator USA; the push runs as NATO
    pushed = {o["id"]: o for o in _push(taxii, "nato-out")}
    assert obj["id"] in pushed  # the object itself may go
    assert "description" not in pushed[obj["id"]], "the ORCON portion left home"


def test_pushed_portion_labels_survive_on_the_peer(taxii: Taxii, tmp_path: Path) -> None:  # noqa: F811
    obj = taxii.labelled(
        sdo(
            name="usa report",
            description="for USA and NATO only",
            granular_markings=[{"marking_ref": _mid(taxii, USA_ONLY), "selectors": ["description"]}],
        ),
        SHARED,
    )
    taxii.add([obj])
    envelope = _push(taxii, "nato-out")
    assert any(o["id"] == obj["id"] and "description" in o for o in envelope)  # NATO may read the portion

    # The peer: another intelcell, which has never seen the portion's label.
    remote = open_cell(Settings.from_env(environ={}, database_url=f"sqlite:///{tmp_path}/peer.db"))
    try:
        shared = coalition_collection(remote, "from the cell")
        peer_user = user(remote, "NATO", "nato.cell")
        irq = user(remote, "IRQ", "irq.reader")
        status = ingest.store(remote, peer_user, shared, envelope, "federation push")
        assert status["failure_count"] == 0, status
        with remote.db.read() as conn:
            seen = reading.latest(remote, conn, irq, obj["id"])
        assert seen is not None  # the object is REL TO COALITION
        assert "description" not in seen.body, "the USA-only portion is served to Iraq on the peer"
    finally:
        remote.db.dispose()
