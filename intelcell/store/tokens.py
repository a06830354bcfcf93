"""API tokens: random, shown once, stored only as a SHA-256 hash, revocable and expiring."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from intelcell.store import users as user_store
from intelcell.store.schema import api_tokens, users
from intelcell.store.users import User

PREFIX = "ic_"


def token_hash(token: str) -> str:
    """The stored form of a token; tokens carry 256 random bits, so a fast hash suffices."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed: never the token itself."""

    id: str
    member: str
    user: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class AuthError(Exception):
    """Authentication failed; the message is safe to show to the caller."""


def issue(conn: Connection, user: User, now: datetime, days: int) -> tuple[str, str]:
    """Create a token for ``user``; return its public id and the token, which is never stored."""
    if days <= 0:
        raise ValueError("a token's lifetime must be at least one day")
    token_id = secrets.token_hex(6)
    token = PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        api_tokens.insert().values(
            id=token_id,
            user_id=user.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    return token_id, token


def authenticate(conn: Connection, token: str, now: datetime) -> User:
    """The user a token belongs to; raise AuthError when it is unknown, expired or revoked."""
    row = conn.execute(select(api_tokens).where(api_tokens.c.token_hash == token_hash(token))).first()
    if row is None:
        raise AuthError("invalid token")
    if row.revoked_at is not None:
        raise AuthError("token revoked")
    if row.expires_at <= now:
        raise AuthError("token expired")
    user = user_store.get(conn, row.user_id)
    if user is None:  # pragma: no cover - foreign key forbids it
        raise AuthError("invalid token")
    return user


def revoke(conn: Connection, token_id: str, now: datetime) -> bool:
    """Revoke a token by its public id; return whether a live token was revoked."""
    result = conn.execute(
        api_tokens.update().where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None)).values(revoked_at=now)
    )
    return result.rowcount == 1


def list_tokens(conn: Connection, member: str | None = None) -> list[TokenInfo]:
    """Tokens, newest first, optionally of one member's users."""
    query = (
        select(api_tokens, users.c.member, users.c.name)
        .join(users, users.c.id == api_tokens.c.user_id)
        .order_by(api_tokens.c.created_at.desc())
    )
    if member:
        query = query.where(users.c.member == member)
    return [
        TokenInfo(
            r.id,
            r.member,
            r.name,
            r.created_at,
            r.expires_at,
            r.revoked_at if r.revoked_at else None,
        )
        for r in conn.execute(query)
    ]


def revoke_demo_tokens(conn: Connection, now: datetime) -> None:
    """Revoke every live token of demo users (the demo issues fresh ones each run)."""
    demo_ids = select(users.c.id).where(users.c.is_demo.is_(True))
    conn.execute(
        api_tokens.update()
        .where(api_tokens.c.user_id.in_(demo_ids), api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
