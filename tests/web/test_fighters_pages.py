"""Fighters pages: screening, persons, the review queue and hits, each showing a user exactly what the API would.

Users of two members with different clearances: FRA (NATO SECRET, and a French reader cleared only
NATO RESTRICTED) and IRQ (NATO SECRET, a Coalition partner that reads no French national label).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.fighters import records, resolution
from intelcell.store import audit
from intelcell.store.schema import audit_log, person_hits, person_links, rfis
from intelcell.store.users import User
from tests.fighters.builders import SECRET, person
from tests.fighters.test_resolution import B1, B2, B3, X1
from tests.fighters.test_review import M1, M2, M3
from tests.web.conftest import SignedIn
from tests.web.test_pages import hidden_csrf

HOSTILE = "<script>alert(1)</script>"
ARABIC = "أبو بكر البغدادي"
Login = Callable[[str], TestClient]


@pytest.fixture
def login(signed_in_as: SignedIn) -> SignedIn:
    """Builder: a client of its own signed in with ``token`` (tests/web/conftest.py)."""
    return signed_in_as


@pytest.fixture
def people(cell: Cell, make_user: Any) -> dict[str, tuple[User, str]]:
    """FRA holds b1 (French-only label) and x1; IRQ holds b2 (Arabic) and b3; Emwazi as three records; resolved."""
    users = {
        "fra": make_user("FRA", name="claire"),
        "low": make_user("FRA", "NATO RESTRICTED", name="remi"),
        "irq": make_user("IRQ", name="karim"),
        "jor": make_user("JOR", name="omar"),
        "coordinator": make_user("FRA", role="coordinator", name="coord"),
    }
    fra, irq = users["fra"][0], users["irq"][0]
    records.submit(cell, fra, [B1], "FRA SECRET", path="test", link=False)
    records.submit(cell, fra, [X1, M1], SECRET, path="test", link=False)
    records.submit(cell, fra, [M3], "FRA SECRET", path="test", link=False)
    records.submit(cell, irq, [B2, B3, M2], SECRET, path="test", link=False)
    resolution.resolve(cell)
    return users


def count(cell: Cell, table: Any) -> int:
    with cell.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def main_of(html: str) -> str:
    """The page's main content (the header shows the user's own member and clearance)."""
    found = re.search(r"<main[^>]*>(.*)</main>", html, re.S)
    assert found
    return found.group(1)


def banner(html: str) -> str:
    found = re.findall(r"<div class=\"banner[^>]*data-banner>([^<]*)</div>", html)
    assert len(found) == 2 and found[0] == found[1], found
    return found[0]


def assert_strict(html: str) -> None:
    """Nothing the page policy would block: no inline script or style, no style attribute, no handler."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html), "event handler attribute"


def screen(client: TestClient, **fields: str) -> Any:
    csrf = hidden_csrf(client.get("/fighters/screen").text)
    return client.post("/fighters/screen", data={"csrf": csrf, **fields})


# -- person view ---------------------------------------------------------------------------------------------


def test_person_view_shows_every_readable_record_names_in_their_script_and_each_link_explained(
    people: dict, login: Login
) -> None:
    client = login(people["fra"][1])
    page = client.get("/fighters/persons/person-FRA-b1")
    assert page.status_code == 200
    html = page.text
    assert re.findall(r'<article class="ftf-card" data-record="([^"]+)"', html) == ["FRA-b1", "IRQ-b2", "IRQ-b3"]
    assert banner(html) == "FRA SECRET"
    assert f'<bdi dir="auto" class="ftf-name">{ARABIC}</bdi>' in html
    assert "A1234567" in html and "name_similar" in html and "intelcell-ftf-v2" in html
    assert "linked automatically" in html
    assert client.get("/fighters/persons/IRQ-b3").text.count('class="ftf-card"') == 3  # any record id names it
    assert_strict(html)


def test_person_view_of_a_partial_reader_holds_only_its_readable_records(people: dict, login: Login) -> None:
    html = login(people["irq"][1]).get("/fighters/persons/IRQ-b2").text
    assert re.findall(r'data-record="([^"]+)"', html) == ["IRQ-b2"]
    assert "FRA" not in main_of(html) and "Abu Bakr" not in html and "A1234567" not in html
    assert banner(html) == SECRET


def test_unreadable_person_is_the_same_404_page_as_an_unknown_one(people: dict, login: Login, cell: Cell) -> None:
    client = login(people["irq"][1])
    before = count(cell, audit_log)
    hidden = client.get("/fighters/persons/person-FRA-b1")
    unknown = client.get("/fighters/persons/person-FRA-b9")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.text.replace("person-FRA-b1", "ID") == unknown.text.replace("person-FRA-b9", "ID")
    assert hidden.headers.keys() == unknown.headers.keys()
    assert "Abu Bakr" not in hidden.text
    assert count(cell, audit_log) == before  # a refused read is not audited
    low = login(people["low"][1]).get("/fighters/persons/FRA-x1")  # NATO SECRET record, reader cleared RESTRICTED
    assert low.status_code == 404


