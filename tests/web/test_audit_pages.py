"""The audit page: an originator sees who accessed its member's objects, an administrator those of any
object it may read, and everyone else the same empty answer as for an object that does not exist."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.domain import marking
from intelcell.domain.label import parse
from intelcell.exchange import ingest
from intelcell.exchange.collections import Collection
from intelcell.store import audit
from intelcell.store.schema import audit_log
from intelcell.store.users import User
from tests.conftest import FakeClock
from tests.helpers import bearer, coalition_collection
from tests.taxii.conftest import sdo
from tests.web.test_pages import MakeUser
from tests.web.test_rfi_pages import ARABIC, HOSTILE, Open, browse

__all__ = ["browse"]
SHARED = "NATO SECRET // REL TO COALITION"


@pytest.fixture
def shared(cell: Cell) -> Collection:
    return coalition_collection(cell)


def publish(cell: Cell, collection: Collection, user: User, label_text: str = SHARED) -> str:
    """Store one object under ``label_text`` as ``user``; its id."""
    label = parse(label_text, cell.vocabulary)
    cell.labels.ensure(cell.db, [label])
    obj = {**sdo(), "object_marking_refs": [marking.marking_id(label)]}
    assert ingest.store(cell, user, collection, [obj], "test")["failure_count"] == 0
    return obj["id"]  # type: ignore[no-any-return]


def rows(html: str) -> list[tuple[str, str, str]]:
    """The access table: (object id, member, user) per row, newest first."""
    found = re.findall(
        r'<tr data-seq="\d+" data-object="([^"]+)">.*?<td data-member>([^<]*)</td>'
        r'\s*<td><bdi dir="auto" data-user>([^<]*)',
        html,
        re.S,
    )
    return [(o, m, u) for o, m, u in found]


def test_the_originator_sees_who_read_its_objects_and_nothing_about_others(
    client: TestClient, cell: Cell, browse: Open, make_user: MakeUser, shared: Collection
) -> None:
    fra, fra_token = make_user("FRA", name="fra.owner")
    tur, _ = make_user("TUR", name="tur.author")
    _irq, irq_token = make_user("IRQ", name=ARABIC)
    mine, theirs = publish(cell, shared, fra), publish(cell, shared, tur)
    for object_id in (mine, theirs):
        assert client.get(f"/api/v1/objects/{object_id}", headers=bearer(irq_token)).status_code == 200
    page = browse(fra_token).get("/audit")
    assert page.status_code == 200
    assert rows(page.text) == [(mine, "IRQ", ARABIC), (mine, "FRA", "fra.owner")]  # the read, then the add
    assert theirs not in page.text  # FRA may read it, but did not originate it
    assert f'data-listed="{mine}"' in page.text and SHARED in page.text
    one = browse(fra_token).get("/audit", params={"object_id": mine})
    assert rows(one.text) == [(mine, "FRA", "fra.owner"), *rows(page.text)]  # the first view was audited too
    api = client.get("/api/v1/audit", params={"object_id": mine}, headers=bearer(fra_token)).json()["entries"]
    assert sorted(e["seq"] for e in api)[:-1] == sorted(  # the API's answer also holds the page's own query
        int(s) for s in re.findall(r'data-seq="(\d+)"', one.text)
    )


def test_another_member_sees_the_same_page_for_an_object_of_others_as_for_a_missing_one(
    cell: Cell, browse: Open, make_user: MakeUser, shared: Collection
) -> None:
    fra, _ = make_user("FRA", name="fra.owner")
    readable = publish(cell, shared, fra)  # IRQ may read it, but is not its originator
    unreadable = publish(cell, shared, fra, "FRA SECRET")
    missing = f"threat-actor--{uuid.uuid4()}"
    for clearance in ("NATO SECRET", "NATO COSMIC TOP SECRET"):
        _u, token = make_user("IRQ", clearance, name=f"irq.{clearance}")
        client = browse(token)
        overview = client.get("/audit").text
        assert readable not in overview and unreadable not in overview
        assert "No accesses to objects IRQ originated yet." in overview
        pages = {oid: client.get("/audit", params={"object_id": oid}) for oid in (readable, unreadable, missing)}
        texts = {r.text.replace(oid, "ID") for oid, r in pages.items()}
        assert {r.status_code for r in pages.values()} == {200} and len(texts) == 1
        assert "No accesses to show for this object" in texts.pop()
    with cell.db.read() as conn:
        queries = [e for e in audit.entries_for_object(conn, readable) if e.fields["operation"] == "audit.query"]
    assert queries == []  # an empty answer released nothing and is not audited


def test_an_admin_sees_accesses_to_any_object_it_may_read_and_no_other(
    cell: Cell, browse: Open, make_user: MakeUser, shared: Collection
) -> None:
    fra, _ = make_user("FRA", name="fra.owner")
    coalition, national = publish(cell, shared, fra), publish(cell, shared, fra, "FRA SECRET")
    _u, admin = make_user("NATO", role="admin", name="nato.admin")
    _u, analyst = make_user("NATO", name="nato.analyst")
    page = browse(admin).get("/audit").text
    assert {o for o, _m, _u in rows(page)} == {coalition}
    one = browse(admin).get("/audit", params={"object_id": coalition}).text
    assert [m for _o, m, _u in rows(one)] == ["NATO", "FRA"]  # the admin's own first view, and the add
    assert "data-seq=" not in browse(admin).get("/audit", params={"object_id": national}).text
    assert "data-seq=" not in browse(analyst).get("/audit", params={"object_id": coalition}).text


def test_the_period_keeps_entries_of_its_days_and_a_bad_date_is_a_clear_422(
    client: TestClient, cell: Cell, clock: FakeClock, browse: Open, make_user: MakeUser, shared: Collection
) -> None:
    fra, fra_token = make_user("FRA", name="fra.owner")
    _u, irq = make_user("IRQ", name="irq.reader")
    mine = publish(cell, shared, fra)  # 2026-11-28
    clock.advance(days=3)
    client.get(f"/api/v1/objects/{mine}", headers=bearer(irq))  # 2026-12-01
    owner = browse(fra_token)
    assert rows(owner.get("/audit", params={"since": "2026-12-01"}).text) == [(mine, "IRQ", "irq.reader")]
    assert rows(owner.get("/audit", params={"until": "2026-11-30"}).text) == [(mine, "FRA", "fra.owner")]
    both = {"object_id": mine, "since": "2026-11-28", "until": "2026-12-01"}
    users = [u for _o, _m, u in rows(owner.get("/audit", params=both).text)]
    assert users == ["fra.owner", "fra.owner", "irq.reader", "fra.owner"]  # two audited views, the read, the add
    empty = owner.get("/audit", params={"since": "2027-01-01"}).text
    assert "in this period yet." in empty
    bad = owner.get("/audit", params={"since": HOSTILE})
    assert bad.status_code == 422 and "is not a date (YYYY-MM-DD)." in bad.text and HOSTILE not in bad.text
    reversed_period = owner.get("/audit", params={"since": "2026-12-02", "until": "2026-12-01"})
    assert reversed_period.status_code == 422 and "The period ends before it starts." in reversed_period.text


def test_a_hostile_object_id_is_escaped_and_showing_accesses_is_audited(
    cell: Cell, browse: Open, make_user: MakeUser, shared: Collection
) -> None:
    fra, fra_token = make_user("FRA", name="fra.owner")
    mine = publish(cell, shared, fra)
    owner = browse(fra_token)
    page = owner.get("/audit", params={"object_id": HOSTILE})
    assert page.status_code == 200 and HOSTILE not in page.text and "&lt;script&gt;" in page.text
    owner.get("/audit", params={"object_id": mine})
    with cell.db.read() as conn:
        (query,) = [e.fields for e in audit.entries_for_object(conn, mine) if e.fields["operation"] == "audit.query"]
    assert (query["member"], query["path"], query["labels"]) == ("FRA", "GET /audit", [SHARED])


def test_only_administrators_verify_the_audit_trail_from_the_browser(
    cell: Cell, browse: Open, make_user: MakeUser, shared: Collection
) -> None:
    fra, fra_token = make_user("FRA", name="fra.owner")
    _u, admin = make_user("FRA", role="admin", name="fra.admin")
    publish(cell, shared, fra)
    owner = browse(fra_token)
    administrator = browse(admin)
    assert 'href="/audit/chain"' in administrator.get("/audit").text
    assert 'data-chain="intact"' in administrator.get("/audit/chain").text
    # Not for analysts: the count of entries and the time to check them grow with every member's work.
    assert 'href="/audit/chain"' not in owner.get("/audit").text
    refused = owner.get("/audit/chain")
    assert refused.status_code == 403 and "data-chain" not in refused.text and "entries" not in refused.text
    with cell.db.write() as conn:
        conn.execute(audit_log.update().where(audit_log.c.seq == 1).values(fields='{"edited": true}'))
    broken = administrator.get("/audit/chain").text
    assert 'data-chain="broken"' in broken and "audit entry 1" in broken


def test_the_overview_is_not_filled_by_its_own_audit_queries(
    cell: Cell, browse: Open, make_user: MakeUser, shared: Collection
) -> None:
    fra, fra_token = make_user("FRA", name="fra.owner")
    publish(cell, shared, fra)
    owner = browse(fra_token)
    first = owner.get("/audit").text
    for _ in range(3):
        owner.get("/audit")
    again = owner.get("/audit").text
    assert "audit.query" not in again
    assert again.count("<tr") == first.count("<tr")  # the views in between added no rows
