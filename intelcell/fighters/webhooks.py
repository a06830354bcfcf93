"""Webhooks: where a member's national system hears of its watchlist alerts, and the outbox that feeds them.

Any user of a member may register a webhook for the member's alerts, as any user of it may keep
its watchlist: a webhook acts as the user who registered it, so it is sent exactly what that
user's alert page shows (decided again at each delivery with the user's current clearance), and
no user can make it carry more than the user could read with a token and a script. The shared
secret that signs deliveries is shown once, when the webhook is registered.

`enqueue` writes one delivery per live webhook of the alert's member in the transaction that
raises the alert (the outbox): a delivery exists if and only if its alert committed, and storing
a record never waits on a national system (``fighters/alert_delivery.py`` sends them).
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, func, select

from intelcell.cell import Cell
from intelcell.clock import iso
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.schema import users, watchlist_deliveries, watchlist_webhooks
from intelcell.store.users import User

MAX_WEBHOOKS = 5  # per member: a few national systems, not a fan-out service
MAX_URL = 2_000


class WebhookError(ValueError):
    """A webhook that cannot be registered; the message is the reason for the caller."""


@dataclass(frozen=True)
class Webhook:
    """A registered webhook as its member's users see it (never its secret)."""

    id: str
    url: str
    by: str
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The webhook as the API lists it."""
        return {"id": self.id, "url": self.url, "registered_by": self.by, "created_at": iso(self.created_at)}


def _allowed_host(host: str, allowed: str | None) -> str | None:
    """Why ``host`` may not receive webhooks, or None.

    The server sends these requests itself, so a user must not be able to point them at the
    server's own services or at link-local addresses (cloud metadata); administrators can narrow
    the hosts further with ``INTELCELL_WEBHOOK_HOSTS``. Names are not resolved here: an allow-list
    is the control that holds against a name that resolves inward.
    """
    host = host.lower().rstrip(".")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    inward = host == "localhost" or host.endswith(".localhost")
    if address is not None:
        inward = address.is_loopback or address.is_link_local or address.is_unspecified or address.is_multicast
    if inward:
        return "webhooks go to national systems, not to this server's own or link-local addresses"
    if allowed:
        patterns = [p.strip().lower() for p in allowed.split(",") if p.strip()]
        if not any(host == p or (p.startswith("*.") and host.endswith(p[1:])) for p in patterns):
            return f"the administrator allows webhooks to {', '.join(patterns)} only"
    return None


def checked_url(url: str, allowed_hosts: str | None = None) -> str:
    """The webhook URL if it is an absolute http(s) URL without credentials to an allowed host; WebhookError."""
    url = url.strip()
    if not url:
        raise WebhookError("enter the URL of the national system's webhook (https://...)")
    if len(url) > MAX_URL:
        raise WebhookError(f"a webhook URL has at most {MAX_URL} characters")
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise WebhookError("a webhook URL has no spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise WebhookError("the webhook URL cannot be read as a URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise WebhookError(f"only http and https webhooks are sent to, not '{parts.scheme or url[:20]}'")
    if not parts.hostname:
        raise WebhookError("the webhook URL names no host")
    if parts.username or parts.password:
        # Credentials in a URL end up in lists and logs; the signature authenticates deliveries.
        raise WebhookError("a webhook URL carries no user name or password: deliveries are signed instead")
    refusal = _allowed_host(parts.hostname, allowed_hosts)
    if refusal:
        raise WebhookError(refusal)
    return url


def register(cell: Cell, user: User, url: str) -> tuple[Webhook, str]:
    """Register a webhook for the caller's member's alerts; the webhook and its secret (shown once)."""
    url = checked_url(url, cell.settings.webhook_hosts)
    now = cell.clock()
    webhook_id = secrets.token_hex(16)
    secret = "whsec_" + secrets.token_urlsafe(32)
    with cell.db.write() as conn:
        count = conn.execute(
            select(func.count())
            .select_from(watchlist_webhooks)
            .where(watchlist_webhooks.c.member == user.member, watchlist_webhooks.c.removed_at.is_(None))
        ).scalar_one()
        if count >= MAX_WEBHOOKS:
            raise WebhookError(f"a member has at most {MAX_WEBHOOKS} webhooks: remove one first")
        conn.execute(
            watchlist_webhooks.insert().values(
                id=webhook_id, member=user.member, user_id=user.id, url=url, secret=secret, created_at=now
            )
        )
        _audit(conn, user, "watchlist.webhook.add", webhook_id, now)
    return Webhook(webhook_id, url, user.name, now), secret


def _audit(conn: Connection, user: User, operation: str, webhook_id: str, now: datetime) -> None:
    # By id, never the URL: administrators of other members read the log.
    event = AuditEvent("write", operation, "watchlist", user.member, user.name, (), (), {"webhook": webhook_id})
    audit.append(conn, event, now)


def remove(cell: Cell, user: User, webhook_id: str) -> bool:
    """Stop a webhook of the caller's member (its pending deliveries are dropped); False alike otherwise."""
    now = cell.clock()
    with cell.db.write() as conn:
        done = conn.execute(
            watchlist_webhooks.update()
            .where(
                watchlist_webhooks.c.id == webhook_id,
                watchlist_webhooks.c.member == user.member,
                watchlist_webhooks.c.removed_at.is_(None),
            )
            .values(removed_at=now)
        )
        if done.rowcount != 1:
            return False
        conn.execute(
            watchlist_deliveries.update()
            .where(watchlist_deliveries.c.webhook_id == webhook_id, watchlist_deliveries.c.state == "pending")
            .values(state="failed", last_error="the webhook was removed")
        )
        _audit(conn, user, "watchlist.webhook.remove", webhook_id, now)
    return True


