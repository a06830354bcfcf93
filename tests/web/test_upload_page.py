"""The bulk upload page: every line checked before anything is stored, all or nothing unless a
partial load is chosen, the file's label checked, a file stored once, progress only for its member."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.fighters import records, upload_jobs
from intelcell.store import users
from intelcell.store.schema import persons
from tests.fighters.builders import person
from tests.web.conftest import SignedIn
from tests.web.test_pages import MakeUser, hidden_csrf

LABEL = "NATO SECRET // REL TO COALITION"


def jsonl(*entities: dict[str, Any] | str) -> bytes:
    """A JSON-lines file: entities as JSON, strings as they are (to write broken lines)."""
    return b"".join((e.encode() if isinstance(e, str) else orjson.dumps(e)) + b"\n" for e in entities)


def good_file(count: int = 3) -> bytes:
    return jsonl(*(person(id=f"u{n}", name=f"Karim Mansour {chr(65 + n)}", birth_date="1987") for n in range(count)))


def stored(cell: Cell, member: str = "FRA") -> int:
    with cell.db.read() as conn:
        return conn.execute(select(func.count()).select_from(persons).where(persons.c.member == member)).scalar_one()


def send(client: TestClient, data: bytes, name: str = "fighters.jsonl", **form: str) -> Any:
    csrf = form.pop("csrf", None) or hidden_csrf(client.get("/fighters/upload").text)
    fields = {"csrf": csrf, "label": LABEL, "discoverable": "on", **form}
    return client.post(
        "/fighters/upload", data=fields, files={"file": (name, data, "application/x-ndjson")}, follow_redirects=False
    )


def finished(client: TestClient, location: str) -> dict[str, Any]:
    """The upload's JSON once it is no longer storing."""
    deadline = time.monotonic() + 30
    while True:
        job = client.get(f"{location}.json").json()
        if job["state"] != "storing" or time.monotonic() > deadline:
            return job  # type: ignore[no-any-return]
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def no_upload_outlives_its_test() -> Iterator[None]:
    """Wait for every storing thread: none may write into the next test's store."""
    yield
    for thread in threading.enumerate():
        if thread.name.startswith("upload-"):
            thread.join(timeout=60)


@pytest.fixture
def fra(signed_in_as: SignedIn, make_user: MakeUser) -> TestClient:
    _user, token = make_user("FRA", "NATO SECRET", name="fra.loader")
    return signed_in_as(token)


def test_a_good_file_is_stored_whole_in_the_background_and_its_page_says_so(fra: TestClient, cell: Cell) -> None:
    response = send(fra, good_file(3))
    assert response.status_code == 303 and response.headers["location"].startswith("/fighters/upload/")
    job = finished(fra, response.headers["location"])
    assert job == {**job, "state": "done", "records": 3, "stored": 3, "skipped": 0}
    assert stored(cell) == 3
    page = fra.get(response.headers["location"]).text
    assert "All 3 records are stored." in page and 'href="/fighters/persons"' in page
    assert '<progress id="upload-progress" max="3" value="3">' in page
    assert 'data-state="done"' in page and "<noscript>" not in page  # no reloading once done
    with cell.db.read() as conn:
        user = users.find(conn, "FRA", "fra.loader")
        assert user is not None
        record = records.get(cell, conn, user, "FRA-u1")
    assert record is not None and record.label == LABEL and record.discoverable and not record.disclose_holder


def test_a_file_with_a_bad_line_is_reported_line_by_line_and_nothing_is_stored(fra: TestClient, cell: Cell) -> None:
    data = jsonl(
        person(id="a1", name="Omar Haddad"),
        '{"id": "a2", "schema": "Person", "properties": {"name": ["Omar"]',
        person(id="a3", name="Omar Hadad", birth_date="1987-13"),
        person(id="a4", name="Omer Haddad"),
    )
    response = send(fra, data)
    assert response.status_code == 422
    assert 'data-line="2"' in response.text and "line 2, column" in response.text and "not valid JSON" in response.text
    assert 'data-line="3"' in response.text and "1987-13" in response.text
    assert 'data-line="1"' not in response.text and 'data-line="4"' not in response.text
    assert "Nothing was stored: 2 of 4 lines cannot be stored" in response.text
    assert stored(cell) == 0


def test_with_valid_lines_only_ticked_the_valid_lines_are_stored_and_the_others_listed(
    fra: TestClient, cell: Cell
) -> None:
    data = jsonl(person(id="a1", name="Omar Haddad"), "not json", person(id="a3", name="Omer Hadad"))
    response = send(fra, data, partial="on")
    assert response.status_code == 303
    job = finished(fra, response.headers["location"])
    assert (job["state"], job["stored"], job["records"], job["skipped"]) == ("done", 2, 2, 1)
    assert stored(cell) == 2
    page = fra.get(response.headers["location"]).text
    assert "1 line was left out" in page and "line 2, column 1: not valid JSON" in page