def test_reading_a_person_is_audited_like_the_api(people: dict, login: Login, cell: Cell) -> None:
    login(people["fra"][1]).get("/fighters/persons/person-FRA-b1")
    with cell.db.read() as conn:
        entries = audit.entries_for_object(conn, "FRA-b1")
    assert any("person.resolved.read" in str(entry) for entry in entries)


# -- persons list ----------------------------------------------------------------------------------------------


def test_persons_list_counts_readable_records_only(people: dict, login: Login) -> None:
    fra = login(people["fra"][1]).get("/fighters/persons").text
    rows = dict(re.findall(r'data-person="([^"]+)">.*?<td class="num">(\d+)</td>', fra, re.S))
    assert rows["person-FRA-b1"] == "3"
    irq = login(people["irq"][1])
    html = irq.get("/fighters/persons").text
    assert "person-FRA-b1" not in html and "FRA-b1" not in html
    every = irq.get("/fighters/persons?single=1").text
    listed = re.findall(r'data-person="([^"]+)"', every)
    assert "person-FRA-b1" not in listed and "person-FRA-m3" not in listed
    assert {"person-FRA-x1", "person-IRQ-b2", "person-IRQ-b3"} <= set(listed)
    assert "FRA SECRET" not in every
    assert_strict(every)


def test_persons_list_says_so_when_there_is_nothing_to_read(people: dict, make_user: Any, login: Login) -> None:
    _user, token = make_user("EGY", "NATO RESTRICTED", name="egy")
    html = login(token).get("/fighters/persons?single=1").text
    assert "No person record EGY may read" in html and "data-person" not in html
    assert login(token).get("/fighters/persons?offset=-1").status_code == 422


# -- screening --------------------------------------------------------------------------------------------------


def test_screening_shows_readable_results_explained_and_unreadable_ones_only_as_a_hit(
    people: dict, login: Login, cell: Cell
) -> None:
    irq = login(people["irq"][1])
    page = screen(irq, name="Abou Bakr al-Baghdadi", birth_date="1971", nationality="Iraq")
    assert page.status_code == 200
    html = page.text
    shown = re.findall(r'<tr data-record="([^"]+)"', html)
    assert {"IRQ-b2", "IRQ-b3"} <= set(shown) and "FRA-b1" not in html
    assert "name_similar" in html and f">{ARABIC}</bdi>" in html
    assert "A member holds a possible match" in html and "holder not named" in html
    hits_section = html.split('id="hits-h"', 1)[1]
    assert "FRA SECRET" not in html and "FRA" not in hits_section  # x1 (a readable FRA record) is a result
    assert banner(html) == SECRET
    assert_strict(html)
    with cell.db.read() as conn:
        rows = list(conn.execute(select(person_hits.c.person_id, person_hits.c.querying_member)))
    assert ("FRA-b1", "IRQ") in rows
    held = login(people["fra"][1]).get("/fighters/hits").text
    assert "FRA-b1" in held and ">IRQ<" in held
    assert "FRA-b1" not in login(people["low"][1]).get("/fighters/hits").text


def test_a_holder_that_allows_it_is_named_in_the_hit(cell: Cell, people: dict, login: Login) -> None:
    fra = people["fra"][0]
    records.submit(cell, fra, [person("n1", "Salim Benghalem", birth_date="1980")], "FRA SECRET",
                   disclose_holder=True, path="test")  # fmt: skip
    html = screen(login(people["irq"][1]), name="Salim Benghalem", birth_date="1980").text
    assert "<span data-holder>FRA</span>" in html and "FRA-n1" not in html


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"name": ""}, "name", "Enter the name"),
        ({"name": "-- !!"}, "name", "no letters"),
        ({"name": "Ali", "birth_date": "1971-13-40"}, "birth_date", "is not a date"),
        ({"name": "Ali", "nationality": "xx"}, "nationality", "is not a country"),
        ({"name": "a" * 301}, "name", "At most 300"),
    ],
)
def test_bad_screening_input_is_shown_by_its_field_with_422_and_records_nothing(
    people: dict, login: Login, cell: Cell, fields: dict[str, str], field: str, words: str
) -> None:
    irq = login(people["irq"][1])
    before = count(cell, person_hits), count(cell, audit_log)
    page = screen(irq, **{"birth_date": "", "nationality": "", "document": "", **fields})
    assert page.status_code == 422
    error = re.search(rf'<span class="error" id="e-{field}" role="alert" dir="auto">([^<]*)</span>', page.text)
    assert error and words in error.group(1)
    assert "Records you may read" not in page.text
    assert (count(cell, person_hits), count(cell, audit_log)) == before


