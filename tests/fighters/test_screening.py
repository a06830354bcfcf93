"""Screening: results only from readable records, hit/no-hit for the rest, nothing for the undiscoverable."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from intelcell.cell import Cell
from intelcell.domain.matching import ftf_v2
from intelcell.fighters import records, screening
from intelcell.fighters.screening import QueryError
from intelcell.store.schema import person_hits
from intelcell.store.users import User
from tests.fighters.builders import person

BAGHDADI = {"name": ["Abou Bakr al-Baghdadi"], "birthDate": ["1971"], "nationality": ["iq"]}


def submit(cell: Cell, owner: User, label: str, *entities: dict[str, Any], **flags: bool) -> None:
    """Store ``entities`` for ``owner`` under ``label``."""
    records.submit(cell, owner, list(entities), label, path="test", **flags)


def screen(cell: Cell, viewer: User, threshold: float = ftf_v2.THRESHOLD, **props: Any) -> screening.Screening:
    """Screen one query for ``viewer``."""
    found = screening.screen(
        cell, viewer, {"q": screening.query_profile(props or BAGHDADI)}, limit=10, threshold=threshold
    )
    return found["q"]


def baghdadi_records() -> list[dict[str, Any]]:
    """The same man as three members write him, and a look-alike born decades later."""
    return [
        person("b1", "Abu Bakr al-Baghdadi", birth_date="1971-07-28", nationality="iq"),
        person("b2", "أبو بكر البغدادي", birth_date="1971"),
        person("x1", "Abu Bakr al-Baghdadi", birth_date="1995-02-01", nationality="tn"),
    ]


def test_spelling_and_script_variants_are_found_with_explanations(cell: Cell, fra: User) -> None:
    submit(cell, fra, "NATO SECRET // REL TO COALITION", *baghdadi_records())
    found = screen(cell, fra)
    by_id = {r.record_id: r for r in found.results}
    assert by_id["FRA-b1"].comparison.match and by_id["FRA-b2"].comparison.match
    assert not by_id["FRA-x1"].comparison.match, "a 24-year birth gap is another man"
    assert found.results[0].record_id in {"FRA-b1", "FRA-b2"}
    names = {f.name: f for f in by_id["FRA-b2"].comparison.features}
    assert "bakr" in names["name_similar"].explanation
    assert names["birth_date_consistent"].value == 1.0


def test_results_come_only_from_records_the_caller_may_read(cell: Cell, fra: User, irq: User) -> None:
    submit(cell, fra, "FRA SECRET", person("b1", "Abu Bakr al-Baghdadi", birth_date="1971-07-28"))
    submit(cell, fra, "NATO SECRET // REL TO COALITION", person("b2", "Abu Bakr al-Baghdadi", birth_date="1971"))
    assert {r.record_id for r in screen(cell, irq).results} == {"FRA-b2"}
    assert {r.record_id for r in screen(cell, fra).results} == {"FRA-b1", "FRA-b2"}


def test_unreadable_strong_candidate_is_a_hit_without_id_score_or_holder(cell: Cell, fra: User, irq: User) -> None:
    submit(cell, fra, "FRA SECRET", person("b1", "Abu Bakr al-Baghdadi", birth_date="1971-07-28"))
    found = screen(cell, irq)
    assert found.results == [] and found.total == 0
    assert len(found.hits) == 1
    hit = found.hits[0]
    assert hit.holder is None
    assert len(hit.ref) == 32 and int(hit.ref, 16) >= 0  # random hex, nothing derived from the record
    with cell.db.read() as conn:
        rows = conn.execute(select(person_hits)).all()
    assert [(r.person_id, r.holder, r.querying_member, r.ref) for r in rows] == [("FRA-b1", "FRA", "IRQ", hit.ref)]


def test_hit_names_the_holder_only_when_the_originator_allows(cell: Cell, fra: User, irq: User) -> None:
    submit(cell, fra, "FRA SECRET", person("b1", "Abu Bakr al-Baghdadi", birth_date="1971"), disclose_holder=True)
    assert [h.holder for h in screen(cell, irq).hits] == ["FRA"]


def test_undiscoverable_record_yields_exactly_what_no_record_yields(cell: Cell, fra: User, irq: User) -> None:
    before = screen(cell, irq)
    submit(cell, fra, "FRA SECRET", person("b1", "Abu Bakr al-Baghdadi", birth_date="1971"), discoverable=False)
    after = screen(cell, irq)
    assert (before.results, before.total, before.hits) == (after.results, after.total, after.hits) == ([], 0, [])
    with cell.db.read() as conn:
        assert conn.execute(select(person_hits)).all() == []


def test_namesakes_the_viewer_may_not_read_do_not_move_its_scores(cell: Cell, fra: User, irq: User) -> None:
    query = {"name": ["Burak Gul"], "nationality": ["tr"]}
    submit(cell, fra, "NATO SECRET // REL TO COALITION", person("shared", "Burak Gül", nationality="tr"))
    before = screen(cell, irq, **query)
    namesakes = [person(f"n{k}", "Burak Gül", nationality="tr") for k in range(40)]
    submit(cell, fra, "FRA SECRET", *namesakes, discoverable=False)
    after = screen(cell, irq, **query)
    assert [(r.record_id, r.comparison) for r in after.results] == [(r.record_id, r.comparison) for r in before.results]
    assert after.results[0].comparison.match and after.hits == []
    # The French analyst reads all 41 records: for it the name is common, and says so.
    theirs = screen(cell, fra, **query)
    assert all(r.comparison.score < before.results[0].comparison.score for r in theirs.results)
    best = theirs.results[0].comparison
    assert "41 stored record(s)" in next(f.explanation for f in best.features if f.name == "name_common")


def test_a_hit_does_not_depend_on_the_namesakes_the_querier_may_read(cell: Cell, fra: User, irq: User) -> None:
    query = {"name": ["Burak Gul"], "nationality": ["tr"]}
    submit(cell, fra, "FRA SECRET", person("held", "Burak Gül", nationality="tr"))
    assert len(screen(cell, irq, **query).hits) == 1
    namesakes = [person(f"n{k}", "Burak Gül", nationality="tr") for k in range(40)]
    submit(cell, irq, "NATO SECRET // REL TO COALITION", *namesakes)
    after = screen(cell, irq, **query)
    assert len(after.hits) == 1, "the holder's record is scored without the querier's name counts"
    assert not after.results[0].comparison.match  # while IRQ's own 40 namesakes count for less
    with cell.db.read() as conn:
        scores = {r.score for r in conn.execute(select(person_hits.c.score))}
    assert len(scores) == 1  # both hits recorded the same score for the holder


def test_undiscoverable_record_is_still_a_result_for_those_who_may_read_it(cell: Cell, fra: User) -> None:
    submit(cell, fra, "FRA SECRET", person("b1", "Abu Bakr al-Baghdadi", birth_date="1971"), discoverable=False)
    assert [r.record_id for r in screen(cell, fra).results] == ["FRA-b1"]


def test_a_low_requested_threshold_does_not_turn_weak_candidates_into_hits(cell: Cell, fra: User, irq: User) -> None:
    submit(cell, fra, "FRA SECRET", person("x1", "Abu Bakr al-Baghdadi", birth_date="1995-02-01"))
    assert screen(cell, irq, threshold=0.0).hits == []


def test_readable_weak_candidates_are_results_but_not_matches(cell: Cell, fra: User) -> None:
    submit(cell, fra, "FRA SECRET", person("x1", "Abu Bakr al-Baghdadi", birth_date="1995-02-01"))
    [result] = screen(cell, fra).results
    assert result.comparison.score < ftf_v2.THRESHOLD and not result.comparison.match


@pytest.mark.parametrize(
    ("props", "reason"),
    [
        ({"name": [""]}, "name"),
        ({"name": ["?!"]}, "no letters"),
        ({"name": ["Ali"], "birthDate": ["1971-13-40"]}, "1971-13-40"),
        ({"name": ["Ali"], "nationality": ["xx"]}, "'xx' is not a country"),
        ({"shoeSize": ["44"]}, "shoeSize"),
    ],
)
def test_invalid_queries_are_refused_with_a_reason(props: dict[str, Any], reason: str) -> None:
    with pytest.raises(QueryError, match=reason):
        screening.query_profile(props)


def test_query_properties_may_be_plain_strings_as_in_yente() -> None:
    profile = screening.query_profile({"name": "Usama bin Ladin", "birthDate": "1957"})
    assert [n.text for n in profile.names] == ["Usama bin Ladin"]