def test_a_file_that_is_not_utf8_is_refused_naming_the_byte_and_line(fra: TestClient, cell: Cell) -> None:
    arabic = "عمر حداد".encode("cp1256")
    data = jsonl(person(id="a1", name="Omar Haddad")) + b'{"id": "a2", "schema": "Person", "properties": {"name": ["'
    data += arabic + b'"]}}\n'
    response = send(fra, data)
    assert response.status_code == 422
    offset = data.index(arabic)
    assert f"not UTF-8 text: byte {offset:,} (line 2)" in response.text and "Nothing was stored" in response.text
    assert stored(cell) == 0


def test_an_empty_file_is_refused(fra: TestClient, cell: Cell) -> None:
    response = send(fra, b"\n  \n")
    assert response.status_code == 422 and "The file is empty" in response.text
    assert stored(cell) == 0


def test_a_label_above_the_users_clearance_is_refused_and_nothing_stored(
    signed_in_as: SignedIn, make_user: MakeUser, cell: Cell
) -> None:
    _user, token = make_user("FRA", "NATO CONFIDENTIAL", name="fra.confidential")
    client = signed_in_as(token)
    response = send(client, good_file(2), label="NATO SECRET // REL TO COALITION")
    assert response.status_code == 403 and "data-label-error" in response.text and "Nothing was stored" in response.text
    assert send(client, good_file(2), label="NATO SEKRIT").status_code == 422
    assert stored(cell) == 0


def test_an_id_on_two_lines_is_reported_with_both_line_numbers(fra: TestClient, cell: Cell) -> None:
    data = jsonl(person(id="d1", name="Omar Haddad"), person(id="d2", name="Ali Hassan"), person(id="d1", name="Omer"))
    response = send(fra, data)
    assert response.status_code == 422
    assert "line 3 (id &#39;d1&#39;): the id is also on line 1" in response.text
    assert stored(cell) == 0
    partial = send(fra, data, partial="on")
    assert finished(fra, partial.headers["location"])["stored"] == 1  # d2 only: which d1 is right is not ours to guess
    assert stored(cell) == 1


def test_the_same_file_uploaded_again_is_refused_naming_who_sent_it_and_when(fra: TestClient, cell: Cell) -> None:
    first = send(fra, good_file(2))
    finished(fra, first.headers["location"])
    again = send(fra, good_file(2), name="renamed.jsonl")
    assert again.status_code == 409
    assert "already uploaded by fra.loader on" in again.text and first.headers["location"] in again.text
    assert stored(cell) == 2
    other = send(fra, good_file(3))  # another file
    assert other.status_code == 303 and finished(fra, other.headers["location"])["state"] == "done"


def test_a_failed_batch_leaves_the_batches_before_it_stored_and_says_how_many(
    fra: TestClient, cell: Cell, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = records.store

    def failing_second_batch(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(upload_jobs, "BATCH", 2)
    monkeypatch.setattr(upload_jobs.records, "store", failing_second_batch)
    response = send(fra, good_file(5))
    job = finished(fra, response.headers["location"])
    assert (job["state"], job["stored"], job["records"]) == ("failed", 2, 5)
    assert stored(cell) == 2
    page = fra.get(response.headers["location"]).text
    assert "2 of 5 records are stored, the other 3 are not" in page and "disk full" not in page
    monkeypatch.setattr(upload_jobs.records, "store", real)
    retried = send(fra, good_file(5))  # a failed upload may be sent again: it stores the rest
    assert finished(fra, retried.headers["location"])["state"] == "done"
    assert stored(cell) == 5


def test_another_members_upload_answers_like_an_unknown_one(
    fra: TestClient, signed_in_as: SignedIn, make_user: MakeUser
) -> None:
    location = send(fra, good_file(2)).headers["location"]
    finished(fra, location)
    _tur, token = make_user("TUR", "NATO SECRET", name="tur.analyst")
    tur = signed_in_as(token)
    theirs, unknown = tur.get(f"{location}.json"), tur.get("/fighters/upload/0123456789abcdef0123456789abcdef.json")
    assert (theirs.status_code, theirs.json()) == (unknown.status_code, unknown.json()) == (404, unknown.json())
    assert tur.get(location).status_code == 404


def test_without_a_session_the_pages_send_to_sign_in_and_the_json_is_401(client: TestClient) -> None:
    page = client.get("/fighters/upload", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert client.get("/fighters/upload/x.json").status_code == 401
    posted = client.post("/fighters/upload", files={"file": ("f.jsonl", good_file(1))}, follow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"].startswith("/login")


def test_an_upload_without_the_form_token_is_refused_and_nothing_stored(fra: TestClient, cell: Cell) -> None:
    response = send(fra, good_file(2), csrf="forged")
    assert response.status_code == 403 and "Form expired" in response.text
    assert stored(cell) == 0