def test_every_bad_field_is_reported_at_once(people: dict, login: Login) -> None:
    page = screen(login(people["irq"][1]), name="Ali", birth_date="1971-13-40", nationality="xx")
    assert page.status_code == 422
    assert 'id="e-birth_date"' in page.text and 'id="e-nationality"' in page.text
    assert 'value="1971-13-40"' in page.text  # what was typed is kept


def test_screening_with_a_forged_form_token_is_refused_and_records_no_hit(
    people: dict, login: Login, cell: Cell
) -> None:
    irq = login(people["irq"][1])
    page = irq.post("/fighters/screen", data={"csrf": "forged", "name": "Abu Bakr al-Baghdadi", "birth_date": "1971"})
    assert page.status_code == 403 and "Form expired" in page.text
    assert count(cell, person_hits) == 0


def test_hostile_and_arabic_names_are_text_and_right_to_left(cell: Cell, people: dict, login: Login) -> None:
    records.submit(cell, people["fra"][0], [person("h1", HOSTILE + " Hassan", birth_date="1980")], SECRET, path="test")
    fra = login(people["fra"][1])
    html = screen(fra, name=HOSTILE + " Hassan", birth_date="1980").text
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Hassan" in html
    assert_strict(html)
    person_html = fra.get("/fighters/persons/FRA-h1").text
    assert HOSTILE not in person_html and "&lt;script&gt;" in person_html
    arabic = screen(login(people["irq"][1]), name=ARABIC).text
    assert f'value="{ARABIC}"' in arabic and 'dir="auto"' in arabic


# -- RFI to the holder of a hit -------------------------------------------------------------------------------


def hit_ref(client: TestClient) -> tuple[str, str]:
    """Screen al-Baghdadi as the client's user: (the one hit's reference, the page's form token)."""
    html = screen(client, name="Abou Bakr al-Baghdadi", birth_date="1971").text
    [ref] = re.findall(r'<input type="hidden" name="ref" value="([^"]+)">', html)
    return ref, hidden_csrf(html)


QUESTION = {"question": "What do you hold on him?", "label": SECRET, "deadline": "2027-01-01", "priority": "priority"}


def test_asking_the_holder_opens_an_rfi_that_never_names_it(people: dict, login: Login, cell: Cell) -> None:
    irq = login(people["irq"][1])
    ref, csrf = hit_ref(irq)
    sent = irq.post("/fighters/hits/ask", data={"csrf": csrf, "ref": ref, **QUESTION}, follow_redirects=False)
    assert (sent.status_code, sent.headers["location"]) == (303, "/fighters/screen?asked=1")
    assert ref not in sent.headers["location"]
    with cell.db.read() as conn:
        (row,) = conn.execute(select(rfis)).mappings()
    assert row["via_hit"] == ref and row["question"] == QUESTION["question"]
    assert "went to the holder" in irq.get("/fighters/screen?asked=1").text


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"question": "  "}, 422, "Write the question"),
        ({"deadline": "2020-01-01"}, 422, "deadline must be in the future"),
        ({"label": "NOT A LABEL"}, 422, ""),
    ],
)
def test_a_refused_question_is_shown_again_and_nothing_is_stored(
    people: dict, login: Login, cell: Cell, change: dict[str, str], status: int, words: str
) -> None:
    irq = login(people["irq"][1])
    ref, csrf = hit_ref(irq)
    page = irq.post("/fighters/hits/ask", data={"csrf": csrf, "ref": ref, **QUESTION, **change})
    assert page.status_code == status and words in page.text
    assert f'name="ref" value="{ref}"' in page.text
    assert count(cell, rfis) == 0


def test_a_reference_is_usable_only_by_the_member_that_received_it(people: dict, login: Login, cell: Cell) -> None:
    ref, _csrf = hit_ref(login(people["irq"][1]))
    jor = login(people["jor"][1])
    csrf = hidden_csrf(jor.get("/fighters/screen").text)
    theirs = jor.post("/fighters/hits/ask", data={"csrf": csrf, "ref": ref, **QUESTION})
    unknown = jor.post("/fighters/hits/ask", data={"csrf": csrf, "ref": "0" * 32, **QUESTION})
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.text == unknown.text
    assert count(cell, rfis) == 0


def test_asking_with_a_forged_form_token_is_refused(people: dict, login: Login, cell: Cell) -> None:
    irq = login(people["irq"][1])
    ref, _csrf = hit_ref(irq)
    page = irq.post("/fighters/hits/ask", data={"csrf": "forged", "ref": ref, **QUESTION})
    assert page.status_code == 403 and count(cell, rfis) == 0


