"""Action-plan rules: targets must name a measure, statuses, evidence, overdue items."""

from __future__ import annotations

from datetime import date

import pytest

from intelcell.domain.oversight.plan import PlanError, Target, changed_fields, evidence, overdue, status, target

MEMBERS = {"NATO", "USA", "FRA"}


def test_a_target_names_a_measure_a_value_and_perhaps_a_member() -> None:
    assert target({"measure": "aar_sorties", "value": 120, "member": "FRA"}, MEMBERS) == Target(
        "aar_sorties", 120, "FRA"
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"value": 10}, "must name a measure"),
        ({"measure": " ", "value": 10}, "must name a measure"),
        ({"measure": "coffee", "value": 10}, "unknown measure"),
        ({"measure": "aar_sorties", "value": -1}, "must not be negative"),
        ({"measure": "aar_sorties", "value": 1, "member": "XXX"}, "unknown member"),
        ({"measure": "aar_sorties", "value": 1, "due": "soon"}, "no field"),
        ("aar_sorties", "an object"),
    ],
)
def test_bad_targets_are_refused(data: object, reason: str) -> None:
    with pytest.raises(PlanError, match=reason):
        target(data, MEMBERS)  # type: ignore[arg-type]


def test_statuses_and_evidence() -> None:
    assert status("at_risk") == "at_risk"
    with pytest.raises(PlanError):
        status("done")
    assert evidence(
        ["https://www.nato.int/x", "report--6b4c7a6e-2f4a-4a57-9f3c-8a9e1d8f0f11", "https://www.nato.int/x"]
    ) == (
        "https://www.nato.int/x",
        "report--6b4c7a6e-2f4a-4a57-9f3c-8a9e1d8f0f11",
    )
    with pytest.raises(PlanError):
        evidence(["ftp://example.org/x"])


def test_an_open_item_past_its_deadline_is_overdue_and_a_closed_one_is_not() -> None:
    deadline = date(2026, 6, 30)
    assert overdue("in_progress", deadline, date(2026, 7, 1))
    assert not overdue("in_progress", deadline, date(2026, 6, 30))
    assert not overdue("achieved", deadline, date(2026, 7, 1))
    assert not overdue("planned", None, date(2030, 1, 1))


def test_changed_fields_names_what_differs() -> None:
    assert changed_fields({"status": "planned", "title": "t"}, {"status": "achieved", "title": "t"}) == ["status"]
