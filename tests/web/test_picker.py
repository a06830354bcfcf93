"""The label picker's page data (/labels/readers.json) and the line it fills under label fields."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import SignedIn
from tests.web.test_pages import MakeUser


def test_the_picker_answers_a_signed_in_user_with_the_api_s_answer(
    signed_in_as: SignedIn, client: TestClient, make_user: MakeUser
) -> None:
    _user, token = make_user("FRA", "NATO SECRET")
    browser = signed_in_as(token)
    label = "NATO SECRET // REL TO FRA, DEU"
    page = browser.get("/labels/readers.json", params={"label": label})
    api = client.get("/api/v1/labels/readers", params={"label": label}, headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 200 and page.json() == api.json()
    assert page.headers["cache-control"] == "no-store"
    assert browser.get("/labels/readers.json", params={"label": "NATO SEKRET"}).status_code == 422
    assert browser.get("/labels/readers.json", params={"label": label, "collection": "nope"}).status_code == 404


def test_without_a_session_the_picker_answers_401(client: TestClient) -> None:
    assert client.get("/labels/readers.json", params={"label": "NATO SECRET"}).status_code == 401


def test_the_composer_renders_the_line_for_the_label_sent_back_with_an_error(
    signed_in_as: SignedIn, make_user: MakeUser
) -> None:
    _user, token = make_user("FRA", "NATO SECRET")
    browser = signed_in_as(token)
    new = browser.get("/rfis/new").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', new).group(1)  # type: ignore[union-attr]
    form = {"csrf": csrf, "addressee": "", "subject": "s", "question": "q", "label": "NATO SECRET // REL TO FRA"}
    page = browser.post("/rfis", data=form).text  # no addressee: sent back with the label kept
    assert (
        'id="label-readers" aria-live="polite" data-readers>Readable by users of FRA and NATO (the organisation)'
        in page
    )
    refused = browser.post("/rfis", data={**form, "label": "NATO SECRET // SIGINT"}).text
    assert 'class="readers refused"' in refused and "You may not use this label" in refused
