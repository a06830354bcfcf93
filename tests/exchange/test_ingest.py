"""Ingest binds a label to every object, refuses labels the submitter may not assign, and stores
nothing of a refused object."""

from __future__ import annotations

from intelcell.domain import marking
from intelcell.domain.label import parse
from tests.helpers import stored_objects
from tests.taxii.conftest import Taxii, sdo


def label_of(taxii: Taxii, stix_id: str) -> str:
    return next(label for sid, label, _o, _b in stored_objects(taxii.cell) if sid == stix_id)


def post(taxii: Taxii, obj: dict, token: str | None = None) -> dict:  # type: ignore[type-arg]
    response = taxii.post(f"/collections/{taxii.rw}/objects/", [obj], token, define=True)
    assert response.status_code == 202, response.text
    return response.json()  # type: ignore[no-any-return]


def test_an_object_without_a_label_gets_the_collection_default(taxii: Taxii) -> None:
    obj = sdo()
    taxii.add([obj])
    assert label_of(taxii, obj["id"]) == "NATO RESTRICTED // REL TO COALITION"
    served = taxii.get(f"/collections/{taxii.rw}/objects/{obj['id']}/").json()["objects"][0]
    default = parse("NATO RESTRICTED // REL TO COALITION", taxii.cell.vocabulary)
    assert served["object_marking_refs"] == [marking.marking_id(default)]


def test_a_tlp_marking_alone_is_added_to_the_default_label(taxii: Taxii) -> None:
    obj = {**sdo(), "object_marking_refs": [marking.TLP_IDS["AMBER"]]}
    taxii.add([obj])
    assert label_of(taxii, obj["id"]) == "NATO RESTRICTED // REL TO COALITION // TLP:AMBER"


def test_a_label_marking_definition_in_the_same_envelope_is_understood(taxii: Taxii) -> None:
    label = parse("NATO CONFIDENTIAL // REL TO COALITION, IRQ", taxii.cell.vocabulary)
    definition = marking.marking_definition(label)
    obj = {**sdo(), "object_marking_refs": [definition["id"]]}
    taxii.add([definition, obj])
    assert label_of(taxii, obj["id"]) == label.text()


def test_two_labels_on_one_object_are_refused(taxii: Taxii) -> None:
    a = taxii.labelled(sdo(), "NATO SECRET")
    b = taxii.labelled(sdo(), "NATO CONFIDENTIAL")
    status = post(taxii, {**a, "object_marking_refs": a["object_marking_refs"] + b["object_marking_refs"]})
    assert status["failure_count"] == 1 and "more than one intelcell label" in status["failures"][0]["message"]
    assert stored_objects(taxii.cell) == []


def test_a_label_above_the_submitters_clearance_is_refused(taxii: Taxii, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, low = make_user("DEU", "NATO CONFIDENTIAL", name="deu.low")
    status = post(taxii, taxii.labelled(sdo(), "NATO SECRET"), low)
    assert status["failure_count"] == 1 and "above what the submitter may assign" in status["failures"][0]["message"]
    assert stored_objects(taxii.cell) == []


def test_a_caveat_the_submitter_does_not_hold_is_refused(taxii: Taxii, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, plain = make_user("DEU", "NATO SECRET", name="deu.plain")
    status = post(taxii, taxii.labelled(sdo(), "NATO SECRET // SIGINT"), plain)
    assert status["failure_count"] == 1 and stored_objects(taxii.cell) == []


def test_a_label_releasing_beyond_the_collection_limit_is_refused(taxii: Taxii) -> None:
    # The test collections may release within COALITION only; Australia is a partner, Brazil is not a member at all.
    status = post(taxii, taxii.labelled(sdo(), "NATO SECRET // REL TO NATO, AUS"))
    assert status["failure_count"] == 0
    from intelcell.exchange import collections

    narrow = collections.create(
        taxii.cell,
        title="narrow",
        description="",
        alias=None,
        default_label=parse("NATO SECRET", taxii.cell.vocabulary),
        readers=["NATO"],
        writers=["NATO"],
        release_limit=["NATO"],
        audit_path="test",
    )
    response = taxii.post(
        f"/collections/{narrow.id}/objects/", [taxii.labelled(sdo(), "NATO SECRET // REL TO COALITION")]
    )
    assert "releases beyond what this collection allows" in response.json()["failures"][0]["message"]


def test_portion_labels_come_from_granular_markings(taxii: Taxii, make_user) -> None:  # type: ignore[no-untyped-def]
    secret = parse("NATO SECRET // REL TO COALITION", taxii.cell.vocabulary)
    taxii.cell.labels.ensure(taxii.cell.db, [secret])
    obj = {
        **taxii.labelled(sdo(description="source: two HUMINT networks"), "NATO RESTRICTED // REL TO COALITION"),
        "granular_markings": [{"marking_ref": marking.marking_id(secret), "selectors": ["description"]}],
    }
    taxii.add([obj])
    _u, low = make_user("JOR", "NATO CONFIDENTIAL", name="jor.low")
    seen = taxii.get(f"/collections/{taxii.rw}/objects/{obj['id']}/", low).json()["objects"][0]
    assert "description" not in seen and "granular_markings" not in seen
    full = taxii.get(f"/collections/{taxii.rw}/objects/{obj['id']}/").json()["objects"][0]
    assert full["description"] == "source: two HUMINT networks"


def test_a_portion_selector_that_names_nothing_is_refused(taxii: Taxii) -> None:
    secret = parse("NATO SECRET", taxii.cell.vocabulary)
    taxii.cell.labels.ensure(taxii.cell.db, [secret])
    obj = {**sdo(), "granular_markings": [{"marking_ref": marking.marking_id(secret), "selectors": ["summary"]}]}
    status = post(taxii, obj)
    assert "summary" in status["failures"][0]["message"] and stored_objects(taxii.cell) == []


def test_a_custom_object_type_needs_an_extension_definition(taxii: Taxii) -> None:
    custom = {
        "type": "x-watchlist-entry",
        "spec_version": "2.1",
        "id": "x-watchlist-entry--6b0c3a52-6a43-4b8e-9d62-0c7f3f3c1d11",
        "created": "2026-11-20T09:00:00.000Z",
        "modified": "2026-11-20T09:00:00.000Z",
    }
    refused = post(taxii, custom)
    assert "unknown STIX type" in refused["failures"][0]["message"]
    extension = "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e"
    accepted = post(taxii, {**custom, "extensions": {extension: {"extension_type": "new-sdo"}}})
    assert accepted["success_count"] == 1


def test_every_write_is_one_audit_entry_naming_the_objects(taxii: Taxii) -> None:
    from intelcell.store import audit

    objs = [sdo(), taxii.labelled(sdo(), "NATO SECRET")]
    taxii.add(objs)
    with taxii.cell.db.read() as conn:
        entry = audit.entries_for_object(conn, objs[1]["id"])[-1]
    assert entry.fields["operation"] == "object.add"
    assert entry.fields["object_ids"] == [o["id"] for o in objs]
    assert entry.fields["labels"] == ["NATO RESTRICTED // REL TO COALITION", "NATO SECRET"]


def test_a_tlp_marking_definition_is_stored_and_served_as_oasis_published_it(taxii: Taxii) -> None:
    green = marking.tlp_marking_definition("GREEN")
    taxii.add([green])
    served = taxii.get(f"/collections/{taxii.rw}/objects/{green['id']}/").json()["objects"][0]
    assert served == green
