"""The home page: each object under its own label, banners of the dominant label, names escaped and isolated."""

from __future__ import annotations

import re

import pytest

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
    """Each listed object's name and the label shown beside it."""
    found = re.findall(r'<td dir="auto" class="name">([^<]*)</td><td>[^<]*</td><td class="label">([^<]*)</td>', html)
    return dict(found)


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
    assert f'<td dir="auto" class="name">{escaped}</td>' in html
    assert f'<bdi dir="auto" class="user-name">{escaped}</bdi>' in html
    assert "<script>alert" not in html
