"""The air-picture map page: behind the browser session, each member sees its own picture only.

The scene (tests/airpicture/conftest.py): aircraft A seen by the coalition AWACS, B also by the
Turkish radar (NATO SECRET, releasable to NATO; only Türkiye may know the radar contributed),
C by the AWACS inside an area releasable to the Levant partners. Türkiye sees A, B and C; Iraq
sees A and C, and never learns of the Turkish radar.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from intelcell.airpicture import feed
from intelcell.cell import Cell
from intelcell.domain.airpicture.model import Plot, PlotError
from intelcell.domain.dominance import dominant
from intelcell.domain.label import parse
from intelcell.store import web_sessions
from intelcell.store.users import User
from tests.airpicture.conftest import T0, Scene, flown, scene
from tests.helpers import bearer
from tests.web.test_pages import SESSION, sign_in, signed_in_as

__all__ = ["flown", "scene"]

MakeUser = Callable[..., tuple[User, str]]
SESSION_PATHS = ("/airpicture/tracks.json", "/airpicture/stream?seconds=1", "/airpicture/basemap.json")
STATIC = Path(__file__).resolve().parents[2] / "intelcell" / "web" / "static"


@pytest.fixture
def browsers(client: TestClient, make_user: MakeUser) -> Iterator[dict[str, TestClient]]:
    """A signed-in browser (its own cookie jar) per member: TUR and IRQ, both NATO SECRET."""
    opened = {}
    for member in ("TUR", "IRQ"):
        browser = TestClient(client.app, base_url="https://testserver")
        _user, token = make_user(member, "NATO SECRET", name=f"{member.lower()}.map")
        assert sign_in(browser, token).status_code == 303
        opened[member] = browser
    yield opened
    for browser in opened.values():
        browser.close()


def banner_texts(html: str) -> list[str]:
    return re.findall(r'<div class="banner level-\d" role="note"[^>]*>([^<]*)</div>', html)


def read_events(response: Any) -> list[tuple[str, dict[str, Any]]]:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    found = []
    for block in response.text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":"))
        if "event" in lines:
            found.append((lines["event"], json.loads(lines["data"])))
    return found


def addresses(tracks: list[dict[str, Any]]) -> set[str]:
    return {t["icao24"] for t in tracks}


# -- sessions ---------------------------------------------------------------------------------


def test_the_map_page_without_a_session_redirects_to_sign_in(client: TestClient) -> None:
    response = client.get("/airpicture", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login?next=%2Fairpicture")


@pytest.mark.parametrize("path", SESSION_PATHS)
def test_the_pages_data_needs_a_session_and_a_bearer_token_is_not_one(
    client: TestClient, make_user: MakeUser, path: str
) -> None:
    _user, token = make_user("TUR")
    assert client.get(path).status_code == 401
    assert client.get(path, headers=bearer(token)).status_code == 401
    client.cookies.set(SESSION, "not-a-session", domain="testserver")
    assert client.get(path).status_code == 401


def test_the_page_shows_who_is_signed_in_and_links_home(browsers: dict[str, TestClient]) -> None:
    html = browsers["IRQ"].get("/airpicture").text
    assert signed_in_as(html).startswith("irq.map · IRQ · NATO SECRET · analyst")
    assert '<bdi dir="auto" class="user-name">irq.map</bdi>' in html  # the name isolated: it may be right-to-left
    assert re.search(r'<a href="/"[^>]*>Home</a>', html)
    assert 'action="/logout"' in html


def test_the_home_page_links_the_map(browsers: dict[str, TestClient]) -> None:
    assert 'href="/airpicture"' in browsers["TUR"].get("/").text


# -- each member its own picture --------------------------------------------------------------


def test_two_members_get_their_own_tracks(flown: Scene, browsers: dict[str, TestClient]) -> None:
    tur = browsers["TUR"].get("/airpicture/tracks.json")
    irq = browsers["IRQ"].get("/airpicture/tracks.json")
    assert tur.status_code == irq.status_code == 200
    assert tur.headers["cache-control"] == "no-store"
    assert addresses(tur.json()["tracks"]) == {"aaaaaa", "bbbbbb", "cccccc"}
    assert addresses(irq.json()["tracks"]) == {"aaaaaa", "cccccc"}
    (b,) = [t for t in tur.json()["tracks"] if t["icao24"] == "bbbbbb"]
    assert b["sensors"] == ["nato-awacs-1", "tur-radar-1"]


def test_the_banners_carry_the_dominant_label_of_each_members_tracks(
    flown: Scene, browsers: dict[str, TestClient]
) -> None:
    shown = {}
    for member, browser in browsers.items():
        data = browser.get("/airpicture/tracks.json").json()
        labels = {t["label"] for t in data["tracks"]}
        assert data["labels"] == sorted(labels)
        expected = dominant([parse(text, flown.cell.vocabulary) for text in labels], flown.cell.registry)
        assert data["banner"] == {"text": expected.text(), "level": expected.level}
        page = browser.get("/airpicture").text
        assert banner_texts(page) == [expected.text(), expected.text()]  # top and bottom
        shown[member] = expected.text()
    assert shown == {"TUR": "NATO SECRET // REL TO FRA, GBR, TUR, USA", "IRQ": "NATO SECRET // REL TO LEVANT"}


def test_with_no_tracks_the_banner_is_the_lowest_marking_and_the_page_says_so(
    scene: Scene, browsers: dict[str, TestClient]
) -> None:
    page = browsers["IRQ"].get("/airpicture").text
    assert banner_texts(page) == ["NATO UNCLASSIFIED", "NATO UNCLASSIFIED"]
    assert "No tracks you may see." in page
    data = browsers["IRQ"].get("/airpicture/tracks.json").json()
    assert data == {"tracks": [], "labels": [], "banner": {"text": "NATO UNCLASSIFIED", "level": 0}}


def test_no_session_endpoint_tells_iraq_of_the_turkish_radar_or_of_track_b(
    flown: Scene, browsers: dict[str, TestClient]
) -> None:
    irq = browsers["IRQ"]
    for path in ("/airpicture", *SESSION_PATHS):
        response = irq.get(path)
        assert response.status_code == 200, path
        assert "tur-radar" not in response.text, path
        assert "bbbbbb" not in response.text, path
    assert "tur-radar-1" in browsers["TUR"].get("/airpicture/tracks.json").text


def test_the_session_stream_starts_with_the_members_snapshot(flown: Scene, browsers: dict[str, TestClient]) -> None:
    for member, expected in (("TUR", {"aaaaaa", "bbbbbb", "cccccc"}), ("IRQ", {"aaaaaa", "cccccc"})):
        response = browsers[member].get("/airpicture/stream?seconds=1")
        assert response.headers["cache-control"] == "no-store"
        kind, data = read_events(response)[0]
        assert kind == "snapshot" and set(data) == {"tracks"}
        assert addresses(data["tracks"]) == expected


def test_live_updates_on_the_session_stream_are_filtered(flown: Scene, browsers: dict[str, TestClient]) -> None:
    def more_plots() -> None:
        time.sleep(0.3)
        flown.run(flown.fly("bbbbbb", 100_000, -100_000, ("nato-awacs-1", "tur-radar-1"), scans=2, t0=T0 + 40))
        flown.run(flown.fly("aaaaaa", -100_000, 0, ("nato-awacs-1",), scans=2, t0=T0 + 40))

    thread = threading.Thread(target=more_plots)
    thread.start()
    events = read_events(browsers["IRQ"].get("/airpicture/stream?seconds=2"))
    thread.join()
    seen = events[0][1]["tracks"] + [data for kind, data in events[1:] if kind == "track"]
    # Whether the new plots land before or after the snapshot, A's newest position arrives, B never.
    assert max(t["time"] for t in seen if t["icao24"] == "aaaaaa") >= T0 + 50
    assert "bbbbbb" not in {t["icao24"] for t in seen}
    assert "tur-radar" not in json.dumps(events)


def test_signing_out_ends_the_session_stream(
    flown: Scene, browsers: dict[str, TestClient], cell: Cell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed, "RECHECK_S", 0.2)
    browser = browsers["IRQ"]
    session_id = browser.cookies[SESSION]

    def sign_out() -> None:
        time.sleep(0.3)
        with cell.db.write() as conn:
            web_sessions.delete(conn, session_id)

    thread = threading.Thread(target=sign_out)
    thread.start()
    started = time.monotonic()
    events = read_events(browser.get("/airpicture/stream?seconds=30"))
    thread.join()
    assert time.monotonic() - started < 10
    assert events[0][0] == "snapshot"
    assert browser.get("/airpicture/tracks.json").status_code == 401


def test_the_basemap_is_served_to_a_session(browsers: dict[str, TestClient]) -> None:
    response = browsers["IRQ"].get("/airpicture/basemap.json")
    assert response.headers["content-type"] == "application/geo+json"
    assert response.json()["type"] == "FeatureCollection"


# -- the page's security ----------------------------------------------------------------------


def test_the_page_has_a_strict_content_security_policy(browsers: dict[str, TestClient]) -> None:
    response = browsers["TUR"].get("/airpicture")
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response.headers["content-security-policy"]
    assert policy["style-src"] == "'self'"
    html = response.text
    assert "<style" not in html  # style sheets only from intelcell: nothing inline
    scripts = re.findall(r"<script([^>]*)>", html)  # the page's and every page's, from intelcell, none inline
    assert len(scripts) == 2
    assert re.fullmatch(r' src="/static/base\.js\?v=[0-9a-f]+" defer', scripts[0])
    assert re.fullmatch(r' src="/static/airpicture\.js\?v=[0-9a-f]+" defer', scripts[1])
    assert not re.search(r"<script[^>]*>[^<]", html)  # nothing between the tags
    assert " style=" not in html  # no inline style attributes
    assert not re.search(r"<[^>]+\son\w+=", html)  # no inline event handlers
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("airpicture.js", "text/javascript"), ("airpicture.css", "text/css"), ("base.css", "text/css")],
)
def test_static_files_are_served_with_their_type_and_a_long_cache(
    client: TestClient, name: str, media_type: str
) -> None:
    response = client.get(f"/static/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert "max-age=31536000" in response.headers["cache-control"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == (STATIC / name).read_bytes()


def test_the_page_links_its_static_files_by_version(browsers: dict[str, TestClient]) -> None:
    html = browsers["TUR"].get("/airpicture").text
    for name in ("airpicture.js", "airpicture.css"):
        (link,) = re.findall(rf'"(/static/{re.escape(name)}\?v=[0-9a-f]+)"', html)
        assert browsers["TUR"].get(link).status_code == 200


def test_only_shipped_style_sheets_and_scripts_are_served(client: TestClient) -> None:
    assert client.get("/static/other.js").status_code == 404
    assert client.get("/static/..%2Fpages.py").status_code == 404
    assert client.get("/static/..%2F..%2Fsettings.py").status_code == 404
    assert client.get("/static/__init__.py").status_code == 404
    assert client.get("/static/base.css").status_code == 200


def test_a_hostile_user_name_is_escaped_on_the_page(client: TestClient, make_user: MakeUser) -> None:
    _user, token = make_user("IRQ", name='<script>alert("x")</script>')
    assert sign_in(client, token).status_code == 303
    html = client.get("/airpicture").text
    assert "&lt;script&gt;alert(" in html
    assert '<script>alert("x")' not in html


@pytest.mark.parametrize("callsign", ["<b>X</b>", "A&B", 'A"B', "abc"])
def test_a_callsign_cannot_carry_markup(callsign: str) -> None:
    with pytest.raises(PlotError, match="callsign"):
        Plot(T0, "irq-adsb-1", 36.0, 43.0, 9000.0, 100.0, callsign=callsign)


def test_the_script_puts_data_into_the_page_only_as_text() -> None:
    source = (STATIC / "airpicture.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source
    assert "textContent" in source and "EventSource" in source
    for kind in ('"snapshot"', '"track"', '"drop"'):
        assert f"addEventListener({kind}" in source
