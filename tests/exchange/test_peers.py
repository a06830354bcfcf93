"""Removing a federation peer: the peer and its bookmark go, its system user stays (what it wrote names
it) but can no longer authenticate, in one transaction with one audit entry; unknown names refused."""

from __future__ import annotations

import json

import pytest
import trustme
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.domain.policy import parse_clearance
from intelcell.exchange import peers
from intelcell.store import audit, certificates, tokens, web_sessions
from intelcell.store import users as users_store
from intelcell.store.schema import api_tokens, audit_log, users
from intelcell.store.schema import peers as peer_table
from intelcell.store.schema import web_sessions as session_table
from intelcell.store.users import User
from tests.helpers import coalition_collection


def add(cell: Cell, name: str, collection_id: str) -> peers.Peer:
    return peers.add(
        cell,
        name=name,
        direction="pull",
        url=f"https://{name}.example/taxii2/cell/collections/x/",
        token=f"secret-{name}",
        member="FRA",
        collection_id=collection_id,
        clearance=parse_clearance("NATO SECRET"),
    )


def entries(cell: Cell) -> list[dict]:  # type: ignore[type-arg]
    with cell.db.read() as conn:
        return [json.loads(f) for f in conn.execute(select(audit_log.c.fields).order_by(audit_log.c.seq)).scalars()]


def state(cell: Cell) -> tuple[object, ...]:
    """Everything removal could change: peers, users, tokens (with revocations), sessions, audit entries."""
    with cell.db.read() as conn:
        return (
            conn.execute(select(peer_table).order_by(peer_table.c.name)).all(),
            conn.execute(select(users).order_by(users.c.id)).all(),
            conn.execute(select(api_tokens).order_by(api_tokens.c.id)).all(),
            conn.execute(select(session_table).order_by(session_table.c.id_hash)).all(),
            conn.execute(select(func.count()).select_from(audit_log)).scalar_one(),
        )


@pytest.fixture
def two_peers(cell: Cell) -> tuple[peers.Peer, peers.Peer]:
    shared = coalition_collection(cell)
    fra, deu = add(cell, "fra", shared.id), add(cell, "deu", shared.id)
    peers.save_progress(cell, fra, "2024-01-01T00:00:00.000000Z", "boom", cell.clock(), {})
    return fra, deu


def credentials(cell: Cell, peer: peers.Peer) -> tuple[str, str]:
    """A live API token and a browser session for the peer's system user."""
    now = cell.clock()
    with cell.db.write() as conn:
        user = peers.user_of(conn, peer)
        _id, token = tokens.issue(conn, user, now, 30)
        session, _csrf = web_sessions.create(conn, user, now, 60)
    return token, session


def test_remove_deletes_the_peer_revokes_its_user_and_audits_once(
    cell: Cell, two_peers: tuple[peers.Peer, peers.Peer], make_user
) -> None:  # type: ignore[no-untyped-def]
    fra, deu = two_peers
    fra_token, fra_session = credentials(cell, fra)
    deu_token, deu_session = credentials(cell, deu)
    _other, other_token = make_user("FRA", "NATO SECRET", name="claire")
    pem = trustme.CA().issue_cert("fra-platform@example.org").cert_chain_pems[0].bytes().decode()
    with cell.db.write() as conn:
        fra_user = users_store.get(conn, fra.user_id)
        assert fra_user is not None
        certificates.register(conn, fra_user, pem, "FRA platform", cell.clock())
    before = len(entries(cell))

    removed = peers.remove(cell, "fra")

    assert removed.name == "fra" and removed.bookmark == "2024-01-01T00:00:00.000000Z"
    assert peers.get(cell, "fra") is None
    assert [p.name for p in peers.all_peers(cell)] == ["deu"]
    now = cell.clock()
    with cell.db.read() as conn:
        assert conn.execute(select(users.c.id).where(users.c.id == fra.user_id)).first(), "the user is kept"
        with pytest.raises(tokens.AuthError, match="revoked"):
            tokens.authenticate(conn, fra_token, now)
        assert web_sessions.lookup(conn, fra_session, now) is None
        with pytest.raises(tokens.AuthError, match="client certificate revoked"):
            certificates.authenticate(conn, pem)
        # Nothing else touched: the other peer's user, and everyone else, still authenticate.
        assert tokens.authenticate(conn, deu_token, now).name == "peer:deu"
        assert web_sessions.lookup(conn, deu_session, now) is not None
        assert tokens.authenticate(conn, other_token, now).name == "claire"
    log = entries(cell)
    assert len(log) == before + 1
    entry = log[-1]
    assert entry["operation"] == "peer.remove" and entry["path"] == "cli: peer remove"
    assert entry["user"] is None and entry["member"] is None
    assert entry["detail"] == {
        "peer": "fra",
        "direction": "pull",
        "url": "https://fra.example/taxii2/cell/collections/x/",
        "member": "FRA",
        "tokens_revoked": 1,
        "sessions_ended": 1,
        "certificates_revoked": 1,
    }
    with cell.db.read() as conn:
        assert audit.verify(conn) is None


def test_remove_names_the_acting_administrator_in_the_same_entry(
    cell: Cell, two_peers: tuple[peers.Peer, peers.Peer], make_user
) -> None:  # type: ignore[no-untyped-def]
    admin: User = make_user("NATO", "NATO SECRET", role="admin", name="cell.admin")[0]
    peers.remove(cell, "deu", actor=admin, path="POST /admin/peers/deu/remove")
    entry = entries(cell)[-1]
    assert entry["operation"] == "peer.remove" and entry["path"] == "POST /admin/peers/deu/remove"
    assert (entry["member"], entry["user"]) == ("NATO", "cell.admin")
    assert entry["detail"]["peer"] == "deu" and entry["detail"]["tokens_revoked"] == 0


def test_an_unknown_peer_is_refused_and_nothing_changes(cell: Cell, two_peers: tuple[peers.Peer, peers.Peer]) -> None:
    before = state(cell)
    with pytest.raises(peers.PeerError, match="no peer 'nope'"):
        peers.remove(cell, "nope")
    peers.remove(cell, "fra")
    after = state(cell)
    with pytest.raises(peers.PeerError, match="no peer 'fra'"):
        peers.remove(cell, "fra")  # twice: the second is refused
    assert state(cell) == after != before


def test_a_failure_part_way_leaves_nothing_half_done(
    cell: Cell, two_peers: tuple[peers.Peer, peers.Peer], monkeypatch: pytest.MonkeyPatch
) -> None:
    fra, _deu = two_peers
    token, _session = credentials(cell, fra)
    before = state(cell)

    def broken(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "append", broken)
    with pytest.raises(RuntimeError):
        peers.remove(cell, "fra")
    assert state(cell) == before
    with cell.db.read() as conn:
        assert tokens.authenticate(conn, token, cell.clock()).name == "peer:fra"


def test_a_removed_peer_can_be_added_again_reusing_its_user(
    cell: Cell, two_peers: tuple[peers.Peer, peers.Peer]
) -> None:
    fra, _deu = two_peers
    peers.remove(cell, "fra")
    again = add(cell, "fra", fra.collection_id)
    assert again.user_id == fra.user_id and again.bookmark is None and again.last_error is None
