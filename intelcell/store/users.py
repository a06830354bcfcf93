"""Users: people of a member with a clearance and a role."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from intelcell.domain.policy import ROLES, Clearance, Viewer
from intelcell.store.schema import users


@dataclass(frozen=True)
class User:
    """A person who uses intelcell on behalf of a member."""

    id: int
    member: str
    name: str
    clearance: Clearance
    role: str
    is_demo: bool

    @property
    def viewer(self) -> Viewer:
        """The user as the access policy sees them."""
        return Viewer(member=self.member, clearance=self.clearance)

    def to_json(self) -> dict[str, object]:
        """The user as the API shows them (``GET /api/v1/me``)."""
        return {
            "member": self.member,
            "name": self.name,
            "clearance": self.clearance.text(),
            "caveats": sorted(self.clearance.caveats),
            "role": self.role,
            "demo": self.is_demo,
        }


def _from_row(row: object) -> User:
    r = row._mapping  # type: ignore[attr-defined]
    clearance = Clearance(level=r["clearance_level"], caveats=frozenset(json.loads(r["caveats"])))
    return User(r["id"], r["member"], r["name"], clearance, r["role"], bool(r["is_demo"]))


def get(conn: Connection, user_id: int) -> User | None:
    """The user with this id, or None."""
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    return _from_row(row) if row else None


def find(conn: Connection, member: str, name: str) -> User | None:
    """The user of ``member`` called ``name``, or None."""
    query = select(users).where(users.c.member == member, users.c.name == name)
    row = conn.execute(query).first()
    return _from_row(row) if row else None


def upsert(
    conn: Connection,
    *,
    member: str,
    name: str,
    clearance: Clearance,
    role: str,
    is_demo: bool,
    now: datetime,
) -> tuple[User, bool]:
    """Create the user, or bring an existing one's clearance and role up to date.

    Returns the user and whether anything was written.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role '{role}': expected one of {', '.join(ROLES)}")
    values = {
        "clearance_level": clearance.level,
        "caveats": json.dumps(sorted(clearance.caveats)),
        "role": role,
        "is_demo": is_demo,
    }
    existing = find(conn, member, name)
    if existing is None:
        conn.execute(users.insert().values(member=member, name=name, created_at=now, **values))
    elif (existing.clearance, existing.role, existing.is_demo) != (clearance, role, is_demo):
        conn.execute(users.update().where(users.c.id == existing.id).values(**values))
    else:
        return existing, False
    user = find(conn, member, name)
    assert user is not None
    return user, True


def list_all(conn: Connection) -> list[User]:
    """Every user, by member then name."""
    rows = conn.execute(select(users).order_by(users.c.member, users.c.name))
    return [_from_row(row) for row in rows]
