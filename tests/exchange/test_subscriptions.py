"""Subscriptions: new matches are searched per viewer at read time, so no alert or count reveals a hidden object."""

from __future__ import annotations

import pytest

from intelcell.cell import Cell
from intelcell.domain.policy import parse_clearance
from intelcell.exchange import subscriptions
from intelcell.exchange.subscriptions import SubscriptionError
from intelcell.store import users
from intelcell.store.users import User
from tests.conftest import FakeClock
from tests.taxii.conftest import Taxii, sdo

SECRET_USA = "NATO SECRET // REL TO USA"


def saved(cell: Cell, user: User, **fields: object) -> subscriptions.Subscription:
    """A subscription of ``user`` for ``fields`` (the API's query fields), saved now."""
    return subscriptions.create(cell, user, "watch", subscriptions.parse_query(cell, dict(fields)))


def new_names(cell: Cell, user: User, sub: subscriptions.Subscription) -> tuple[int, list[str]]:
    """The count of new matches and their names, as ``user`` sees them now."""
    with cell.db.read() as conn:
        found = subscriptions.new_matches(cell, conn, user, sub)
    return found.total, sorted(body["name"] for _v, _label, body in found.results)


@pytest.fixture
def jor(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user("JOR", "NATO SECRET", name="jor.subscriber")[0]


def test_new_matches_are_the_matching_objects_added_after_the_watermark(
    taxii: Taxii, clock: FakeClock, jor: User
) -> None:
    taxii.add([sdo(name="Raqqa couriers before")])
    clock.advance(seconds=1)
    sub = saved(taxii.cell, jor, q="raqqa", types=["threat-actor"])
    clock.advance(seconds=1)
    taxii.add([sdo(name="Raqqa couriers"), sdo(name="Mosul couriers"), sdo("campaign", name="Raqqa campaign")])
    assert new_names(taxii.cell, jor, sub) == (1, ["Raqqa couriers"])
    clock.advance(seconds=1)
    sub = subscriptions.mark_seen(taxii.cell, jor, sub.id, subscriptions.seen_through(taxii.cell, None))
    assert sub is not None
    assert new_names(taxii.cell, jor, sub) == (0, [])
    clock.advance(seconds=1)
    taxii.add([sdo(name="Raqqa financiers")])
    assert new_names(taxii.cell, jor, sub) == (1, ["Raqqa financiers"])


def test_a_match_the_user_may_not_read_gives_no_alert_and_no_count(
    taxii: Taxii, clock: FakeClock, make_user, jor: User
) -> None:  # type: ignore[no-untyped-def]
    sub = saved(taxii.cell, jor, q="zebulon")
    clock.advance(seconds=1)
    taxii.add([taxii.labelled(sdo(name=f"Zebulon cell {i}"), SECRET_USA) for i in range(3)], define=True)
    taxii.add([sdo(name="Zebulon readable")])
    assert new_names(taxii.cell, jor, sub) == (1, ["Zebulon readable"])
    # The same query for the writer, who reads them all, finds the hidden ones: the filter is access.
    writer = make_user("USA", "NATO COSMIC TOP SECRET", ("SIGINT",), name="usa.taxii")[0]
    assert new_names(taxii.cell, writer, sub)[0] == 4


def test_a_newer_version_under_a_stricter_label_raises_no_alert(taxii: Taxii, clock: FakeClock, jor: User) -> None:
    first = sdo(name="Zebulon network", modified="2026-11-20T09:00:00.000Z")
    taxii.add([first])
    clock.advance(seconds=1)
    sub = saved(taxii.cell, jor, q="zebulon")
    clock.advance(seconds=1)
    stricter = {**first, "modified": "2026-11-21T09:00:00.000Z", "description": "zebulon moved to Deir ez-Zor"}
    taxii.add([taxii.labelled(stricter, SECRET_USA)], define=True)
    assert new_names(taxii.cell, jor, sub) == (0, [])


def test_an_object_that_becomes_unreadable_disappears_from_new_matches(
    taxii: Taxii, clock: FakeClock, cell: Cell, jor: User
) -> None:
    sub = saved(cell, jor, q="zebulon")
    clock.advance(seconds=1)
    taxii.add([taxii.labelled(sdo(name="Zebulon network"), "NATO CONFIDENTIAL // REL TO COALITION")], define=True)
    assert new_names(cell, jor, sub) == (1, ["Zebulon network"])
    with cell.db.write() as conn:  # the subscriber's clearance is lowered by the administrator
        lowered, _ = users.upsert(
            conn,
            member="JOR",
            name=jor.name,
            clearance=parse_clearance("NATO RESTRICTED", frozenset()),
            role=jor.role,
            is_demo=False,
            now=clock(),
        )
    assert new_names(cell, lowered, sub) == (0, [])


def test_a_new_version_shows_only_what_the_reader_may_read_of_it(taxii: Taxii, clock: FakeClock, jor: User) -> None:
    first = sdo(name="Zebulon network", modified="2026-11-20T09:00:00.000Z")
    clock.advance(seconds=1)
    sub = saved(taxii.cell, jor, q="zebulon")
    clock.advance(seconds=1)
    taxii.add([first])
    stricter = {**first, "modified": "2026-11-21T09:00:00.000Z", "name": "Zebulon network (moved)"}
    taxii.add([taxii.labelled(stricter, SECRET_USA)], define=True)
    # The readable first version is the new match, as search shows it; the stricter one never appears.
    assert new_names(taxii.cell, jor, sub) == (1, ["Zebulon network"])


def test_another_users_subscription_is_unknown_alike(taxii: Taxii, make_user, jor: User) -> None:  # type: ignore[no-untyped-def]
    sub = saved(taxii.cell, jor, q="zebulon")
    colleague = make_user("JOR", "NATO SECRET", name="jor.colleague")[0]
    with taxii.cell.db.read() as conn:
        assert subscriptions.get(conn, colleague, sub.id) is None
        assert subscriptions.listing(conn, colleague) == []
    assert subscriptions.remove(taxii.cell, colleague, sub.id) is False
    assert subscriptions.mark_seen(taxii.cell, colleague, sub.id, sub.seen_through) is None
    with taxii.cell.db.read() as conn:
        assert [s.id for s in subscriptions.listing(conn, jor)] == [sub.id]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"q": "x" * 501}, "at most 500"),
        ({"types": ["Threat Actor"]}, "not a STIX type"),
        ({"members": ["XXX"]}, "not a member"),
        ({"labels": ["NATO SEKRET"]}, "labels: 'NATO SEKRET'"),
        ({"added_after": "yesterday"}, "added_after"),
        ({"added_after": "2026-02-01T00:00:00Z", "added_before": "2026-01-01T00:00:00Z"}, "must be before"),
        ({"types": [f"t{i}-x" for i in range(65)]}, "at most 64"),
    ],
)
def test_a_bad_query_is_refused_with_its_reason(cell: Cell, fields: dict, reason: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(SubscriptionError, match=reason):
        subscriptions.parse_query(cell, fields)
