"""The watchlist page: add and remove entries, see alerts as hit/no-hit allows, refusals keep the form."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.fighters import alert_delivery, records
from tests.conftest import FakeClock
from tests.fighters.builders import person
from tests.web.conftest import SignedIn
from tests.web.test_pages import MakeUser

SHARED = "NATO SECRET // REL TO FRA, TUR"


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def test_an_analyst_watches_for_a_person_and_sees_records_and_hits_as_allowed(
    signed_in_as: SignedIn, cell: Cell, make_user: MakeUser
) -> None:
    _fra, fra_token = make_user("FRA", "NATO SECRET", name="fra.watcher")
    tur, _tur_token = make_user("TUR", "NATO SECRET", name="tur.holder")
    fra = signed_in_as(fra_token)
    csrf = csrf_of(fra.get("/fighters/watchlist").text)
    added = fra.post(
        "/fighters/watchlist",
        data={"csrf": csrf, "name": "Omar Haddad", "name_arabic": "عمر حداد", "birth_date": "1987"},
        follow_redirects=False,
    )
    assert (added.status_code, added.headers["location"]) == (303, "/fighters/watchlist?added=1")
    records.submit(cell, tur, [person(id="t1", name="Omer Hadad", birth_date="1987")], SHARED, path="test")
    records.submit(cell, tur, [person(id="t2", name="Omer Hadad", birth_date="1987")], "TUR SECRET", path="test")
    page = fra.get("/fighters/watchlist").text
    assert "عمر حداد" in page  # the Arabic name is kept as typed
    assert sorted(re.findall(r'data-kind="(\w+)"', page)) == ["hit", "record"]
    assert 'href="/fighters/persons/TUR-t1"' in page and "TUR-t2" not in page
    assert 'name="ref"' in page  # the hit can be asked about, by its reference
    _irq, irq_token = make_user("IRQ", "NATO COSMIC TOP SECRET", name="irq.analyst")
    irq_page = signed_in_as(irq_token).get("/fighters/watchlist").text
    assert "Omar Haddad" not in irq_page and "IRQ watches for nobody yet" in irq_page


def test_a_refused_entry_comes_back_with_its_reason_and_what_was_typed(
    signed_in_as: SignedIn, make_user: MakeUser
) -> None:
    _fra, token = make_user("FRA", name="fra.watcher")
    fra = signed_in_as(token)
    csrf = csrf_of(fra.get("/fighters/watchlist").text)
    for data, reason in [
        ({"birth_date": "1987"}, "needs a name"),
        ({"name": "Omar Haddad", "threshold": "high"}, "a number between 0.5 and 1"),
        ({"name": "Omar Haddad", "threshold": "0.1"}, "threshold must be between 0.5 and 1"),
        ({"name": "Omar Haddad", "birth_date": "1987-13"}, "1987-13"),
    ]:
        response = fra.post("/fighters/watchlist", data={"csrf": csrf, **data})
        assert response.status_code == 422 and reason in response.text, (data, response.text[-600:])
        assert all(f'value="{v}"' in response.text for v in data.values())
    assert "watches for nobody yet" in fra.get("/fighters/watchlist").text


def test_entries_are_removed_by_their_member_only_and_forms_need_their_token(
    signed_in_as: SignedIn, make_user: MakeUser
) -> None:
    _fra, fra_token = make_user("FRA", name="fra.watcher")
    _tur, tur_token = make_user("TUR", name="tur.other")
    fra, tur = signed_in_as(fra_token), signed_in_as(tur_token)
    csrf = csrf_of(fra.get("/fighters/watchlist").text)
    fra.post("/fighters/watchlist", data={"csrf": csrf, "name": "Karim Mansour"})
    entry = re.search(r'data-entry="(\w+)"', fra.get("/fighters/watchlist").text).group(1)  # type: ignore[union-attr]
    tur_csrf = csrf_of(tur.get("/fighters/watchlist").text)
    assert tur.post("/fighters/watchlist/remove", data={"csrf": tur_csrf, "entry": entry}).status_code == 404
    assert fra.post("/fighters/watchlist/remove", data={"csrf": "forged", "entry": entry}).status_code == 403
    assert f'data-entry="{entry}"' in fra.get("/fighters/watchlist").text
    done = fra.post("/fighters/watchlist/remove", data={"csrf": csrf, "entry": entry}, follow_redirects=False)
    assert done.status_code == 303 and "watches for nobody yet" in fra.get("/fighters/watchlist").text


def test_without_a_session_the_page_sends_to_sign_in(client: TestClient) -> None:
    response = client.get("/fighters/watchlist", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_webhook_is_registered_with_its_secret_shown_once_and_each_alert_says_how_its_delivery_stands(
    signed_in_as: SignedIn, cell: Cell, clock: FakeClock, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alert_delivery, "POLL_S", 3600.0)  # the apps' own workers stay idle: this test sends
    _fra, fra_token = make_user("FRA", "NATO SECRET", name="fra.watcher")
    tur, _tur_token = make_user("TUR", "NATO SECRET", name="tur.holder")
    fra = signed_in_as(fra_token)
    csrf = csrf_of(fra.get("/fighters/watchlist").text)
    refused = fra.post("/fighters/watchlist/webhooks", data={"csrf": csrf, "url": "gopher://fra.example"})
    assert (
        refused.status_code == 422 and "only http and https" in refused.text and "gopher://fra.example" in refused.text
    )
    added = fra.post("/fighters/watchlist/webhooks", data={"csrf": csrf, "url": "https://fra.example/hook"})
    secret = re.search(r"shown only now: <code>(whsec_[^<]+)</code>", added.text).group(1)  # type: ignore[union-attr]
    fra.post("/fighters/watchlist", data={"csrf": csrf, "name": "Omar Haddad", "birth_date": "1987"})
    records.submit(cell, tur, [person(id="t1", name="Omar Haddad", birth_date="1987")], SHARED, path="test")
    page = fra.get("/fighters/watchlist").text
    assert secret not in page and "https://fra.example/hook" in page
    assert re.findall(r'data-delivery="(\w+)"', page) == ["pending"]
    answers = iter([httpx.Response(500), httpx.Response(200)])
    client = httpx.Client(transport=httpx.MockTransport(lambda _request: next(answers)))
    alert_delivery.deliver_due(cell, client)
    assert "Retrying (1 failed: HTTP 500)" in fra.get("/fighters/watchlist").text
    clock.advance(seconds=30)
    alert_delivery.deliver_due(cell, client)
    assert re.findall(r'data-delivery="(\w+)"', fra.get("/fighters/watchlist").text) == ["delivered"]


def test_a_kept_screening_is_run_again_from_the_screening_page_with_new_records_marked(
    signed_in_as: SignedIn, cell: Cell, make_user: MakeUser
) -> None:
    _fra, fra_token = make_user("FRA", "NATO SECRET", name="fra.analyst")
    tur, tur_token = make_user("TUR", "NATO SECRET", name="tur.holder")
    records.submit(cell, tur, [person(id="t1", name="Omar Haddad", birth_date="1987")], SHARED, path="test")
    fra = signed_in_as(fra_token)
    csrf = csrf_of(fra.get("/fighters/screen").text)
    first = fra.post("/fighters/screen", data={"csrf": csrf, "name": "Omar Haddad", "birth_date": "1987", "keep": "1"})
    kept = re.search(r'data-screening="(\w+)"', first.text).group(1)  # type: ignore[union-attr]
    assert 'data-record="TUR-t1" data-new' in first.text  # a first run shows everything as new
    records.submit(cell, tur, [person(id="t2", name="Omer Hadad", birth_date="1987")], SHARED, path="test")
    again = fra.post("/fighters/screenings/rerun", data={"csrf": csrf, "screening_id": kept})
    assert again.status_code == 200
    marked = sorted(re.findall(r'data-record="([\w-]+)"( data-new)?', again.text))
    assert marked == [("TUR-t1", ""), ("TUR-t2", " data-new")]
    tur_page = signed_in_as(tur_token)
    tur_csrf = csrf_of(tur_page.get("/fighters/screen").text)
    assert kept not in tur_page.get("/fighters/screen").text
    theirs = tur_page.post("/fighters/screenings/rerun", data={"csrf": tur_csrf, "screening_id": kept})
    missing = tur_page.post("/fighters/screenings/rerun", data={"csrf": tur_csrf, "screening_id": "0" * 32})
    assert theirs.status_code == missing.status_code == 404 and theirs.text == missing.text
