"""Every response carries the security headers, refusals by the middlewares included (issue 8 item 4)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from intelcell.api.headers import DEFAULTS
from intelcell.web import csp
from tests.helpers import bearer
from tests.web.test_pages import MakeUser

EXPECTED = {name.decode(): value.decode() for name, value in DEFAULTS}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/healthz", 200),
        ("/api/v1/me", 401),  # refused by BearerAuth, before any route
        ("/taxii2/", 401),
        ("/api/v1/objects/x", 401),
    ],
)
def test_api_answers_and_refusals_carry_the_headers(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, name


def test_a_labelled_api_answer_is_never_cached(client: TestClient, make_user: MakeUser) -> None:
    _user, token = make_user("TUR")
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"


def test_pages_and_static_files_keep_their_own_headers(client: TestClient) -> None:
    page = client.get("/login")
    assert page.headers["content-security-policy"] == csp.POLICY  # the UI's, not the API's
    static = client.get("/static/base.css")
    assert static.headers["cache-control"].startswith("public, max-age=")
    assert static.headers["x-content-type-options"] == "nosniff"
