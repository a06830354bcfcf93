"""The label picker's answer (GET /api/v1/labels/readers) and the one rule every write path applies.

A label the picker calls assignable is accepted by TAXII ingest, person records and RFIs; one it
refuses is refused by all three with the same reason, and nothing is stored.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.domain.label import parse
from intelcell.exchange import collections
from tests.api.test_rfis import question
from tests.helpers import bearer
from tests.taxii.conftest import Taxii, sdo
from tests.web.test_pages import MakeUser

LABELS = [
    "NATO SECRET // REL TO COALITION",
    "NATO CONFIDENTIAL // REL TO FRA, USA // ORCON",
    "NATO SECRET // REL TO COALITION // SIGINT",
    "NATO COSMIC TOP SECRET // REL TO NATO",
    "FRA SECRET",
    "NATO RESTRICTED // REL TO LEVANT // HUMINT // TLP:AMBER",
    "USA SECRET // REL TO FRA",
]


def readers(client: TestClient, token: str, label: str, **params: str) -> Any:
    return client.get("/api/v1/labels/readers", params={"label": label, **params}, headers=bearer(token))


def test_the_picker_says_in_words_who_will_read_and_whether_the_caller_may_assign(
    client: TestClient, make_user: MakeUser
) -> None:
    _user, token = make_user("FRA", "NATO SECRET")
    answer = readers(client, token, "NATO SECRET // REL TO FRA, DEU // ORCON").json()
    assert answer["assignable"] is True and answer["refusal"] is None
    assert answer["readers"]["members"] == ["DEU", "FRA", "NATO"]  # a NATO label always releases to NATO itself
    assert answer["sentence"] == (
        "Readable by users of DEU, FRA and NATO (the organisation), cleared NATO SECRET or higher. "
        "ORCON: only FRA may share it further (federation, re-publication)."
    )
    above = readers(client, token, "NATO SECRET // REL TO COALITION // SIGINT").json()
    assert above["assignable"] is False
    assert above["refusal"] == (
        "label NATO SECRET // REL TO COALITION // SIGINT is above what the submitter may assign (clearance or caveats)"
    )


@pytest.mark.parametrize(("text", "message"), [("NATO SEKRET", "classification"), ("NATO SECRET // REL TO XYZ", "XYZ")])
def test_text_that_is_not_a_label_is_a_422_naming_the_fault(
    client: TestClient, make_user: MakeUser, text: str, message: str
) -> None:
    _user, token = make_user("FRA")
    response = readers(client, token, text)
    assert response.status_code == 422 and message in response.json()["reason"]


def test_a_collection_s_release_limit_is_part_of_the_answer(taxii: Taxii, cell: Cell, make_user: MakeUser) -> None:
    levant = collections.create(
        cell,
        title="levant only",
        description="releases to LEVANT at most",
        alias=None,
        default_label=parse("NATO RESTRICTED // REL TO LEVANT", cell.vocabulary),
        readers=["COALITION"],
        writers=["COALITION"],
        release_limit=["LEVANT"],
        audit_path="test",
    )
    wide = readers(taxii.client, taxii.token, "NATO SECRET // REL TO COALITION", collection=levant.id).json()
    assert wide["assignable"] is False and wide["refusal"].endswith("releases beyond what this collection allows")
    status = taxii.post(
        f"/collections/{levant.id}/objects/", [taxii.labelled(sdo(), "NATO SECRET // REL TO COALITION")], define=True
    ).json()
    assert status["failure_count"] == 1
    assert status["failures"][0]["message"].endswith("releases beyond what this collection allows")
    _user, fra = make_user("FRA", name="fra.reader")
    closed = readers(taxii.client, fra, "NATO SECRET", collection=taxii.write_only).status_code
    assert closed == 200  # FRA writes "write only" (writers COALITION)
    assert readers(taxii.client, taxii.token, "NATO SECRET", collection="no-such-collection").status_code == 404


@pytest.mark.parametrize("text", LABELS)
@pytest.mark.parametrize(
    ("member", "clearance", "caveats"), [("FRA", "NATO SECRET", ()), ("USA", "NATO COSMIC TOP SECRET", ("SIGINT",))]
)
def test_every_write_path_applies_the_picker_s_rule(  # type: ignore[no-untyped-def]
    taxii: Taxii, make_user, text: str, member: str, clearance: str, caveats: tuple[str, ...]
) -> None:
    _user, token = make_user(member, clearance, caveats, name=f"{member.lower()}.picker")
    verdict = readers(taxii.client, token, text, collection=taxii.rw).json()
    headers = bearer(token)
    person = {"entities": [{"id": "p1", "schema": "Person", "properties": {"name": ["Omar Haddad"]}}], "label": text}
    stored_person = taxii.client.post("/api/v1/persons", json=person, headers=headers)
    asked = taxii.client.post("/api/v1/rfis", json=question(label=text), headers=headers)
    obj = taxii.labelled(sdo(), text)
    status = taxii.post(f"/collections/{taxii.rw}/objects/", [obj], token=token, define=True).json()
    stored_object = obj["id"] in {s["id"] for s in status.get("successes", [])}
    if verdict["assignable"]:
        assert (stored_person.status_code, asked.status_code, stored_object) == (201, 201, True)
    else:
        assert (stored_person.status_code, asked.status_code, stored_object) == (422, 422, False)
        assert "above what" in stored_person.json()["reason"] and "above what" in asked.json()["reason"]
        assert status["failures"][-1]["message"].endswith(
            "is above what the submitter may assign (clearance or caveats)"
        )
        assert taxii.client.get(f"/api/v1/persons/{member}-p1", headers=headers).status_code == 404
