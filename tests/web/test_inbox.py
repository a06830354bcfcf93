"""The "what is new for me" inbox and the saved-search pages: per-viewer items, private subscriptions, CSRF."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.exchange import rfis
from intelcell.fighters import records, watchlists
from tests.conftest import FakeClock
from tests.fighters.builders import person
from tests.taxii.conftest import Taxii, sdo
from tests.web.conftest import SignedIn
from tests.web.test_pages import MakeUser, hidden_csrf


def save_search(client: TestClient, **fields: object) -> int:
    """Save a search the way the search page's form does; the response status."""
    page = client.get("/search", params={"q": fields.get("q", "")}).text
    assert "data-save-search" in page
    data = {"csrf": hidden_csrf(page), "name": "watch", "from": "", "to": "", **fields}
    return client.post("/subscriptions", data=data, follow_redirects=False).status_code


def items(page: str) -> list[str]:
    return re.findall(r'data-item="([\w-]+)"', page)


def test_the_inbox_lists_what_is_new_readable_newest_first_and_mark_all_seen_empties_it(
    taxii: Taxii, cell: Cell, clock: FakeClock, signed_in_as: SignedIn, make_user: MakeUser
) -> None:
    jor, token = make_user("JOR", "NATO SECRET", name="jor.inbox")
    usa, _ = make_user("USA", "NATO SECRET", name="usa.asker")
    browser = signed_in_as(token)
    assert save_search(browser, q="zebulon") == 303
    watchlists.add(cell, jor, {"name": ["Omar Haddad"], "birthDate": ["1987"]})
    clock.advance(seconds=1)
    taxii.add([taxii.labelled(sdo(name="Zebulon hidden"), "NATO SECRET // REL TO USA")], define=True)
    clock.advance(seconds=1)
    rfis.ask(cell, usa, question="Who leads zebulon?", label="NATO SECRET // REL TO COALITION",
             addressees=["JOR"], deadline="2026-12-31T00:00:00Z", priority="routine", path="test")  # fmt: skip
    clock.advance(seconds=1)
    shared = "NATO SECRET // REL TO JOR, USA"
    records.submit(cell, usa, [person(id="u1", name="Omer Hadad", birth_date="1987")], shared, path="test")
    clock.advance(seconds=1)
    taxii.add([sdo(name="Zebulon network")])
    page = browser.get("/inbox").text
    assert items(page) == ["match", "alert", "rfi"]  # newest first
    assert "Zebulon network" in page and "Who leads zebulon?" in page and 'href="/fighters/persons/USA-u1"' in page
    assert "Zebulon hidden" not in page and re.search(r"data-count>1<", page)  # the hidden match is not counted
    csrf = hidden_csrf(page)
    as_of = re.search(r'name="as_of" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    refused = browser.post("/inbox/seen", data={"csrf": "forged", "as_of": as_of}, follow_redirects=False)
    assert refused.status_code != 303 and items(browser.get("/inbox").text) == ["match", "alert", "rfi"]
    refs = re.findall(r'name="ref" value="([^"]+)"', page)
    done = browser.post("/inbox/seen", data={"csrf": csrf, "as_of": as_of, "ref": refs}, follow_redirects=False)
    assert done.status_code == 303
    assert items(browser.get("/inbox").text) == []
    clock.advance(seconds=1)
    taxii.add([sdo(name="Zebulon again")])
    assert items(browser.get("/inbox").text) == ["match"]


def test_saved_searches_are_private_and_bad_ones_come_back_with_a_reason(
    taxii: Taxii, signed_in_as: SignedIn, make_user: MakeUser
) -> None:
    _o, owner_token = make_user("JOR", "NATO SECRET", name="jor.owner")
    _c, colleague_token = make_user("JOR", "NATO SECRET", name="jor.colleague")
    owner, colleague = signed_in_as(owner_token), signed_in_as(colleague_token)
    assert save_search(owner, q="zebulon", type="threat-actor", name="Zebulon actors") == 303
    listed = owner.get("/subscriptions").text
    sub_id = re.search(r'data-subscription="([0-9a-f]+)"', listed).group(1)  # type: ignore[union-attr]
    assert "Zebulon actors" in listed and 'href="/search?q=zebulon&amp;type=threat-actor"' in listed
    theirs = colleague.get("/subscriptions").text
    assert "Zebulon actors" not in theirs and sub_id not in theirs
    csrf = hidden_csrf(theirs)
    other = colleague.post(f"/subscriptions/{sub_id}/delete", data={"csrf": csrf}, follow_redirects=False)
    missing = colleague.post(f"/subscriptions/{'0' * 32}/delete", data={"csrf": csrf}, follow_redirects=False)
    assert other.status_code == missing.status_code == 404 and other.text == missing.text
    assert sub_id in owner.get("/subscriptions").text
    for fields, reason in [
        ({"label": "NATO SEKRET"}, "labels"),
        ({"from": "2026-99-01"}, "Added from"),
        ({"name": ""}, "name"),
    ]:
        response = owner.post("/subscriptions", data={"csrf": hidden_csrf(listed), "name": "x", **fields})
        assert response.status_code == 422 and reason in response.text, fields
    assert len(re.findall(r'data-subscription="', owner.get("/subscriptions").text)) == 1  # nothing half-stored
    deleted = owner.post(f"/subscriptions/{sub_id}/delete", data={"csrf": hidden_csrf(listed)}, follow_redirects=False)
    assert deleted.status_code == 303 and sub_id not in owner.get("/subscriptions").text
