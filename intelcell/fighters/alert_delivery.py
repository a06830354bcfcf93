"""Sending watchlist alerts to members' webhooks: signed JSON POSTs from the outbox, retried with backoff.

Deliveries are written with their alert (``fighters/webhooks.py`` `enqueue`); `deliver_due` sends
those that are due, each claimed first (``claimed_until``) so that several server processes
sharing one PostgreSQL never send the same delivery at the same time. Delivery is at least once:
a process that stops between the POST and recording it sends it again once the claim expires, with
the same ``X-Intelcell-Delivery`` id for the receiver to deduplicate on.

What is sent is decided at sending time, as the alert page decides it: the alert as the user who
registered the webhook may see it now (`watchlists.alert`): the record if that user may read it,
only a hit if it is discoverable, nothing at all (``withheld``) otherwise. A sent record is audited
as a read by that user, like the alert page's reads.

Signature (docs/fighters.md): ``X-Intelcell-Timestamp`` is the UNIX time of the attempt, and
``X-Intelcell-Signature`` is ``sha256=`` and the hex HMAC-SHA256, keyed by the webhook's secret,
of the timestamp, a full stop and the exact body bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy import Connection, or_, select

from intelcell.cell import Cell
from intelcell.fighters import watchlists
from intelcell.store import audit
from intelcell.store import users as users_store
from intelcell.store.audit import AuditEvent
from intelcell.store.schema import watchlist_deliveries, watchlist_webhooks

log = logging.getLogger(__name__)

TIMEOUT_S = 5.0  # a slow national system delays its own deliveries, never storing
ATTEMPTS = 8  # then the delivery is failed: about four hours of retries in all
BACKOFF = timedelta(seconds=30)  # doubled after each failed attempt
MAX_BACKOFF = timedelta(hours=1)
CLAIM = timedelta(seconds=60)  # longer than an attempt can take
BATCH = 50  # deliveries per pass
POLL_S = 2.0


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Intelcell-Signature`` value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signed: str) -> bool:
    """True when ``signed`` is the signature of ``body`` at ``timestamp`` (what a receiver checks)."""
    try:
        expected = signature(secret, int(timestamp), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, signed)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 30 s, doubling, at most an hour."""
    return min(BACKOFF * (2 ** (attempts - 1)), MAX_BACKOFF)


@dataclass(frozen=True)
class _Due:
    id: str
    alert_ref: str
    attempts: int
    url: str
    secret: str
    member: str
    user_id: int


def _claim(cell: Cell, now: datetime) -> list[_Due]:
    """Claim up to BATCH due deliveries for this process."""
    query = (
        select(
            watchlist_deliveries.c.id,
            watchlist_deliveries.c.alert_ref,
            watchlist_deliveries.c.attempts,
            watchlist_webhooks.c.url,
            watchlist_webhooks.c.secret,
            watchlist_webhooks.c.member,
            watchlist_webhooks.c.user_id,
        )
        .join(watchlist_webhooks, watchlist_webhooks.c.id == watchlist_deliveries.c.webhook_id)
        .where(
            watchlist_deliveries.c.state == "pending",
            watchlist_deliveries.c.next_attempt_at <= now,
            or_(watchlist_deliveries.c.claimed_until.is_(None), watchlist_deliveries.c.claimed_until < now),
        )
        .order_by(watchlist_deliveries.c.next_attempt_at, watchlist_deliveries.c.id)
        .limit(BATCH)
    )
    with cell.db.read() as conn:
        candidates = [_Due(*row) for row in conn.execute(query)]
    if not candidates:
        return []
    claimed = []
    with cell.db.write() as conn:
        for due in candidates:
            # The state and expiry are checked again in the UPDATE: another process may have won.
            done = conn.execute(
                watchlist_deliveries.update()
                .where(
                    watchlist_deliveries.c.id == due.id,
                    watchlist_deliveries.c.state == "pending",
                    or_(watchlist_deliveries.c.claimed_until.is_(None), watchlist_deliveries.c.claimed_until < now),
                )
                .values(claimed_until=now + CLAIM)
            )
            if done.rowcount == 1:
                claimed.append(due)
    return claimed


