"""Search finds by words and facets, over readable objects only: totals and facets leak nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.demo import scenario
from intelcell.domain.label import parse
from intelcell.domain.policy import can_read
from tests.helpers import bearer, stored_objects
from tests.taxii.conftest import Taxii, sdo

VIEWERS = [
    ("USA", "NATO SECRET", ("SIGINT",)),
    ("TUR", "NATO SECRET", ()),
    ("JOR", "NATO CONFIDENTIAL", ()),
    ("DEU", "NATO CONFIDENTIAL", ()),
    ("SAU", "NATO RESTRICTED", ()),
]


@pytest.fixture
def demo(cell: Cell) -> list[tuple[str, str, str, dict]]:  # type: ignore[type-arg]
    scenario.load(cell, persons_count=50)
    return stored_objects(cell)


@pytest.mark.parametrize(("member", "clearance", "caveats"), VIEWERS)
def test_totals_and_facets_count_only_readable_objects(
    client: TestClient, cell: Cell, make_user, demo, member, clearance, caveats
) -> None:  # type: ignore[no-untyped-def]
    user, token = make_user(member, clearance, caveats)
    readable = [
        (sid, text, orig, body)
        for sid, text, orig, body in demo
        if can_read(user.viewer, parse(text, cell.vocabulary), orig, cell.registry)
    ]
    answer = client.get("/api/v1/search", params={"type": "report", "limit": 500}, headers=bearer(token)).json()
    reports = [r for r in readable if r[3]["type"] == "report"]
    assert answer["total"] == len(reports)
    assert {r["id"] for r in answer["results"]} == {r[0] for r in reports}
    expected_labels: dict[str, int] = {}
    for _sid, text, _o, _b in reports:
        expected_labels[text] = expected_labels.get(text, 0) + 1
    assert answer["facets"]["label"] == expected_labels


def test_words_find_objects_and_all_words_must_occur(taxii: Taxii) -> None:
    taxii.add([sdo(name="Courier network of Raqqa"), sdo(name="Raqqa financiers"), sdo(name="Mosul couriers")])

    def hits(q: str) -> set[str]:
        answer = taxii.client.get("/api/v1/search", params={"q": q}, headers=taxii.headers()).json()
        return {r["object"]["name"] for r in answer["results"]}

    assert hits("raqqa") == {"Courier network of Raqqa", "Raqqa financiers"}
    assert hits("courier raqqa") == {"Courier network of Raqqa"}
    assert hits("nowhere") == set()


@pytest.mark.parametrize("q", ['"', "OR", "raqqa OR", "NEAR(a b)", "*", "a AND (b", "col:raqqa", "^raqqa", "' ; DROP"])
def test_search_syntax_in_the_query_is_never_an_error(taxii: Taxii, q: str) -> None:
    taxii.add([sdo(name="Raqqa")])
    response = taxii.client.get("/api/v1/search", params={"q": q}, headers=taxii.headers())
    assert response.status_code == 200 and isinstance(response.json()["total"], int)


def test_words_in_a_hidden_portion_do_not_make_an_object_findable(taxii: Taxii, make_user) -> None:  # type: ignore[no-untyped-def]
    from intelcell.domain import marking

    secret = parse("NATO SECRET // REL TO COALITION", taxii.cell.vocabulary)
    taxii.cell.labels.ensure(taxii.cell.db, [secret])
    obj = {
        **sdo(name="Flows", description="zebulon network"),
        "granular_markings": [{"marking_ref": marking.marking_id(secret), "selectors": ["description"]}],
    }
    taxii.add([obj])
    _u, low = make_user("JOR", "NATO CONFIDENTIAL", name="jor.search")
    answer = taxii.client.get("/api/v1/search", params={"q": "zebulon"}, headers=bearer(low)).json()
    assert answer["total"] == 0
    found = taxii.client.get("/api/v1/search", params={"q": "flows"}, headers=bearer(low)).json()
    assert found["total"] == 1 and "description" not in found["results"][0]["object"]


def test_a_deleted_object_is_no_longer_found(taxii: Taxii) -> None:
    obj = sdo(name="Ephemeral cell")
    taxii.add([obj])
    taxii.client.delete(f"/taxii2/cell/collections/{taxii.rw}/objects/{obj['id']}/", headers=taxii.headers())
    answer = taxii.client.get("/api/v1/search", params={"q": "ephemeral"}, headers=taxii.headers()).json()
    assert answer["total"] == 0


def test_member_label_and_time_filters(taxii: Taxii, clock, make_user) -> None:  # type: ignore[no-untyped-def]
    taxii.add([taxii.labelled(sdo(name="alpha one"), "NATO SECRET")])
    clock.advance(days=2)
    _u, fra = make_user("FRA", "NATO SECRET", name="fra.search")
    taxii.add([sdo(name="alpha two")], token=fra)

    def names(**params: str) -> set[str]:
        answer = taxii.client.get("/api/v1/search", params={"q": "alpha", **params}, headers=taxii.headers()).json()
        return {r["object"]["name"] for r in answer["results"]}

    assert names(member="FRA") == {"alpha two"}
    assert names(label="NATO SECRET") == {"alpha one"}
    assert names(added_after="2026-11-29T00:00:00Z") == {"alpha two"}
    assert names(added_before="2026-11-29T00:00:00Z") == {"alpha one"}


@pytest.mark.parametrize("params", [{"added_after": "yesterday"}, {"limit": "0"}, {"limit": "501"}, {"q": "x" * 501}])
def test_malformed_search_parameters_are_422(taxii: Taxii, params: dict[str, str]) -> None:
    response = taxii.client.get("/api/v1/search", params=params, headers=taxii.headers())
    assert response.status_code == 422 and response.json()["error"] == "invalid_request"
