"""Administration pages: admins only on every route (nothing changes for others), CSRF, users saved with
validation, tokens shown once and stored only as a hash, revocation, peers, hostile names escaped."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.store import tokens
from intelcell.store.schema import api_tokens, audit_log, peers, users
from tests.helpers import coalition_collection
from tests.web.test_pages import MakeUser, hidden_csrf, sign_in

HOSTILE = "<script>alert(1)</script>"
ARABIC = "أبو محمد العراقي"
ROUTES = ["/admin", "/admin/members", "/admin/users", "/admin/tokens", "/admin/peers"]


def snapshot(cell: Cell) -> tuple[int, ...]:
    """Rows of users, tokens, peers and audit entries, and live tokens: what an admin action would change."""
    live = select(func.count()).select_from(api_tokens).where(api_tokens.c.revoked_at.is_(None))
    with cell.db.read() as conn:
        counts = [
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (users, api_tokens, peers, audit_log)
        ]
        return (*counts, conn.execute(live).scalar_one())


def operations(cell: Cell) -> list[dict]:  # type: ignore[type-arg]
    with cell.db.read() as conn:
        return [json.loads(f) for f in conn.execute(select(audit_log.c.fields).order_by(audit_log.c.seq)).scalars()]


@pytest.fixture
def admin(client: TestClient, make_user: MakeUser) -> str:
    """Signed in as an administrator; the page's CSRF token."""
    _user, token = make_user("NATO", "NATO SECRET", role="admin", name="cell.admin")
    assert sign_in(client, token).status_code == 303
    return hidden_csrf(client.get("/admin/users").text)


@pytest.mark.parametrize("role", ["analyst", "coordinator"])
def test_every_admin_route_is_refused_to_other_roles_and_nothing_changes(
    client: TestClient, cell: Cell, make_user: MakeUser, role: str
) -> None:
    target, _ = make_user("FRA", "NATO SECRET", name="victim")
    with cell.db.read() as conn:
        (token_id,) = [t.id for t in tokens.list_tokens(conn) if t.user == "victim"]
    _u, token = make_user("USA", "COSMIC TOP SECRET", role=role)
    assert sign_in(client, token).status_code == 303
    csrf = hidden_csrf(client.get("/").text)  # a genuine session token: the role alone must refuse
    before = snapshot(cell)
    for path in ROUTES:
        response = client.get(path)
        assert response.status_code == 403 and "Not for your role" in response.text, path
    posts = {
        "/admin/users": {"member": "USA", "name": "intruder", "clearance": "NATO SECRET", "role": "admin"},
        "/admin/tokens": {"user_id": str(target.id), "days": "30"},
        f"/admin/tokens/{token_id}/revoke": {},
        "/admin/peers": {"name": "p", "direction": "pull", "url": "https://x/", "token": "t", "member": "USA"},
    }
    for path, form in posts.items():
        response = client.post(path, data={"csrf": csrf, **form})
        assert response.status_code == 403, path
        assert "ic_" not in response.text
    assert snapshot(cell) == before


def test_admin_pages_need_a_session(client: TestClient) -> None:
    for path in ROUTES:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path
    assert client.post("/admin/users", data={"name": "x"}, follow_redirects=False).status_code == 303


def test_admin_pages_render_for_an_admin(client: TestClient, cell: Cell, admin: str) -> None:
    overview = client.get("/admin")
    assert overview.status_code == 200 and 'href="/admin/tokens"' in overview.text
    members = client.get("/admin/members").text
    assert 'data-member="FRA"' in members and 'data-community="COALITION"' in members
    for path in ROUTES:
        html = client.get(path).text
        assert " style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html) and " onclick" not in html


def test_forged_csrf_is_refused_and_nothing_changes(client: TestClient, cell: Cell, admin: str) -> None:
    before = snapshot(cell)
    form = {"member": "FRA", "name": "new", "clearance": "NATO SECRET", "role": "analyst"}
    for csrf in ("forged", ""):
        assert client.post("/admin/users", data={**form, "csrf": csrf}).status_code == 403
        assert client.post("/admin/tokens", data={"user_id": "1", "csrf": csrf}).status_code == 403
    assert snapshot(cell) == before


