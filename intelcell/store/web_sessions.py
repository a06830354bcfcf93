"""Browser sessions: a random id in a cookie, stored hashed, with a per-session CSRF token."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from intelcell.store import users as user_store
from intelcell.store.schema import web_sessions
from intelcell.store.tokens import token_hash
from intelcell.store.users import User


def create(conn: Connection, user: User, now: datetime, minutes: int) -> tuple[str, str]:
    """Start a session for ``user``; return the cookie value and the session's CSRF token."""
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    conn.execute(
        web_sessions.insert().values(
            id_hash=token_hash(session_id),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    return session_id, csrf


def lookup(conn: Connection, session_id: str, now: datetime) -> tuple[User, str] | None:
    """The user and CSRF token of a live session, or None."""
    row = conn.execute(select(web_sessions).where(web_sessions.c.id_hash == token_hash(session_id))).first()
    if row is None:
        return None
    if row.expires_at <= now:
        return None
    user = user_store.get(conn, row.user_id)
    return (user, row.csrf_token) if user else None


def delete(conn: Connection, session_id: str) -> None:
    """End a session."""
    conn.execute(web_sessions.delete().where(web_sessions.c.id_hash == token_hash(session_id)))
