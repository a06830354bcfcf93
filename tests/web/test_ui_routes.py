"""Every route of the browser UI: under a UI path, and closed to a caller without a session.

BearerAuth lets the UI's paths through without a token (intelcell.api.auth.UI_PREFIXES), so each
UI handler must check the browser session itself. This walks every route the UI modules register,
so a new page that forgets to is caught here.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from intelcell.api.auth import is_public
from intelcell.web import csp, ui
from tests.web.test_pages import MakeUser, sign_in

#: Routes that must answer without a session: signing in and out, and the static files.
OPEN = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout"), ("GET", "/static/{name}")}


def ui_routes() -> list[tuple[str, str]]:
    """(method, path template) of every route the UI's modules register."""
    found = []
    for module in ui.MODULES:
        for route in module.router.routes:
            assert isinstance(route, APIRoute), route
            found.extend((method, route.path) for method in sorted(route.methods))
    return found


def test_the_ui_has_routes_and_each_is_under_a_ui_path() -> None:
    routes = ui_routes()
    assert len(routes) >= 8
    for _method, path in routes:
        assert is_public(re.sub(r"\{[^}]+\}", "x", path)), path


def test_pages_answer_with_the_strict_policy_even_when_they_redirect(client: TestClient) -> None:
    response = client.get("/search", follow_redirects=False)
    assert response.headers["content-security-policy"] == csp.POLICY


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_without_a_session_every_ui_route_sends_to_sign_in_or_refuses(client: TestClient, method: str) -> None:
    checked = 0
    for route_method, template in ui_routes():
        if route_method != method or (method, template) in OPEN:
            continue
        path = re.sub(r"\{[^}]+\}", "x", template)
        response = client.request(method, path, follow_redirects=False, data={"csrf": "forged"})
        checked += 1
        if response.status_code == 303:
            assert response.headers["location"].startswith("/login"), (method, path)
        else:
            assert response.status_code == 401, (method, path, response.status_code)
    assert checked >= 1


def test_pages_say_nothing_of_their_server_time_unless_the_setting_asks(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    # A page's time can depend on rows the viewer may not read: no precise timing by default.
    _user, token = make_user("TUR")
    assert sign_in(client, token).status_code == 303
    assert "server-timing" not in client.get("/").headers
    state = client.app.state  # type: ignore[attr-defined]
    state.cell = dataclasses.replace(state.cell, settings=state.cell.settings.replace(server_timing=True))
    assert client.get("/").headers["server-timing"].startswith("app;dur=")


@pytest.mark.parametrize(
    "path",
    ["/fighters/persons?offset=abc", "/objects/", "/fighters/review?offset=abc", "/admin/nothing-here", "/rfis/x/y"],
)
def test_a_bad_or_unknown_ui_address_answers_a_protected_page_not_json(
    client: TestClient, make_user: MakeUser, path: str
) -> None:
    _user, token = make_user("TUR")
    assert sign_in(client, token).status_code == 303
    response = client.get(path)
    assert response.status_code in (404, 405, 422), (path, response.status_code)
    assert response.headers["content-type"].startswith("text/html"), path
    assert response.headers["content-security-policy"] == csp.POLICY
    assert "data-banner" in response.text


def test_api_errors_keep_their_json_shape(client: TestClient) -> None:
    response = client.get("/api/v1/objects/x")
    assert response.status_code == 401 and response.json()["error"] == "unauthorized"
