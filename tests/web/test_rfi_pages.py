"""RFI pages: the inbox, the composer and the thread show each user exactly what the RFI API shows
them, refuse forged forms and bad input storing nothing, and escape hostile and Arabic text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.exchange import rfis
from intelcell.store import audit
from intelcell.store.schema import rfi_answers
from intelcell.store.schema import rfis as rfi_table
from intelcell.store.users import User
from tests.helpers import bearer
from tests.web.conftest import SignedIn
from tests.web.test_pages import MakeUser, hidden_csrf

DEADLINE = "2026-12-01T12:00:00Z"  # the test clock starts at 2026-11-28T09:00:00Z
SHARED = "NATO SECRET // REL TO FRA, TUR"
HOSTILE = "<script>alert(1)</script>"
ARABIC = "أبو محمد العراقي"
Open = Callable[[str], TestClient]


@pytest.fixture
def browse(signed_in_as: SignedIn) -> SignedIn:
    """Builder: a client of its own signed in with ``token`` (tests/web/conftest.py)."""
    return signed_in_as


def stored(cell: Cell) -> tuple[int, int, int]:
    """(RFIs, answers, audit entries) as stored."""
    with cell.db.read() as conn:
        asked = conn.execute(select(func.count()).select_from(rfi_table)).scalar_one()
        answered = conn.execute(select(func.count()).select_from(rfi_answers)).scalar_one()
        return asked, answered, audit.count(conn)


def ask(cell: Cell, user: User, question: str, label: str = SHARED, to: str = "TUR") -> str:
    """Store an RFI through the domain function the API uses; its id."""
    rfi = rfis.ask(
        cell, user, question=question, label=label, addressees=[to], deadline=DEADLINE, priority="routine", path="t"
    )
    return rfi.id


def answer(cell: Cell, user: User, rfi_id: str, text: str, label: str = SHARED) -> str:
    return rfis.answer(cell, user, rfi_id, text=text, label=label, object_ids=[], path="t").id


def rfi_ids(html: str) -> set[str]:
    return set(re.findall(r'data-rfi="([^"]+)"', html))


def compose(client: TestClient, **fields: str) -> Any:
    """Post the composer with valid fields replaced by ``fields``."""
    form = {
        "csrf": hidden_csrf(client.get("/rfis/new").text),
        "addressee": "TUR",
        "subject": "Crossings at Akçakale",
        "question": "Who moved recruits across in October?",
        "label": SHARED,
        "deadline": "2026-12-01T12:00",
        "priority": "immediate",
        **fields,
    }
    return client.post("/rfis", data=form, follow_redirects=False)


@pytest.fixture
def people(make_user: MakeUser) -> dict[str, tuple[User, str]]:
    """FRA asks TUR; IRQ is a third member; a TUR user cleared below the shared label."""
    return {
        "fra": make_user("FRA", name="fra.asker"),
        "tur": make_user("TUR", name="tur.analyst"),
        "tur_low": make_user("TUR", "NATO CONFIDENTIAL", name="tur.low"),
        "irq": make_user("IRQ", "NATO COSMIC TOP SECRET", name="irq.analyst"),
        "irq_admin": make_user("IRQ", "NATO COSMIC TOP SECRET", role="admin", name="irq.admin"),
    }


# --- inbox -----------------------------------------------------------------------------------------


def test_the_inbox_lists_exactly_what_the_api_lists_for_each_user(
    cell: Cell, client: TestClient, browse: Open, people: dict[str, tuple[User, str]]
) -> None:
    fra, tur = people["fra"][0], people["tur"][0]
    shared = ask(cell, fra, "Shared question")
    national = ask(cell, fra, "French eyes only", label="FRA SECRET")  # TUR may not read it: it does not exist there
    reverse = ask(cell, tur, "Turkish question to FRA", to="FRA")
    expected = {"fra": {shared, national, reverse}, "tur": {shared, reverse}, "tur_low": set(), "irq": set()}
    expected["irq_admin"] = set()
    for who, ids in expected.items():
        token = people[who][1]
        api = {r["id"] for r in client.get("/api/v1/rfis", headers=bearer(token)).json()["rfis"]}
        page = browse(token).get("/rfis")
        assert page.status_code == 200
        assert rfi_ids(page.text) == api == ids, who
    fra_page = browse(people["fra"][1]).get("/rfis").text
    received, sent = fra_page.split('id="sent-heading"')
    assert rfi_ids(received) == {reverse} and rfi_ids(sent) == {shared, national}
    assert "FRA SECRET" in fra_page  # the label beside the item, and in the banner


def test_the_inbox_says_when_there_is_nothing_and_the_banner_is_the_lowest(
    browse: Open, people: dict[str, tuple[User, str]]
) -> None:
    page = browse(people["irq"][1]).get("/rfis").text
    assert "No RFIs addressed to IRQ that you may read." in page
    assert "IRQ has asked no RFIs that you may read." in page
    assert "NATO UNCLASSIFIED" in page  # no label displayed: the lowest banner


def test_the_inbox_filters_by_status_and_refuses_an_unknown_filter(
    cell: Cell, browse: Open, people: dict[str, tuple[User, str]]
) -> None:
    fra, tur = people["fra"][0], people["tur"][0]
    answered = ask(cell, fra, "Answered one")
    answer(cell, tur, answered, "Yes")
    still_open = ask(cell, fra, "Open one")
    client = browse(people["fra"][1])
    assert rfi_ids(client.get("/rfis?status=answered").text) == {answered}
    assert rfi_ids(client.get("/rfis?status=open").text) == {still_open}
    bad = client.get("/rfis?status=<b>x</b>")
    assert bad.status_code == 422 and "Status must be one of" in bad.text and "<b>x" not in bad.text


def test_listing_rfis_is_audited_like_the_api(cell: Cell, browse: Open, people: dict[str, tuple[User, str]]) -> None:
    rfi_id = ask(cell, people["fra"][0], "Audited")
    browse(people["tur"][1]).get("/rfis")
    with cell.db.read() as conn:
        reads = [e.fields for e in audit.entries_for_object(conn, rfi_id) if e.fields["action"] == "read"]
    assert [(r["operation"], r["member"], r["path"]) for r in reads] == [("rfi.list", "TUR", "GET /rfis")]


# --- composer ----------------------------------------------------------------------------------------


def test_a_question_is_asked_through_the_form_and_shown_in_its_thread(
    cell: Cell, browse: Open, people: dict[str, tuple[User, str]]
) -> None:
    client = browse(people["fra"][1])
    form = client.get("/rfis/new").text
    assert '<option value="TUR">' in form and '<option value="FRA">' not in form  # not one's own member
    assert '<option value="LEVANT">' in form
    response = compose(client, subject=f"{ARABIC} {HOSTILE}", question=f"Seen with {HOSTILE}")
    assert response.status_code == 303
    rfi_id = response.headers["location"].removeprefix("/rfis/")
    page = client.get(response.headers["location"])
    assert page.status_code == 200
    assert HOSTILE not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert f'<h1 dir="auto" class="subject">{ARABIC} &lt;script&gt;' in page.text
    assert 'class="text" dir="auto" data-question' in page.text
    with cell.db.read() as conn:
        stored_rfi = rfis.get(cell, conn, people["tur"][0], rfi_id)
    assert stored_rfi is not None and stored_rfi.addressees == ("TUR",) and stored_rfi.priority == "immediate"
    assert stored_rfi.question == f"{ARABIC} {HOSTILE}\n\nSeen with {HOSTILE}"
    assert stored_rfi.deadline.isoformat() == "2026-12-01T12:00:00+00:00"  # the form's time is UTC


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"subject": "   "}, "subject", "Give the question a subject."),
        ({"addressee": "XXX"}, "addressee", "unknown member or community in addressees: XXX"),
        ({"addressee": "FRA"}, "addressee", "addressees must include a member other than the asking member"),
        ({"addressee": ""}, "addressee", "Choose the member or community to ask."),
        ({"label": "NATO SEKRET"}, "label", "unknown classification 'SEKRET'"),
        ({"label": "NATO COSMIC TOP SECRET"}, "label", "above what you may assign"),
        ({"label": ""}, "label", "Give the question a label."),
        ({"deadline": "2026-11-01T12:00"}, "deadline", "deadline must be in the future"),
        ({"deadline": "tomorrow"}, "deadline", "is not an ISO 8601 timestamp"),
        ({"priority": "whenever"}, "priority", "priority must be one of"),
    ],
)
def test_a_bad_question_is_refused_beside_its_field_with_422_and_nothing_stored(
    cell: Cell,
    browse: Open,
    people: dict[str, tuple[User, str]],
    fields: dict[str, str],
    field: str,
    reason: str,
) -> None:
    client = browse(people["fra"][1])
    before = stored(cell)
    response = compose(client, **fields)
    assert response.status_code == 422
    error = re.search(rf'<p class="error field-error" id="{field}-error" role="alert">([^<]*)</p>', response.text)
    assert error and reason in error.group(1).replace("&#39;", "'"), response.text
    assert 'aria-invalid="true"' in response.text
    assert stored(cell) == before
    assert "Crossings at Akçakale" in response.text or field == "subject"  # what was typed is kept


@pytest.mark.parametrize("csrf", ["forged", "", None], ids=["forged", "empty", "missing"])
def test_every_rfi_form_without_the_sessions_csrf_is_refused_and_stores_nothing(
    cell: Cell, browse: Open, people: dict[str, tuple[User, str]], csrf: str | None
) -> None:
    rfi_id = ask(cell, people["fra"][0], "Guarded")
    asker, addressee = browse(people["fra"][1]), browse(people["tur"][1])
    token = {} if csrf is None else {"csrf": csrf}
    before = stored(cell)
    posts = [
        (asker, "/rfis", {"addressee": "TUR", "subject": "s", "label": SHARED, "deadline": "2026-12-01T12:00"}),
        (addressee, f"/rfis/{rfi_id}/answers", {"text": "answer", "label": SHARED}),
        (asker, f"/rfis/{rfi_id}/close", {}),
    ]
    for client, path, form in posts:
        response = client.post(path, data={**form, **token}, follow_redirects=False)
        assert response.status_code == 403 and "Form expired" in response.text, path
    assert stored(cell) == before
    with cell.db.read() as conn:
        assert rfis.get(cell, conn, people["fra"][0], rfi_id).status == "open"  # type: ignore[union-attr]


# --- thread --------------------------------------------------------------------------------------------


def test_unknown_and_unreadable_rfis_give_the_same_404_page(
    cell: Cell, browse: Open, people: dict[str, tuple[User, str]]
) -> None:
    hidden = ask(cell, people["fra"][0], "Not for IRQ")
    national = ask(cell, people["fra"][0], "Not for TUR", label="FRA SECRET")
    missing = "00000000-0000-4000-8000-000000000000"
    for who, unreadable in (("irq", hidden), ("tur", national), ("tur_low", hidden), ("irq_admin", hidden)):
        client = browse(people[who][1])
        a, b = client.get(f"/rfis/{unreadable}"), client.get(f"/rfis/{missing}")
        assert a.status_code == b.status_code == 404, who
        assert a.text == b.text and "Not for" not in a.text
        for path in (f"/rfis/{unreadable}/answers", f"/rfis/{missing}/answers"):
            csrf = hidden_csrf(client.get("/rfis").text)
            refused = client.post(path, data={"csrf": csrf, "text": "x", "label": "NATO UNCLASSIFIED"})
            assert refused.status_code == 404 and refused.text == a.text
        closed = client.post(f"/rfis/{unreadable}/close", data={"csrf": hidden_csrf(client.get("/rfis").text)})
        assert closed.status_code == 404 and closed.text == a.text
    with cell.db.read() as conn:
        readers = {e.fields["user"] for e in audit.entries_for_object(conn, hidden) if e.fields["action"] == "read"}
    assert readers == {"tur.analyst"}  # TUR listed it; a refused read is not audited


def test_the_addressee_answers_and_each_answer_shows_only_to_readers_of_its_label(
    cell: Cell, browse: Open, people: dict[str, tuple[User, str]]
) -> None:
    fra, tur = people["fra"], people["tur"]
    rfi_id = ask(cell, fra[0], "Who is he?", label="NATO RESTRICTED // REL TO FRA, TUR")
    addressee = browse(tur[1])
    thread = addressee.get(f"/rfis/{rfi_id}").text
    assert f'action="/rfis/{rfi_id}/answers"' in thread and "/close" not in thread  # TUR answers, FRA closes
    response = addressee.post(
        f"/rfis/{rfi_id}/answers",
        data={"csrf": hidden_csrf(thread), "text": f"{ARABIC}, {HOSTILE}", "label": SHARED},
        follow_redirects=False,
    )
    assert response.status_code == 303
    answer(cell, tur[0], rfi_id, "Above TUR low", label="NATO SECRET // REL TO FRA, TUR")
    asker_page = browse(fra[1]).get(f"/rfis/{rfi_id}").text
    assert asker_page.count("data-answer=") == 2 and f"{ARABIC}, &lt;script&gt;" in asker_page
    assert 'class="text" dir="auto" data-answer-text' in asker_page
    assert f'action="/rfis/{rfi_id}/close"' in asker_page and "/answers" not in asker_page
    assert "NATO SECRET" in asker_page.split("data-banner>")[1].split("<")[0]  # the dominant label
    low = browse(people["tur_low"][1]).get(f"/rfis/{rfi_id}")
    assert low.status_code == 200 and "data-answer=" not in low.text and "No answers you may read yet." in low.text
    assert "answered" not in low.text.split("data-status>")[1][:20]  # the status as the low reader sees it


def test_a_bad_answer_is_refused_with_422_and_nothing_stored(
    cell: Cell, browse: Open, people: dict[str, tuple[User, str]]
) -> None:
    rfi_id = ask(cell, people["fra"][0], "Question")
    client = browse(people["tur"][1])
    csrf = hidden_csrf(client.get(f"/rfis/{rfi_id}").text)
    before = stored(cell)
    cases = [
        ({"text": "  ", "label": SHARED}, "text is empty"),
        ({"text": "x", "label": "NOT A LABEL"}, "NOT A LABEL"),
        ({"text": "x", "label": SHARED, "object_ids": "report--nope"}, "unknown object"),
    ]
    for form, reason in cases:
        response = client.post(f"/rfis/{rfi_id}/answers", data={"csrf": csrf, **form})
        assert response.status_code == 422 and reason in response.text.replace("&#39;", "'"), form
        assert 'aria-invalid="true"' in response.text
    assert stored(cell)[:2] == before[:2]


def test_only_the_asking_member_closes_and_a_closed_rfi_takes_no_answer(
    cell: Cell, browse: Open, people: dict[str, tuple[User, str]]
) -> None:
    rfi_id = ask(cell, people["fra"][0], "To close")
    addressee, asker = browse(people["tur"][1]), browse(people["fra"][1])
    refused = addressee.post(f"/rfis/{rfi_id}/close", data={"csrf": hidden_csrf(addressee.get("/rfis").text)})
    assert refused.status_code == 403 and "only the asking member" in refused.text.lower()
    closed = asker.post(
        f"/rfis/{rfi_id}/close", data={"csrf": hidden_csrf(asker.get("/rfis").text)}, follow_redirects=False
    )
    assert closed.status_code == 303
    page = addressee.get(f"/rfis/{rfi_id}").text
    assert "This RFI is closed." in page and "/answers" not in page
    late = addressee.post(f"/rfis/{rfi_id}/answers", data={"csrf": hidden_csrf(page), "text": "late", "label": SHARED})
    assert late.status_code == 409 and stored(cell)[1] == 0


def test_reading_a_thread_is_audited_like_the_api(
    cell: Cell, browse: Open, people: dict[str, tuple[User, str]]
) -> None:
    rfi_id = ask(cell, people["fra"][0], "Read me")
    answer_id = answer(cell, people["tur"][0], rfi_id, "Read")
    browse(people["fra"][1]).get(f"/rfis/{rfi_id}")
    with cell.db.read() as conn:
        (read,) = [e.fields for e in audit.entries_for_object(conn, answer_id) if e.fields["action"] == "read"]
    assert (read["operation"], read["object_ids"], read["labels"]) == ("rfi.read", [rfi_id, answer_id], [SHARED] * 2)