def test_an_admin_creates_and_updates_a_user_audited(client: TestClient, cell: Cell, admin: str) -> None:
    form = {"csrf": admin, "member": "irq", "name": ARABIC, "clearance": "NATO CONFIDENTIAL", "role": "analyst"}
    response = client.post("/admin/users", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/admin/users?saved=")
    page = client.get(response.headers["location"]).text
    assert f'<td dir="auto" class="name">{ARABIC}</td>' in page and "Saved IRQ/" in page
    client.post("/admin/users", data={**form, "clearance": "secret", "role": "coordinator"})
    with cell.db.read() as conn:
        row = conn.execute(select(users).where(users.c.name == ARABIC)).one()
    assert (row.member, row.clearance_level, row.role) == ("IRQ", 3, "coordinator")
    saved = [e for e in operations(cell) if e["operation"] == "user.save"]
    assert len(saved) == 2 and saved[-1]["user"] == "cell.admin"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"clearance": "TOP SECRET PLEASE"}, "is not a NATO level"),
        ({"member": "XXX"}, "unknown member"),
        ({"name": ""}, "user name must be 1 to 128 characters"),
        ({"role": "god"}, "role must be one of"),
        ({"caveat": "NOPE"}, "unknown caveat"),
    ],
)
def test_bad_user_input_is_explained_inline_and_nothing_is_stored(
    client: TestClient, cell: Cell, admin: str, change: dict[str, str], reason: str
) -> None:
    before = snapshot(cell)
    form = {"csrf": admin, "member": "FRA", "name": "someone", "clearance": "NATO SECRET", "role": "analyst", **change}
    response = client.post("/admin/users", data=form)
    assert response.status_code == 422
    assert 'class="error" role="alert"' in response.text and reason in response.text
    assert snapshot(cell) == before


def test_hostile_user_names_are_escaped(client: TestClient, cell: Cell, admin: str) -> None:
    form = {"csrf": admin, "member": "FRA", "name": HOSTILE, "clearance": "NATO SECRET", "role": "analyst"}
    assert client.post("/admin/users", data=form, follow_redirects=False).status_code == 303
    for path in ("/admin/users", "/admin/tokens"):
        html = client.get(path).text
        assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    bad = client.post("/admin/users", data={**form, "clearance": HOSTILE})
    assert bad.status_code == 422 and HOSTILE not in bad.text


