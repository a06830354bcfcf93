"""Federation peers: remote TAXII 2.1 collections this cell pulls from or pushes to, with bookmarks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from intelcell.cell import Cell
from intelcell.domain.policy import Clearance
from intelcell.store import audit, users
from intelcell.store.audit import AuditEvent
from intelcell.store.schema import api_tokens, client_certificates, peers, web_sessions
from intelcell.store.users import User

DIRECTIONS = ("pull", "push")


class PeerError(ValueError):
    """A peer definition that cannot be stored; the message says why."""


@dataclass(frozen=True)
class Peer:
    """A remote collection and the local collection it is federated with."""

    name: str
    direction: str
    url: str  # the remote collection's URL, ending in /
    token: str  # the remote server's token for us; stored because we must present it
    member: str  # pull: the member the remote speaks for; push: the member we push as
    collection_id: str  # local collection
    user_id: int  # the system user federation acts as
    bookmark: str | None  # pull: last date_added seen; push: last local pk pushed
    last_error: str | None


def _from_row(row: object) -> Peer:
    r = row._mapping  # type: ignore[attr-defined]
    return Peer(
        r["name"],
        r["direction"],
        r["url"],
        r["token"],
        r["member"],
        r["collection_id"],
        r["user_id"],
        r["bookmark"],
        r["last_error"],
    )


def add(
    cell: Cell,
    *,
    name: str,
    direction: str,
    url: str,
    token: str,
    member: str,
    collection_id: str,
    clearance: Clearance,
) -> Peer:
    """Configure a peer and its system user (``peer:NAME`` of ``member``); audited."""
    if direction not in DIRECTIONS:
        raise PeerError(f"direction must be one of {', '.join(DIRECTIONS)}")
    if member not in cell.registry.members:
        raise PeerError(f"unknown member '{member}'")
    if not url.startswith(("http://", "https://")) or not url.endswith("/"):
        raise PeerError("url must be the remote collection's http(s) URL, ending in '/'")
    now = cell.clock()
    with cell.db.write() as conn:
        if conn.execute(select(peers.c.name).where(peers.c.name == name)).first():
            raise PeerError(f"a peer named '{name}' exists")
        user, _ = users.upsert(
            conn, member=member, name=f"peer:{name}", clearance=clearance, role="analyst", is_demo=False, now=now
        )
        conn.execute(
            peers.insert().values(
                name=name,
                direction=direction,
                url=url,
                token=token,
                member=member,
                collection_id=collection_id,
                user_id=user.id,
                bookmark=None,
                last_error=None,
                created_at=now,
            )
        )
        audit.append(
            conn,
            AuditEvent(
                "write",
                "peer.add",
                "cli: peer add",
                None,
                None,
                detail={"peer": name, "direction": direction, "url": url, "member": member},
            ),
            now,
        )
    found = get(cell, name)
    assert found is not None
    return found


def remove(cell: Cell, name: str, *, actor: User | None = None, path: str = "cli: peer remove") -> Peer:
    """Remove a peer and end its system user's access; audited once, in the same transaction.

    The peer's row (with its bookmark and last error) is deleted. Its ``peer:NAME`` user is kept,
    because the objects, statuses and audit entries it wrote still name it, but every live token of
    that user is revoked, its browser sessions are ended and its client certificates (mutual TLS)
    revoked, so the peer can no longer authenticate.
    ``actor`` (an administrator acting from a page) and ``path`` name who removed it and how.
    Raises PeerError for an unknown name, having changed nothing.
    """
    now = cell.clock()
    with cell.db.write() as conn:
        row = conn.execute(select(peers).where(peers.c.name == name).with_for_update()).first()
        if row is None:
            raise PeerError(f"no peer '{name}'")
        found = _from_row(row)
        conn.execute(peers.delete().where(peers.c.name == name))
        # Another peer could only share the user if the store were edited by hand: leave its access alone then.
        shared = conn.execute(
            select(func.count()).select_from(peers).where(peers.c.user_id == found.user_id)
        ).scalar_one()
        revoked = ended = certificates = 0
        if not shared:
            revoked = conn.execute(
                api_tokens.update()
                .where(api_tokens.c.user_id == found.user_id, api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=now)
            ).rowcount
            ended = conn.execute(web_sessions.delete().where(web_sessions.c.user_id == found.user_id)).rowcount
            certificates = conn.execute(
                client_certificates.update()
                .where(client_certificates.c.user_id == found.user_id, client_certificates.c.revoked_at.is_(None))
                .values(revoked_at=now)
            ).rowcount
        audit.append(
            conn,
            AuditEvent(
                "write",
                "peer.remove",
                path,
                actor.member if actor else None,
                actor.name if actor else None,
                detail={
                    "peer": found.name,
                    "direction": found.direction,
                    "url": found.url,
                    "member": found.member,
                    "tokens_revoked": revoked,
                    "sessions_ended": ended,
                    "certificates_revoked": certificates,
                },
            ),
            now,
        )
    return found


def get(cell: Cell, name: str) -> Peer | None:
    """A peer by name."""
    with cell.db.read() as conn:
        row = conn.execute(select(peers).where(peers.c.name == name)).first()
    return _from_row(row) if row else None


def all_peers(cell: Cell) -> list[Peer]:
    """Every peer, by name."""
    with cell.db.read() as conn:
        return [_from_row(r) for r in conn.execute(select(peers).order_by(peers.c.name))]


def user_of(conn: Connection, peer: Peer) -> User:
    """The system user the peer's federation acts as."""
    user = users.get(conn, peer.user_id)
    assert user is not None
    return user


def save_progress(
    cell: Cell, peer: Peer, bookmark: str | None, error: str | None, now: datetime, detail: dict[str, object]
) -> None:
    """Record how far a run got (committed, so the next run resumes there) and any error."""
    with cell.db.write() as conn:
        conn.execute(
            peers.update().where(peers.c.name == peer.name).values(bookmark=bookmark, last_error=error, last_run=now)
        )
        audit.append(
            conn,
            AuditEvent(
                "write",
                f"peer.{peer.direction}",
                f"federation {peer.name}",
                peer.member,
                f"peer:{peer.name}",
                detail={"bookmark": bookmark, "error": error, **json.loads(json.dumps(detail))},
            ),
            now,
        )