def listed(conn: Connection, user: User) -> list[Webhook]:
    """The caller's member's live webhooks, oldest first."""
    query = (
        select(watchlist_webhooks, users.c.name.label("by"))
        .join(users, users.c.id == watchlist_webhooks.c.user_id)
        .where(watchlist_webhooks.c.member == user.member, watchlist_webhooks.c.removed_at.is_(None))
        .order_by(watchlist_webhooks.c.created_at, watchlist_webhooks.c.id)
    )
    return [Webhook(row.id, row.url, row.by, row.created_at) for row in conn.execute(query)]


def enqueue(conn: Connection, alerts: Sequence[dict[str, Any]], now: datetime) -> int:
    """Write a pending delivery per alert and live webhook of its member, in the alert's transaction; how many."""
    members = sorted({a["member"] for a in alerts})
    if not members:
        return 0
    hooks = conn.execute(
        select(watchlist_webhooks.c.id, watchlist_webhooks.c.member).where(
            watchlist_webhooks.c.member.in_(members), watchlist_webhooks.c.removed_at.is_(None)
        )
    ).all()
    rows = [
        {
            "id": secrets.token_hex(16),
            "webhook_id": hook.id,
            "alert_ref": alert["ref"],
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for alert in alerts
        for hook in hooks
        if hook.member == alert["member"]
    ]
    if rows:
        conn.execute(watchlist_deliveries.insert(), rows)
    return len(rows)


@dataclass(frozen=True)
class DeliveryState:
    """How the sending of one alert to the member's national systems stands, for the watchlist page."""

    state: str  # pending | delivered | failed | withheld (worst of the alert's webhooks)
    attempts: int
    last_error: str | None


_ORDER = {"failed": 0, "pending": 1, "withheld": 2, "delivered": 3}


def states(conn: Connection, member: str, refs: Sequence[str]) -> dict[str, DeliveryState]:
    """The delivery state of each of ``refs`` (alerts the caller may see) to the member's live webhooks."""
    found: dict[str, DeliveryState] = {}
    if not refs:
        return found
    query = (
        select(watchlist_deliveries)
        .join(watchlist_webhooks, watchlist_webhooks.c.id == watchlist_deliveries.c.webhook_id)
        .where(
            watchlist_deliveries.c.alert_ref.in_(list(refs)),
            watchlist_webhooks.c.member == member,
            watchlist_webhooks.c.removed_at.is_(None),
        )
    )
    for row in conn.execute(query):
        seen = found.get(row.alert_ref)
        if seen is None or _ORDER[row.state] < _ORDER[seen.state]:
            found[row.alert_ref] = DeliveryState(row.state, row.attempts, row.last_error)
    return found