def test_a_token_is_shown_once_stored_as_a_hash_and_works_until_revoked(
    client: TestClient, cell: Cell, make_user: MakeUser, admin: str
) -> None:
    target, _ = make_user("FRA", "NATO SECRET", name="fra.analyst")
    response = client.post("/admin/tokens", data={"csrf": admin, "user_id": str(target.id), "days": "7"})
    assert response.status_code == 200
    secret = re.search(r'value="(ic_[^"]+)"[^>]*data-issued-token', response.text).group(1)  # type: ignore[union-attr]
    assert response.headers["cache-control"] == "no-store"
    with cell.db.read() as conn:
        stored = conn.execute(select(api_tokens).where(api_tokens.c.token_hash == tokens.token_hash(secret))).one()
        assert secret not in str(conn.execute(select(api_tokens)).all())
    # Never shown again, anywhere, nor in the audit trail; listed by id.
    listing = client.get("/admin/tokens").text
    assert secret not in listing and f'data-token="{stored.id}"' in listing and stored.token_hash not in listing
    entries = operations(cell)
    assert secret not in json.dumps(entries)
    assert [e for e in entries if e["operation"] == "token.create"][-1]["detail"]["token_id"] == stored.id
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    revoke = client.post(f"/admin/tokens/{stored.id}/revoke", data={"csrf": admin}, follow_redirects=False)
    assert revoke.status_code == 303 and "ic_" not in revoke.headers["location"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert "token.revoke" in [e["operation"] for e in operations(cell)]
    assert client.post(f"/admin/tokens/{stored.id}/revoke", data={"csrf": admin}).status_code == 404


@pytest.mark.parametrize(("form", "reason"), [({"user_id": "9999"}, "Choose a user"), ({"days": "0"}, "Lifetime")])
def test_bad_token_requests_issue_nothing(
    client: TestClient, cell: Cell, admin: str, form: dict[str, str], reason: str
) -> None:
    before = snapshot(cell)
    response = client.post("/admin/tokens", data={"csrf": admin, "user_id": "1", "days": "30", **form})
    assert response.status_code == 422 and reason in response.text and "data-issued-token" not in response.text
    assert snapshot(cell) == before


def test_an_admin_adds_a_peer_whose_token_is_never_shown(client: TestClient, cell: Cell, admin: str) -> None:
    shared = coalition_collection(cell)
    form = {
        "csrf": admin,
        "name": "berlin",
        "direction": "pull",
        "url": "https://peer.example/taxii2/c/1/",
        "token": "remote-secret-123",
        "member": "DEU",
        "collection": shared.id,
        "clearance": "NATO SECRET",
    }
    bad = client.post("/admin/peers", data={**form, "url": "ftp://nope"})
    assert bad.status_code == 422 and "url must be" in bad.text and "remote-secret-123" not in bad.text
    assert client.post("/admin/peers", data={**form, "member": "ZZZ"}).status_code == 422
    response = client.post("/admin/peers", data=form, follow_redirects=False)
    assert response.status_code == 303
    page = client.get("/admin/peers").text
    assert 'data-peer="berlin"' in page and "remote-secret-123" not in page
    assert {"peer.add", "peer.add.ui"} <= {e["operation"] for e in operations(cell)}
    assert client.post("/admin/peers", data=form).status_code == 422  # the name exists


@pytest.mark.parametrize(
    ("form", "reason"),
    [
        ({"days": "²"}, "Lifetime"),  # isdigit() but not a number int() reads
        ({"days": "٣"}, "Lifetime"),  # a decimal digit, but not ASCII
        ({"days": "99999999"}, "Lifetime"),
        ({"user_id": "99999999999999999999"}, "Choose a user"),  # beyond SQLite's INTEGER
        ({"user_id": str(2**63)}, "Choose a user"),
        ({"user_id": "¹"}, "Choose a user"),
        ({"user_id": "0"}, "Choose a user"),
    ],
)
def test_token_requests_that_used_to_fail_are_explained_and_issue_nothing(
    client: TestClient, cell: Cell, admin: str, form: dict[str, str], reason: str
) -> None:
    before = snapshot(cell)
    response = client.post("/admin/tokens", data={"csrf": admin, "user_id": "1", "days": "30", **form})
    assert response.status_code == 422 and reason in response.text and 'role="alert"' in response.text
    assert "data-issued-token" not in response.text
    assert snapshot(cell) == before


@pytest.mark.parametrize("saved", ["99999999999999999999", str(2**63), "abc", "-1", "0", "²"])
def test_a_bad_saved_notice_is_ignored_not_an_error(client: TestClient, admin: str, saved: str) -> None:
    response = client.get("/admin/users", params={"saved": saved})
    assert response.status_code == 200 and "Saved " not in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_the_revoked_notice_names_only_a_real_revoked_token(
    client: TestClient, cell: Cell, make_user: MakeUser, admin: str
) -> None:
    spoof = client.get("/admin/tokens", params={"revoked": "abc. Call +1-555-0100 to restore access"})
    assert spoof.status_code == 200 and "Call +1-555" not in spoof.text and "revoked.</p>" not in spoof.text
    make_user("FRA", "NATO SECRET", name="fra.revoked")
    with cell.db.read() as conn:
        (token_id,) = [t.id for t in tokens.list_tokens(conn) if t.user == "fra.revoked"]
    live = client.get("/admin/tokens", params={"revoked": token_id})  # a real token, but not revoked
    assert f"Token {token_id} revoked." not in live.text
    done = client.post(f"/admin/tokens/{token_id}/revoke", data={"csrf": admin})
    assert done.status_code == 200 and f"Token {token_id} revoked." in done.text


def test_a_refused_peer_writes_nothing_and_an_added_one_names_the_admin_first(
    client: TestClient, cell: Cell, admin: str
) -> None:
    shared = coalition_collection(cell)
    form = {
        "csrf": admin,
        "name": "paris",
        "direction": "push",
        "url": "https://peer.example/taxii2/c/2/",
        "token": "remote-secret-456",
        "member": "FRA",
        "collection": shared.id,
        "clearance": "NATO SECRET",
    }
    before = snapshot(cell)
    for change in ({"url": "ftp://nope"}, {"member": "ZZZ"}, {"direction": "sideways"}):
        assert client.post("/admin/peers", data={**form, **change}).status_code == 422
    assert snapshot(cell) == before  # a refusal leaves no audit entry and no peer
    assert client.post("/admin/peers", data=form, follow_redirects=False).status_code == 303
    added = [e for e in operations(cell) if e["operation"].startswith("peer.add")]
    assert [e["operation"] for e in added] == ["peer.add.ui", "peer.add"]
    assert added[0]["user"] == "cell.admin" and added[0]["detail"]["peer"] == "paris"
    again = client.post("/admin/peers", data=form)
    assert again.status_code == 422 and "a peer named &#39;paris&#39; exists" in again.text
    assert len([e for e in operations(cell) if e["operation"].startswith("peer.add")]) == 2


def test_a_peer_refused_by_peers_add_after_the_checks_is_recorded_as_refused(
    client: TestClient, cell: Cell, admin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from intelcell.exchange import peers as peer_store

    def taken(*_args: object, **_kwargs: object) -> None:
        raise peer_store.PeerError("a peer named 'lyon' exists")  # as when another request took the name

    monkeypatch.setattr(peer_store, "add", taken)
    form = {
        "csrf": admin,
        "name": "lyon",
        "direction": "pull",
        "url": "https://peer.example/taxii2/c/3/",
        "token": "t",
        "member": "FRA",
        "collection": coalition_collection(cell).id,
        "clearance": "NATO SECRET",
    }
    response = client.post("/admin/peers", data=form)
    assert response.status_code == 422 and "exists" in response.text
    added = [e for e in operations(cell) if e["operation"].startswith("peer.add")]
    assert [e["operation"] for e in added] == ["peer.add.ui", "peer.add.ui.refused"]
    assert added[1]["detail"]["reason"] == "a peer named 'lyon' exists"


def add_peer(cell: Cell, name: str) -> str:
    """A peer added as the CLI does, with a live token for its federation user; that token."""
    from intelcell.domain.policy import parse_clearance
    from intelcell.exchange import peers as peer_store

    peer = peer_store.add(
        cell,
        name=name,
        direction="pull",
        url="https://peer.example/taxii2/c/9/",
        token="remote-secret-789",
        member="FRA",
        collection_id=coalition_collection(cell, title=f"from {name}").id,
        clearance=parse_clearance("NATO SECRET"),
    )
    with cell.db.write() as conn:
        _id, token = tokens.issue(conn, peer_store.user_of(conn, peer), cell.clock(), 30)
    return token


def remove_action(page: str, name: str) -> str:
    row = re.search(rf'<tr data-peer="{re.escape(name)}">.*?</tr>', page, re.S)
    assert row, name
    action = re.search(r'<form method="post" action="([^"]+)"', row.group(0))
    assert action and ">Remove</button>" in row.group(0)
    return action.group(1)


@pytest.mark.parametrize("name", ["rome", "a/b?c#d"])
def test_an_admin_removes_a_peer_with_one_entry_naming_them(
    client: TestClient, cell: Cell, admin: str, name: str
) -> None:
    from urllib.parse import quote

    from intelcell.exchange import peers as peer_store

    token = add_peer(cell, name)
    add_peer(cell, "kept")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    action = remove_action(client.get("/admin/peers").text, name)
    assert action == f"/admin/peers/{quote(name, safe='')}/remove"
    before = len(operations(cell))
    response = client.post(action, data={"csrf": admin}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/peers?removed=")
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and f'<bdi dir="auto">{name}</bdi> removed.' in page.text
    assert f'data-peer="{name}"' not in page.text and 'data-peer="kept"' in page.text
    assert peer_store.get(cell, name) is None and peer_store.get(cell, "kept") is not None
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    new = operations(cell)[before:]
    assert [e["operation"] for e in new] == ["peer.remove"]
    assert (new[0]["member"], new[0]["user"]) == ("NATO", "cell.admin")
    assert new[0]["detail"]["peer"] == name and new[0]["detail"]["tokens_revoked"] == 1
    assert new[0]["path"] == f"POST {action}"


def test_the_removed_notice_names_only_a_peer_really_removed(client: TestClient, cell: Cell, admin: str) -> None:
    add_peer(cell, "oslo")
    for spoof in ("oslo", "nope", "x. Call +1-555-0100 to restore access", "y" * 500):
        page = client.get("/admin/peers", params={"removed": spoof})
        assert page.status_code == 200 and " removed.</p>" not in page.text, spoof


@pytest.mark.parametrize("role", ["analyst", "coordinator"])
def test_other_roles_cannot_remove_a_peer_and_nothing_changes(
    client: TestClient, cell: Cell, make_user: MakeUser, role: str
) -> None:
    add_peer(cell, "madrid")
    _u, token = make_user("USA", "COSMIC TOP SECRET", role=role)
    assert sign_in(client, token).status_code == 303
    csrf = hidden_csrf(client.get("/").text)  # a genuine session token: the role alone must refuse
    before = snapshot(cell)
    for path in ("/admin/peers/madrid/remove", "/admin/peers/nope/remove"):
        response = client.post(path, data={"csrf": csrf})
        assert response.status_code == 403 and "Not for your role" in response.text, path
    assert snapshot(cell) == before


def test_a_forged_csrf_token_removes_no_peer(client: TestClient, cell: Cell, admin: str) -> None:
    add_peer(cell, "vienna")
    before = snapshot(cell)
    for csrf in ("forged", ""):
        assert client.post("/admin/peers/vienna/remove", data={"csrf": csrf}).status_code == 403
    assert client.post("/admin/peers/vienna/remove").status_code == 403
    assert snapshot(cell) == before


def test_removing_an_unknown_peer_is_a_404_page_and_nothing_changes(client: TestClient, cell: Cell, admin: str) -> None:
    add_peer(cell, "prague")
    before = snapshot(cell)
    response = client.post("/admin/peers/nope/remove", data={"csrf": admin})
    assert response.status_code == 404 and "No such peer" in response.text
    assert response.headers["content-type"].startswith("text/html")
    assert snapshot(cell) == before