# -- review queue -------------------------------------------------------------------------------------------------


def pairs(html: str) -> list[str]:
    return re.findall(r'<article class="ftf-pair" data-pair="([^"]+)"', html)


def link_state(cell: Cell, a: str, b: str) -> str:
    with cell.db.read() as conn:
        where = (person_links.c.a_id == a) & (person_links.c.b_id == b)
        return str(conn.execute(select(person_links.c.state).where(where)).scalar_one())


def test_review_queue_shows_only_links_whose_two_records_the_user_reads(people: dict, login: Login) -> None:
    fra = login(people["fra"][1]).get("/fighters/review").text
    assert {"FRA-m1 FRA-m3", "FRA-m3 IRQ-m2", "IRQ-b2 IRQ-b3"} == set(pairs(fra))
    assert "Confirm: same person" in fra and "name_similar" in fra
    assert banner(fra) == "FRA SECRET"
    assert_strict(fra)
    irq = login(people["irq"][1]).get("/fighters/review").text
    assert pairs(irq) == ["IRQ-b2 IRQ-b3"]
    assert "FRA-m3" not in irq and "Mohamed Emwazi" not in irq
    assert "FRA-m3" not in login(people["low"][1]).get("/fighters/review").text


def test_confirming_a_link_redirects_to_the_queue_with_a_notice(people: dict, login: Login, cell: Cell) -> None:
    fra = login(people["fra"][1])
    csrf = hidden_csrf(fra.get("/fighters/review").text)
    data = {"csrf": csrf, "a": "FRA-m1", "b": "FRA-m3", "decision": "confirm"}
    done = fra.post("/fighters/review/decide", data=data, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/fighters/review?decided=confirm")
    assert link_state(cell, "FRA-m1", "FRA-m3") == "confirmed"
    page = fra.get(done.headers["location"]).text
    assert "Link confirmed" in page and "FRA-m1 FRA-m3" not in pairs(page)


def test_deciding_on_an_unreadable_record_is_the_same_404_as_on_an_unknown_one(
    people: dict, login: Login, cell: Cell
) -> None:
    irq = login(people["irq"][1])
    csrf = hidden_csrf(irq.get("/fighters/review").text)
    hidden = irq.post(
        "/fighters/review/decide", data={"csrf": csrf, "a": "FRA-m3", "b": "IRQ-m2", "decision": "reject"}
    )
    unknown = irq.post(
        "/fighters/review/decide", data={"csrf": csrf, "a": "FRA-m9", "b": "IRQ-m2", "decision": "reject"}
    )
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.text.replace("FRA-m3", "X") == unknown.text.replace("FRA-m9", "X")
    assert link_state(cell, "FRA-m3", "IRQ-m2") == "suggested"


@pytest.mark.parametrize(
    ("who", "data", "status"),
    [
        ("fra", {"a": "FRA-m1", "b": "FRA-m3", "decision": "merge"}, 422),
        ("fra", {"a": "FRA-m1", "b": "FRA-m1", "decision": "confirm"}, 422),
        ("fra", {"a": "", "b": "FRA-m3", "decision": "confirm"}, 422),
        ("coordinator", {"a": "FRA-m1", "b": "FRA-m3", "decision": "confirm"}, 403),
    ],
)
def test_refused_decisions_explain_themselves_and_change_nothing(
    people: dict, login: Login, cell: Cell, who: str, data: dict[str, str], status: int
) -> None:
    client = login(people[who][1])
    csrf = hidden_csrf(client.get("/fighters/review").text)
    page = client.post("/fighters/review/decide", data={"csrf": csrf, **data})
    assert page.status_code == status and 'role="alert"' in page.text
    assert link_state(cell, "FRA-m1", "FRA-m3") == "suggested"


def test_deciding_with_a_forged_form_token_is_refused(people: dict, login: Login, cell: Cell) -> None:
    fra = login(people["fra"][1])
    data = {"csrf": "forged", "a": "FRA-m1", "b": "FRA-m3", "decision": "confirm"}
    assert fra.post("/fighters/review/decide", data=data).status_code == 403
    assert link_state(cell, "FRA-m1", "FRA-m3") == "suggested"


# -- every page, signed out and under the policy ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/fighters/screen", "/fighters/persons", "/fighters/review", "/fighters/hits"])
def test_pages_need_a_session_and_send_the_strict_policy(
    client: TestClient, people: dict, login: Login, path: str
) -> None:
    out = client.get(path, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"].startswith("/login")
    page = login(people["fra"][1]).get(path)
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert_strict(page.text)
