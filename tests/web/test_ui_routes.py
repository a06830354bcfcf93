"""Every route of the browser UI: under a UI path, and closed to a caller without a session.

BearerAuth lets the UI's paths through without a token (intelcell.api.auth.UI_PREFIXES), so each
UI handler must check the browser session itself. This walks every route the UI modules register,
so a new page that forgets to is caught here.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from intelcell.api.auth import is_public
from intelcell.web import csp, ui

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
