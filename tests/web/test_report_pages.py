"""The report composer in the browser: publish, preview as another member, new versions, the link finder."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from intelcell.store.schema import objects
from tests.taxii.conftest import Taxii, sdo
from tests.web.conftest import SignedIn
from tests.web.test_pages import MakeUser

COALITION_SECRET = "NATO SECRET // REL TO COALITION"
NARROW = "NATO SECRET // REL TO GBR, USA"


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


@pytest.fixture
def desk(taxii: Taxii, signed_in_as: SignedIn, make_user: MakeUser) -> dict[str, Any]:
    """A USA author and an FRA reader signed in, and two actors to link (one USA and GBR only)."""
    wide = taxii.labelled(sdo(name="Katibat al-Wide"), "NATO RESTRICTED // REL TO COALITION")
    narrow = taxii.labelled(sdo(name="Katibat al-Narrow"), NARROW)
    taxii.add([wide, narrow], define=True)
    _usa, usa_token = make_user("USA", "NATO SECRET", name="usa.author")
    _fra, fra_token = make_user("FRA", "NATO SECRET", name="fra.reader")
    usa = signed_in_as(usa_token)
    return {"usa": usa, "fra": signed_in_as(fra_token), "wide": wide["id"], "narrow": narrow["id"], "taxii": taxii}


def _fields(desk: dict[str, Any], **changes: str) -> dict[str, Any]:
    return {
        "collection": desk["taxii"].rw,
        "title": "Cell moved south",
        "body": "# Summary\n\nThe cell **moved**.\n\n<script>alert(1)</script> [x](javascript:alert(1))",
        "report_types": "threat-report",
        "links": desk["wide"],
        "label": COALITION_SECRET,
        **changes,
    }


def test_a_new_report_starts_as_a_threat_report(desk: dict[str, Any]) -> None:
    page = desk["usa"].get("/reports/new").text
    assert re.findall(r'value="([a-z-]+)" checked', page) == ["threat-report"]


def _publish(desk: dict[str, Any], **changes: str) -> str:
    client = desk["usa"]
    csrf = csrf_of(client.get("/reports/new").text)
    done = client.post("/reports", data={"csrf": csrf, **_fields(desk, **changes)}, follow_redirects=False)
    assert done.status_code == 303, done.text[-800:]
    return str(done.headers["location"]).removeprefix("/objects/")


def _stored(desk: dict[str, Any]) -> int:
    with desk["taxii"].cell.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(objects)).scalar_one())


def test_a_published_report_renders_its_markdown_and_never_the_html_typed_into_it(desk: dict[str, Any]) -> None:
    report_id = _publish(desk)
    page = desk["fra"].get(f"/objects/{report_id}").text
    assert "<h1>Summary</h1>" in page and "<strong>moved</strong>" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    assert "Katibat al-Wide" in page


def test_the_preview_shows_what_the_chosen_member_would_see(desk: dict[str, Any]) -> None:
    client = desk["usa"]
    csrf = csrf_of(client.get("/reports/new").text)
    before = _stored(desk)
    fields = _fields(desk, links=f"{desk['wide']} {desk['narrow']}", portion_description=NARROW)
    as_fra = client.post("/reports", data={"csrf": csrf, "action": "preview", "preview_member": "FRA", **fields}).text
    assert 'data-preview-sees="yes"' in as_fra and "France" in as_fra
    assert 'data-preview-hidden="description"' in as_fra and "links left out" in as_fra
    preview_of_fra = as_fra.split('id="preview"')[1].split("</section>")[0]
    assert "Katibat al-Narrow" not in preview_of_fra and "The cell" not in preview_of_fra
    as_gbr = client.post("/reports", data={"csrf": csrf, "action": "preview", "preview_member": "GBR", **fields}).text
    preview_of_gbr = as_gbr.split('id="preview"')[1].split("</section>")[0]
    assert "Katibat al-Narrow" in preview_of_gbr and "<strong>moved</strong>" in preview_of_gbr
    low = {**fields, "preview_member": "GBR", "preview_clearance": "NATO RESTRICTED"}
    assert 'data-preview-sees="no"' in client.post("/reports", data={"csrf": csrf, "action": "preview", **low}).text
    assert _stored(desk) == before  # previews store nothing


REFUSED = [
    ({"label": "NATO COSMIC TOP SECRET"}, "label", "above what you may assign"),
    ({"portion_description": "NATO COSMIC TOP SECRET"}, "portion-description", "above what you may assign"),
    ({"title": ""}, "title", "Give the report a title"),
    ({"links": "threat-actor--00000000-0000-4000-8000-000000000000"}, "links", "No object you may link"),
    ({"collection": "nope"}, "collection", "Choose a collection you may add to"),
]


@pytest.mark.parametrize(("changes", "field", "words"), REFUSED)
def test_a_refused_report_keeps_what_was_typed_and_stores_nothing(
    desk: dict[str, Any], changes: dict[str, str], field: str, words: str
) -> None:
    client = desk["usa"]
    csrf = csrf_of(client.get("/reports/new").text)
    before = _stored(desk)
    answer = client.post("/reports", data={"csrf": csrf, **_fields(desk, **changes)})
    assert answer.status_code == 422 and words in answer.text
    assert f'id="{field}-error"' in answer.text
    assert "The cell **moved**." in answer.text  # what was typed is kept
    assert _stored(desk) == before


def test_a_new_version_with_its_change_note_is_written_by_the_originating_member_only(desk: dict[str, Any]) -> None:
    report_id = _publish(desk)
    usa, fra = desk["usa"], desk["fra"]
    assert "data-new-version" in usa.get(f"/objects/{report_id}").text
    assert "data-new-version" not in fra.get(f"/objects/{report_id}").text
    assert fra.get(f"/reports/{report_id}/edit").status_code == 403
    form = usa.get(f"/reports/{report_id}/edit").text
    assert 'value="Cell moved south"' in form and "What changed" in form
    fields = {k: v for k, v in _fields(desk, title="Cell moved east").items() if k != "collection"}
    refused = usa.post(f"/reports/{report_id}", data={"csrf": csrf_of(form), **fields})
    assert refused.status_code == 422 and "Say what changed" in refused.text
    desk["taxii"].cell.clock.advance(minutes=1)
    revised = {"csrf": csrf_of(form), "change_note": "Moved east", **fields}
    done = usa.post(f"/reports/{report_id}", data=revised, follow_redirects=False)
    assert done.status_code == 303
    page = fra.get(f"/objects/{report_id}").text
    assert "Cell moved east" in page and "data-change-note>Moved east<" in page
    assert len(re.findall(r"<li data-version=", page)) == 2


def test_a_missing_or_unreadable_report_answers_the_same_everywhere(desk: dict[str, Any]) -> None:
    hidden = _publish(desk, label=NARROW)
    missing = "report--00000000-0000-4000-8000-000000000000"
    fra = desk["fra"]
    csrf = csrf_of(fra.get("/reports/new").text)
    answers = []
    for report_id in (hidden, missing):
        edit = fra.get(f"/reports/{report_id}/edit")
        post = fra.post(f"/reports/{report_id}", data={"csrf": csrf, "title": "x", "change_note": "y"})
        answers.append((edit.status_code, edit.text.replace(report_id, "ID"), post.status_code))
    assert answers[0] == answers[1] and answers[0][0] == 404


def test_the_link_finder_offers_only_objects_the_caller_may_read(desk: dict[str, Any], client: Any) -> None:
    fra, usa = desk["fra"], desk["usa"]
    names = [o["name"] for o in usa.get("/reports/linkable.json", params={"q": "Katibat"}).json()["objects"]]
    assert sorted(names) == ["Katibat al-Narrow", "Katibat al-Wide"]
    names = [o["name"] for o in fra.get("/reports/linkable.json", params={"q": "Katibat"}).json()["objects"]]
    assert names == ["Katibat al-Wide"]
    assert client.get("/reports/linkable.json", params={"q": "Katibat"}).status_code == 401
