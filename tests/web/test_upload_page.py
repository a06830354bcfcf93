"""The bulk upload page: every line checked before anything is stored, all or nothing unless a
partial load is chosen, the file's label checked, a file stored once, progress only for its member."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from intelcell.api.app import create_app
from intelcell.cell import Cell, open_cell
from intelcell.domain import marking
from intelcell.domain.label import parse
from intelcell.exchange import collections
from intelcell.fighters import records, upload_jobs
from intelcell.settings import Settings
from intelcell.store import audit, users
from intelcell.store.schema import objects, persons
from tests.conftest import FakeClock
from tests.fighters.builders import person
from tests.taxii.conftest import sdo
from tests.web.conftest import SignedIn
from tests.web.test_pages import MakeUser, hidden_csrf, sign_in

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


# --- CSV: a mapping page between the upload and the check ---------------------------------------------

CSV = "Full name;Arabic name;Kunya;DOB;Nationality;Passport\nOmar Haddad;عمر حداد;Abu Omar;1987-03;IRQ;A123\n"
CSV += "Ali Hassan;علي حسن;;1990;FRA;\n"


def csv_mapping_page(client: TestClient, data: bytes, **form: str) -> Any:
    """Upload a CSV file and follow to its mapping page (or answer the refusal)."""
    response = send(client, data, name="fighters.csv", format="csv", **form)
    if response.status_code != 303:
        return response
    assert response.headers["location"].startswith("/fighters/upload/csv/")
    return client.get(response.headers["location"])


def shown_mapping(html: str) -> list[str]:
    """The property selected for each column on a mapping page."""
    blocks = re.findall(r'<select id="column-\d+" name="column"[^>]*>(.*?)</select>', html, re.S)
    return [(m.group(1) if (m := re.search(r'<option value="([^"]*)" selected>', b)) else "") for b in blocks]


def map_columns(client: TestClient, page: Any, columns: list[str] | None = None, **form: str) -> Any:
    """Submit the mapping page with ``columns`` (default: the mapping it shows)."""
    action = re.search(r'<form method="post" action="(/fighters/upload/csv/[0-9a-f]+)"', page.text)
    assert action, "no mapping form"
    encoding = re.search(r'<input type="hidden" name="encoding" value="([^"]+)">', page.text)
    assert encoding
    fields = {"csrf": hidden_csrf(page.text), "encoding": encoding.group(1), **form}
    fields["column"] = shown_mapping(page.text) if columns is None else columns  # type: ignore[assignment]
    return client.post(action.group(1), data=fields, follow_redirects=False)


def person_names(cell: Cell, member: str = "FRA") -> set[str]:
    with cell.db.read() as conn:
        rows = conn.execute(select(persons.c.entity).where(persons.c.member == member, persons.c.is_current))
        return {name for (body,) in rows for name in orjson.loads(body)["properties"].get("name", [])}


def test_a_csv_file_shows_its_header_rows_and_a_guessed_mapping_then_stores_every_row(
    fra: TestClient, cell: Cell
) -> None:
    page = csv_mapping_page(fra, CSV.encode())
    assert page.status_code == 200
    assert shown_mapping(page.text) == ["name", "name", "alias", "birthDate", "nationality", "passportNumber"]
    assert "عمر حداد" in page.text and 'data-row="2"' in page.text and 'data-row="3"' in page.text
    assert stored(cell) == 0  # nothing is stored before the mapping is submitted
    response = map_columns(fra, page)
    assert response.status_code == 303
    job = finished(fra, response.headers["location"])
    assert (job["state"], job["stored"]) == ("done", 2)
    assert person_names(cell) == {"Omar Haddad", "عمر حداد", "Ali Hassan", "علي حسن"}
    assert fra.get(page.url).status_code == 404  # the staged file is gone once stored


def test_a_csv_row_with_a_problem_is_reported_by_row_and_nothing_stored_unless_partial(
    fra: TestClient, cell: Cell
) -> None:
    data = (CSV + "Karim;;;1987-13;FRA;\nbroken;row\n").encode()
    page = csv_mapping_page(fra, data)
    report = map_columns(fra, page)
    assert report.status_code == 422
    assert 'data-line="4"' in report.text and "1987-13" in report.text
    assert 'data-line="5"' in report.text and "2 cells, but the header has 6 columns" in report.text
    assert "Nothing was stored: 2 of 4 rows cannot be stored" in report.text
    assert stored(cell) == 0
    partial = map_columns(fra, report, partial="on")
    assert partial.status_code == 303
    assert finished(fra, partial.headers["location"])["stored"] == 2 and stored(cell) == 2


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (["", "", "alias", "birthDate", "", ""], "No column is mapped to name, firstName or lastName"),
        (
            ["name", "id", "id", "", "", ""],
            "Columns &#39;Arabic name&#39;, &#39;Kunya&#39; are all mapped to &#39;id&#39;",
        ),
        (["name", "name", "homeTown", "", "", ""], "mapped to &#39;homeTown&#39;, which is not a Person property"),
    ],
    ids=["no name column", "id twice", "unknown property"],
)
def test_a_mapping_error_is_explained_and_nothing_stored(
    fra: TestClient, cell: Cell, columns: list[str], message: str
) -> None:
    response = map_columns(fra, csv_mapping_page(fra, CSV.encode()), columns)
    assert response.status_code == 422 and "data-mapping-errors" in response.text
    assert message in response.text
    assert stored(cell) == 0


@pytest.mark.parametrize(
    ("encoded", "likely", "chosen"),
    [
        (CSV.encode("cp1256"), "Windows-1256 (Arabic)", "cp1256"),
        ("Name\nGérard Dubois\n".encode("latin-1"), "Latin-1", "latin-1"),
    ],
    ids=["windows-1256", "latin-1"],
)
def test_a_mis_encoded_csv_is_refused_naming_its_likely_encoding_and_stored_right_when_chosen(
    fra: TestClient, cell: Cell, encoded: bytes, likely: str, chosen: str
) -> None:
    refused = csv_mapping_page(fra, encoded)
    assert refused.status_code == 422 and "not UTF-8 text" in refused.text and "(line 2)" in refused.text
    assert f"it looks like {likely}" in refused.text and "Nothing was stored" in refused.text
    page = csv_mapping_page(fra, encoded, encoding=chosen)
    assert page.status_code == 200
    response = map_columns(fra, page)
    assert finished(fra, response.headers["location"])["state"] == "done"
    assert person_names(cell) >= {encoded.split(b"\n")[1].split(b";")[0].decode(chosen)}


def test_a_utf8_csv_read_as_windows_1256_is_refused_rather_than_garbled(fra: TestClient, cell: Cell) -> None:
    response = csv_mapping_page(fra, CSV.encode(), encoding="cp1256")
    assert response.status_code == 422 and "The file is UTF-8 text, not Windows-1256" in response.text
    assert stored(cell) == 0


def test_the_same_csv_with_the_same_mapping_is_refused_but_a_corrected_mapping_updates_the_same_records(
    fra: TestClient, cell: Cell
) -> None:
    first = map_columns(fra, csv_mapping_page(fra, CSV.encode()))
    finished(fra, first.headers["location"])
    again = map_columns(fra, csv_mapping_page(fra, CSV.encode()))
    assert again.status_code == 409 and "already uploaded by fra.loader" in again.text
    corrected = map_columns(
        fra, csv_mapping_page(fra, CSV.encode()), ["name", "name", "weakAlias", "birthDate", "", ""]
    )
    assert finished(fra, corrected.headers["location"])["stored"] == 2
    assert stored(cell) == 4 and len(person_names(cell)) == 4  # the same ids (file hash, row): new versions
    with cell.db.read() as conn:
        current = select(func.count()).select_from(persons).where(persons.c.is_current)
        assert conn.execute(current).scalar_one() == 2


def test_another_users_staged_csv_answers_like_an_unknown_one(
    fra: TestClient, signed_in_as: SignedIn, make_user: MakeUser
) -> None:
    page = csv_mapping_page(fra, CSV.encode())
    _colleague, token = make_user("FRA", "NATO SECRET", name="fra.colleague")
    colleague = signed_in_as(token)
    theirs, unknown = colleague.get(page.url), colleague.get("/fighters/upload/csv/0123456789abcdef0123456789abcdef")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.text.replace(str(page.url.path), "") == unknown.text.replace(unknown.url.path, "")
    assert "عمر" not in theirs.text


# --- STIX bundles: judged as TAXII ingest does, stored through it -----------------------------------------


@pytest.fixture
def shared(cell: Cell) -> str:
    """A collection every coalition member reads and writes (default label NATO RESTRICTED // REL TO COALITION)."""
    return collections.create(
        cell,
        title="Shared intelligence",
        description="test",
        alias=None,
        default_label=parse("NATO RESTRICTED // REL TO COALITION", cell.vocabulary),
        readers=["COALITION"],
        writers=["COALITION"],
        release_limit=["COALITION"],
        audit_path="test",
    ).id


def bundle(*objects: dict[str, Any]) -> bytes:
    return orjson.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": list(objects)})


def labelled(cell: Cell, obj: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The object under label ``text``, preceded by the label's marking-definition."""
    label = parse(text, cell.vocabulary)
    return [marking.marking_definition(label), {**obj, "object_marking_refs": [marking.marking_id(label)]}]


def stored_objects(cell: Cell, collection_id: str) -> list[str]:
    with cell.db.read() as conn:
        rows = conn.execute(select(objects.c.stix_id).where(objects.c.collection_id == collection_id))
        return sorted(r for (r,) in rows)


def test_a_stix_bundle_is_stored_through_ingest_with_one_audit_entry(fra: TestClient, cell: Cell, shared: str) -> None:
    actor, report = sdo(), sdo("report")
    response = send(fra, bundle(actor, report), name="bundle.json", collection=shared)
    assert response.status_code == 200 and 'data-stored="2"' in response.text
    assert stored_objects(cell, shared) == sorted([actor["id"], report["id"]])
    with cell.db.read() as conn:
        [entry] = audit.entries_for_object(conn, actor["id"])
    assert entry.fields["path"] == "web: STIX upload" and entry.fields["operation"] == "object.add"


def test_a_bundle_with_a_bad_object_is_reported_per_object_and_nothing_stored_unless_partial(
    signed_in_as: SignedIn, make_user: MakeUser, cell: Cell, shared: str
) -> None:
    _user, token = make_user("FRA", "NATO CONFIDENTIAL", name="fra.confidential")
    client = signed_in_as(token)
    good = sdo(name="Good actor")
    broken = {**sdo(), "created": "yesterday"}
    secret = labelled(cell, sdo(name="Secret actor"), "NATO SECRET // REL TO COALITION")
    data = bundle(good, broken, *secret)
    response = send(client, data, name="bundle.json", collection=shared, format="stix")
    assert response.status_code == 422 and "data-bundle-report" in response.text
    assert f'<tr data-index="1"><td>2</td><td><code>{broken["id"]}</code></td><td>threat-actor</td>' in response.text
    assert f'<tr data-index="3"><td>4</td><td><code>{secret[1]["id"]}</code></td>' in response.text
    assert "NATO SECRET // REL TO COALITION is above what the submitter may assign" in response.text
    assert 'data-index="0"' not in response.text and 'data-index="2"' not in response.text
    assert stored_objects(cell, shared) == []
    partial = send(client, data, name="bundle.json", collection=shared, format="stix", partial="on")
    assert partial.status_code == 200 and 'data-index="3"' in partial.text
    assert stored_objects(cell, shared) == [good["id"]]


def test_the_same_bundle_again_is_refused_as_already_stored(fra: TestClient, cell: Cell, shared: str) -> None:
    data = bundle(
        sdo(),
        sdo("indicator"),
        {"type": "ipv4-addr", "spec_version": "2.1", "id": f"ipv4-addr--{uuid.uuid4()}", "value": "203.0.113.9"},
    )
    assert send(fra, data, name="b.json", collection=shared).status_code == 200
    again = send(fra, data, name="b.json", collection=shared)
    assert again.status_code == 409 and "already stored in Shared intelligence; nothing new was stored" in again.text
    assert len(stored_objects(cell, shared)) == 3  # the versionless address is not stored a second time


def test_a_collection_the_user_may_not_write_answers_like_an_unknown_one(
    fra: TestClient, cell: Cell, shared: str
) -> None:
    closed = collections.create(
        cell, title="Closed", description="t", alias=None,
        default_label=parse("NATO RESTRICTED", cell.vocabulary), readers=["TUR"], writers=["TUR"],
        release_limit=["NATO"], audit_path="test",
    ).id  # fmt: skip
    data = bundle(sdo())
    theirs = send(fra, data, name="b.json", collection=closed)
    unknown = send(fra, data, name="b.json", collection="no-such-collection")
    assert theirs.status_code == unknown.status_code == 422
    assert "Choose a collection you may add objects to" in theirs.text and "Closed" not in theirs.text
    assert stored_objects(cell, closed) == []


def test_a_file_that_is_not_a_bundle_is_refused_with_its_position(fra: TestClient, shared: str) -> None:
    response = send(fra, b'{"type": "bundle", "objects": [', name="b.json", collection=shared, format="stix")
    assert response.status_code == 422 and "The file is not JSON: line 1, column" in response.text


# --- Over the body limit: an explained page for the browser, JSON for the API ----------------------------


def test_a_200_mb_upload_gets_an_explained_page_and_the_api_keeps_its_json(
    fra: TestClient, cell: Cell, make_user: MakeUser
) -> None:
    # The declared length is refused before any byte of the body is read: no 200 MB are sent or held.
    declared = {"content-length": str(200 * 2**20), "content-type": "multipart/form-data; boundary=x"}
    page = fra.post("/fighters/upload", content=b"--x--", headers=declared)
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    assert "File too large" in page.text and f"{cell.settings.max_body_bytes:,} bytes" in page.text
    assert "intelcell upload" in page.text and "Split the file" in page.text and "nothing was stored" in page.text
    assert (
        "default-src 'none'" in page.headers["content-security-policy"]
        and "script-src 'self'" in page.headers["content-security-policy"]
    )
    _user, token = make_user("FRA", "NATO SECRET", name="fra.api")
    json_headers = {**declared, "content-type": "application/json", "authorization": f"Bearer {token}"}
    api = fra.post("/api/v1/persons", content=b"{}", headers=json_headers)
    assert api.status_code == 413 and api.json()["error"] == "body_too_large"
    assert stored(cell) == 0


def test_a_real_upload_over_a_small_limit_gets_the_page_and_stores_nothing(
    cell: Cell, settings: Settings, clock: FakeClock, make_user: MakeUser
) -> None:
    _user, token = make_user("FRA", "NATO SECRET", name="fra.small")
    small = open_cell(replace(settings, max_body_bytes=4096), clock)
    with TestClient(create_app(cell=small), base_url="https://testserver") as client:
        assert sign_in(client, token).status_code == 303
        page = client.get("/fighters/upload")
        assert 'data-max-bytes="4096"' in page.text
        response = send(client, good_file(40))  # a real request of about 4.5 kB over a 4 kB limit
        assert response.status_code == 413 and "larger than the limit of 4,096 bytes" in response.text
    small.db.dispose()
    assert stored(cell) == 0
