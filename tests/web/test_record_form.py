"""The FTF record form: what is typed is the stored FollowTheMoney record, refusals store nothing, edits
are the member's own, and the persons shown after a save follow hit/no-hit and link as the review queue does."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from intelcell.cell import Cell
from intelcell.fighters import records
from intelcell.store.schema import person_links
from intelcell.store.users import User
from tests.fighters.builders import person, stored_counts
from tests.web.conftest import SignedIn
from tests.web.test_pages import MakeUser

NEW = "/fighters/records/new"
SHARED = "NATO SECRET // REL TO FRA, TUR"


def hidden(page: str) -> dict[str, str]:
    """The hidden fields of a form page (csrf, form_id or version)."""
    form = page.split('class="stacked ftf-record', 1)[1]
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))


def send(client: TestClient, page: str, path: str = NEW, **fields: Any) -> Any:
    """Send the form of ``page`` (its hidden fields) to ``path`` with ``fields``."""
    data = {**hidden(page), "label": SHARED, "discoverable": "on", **fields}
    return client.post(path, data=data, follow_redirects=False)


def get(cell: Cell, user: User, rid: str) -> records.Record | None:
    with cell.db.read() as conn:
        return records.get(cell, conn, user, rid)


def saved_id(page: str) -> str:
    return re.search(r'data-saved="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def field_errors(page: str) -> dict[str, str]:
    return {key: html.unescape(text) for key, text in re.findall(r'data-field-error="([\w-]+)">([^<]*)<', page)}


FULL = {
    "name_latin": ["Omar Haddad", "Omar al-Haddad"],
    "name_arabic": "عمر حداد",
    "alias": ["Omer Hadad", ""],
    "kunya": "أبو حمزة",
    "birth_date": ["1987", "1987-03", "1987-03-02"],
    "nationality": ["Syria", "fr"],
    "doc_kind": ["passport", "id"],
    "doc_number": ["N 1234567", "SY-99887766"],
    "birth_place": "Deir ez-Zor",
    "gender": "male",
    "status": "returned",
}


def test_latin_and_arabic_names_partial_dates_and_documents_become_the_stored_record(
    signed_in_as: SignedIn, cell: Cell, make_user: MakeUser
) -> None:
    fra, token = make_user("FRA", "NATO SECRET", name="fra.analyst")
    client = signed_in_as(token)
    form = client.get(NEW).text
    assert 'name="name_arabic" value="" dir="rtl" lang="ar"' in form and "label-picker.js" in form
    response = send(client, form, **FULL)
    assert response.status_code == 200, response.text[-800:]
    rid = saved_id(response.text)
    assert rid == f"FRA-{hidden(form)['form_id']}" and "عمر حداد" in response.text
    stored = get(cell, fra, rid)
    assert stored is not None and (stored.version, stored.label, stored.discoverable) == (1, SHARED, True)
    assert stored.entity["properties"] == {
        "name": ["Omar Haddad", "Omar al-Haddad", "عمر حداد"],
        "alias": ["Omer Hadad"],
        "weakAlias": ["أبو حمزة"],  # the kunya is a weak alias: never matched on alone
        "birthDate": ["1987", "1987-03", "1987-03-02"],
        "nationality": ["sy", "fr"],
        "passportNumber": ["N 1234567"],
        "idNumber": ["SY-99887766"],
        "birthPlace": ["Deir ez-Zor"],
        "gender": ["male"],
        "status": ["returned"],
    }
    assert [d.text() for d in stored.profile.birth_dates] == ["1987", "1987-03", "1987-03-02"]
    # The same form sent again (a reload) is the same record: nothing new is stored.
    before = stored_counts(cell)
    again = send(client, form, **FULL)
    assert again.status_code == 200 and saved_id(again.text) == rid and "nothing new was stored" in again.text
    assert stored_counts(cell) == before
    # The edit form shows each name in its script's field, the kunya in its own.
    edit = client.get(f"/fighters/records/{rid}/edit").text
    assert 'id="f-name_arabic-0" name="name_arabic" value="عمر حداد" dir="rtl" lang="ar"' in edit
    assert 'name="kunya" value="أبو حمزة"' in edit and 'value="SY-99887766"' in edit


def test_bad_fields_come_back_with_a_message_each_and_the_typed_values_and_nothing_is_stored(
    signed_in_as: SignedIn, cell: Cell, make_user: MakeUser
) -> None:
    _fra, token = make_user("FRA", "NATO SECRET", name="fra.analyst")
    client = signed_in_as(token)
    form = client.get(NEW).text
    before = stored_counts(cell)
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({"name_latin": "", "name_arabic": ""}, {"name_latin-0": "Enter the person's name"}),
        ({"name_latin": "-- !!"}, {"name_latin-0": "no letters"}),
        ({"name_latin": "Omar Haddad", "birth_date": ["1987", "1987-02-30"]}, {"birth_date-1": "no such day"}),
        ({"name_latin": "Omar Haddad", "birth_date": "1987-13"}, {"birth_date-0": "there is no month 13"}),
        ({"name_latin": "Omar Haddad", "birth_date": "87"}, {"birth_date-0": "YYYY, YYYY-MM or YYYY-MM-DD"}),
        ({"name_latin": "Omar " + "a" * 400}, {"name_latin-0": "At most 300 characters"}),
        ({"name_latin": "Omar Haddad", "nationality": "Atlantis"}, {"nationality-0": "is not a country"}),
        ({"name_arabic": "Omar Haddad"}, {"name_arabic-0": "Write this name in Arabic script"}),
        ({"name_latin": "عمر حداد"}, {"name_latin-0": "put it in the Arabic-script field"}),
        ({"name_latin": "Omar Haddad", "doc_number": "N1"}, {"doc-0": "at least 4 letters or digits"}),
        ({"name_latin": "Omar Haddad", "status": "fugitive"}, {"status": "Choose one of travelled"}),
        ({"name_latin": "Omar Haddad", "label": "NATO SEKRET"}, {"label": "SEKRET"}),
        ({"name_latin": "Omar Haddad", "label": "NATO SECRET" + " " * 1000}, {"label": "at most 1000 characters"}),
    ]
    for fields, expected in cases:
        response = send(client, form, **fields)
        assert response.status_code == 422, (fields, response.status_code)
        shown = field_errors(response.text)
        assert set(shown) == set(expected), (fields, shown)
        assert all(words in shown[key] for key, words in expected.items()), (fields, shown)
        assert "Nothing was stored." in response.text
        for value in [v for k, v in fields.items() if isinstance(v, str) and v and len(v) < 300 and k != "status"]:
            assert f'value="{value}"' in response.text, (fields, value)  # what was typed is kept
    assert stored_counts(cell) == before


def test_a_label_above_the_users_clearance_is_refused_and_nothing_is_stored(
    signed_in_as: SignedIn, cell: Cell, make_user: MakeUser
) -> None:
    _fra, token = make_user("FRA", "NATO CONFIDENTIAL", name="fra.junior")
    client = signed_in_as(token)
    form = client.get(NEW).text
    before = stored_counts(cell)
    response = send(client, form, name_latin="Omar Haddad", label="NATO SECRET // REL TO FRA")
    assert response.status_code == 403
    assert list(field_errors(response.text)) == ["label"] and 'value="Omar Haddad"' in response.text
    assert "NATO SECRET" in field_errors(response.text)["label"]
    assert stored_counts(cell) == before


def test_html_in_names_is_stored_as_text_and_never_rendered_as_markup(
    signed_in_as: SignedIn, cell: Cell, make_user: MakeUser
) -> None:
    fra, token = make_user("FRA", "NATO SECRET", name="fra.analyst")
    client = signed_in_as(token)
    injected = '<img src=x onerror="alert(1)">Omar Haddad'
    response = send(client, client.get(NEW).text, name_latin=injected, alias="<script>alert(2)</script>Omer")
    assert response.status_code == 200
    stored = get(cell, fra, saved_id(response.text))
    assert stored is not None and stored.entity["properties"]["name"] == [injected]  # kept as the analyst typed it
    for page in (response.text, client.get(f"/fighters/records/{stored.id}/edit").text):
        assert "<img src=x" not in page and "<script>alert" not in page
        assert "&lt;img src=x onerror=" in page
    refused = send(client, client.get(NEW).text, name_latin=injected, birth_date="1987-99")
    assert refused.status_code == 422 and "<img src=x" not in refused.text and "&lt;img src=x" in refused.text


def test_the_edit_page_is_the_members_own_and_answers_others_like_a_missing_record(
    signed_in_as: SignedIn, cell: Cell, make_user: MakeUser
) -> None:
    fra, fra_token = make_user("FRA", "NATO SECRET", name="fra.analyst")
    _low, low_token = make_user("FRA", "NATO RESTRICTED", name="fra.low")
    _tur, tur_token = make_user("TUR", "NATO COSMIC TOP SECRET", name="tur.analyst")
    entity = person(id="f1", name="Karim Mansour", birth_date="1990", notes=["Seen in Raqqa in 2015"])
    (record,) = records.submit(cell, fra, [entity], SHARED, path="test")
    path = f"/fighters/records/{record.id}/edit"
    client = signed_in_as(fra_token)
    page = client.get(path).text
    assert 'value="Karim Mansour"' in page and "Seen in Raqqa in 2015" in page  # kept, shown as kept
    saved = send(client, page, path, name_latin="Karim Mansour", birth_date="1990-05")
    assert saved.status_code == 200 and 'data-saved-version="2"' in saved.text
    current = get(cell, fra, record.id)
    assert current is not None and current.version == 2
    assert current.entity["properties"]["birthDate"] == ["1990-05"]
    assert current.entity["properties"]["notes"] == ["Seen in Raqqa in 2015"]
    stale = send(client, page, path, name_latin="Karim Mansur")  # the form of version 1
    assert stale.status_code == 409 and "version 2 is now current" in stale.text
    # TUR may read the record but it is not TUR's; FRA's low-cleared user may not read it: both as missing.
    missing = "FRA-nothing-here"
    for token, rid in ((tur_token, record.id), (low_token, record.id)):
        other = signed_in_as(token)
        member = "TUR" if token == tur_token else "FRA"
        absent = other.get(f"/fighters/records/{missing.replace('FRA', member)}/edit")
        refused = other.get(path)
        assert refused.status_code == absent.status_code == 404
        assert refused.text.replace(rid, "X") == absent.text.replace(missing.replace("FRA", member), "X")
        before = stored_counts(cell)
        csrf = re.search(r'name="csrf" value="([^"]+)"', refused.text).group(1)  # type: ignore[union-attr]
        post = other.post(path, data={"csrf": csrf, "version": "2", "name_latin": "Someone Else", "label": SHARED})
        assert post.status_code == 404 and stored_counts(cell) == before
    assert get(cell, fra, record.id).version == 2  # type: ignore[union-attr]


def test_after_a_save_readable_records_are_candidates_and_unreadable_ones_only_unnamed_hits(
    signed_in_as: SignedIn, cell: Cell, make_user: MakeUser
) -> None:
    _fra, token = make_user("FRA", "NATO SECRET", name="fra.analyst")
    tur, _ = make_user("TUR", "NATO SECRET", name="tur.holder")
    known = person(id="t1", name="Omer Hadad", birth_date="1987")
    hidden_one = person(id="t2", name="Omar Hadad", birth_date="1987", alias=["Abu Secret al-Hidden"])
    silent = person(id="t3", name="Omar Haddad", birth_date="1987")
    records.submit(cell, tur, [known], SHARED, path="test")
    records.submit(cell, tur, [hidden_one], "TUR SECRET", discoverable=True, path="test")
    records.submit(cell, tur, [silent], "TUR SECRET", discoverable=False, path="test")
    client = signed_in_as(token)
    form = client.get(NEW).text
    checked = send(client, form, name_latin="Omar Haddad", birth_date="1987", action="check")
    assert checked.status_code == 200 and "nothing stored yet" in checked.text
    assert re.findall(r'data-record="([^"]+)"', checked.text) == ["TUR-t1"] and "data-link=" not in checked.text
    assert stored_counts(cell)[0] == 3  # checking stores nothing
    response = send(client, form, name_latin="Omar Haddad", birth_date="1987")
    rid = saved_id(response.text)
    assert re.findall(r'data-record="([^"]+)"', response.text) == ["TUR-t1"]  # never the record just saved
    assert rid not in re.findall(r'data-record="([^"]+)"', response.text)
    assert len(re.findall(r"data-hit>", response.text)) == 1  # t2 is a hit; t3 is not discoverable
    for secret in ("TUR-t2", "TUR-t3", "Abu Secret", "Omar Hadad"):
        assert secret not in response.text, secret
    assert 'name="ref"' in response.text  # the hit can be asked about, by its reference
    assert 'data-link="TUR-t1"' in response.text


def test_same_person_link_records_a_confirmed_decision_and_refuses_records_the_user_may_not_read(
    signed_in_as: SignedIn, cell: Cell, make_user: MakeUser
) -> None:
    fra, token = make_user("FRA", "NATO SECRET", name="fra.analyst")
    tur, _ = make_user("TUR", "NATO SECRET", name="tur.holder")
    records.submit(cell, tur, [person(id="t1", name="Omer Hadad", birth_date="1987")], SHARED, path="test")
    records.submit(cell, tur, [person(id="t2", name="Omar Hadad", birth_date="1987")], "TUR SECRET", path="test")
    (mine,) = records.submit(cell, fra, [person(id="f1", name="Omar Haddad", birth_date="1987")], SHARED, path="t")
    client = signed_in_as(token)
    csrf = hidden(client.get(NEW).text)["csrf"]

    def link(candidate: str) -> Any:
        data = {"csrf": csrf, "record": mine.id, "candidate": candidate}
        return client.post("/fighters/records/link", data=data, follow_redirects=False)

    before = stored_counts(cell)
    hidden_link, unknown_link = link("TUR-t2"), link("TUR-t9")
    assert hidden_link.status_code == unknown_link.status_code == 404
    assert hidden_link.text.replace("TUR-t2", "X") == unknown_link.text.replace("TUR-t9", "X")
    assert stored_counts(cell) == before
    assert link("TUR-t1").headers["location"] == f"/fighters/persons/{mine.id}"
    with cell.db.read() as conn:
        decided = conn.execute(select(person_links).where(person_links.c.state == "confirmed")).all()
    assert [(r.a_id, r.b_id, r.decided_by) for r in decided] == [("FRA-f1", "TUR-t1", fra.id)]
    assert stored_counts(cell)[4] == before[4] + 1  # the decision is audited
    forged = client.post("/fighters/records/link", data={"csrf": "forged", "record": mine.id, "candidate": "TUR-t1"})
    assert forged.status_code == 403


def test_a_new_form_never_writes_over_a_record_its_user_may_not_read(
    signed_in_as: SignedIn, cell: Cell, make_user: MakeUser
) -> None:
    fra, _ = make_user("FRA", "NATO SECRET", name="fra.analyst")
    _low, low_token = make_user("FRA", "NATO RESTRICTED", name="fra.low")
    taken = "form-" + "a" * 32
    records.submit(cell, fra, [person(id=taken, name="Karim Mansour")], "NATO SECRET", path="test")
    client = signed_in_as(low_token)
    form = client.get(NEW).text
    before = stored_counts(cell)
    for form_id in (taken, "../other", ""):
        response = send(client, form, form_id=form_id, name_latin="Someone", label="NATO RESTRICTED")
        assert response.status_code == 403 and "Form expired" in response.text, form_id
    assert stored_counts(cell) == before
