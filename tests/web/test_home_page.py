"""The home page: each object under its own label, banners of the dominant label, names escaped and isolated."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.exchange import rfis
from intelcell.store.users import User
from tests.taxii.conftest import Taxii, sdo
from tests.web.test_pages import MakeUser, sign_in

SHARED = {
    "coalition brief": "NATO RESTRICTED // REL TO COALITION",
    "allied assessment": "NATO SECRET",
    "french national": "FRA CONFIDENTIAL // REL TO BEL, DEU",
}
HOSTILE = '<script>alert("x")</script> أبو محمد'


def home_of(taxii: Taxii, make_user: MakeUser, member: str, name: str = "web.home") -> str:
    """The home page's HTML as a new ``member`` user at NATO SECRET sees it."""
    _u, token = make_user(member, "NATO SECRET", name=name)
    assert sign_in(taxii.client, token).status_code == 303
    return taxii.client.get("/").text


def rows(html: str) -> dict[str, str]:
    """Each listed object's name (its link's text) and the label shown beside it."""
    found = {}
    for row in re.findall(r'<tr data-object="[^"]*">(.*?)</tr>', html, re.S):
        name = re.search(r'<td dir="auto" class="name"><a href="/objects/[^"]+">([^<]*)</a></td>', row)
        label = re.search(r'<td class="label">([^<]*)</td>', row)
        assert name and label, row
        found[name.group(1)] = label.group(1)
    return found


def banners(html: str) -> list[str]:
    """The texts of the page's classification banners, top to bottom."""
    return re.findall(r"<div class=\"banner level-\d\"[^>]*data-banner>([^<]*)</div>", html)


@pytest.mark.parametrize(
    ("member", "shown", "banner"),
    [
        ("TUR", {"coalition brief", "allied assessment"}, "NATO SECRET"),
        ("EGY", {"coalition brief"}, "NATO RESTRICTED // REL TO COALITION"),
    ],
)
def test_each_member_sees_its_objects_under_their_own_labels_and_a_dominant_banner(
    taxii: Taxii, make_user: MakeUser, member: str, shown: set[str], banner: str
) -> None:
    taxii.add([taxii.labelled(sdo(name=name), label) for name, label in SHARED.items()], define=True)
    html = home_of(taxii, make_user, member)
    assert rows(html) == {name: SHARED[name] for name in shown}
    assert banners(html) == [banner, banner]  # top and bottom
    assert html.index(banner) < html.index("<header>")


def test_an_empty_home_page_says_so_under_the_lowest_banner(taxii: Taxii, make_user: MakeUser) -> None:
    html = home_of(taxii, make_user, "EGY")
    assert "Nothing shared with EGY at your clearance yet." in html
    assert banners(html) == ["NATO UNCLASSIFIED", "NATO UNCLASSIFIED"]


def test_the_login_page_has_the_lowest_banner(taxii: Taxii) -> None:
    assert banners(taxii.client.get("/login").text) == ["NATO UNCLASSIFIED", "NATO UNCLASSIFIED"]


def test_hostile_and_arabic_names_are_escaped_and_isolated(taxii: Taxii, make_user: MakeUser) -> None:
    taxii.add([taxii.labelled(sdo(name=HOSTILE), "NATO RESTRICTED // REL TO COALITION")], define=True)
    html = home_of(taxii, make_user, "TUR", name=HOSTILE)
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; أبو محمد"
    assert rows(html) == {escaped: "NATO RESTRICTED // REL TO COALITION"}
    assert f'<bdi dir="auto" class="user-name">{escaped}</bdi>' in html
    assert "<script>alert" not in html


def ask(cell: Cell, asker: User, question: str, label: str, addressees: list[str]) -> None:
    """Store an RFI as ``asker`` would through the API."""
    rfis.ask(
        cell,
        asker,
        question=question,
        label=label,
        addressees=addressees,
        deadline="2026-12-31T12:00:00Z",
        priority="routine",
        path="test",
    )


def test_waiting_rfis_are_those_addressed_to_the_member_that_the_user_may_read(
    cell: Cell, client: TestClient, make_user: MakeUser
) -> None:
    fra, _ = make_user("FRA", "COSMIC TOP SECRET", name="fra.asker")
    ask(cell, fra, "Where is the courier <b>Abu Hamza</b>?", "NATO SECRET", ["TUR"])
    ask(cell, fra, "Which route did the financier take?", "NATO SECRET // REL TO FRA, TUR", ["TUR"])
    ask(cell, fra, "Cosmic question", "NATO COSMIC TOP SECRET", ["TUR"])
    ask(cell, fra, "A question for Iraq", "NATO SECRET // REL TO COALITION", ["IRQ"])
    _u, tur_token = make_user("TUR", "NATO SECRET", name="tur.home")
    assert sign_in(client, tur_token).status_code == 303
    html = client.get("/").text
    waiting = re.search(r'<li data-waiting="rfis">(.*?)</li>\n  <li data-waiting="hits">', html, re.S)
    assert waiting, html
    text = waiting.group(1)
    assert "2 open RFIs</a> addressed to TUR" in text
    assert "Where is the courier &lt;b&gt;Abu Hamza&lt;/b&gt;?" in text and "financier" in text
    assert "Cosmic" not in html and "Iraq" not in html
    # The RFIs' labels count towards the banner: releasable only where both are.
    assert banners(html) == ["NATO SECRET // REL TO FRA, TUR"] * 2


def test_an_empty_waiting_list_says_so(client: TestClient, make_user: MakeUser) -> None:
    _u, token = make_user("JOR", "NATO CONFIDENTIAL", name="jor.home")
    assert sign_in(client, token).status_code == 303
    html = client.get("/").text
    assert "No open RFIs addressed to JOR." in html
    assert "No queries of other members have hit JOR's person records." in html
    assert "No suggested links between person records you may read are waiting for review." in html


def test_an_rfi_addressed_to_a_community_waits_for_each_of_its_members_but_not_the_asker(
    cell: Cell, client: TestClient, make_user: MakeUser
) -> None:
    fra, fra_token = make_user("FRA", "NATO SECRET", name="fra.asker")
    ask(cell, fra, "Who runs the crossing at Rabia?", "NATO SECRET // REL TO COALITION", ["COALITION"])
    _u, deu_token = make_user("DEU", "NATO SECRET", name="deu.home")
    assert sign_in(client, deu_token).status_code == 303
    assert "1 open RFI</a> addressed to DEU" in client.get("/").text
    asker = TestClient(client.app, base_url="https://testserver")
    assert sign_in(asker, fra_token).status_code == 303
    assert "No open RFIs addressed to FRA." in asker.get("/").text