def _payload(cell: Cell, conn: Connection, due: _Due) -> tuple[bytes, watchlists.Alert] | None:
    """The body to send (what the webhook's user may see of the alert), or None when it may see nothing."""
    user = users_store.get(conn, due.user_id)
    if user is None or user.member != due.member:
        return None
    shown = watchlists.alert(cell, conn, user, due.alert_ref)
    if shown is None:
        return None
    body = {"delivery": due.id, "type": "watchlist.alert", "member": due.member, "alert": shown.to_json()}
    return orjson.dumps(body), shown


def _send(client: httpx.Client, due: _Due, body: bytes, now: datetime) -> str | None:
    """POST one delivery; None on a 2xx answer, the reason otherwise."""
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "intelcell-webhook/1",
        "X-Intelcell-Delivery": due.id,
        "X-Intelcell-Timestamp": str(timestamp),
        "X-Intelcell-Signature": signature(due.secret, timestamp, body),
    }
    try:
        response = client.post(due.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {str(exc)[:200] or 'no answer'}"
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}"


def _finish(cell: Cell, due: _Due, error: str | None, shown: watchlists.Alert | None, now: datetime) -> None:
    """Record an attempt: delivered (with the read audited), withheld, retried later or failed."""
    with cell.db.write() as conn:
        values: dict[str, Any] = {"claimed_until": None}
        if shown is None and error is None:
            values.update(state="withheld")
        elif error is None:
            values.update(state="delivered", delivered_at=now, attempts=due.attempts + 1, last_error=None)
            if shown is not None and not shown.is_hit:
                user = users_store.get(conn, due.user_id)
                event = AuditEvent(
                    "read", "watchlist.webhook", "webhook", due.member, user.name if user else None,
                    [shown.record_id or ""], [shown.label or ""], {"delivery": due.id},
                )  # fmt: skip
                audit.append(conn, event, now)
        else:
            attempts = due.attempts + 1
            values.update(attempts=attempts, last_error=error)
            if attempts >= ATTEMPTS:
                values.update(state="failed")
            else:
                values.update(next_attempt_at=now + backoff(attempts))
        conn.execute(
            watchlist_deliveries.update()
            .where(watchlist_deliveries.c.id == due.id, watchlist_deliveries.c.state == "pending")
            .values(**values)
        )


def deliver_due(cell: Cell, client: httpx.Client, stop: threading.Event | None = None) -> int:
    """Send every due delivery once (one pass, cut short when ``stop`` is set); how many were handled."""
    now = cell.clock()
    handled = 0
    for due in _claim(cell, now):
        if stop is not None and stop.is_set():
            break  # its claim expires and another pass or process sends it
        with cell.db.read() as conn:
            prepared = _payload(cell, conn, due)
        if prepared is None:
            _finish(cell, due, None, None, now)
        else:
            body, shown = prepared
            _finish(cell, due, _send(client, due, body, now), shown, now)
        handled += 1
    return handled


class DeliveryWorker:
    """The background thread of a server process that sends due deliveries every POLL_S seconds."""

    def __init__(self, cell: Cell, transport: httpx.BaseTransport | None = None, poll_s: float | None = None) -> None:
        self.cell = cell
        self.poll_s = POLL_S if poll_s is None else poll_s  # read when built, so a test can slow every app's
        self._client = httpx.Client(transport=transport, timeout=TIMEOUT_S, follow_redirects=False)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start sending in a daemon thread."""
        self._thread = threading.Thread(target=self.run, name="watchlist-webhooks", daemon=True)
        self._thread.start()

    def run(self) -> None:
        """Send due deliveries until stopped; a failing pass is logged and the next one tries again."""
        while not self._stop.wait(self.poll_s):
            try:
                deliver_due(self.cell, self._client, self._stop)
            except Exception:
                log.exception("watchlist webhook delivery pass failed; retrying in %.0f s", self.poll_s)

    def stop(self) -> None:
        """Stop the thread (after its current pass) and close the HTTP client."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=TIMEOUT_S + 5)
        self._client.close()
