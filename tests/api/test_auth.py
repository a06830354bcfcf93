"""Bearer-token authentication: every API route but health refuses a caller without a live token,
with one error shape, a WWW-Authenticate challenge and a reason that says why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.store import tokens
from intelcell.store.users import User
from tests.conftest import FakeClock
from tests.helpers import bearer

# Every authenticated API route, with the status a live token gets (proof the route itself works).
ROUTES = [
    ("POST", "/api/v1/labels/parse", 200),
    ("GET", "/api/v1/members", 200),
    ("GET", "/api/v1/members/FRA", 200),
    ("GET", "/api/v1/communities", 200),
    ("GET", "/api/v1/me", 200),
    ("GET", "/api/v1/objects", 200),
    ("GET", "/api/v1/objects/x", 404),
    ("GET", "/api/v1/audit?object_id=x", 200),
    ("GET", "/api/v1/labels/extension-definition", 200),
]
MakeUser = Callable[..., tuple[User, str]]
ROUTE_IDS = [f"{method} {path}" for method, path, _ in ROUTES]

MALFORMED = "Authorization header must be 'Bearer TOKEN'"
# case -> (how to build the Authorization header from a freshly issued token, the reason given)
CASES: dict[str, tuple[Callable[[str], dict[str, str]], str]] = {
    "no header": (lambda _t: {}, "missing Authorization: Bearer token"),
    "basic scheme": (lambda _t: {"Authorization": "Basic Zm9vOmJhcg=="}, MALFORMED),
    "token scheme": (lambda t: {"Authorization": f"Token {t}"}, MALFORMED),
    "token without scheme": (lambda t: {"Authorization": t}, MALFORMED),
    "bearer without token": (lambda _t: {"Authorization": "Bearer"}, MALFORMED),
    "bearer with blank token": (lambda _t: {"Authorization": "Bearer    "}, MALFORMED),
    "unknown token": (lambda t: bearer(t + "x"), "invalid token"),
}


def call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> Any:
    body = {"text": "NATO SECRET"} if method == "POST" else None
    return client.request(method, path, json=body, headers=headers)


def assert_refused(response: Any, reason: str) -> None:
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized", "reason": reason}
    assert response.headers["www-authenticate"].startswith("Bearer ")


def revoke_only_token(cell: Cell) -> None:
    with cell.db.write() as conn:
        (info,) = tokens.list_tokens(conn)
        assert tokens.revoke(conn, info.id, cell.clock())


def test_health_answers_without_a_token(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(("method", "path", "status"), ROUTES, ids=ROUTE_IDS)
def test_a_live_token_opens_every_route(
    client: TestClient, make_user: MakeUser, method: str, path: str, status: int
) -> None:
    _user, token = make_user("FRA")
    assert call(client, method, path, bearer(token)).status_code == status


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize(("method", "path", "_status"), ROUTES, ids=ROUTE_IDS)
def test_a_bad_authorization_header_is_refused_on_every_route(
    client: TestClient, make_user: MakeUser, method: str, path: str, _status: int, case: str
) -> None:
    _user, token = make_user("FRA")
    headers, reason = CASES[case]
    assert_refused(call(client, method, path, headers(token)), reason)


@pytest.mark.parametrize(("method", "path", "_status"), ROUTES, ids=ROUTE_IDS)
def test_an_expired_token_is_refused_on_every_route(
    client: TestClient, clock: FakeClock, make_user: MakeUser, method: str, path: str, _status: int
) -> None:
    _user, token = make_user("FRA")
    clock.advance(days=31)
    assert_refused(call(client, method, path, bearer(token)), "token expired")


@pytest.mark.parametrize(("method", "path", "_status"), ROUTES, ids=ROUTE_IDS)
def test_a_revoked_token_is_refused_on_every_route(
    client: TestClient, cell: Cell, make_user: MakeUser, method: str, path: str, _status: int
) -> None:
    _user, token = make_user("FRA")
    revoke_only_token(cell)
    assert_refused(call(client, method, path, bearer(token)), "token revoked")


@pytest.mark.parametrize(
    ("elapsed", "status"),
    [({"days": 30, "seconds": -1}, 200), ({"days": 30}, 401), ({"days": 31}, 401)],
    ids=["last second of its 30 days", "exactly 30 days", "31 days"],
)
def test_a_token_works_until_its_lifetime_ends(
    client: TestClient, clock: FakeClock, make_user: MakeUser, elapsed: dict[str, int], status: int
) -> None:
    _user, token = make_user("FRA")
    clock.advance(**elapsed)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == status


def test_the_reason_tells_an_unknown_an_expired_and_a_revoked_token_apart(
    client: TestClient, cell: Cell, clock: FakeClock, make_user: MakeUser
) -> None:
    _user, token = make_user("FRA")
    reasons = {"unknown": client.get("/api/v1/me", headers=bearer("ic_nope")).json()["reason"]}
    revoke_only_token(cell)
    reasons["revoked"] = client.get("/api/v1/me", headers=bearer(token)).json()["reason"]
    _other, fresh = make_user("DEU")
    clock.advance(days=31)
    reasons["expired"] = client.get("/api/v1/me", headers=bearer(fresh)).json()["reason"]
    assert reasons == {"unknown": "invalid token", "revoked": "token revoked", "expired": "token expired"}


def test_revoking_one_token_leaves_the_users_other_token_working(
    client: TestClient, cell: Cell, clock: FakeClock, make_user: MakeUser
) -> None:
    _user, old = make_user("FRA")
    clock.advance(minutes=1)
    _same_user, new = make_user("FRA")
    with cell.db.write() as conn:
        oldest = tokens.list_tokens(conn)[-1]
        assert tokens.revoke(conn, oldest.id, cell.clock())
    assert client.get("/api/v1/me", headers=bearer(old)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(new)).json()["member"] == "FRA"


def test_the_scheme_name_is_case_insensitive(client: TestClient, make_user: MakeUser) -> None:
    _user, token = make_user("FRA")
    assert client.get("/api/v1/me", headers={"Authorization": f"bearer {token}"}).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "content"),
    [
        ("POST", "/api/v1/labels/parse", b"{not json"),
        ("POST", "/api/v1/labels/parse", b'{"colour": "red"}'),
        ("GET", "/api/v1/objects?limit=0", None),
        ("GET", "/api/v1/audit", None),
    ],
    ids=["malformed json", "invalid body", "invalid query", "missing query"],
)
def test_an_unauthenticated_caller_gets_401_before_the_request_is_validated(
    client: TestClient, method: str, path: str, content: bytes | None
) -> None:
    response = client.request(method, path, content=content, headers={"Content-Type": "application/json"})
    assert_refused(response, "missing Authorization: Bearer token")


def test_openapi_lists_every_api_route_and_no_browser_page(client: TestClient, make_user: MakeUser) -> None:
    _user, token = make_user("FRA")
    response = client.get("/openapi.json", headers=bearer(token))
    assert response.status_code == 200
    listed = {(method.upper(), path) for path, ops in response.json()["paths"].items() for method in ops}
    assert {
        ("GET", "/healthz"),
        ("POST", "/api/v1/labels/parse"),
        ("GET", "/api/v1/labels/extension-definition"),
        ("GET", "/api/v1/members"),
        ("GET", "/api/v1/members/{code}"),
        ("GET", "/api/v1/communities"),
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/objects"),
        ("GET", "/api/v1/objects/{stix_id}"),
        ("GET", "/api/v1/audit"),
    } <= listed
    assert not {path for _method, path in listed} & {"/", "/login", "/logout"}
