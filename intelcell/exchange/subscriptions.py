"""Subscriptions: a user's saved searches, whose new matches are alerts (issue 9, item 6).

A subscription keeps only its query (the words and facets of `exchange.search`) and a watermark,
the STIX time through which its user has seen matches. Its new matches are the search run, for the
user and as they may read *now*, over objects added after the watermark: an object whose label or
whose reader's clearance changed is judged by what holds at read time, and counts are those of the
search, over readable objects only. A subscription is its user's alone: any other user, of the same
member or not, finds every id unknown, exactly like one that never existed.

The watermark is the clock time the user marked seen (or the subscription was made). An envelope
whose write transaction began before that instant but committed after it is treated as seen: the
window is one write transaction, and an alert missed there is no disclosure.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from intelcell.cell import Cell
from intelcell.clock import iso
from intelcell.domain.label import LabelError, parse
from intelcell.domain.stix_time import TimestampError, shown, stored
from intelcell.exchange.search import SearchQuery, SearchResult, search
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.schema import subscriptions
from intelcell.store.users import User

MAX_SUBSCRIPTIONS = 100  # per user: saved searches, not a second search engine
MAX_NAME = 200
MAX_TEXT = 500
MAX_VALUES = 64  # of each facet
MAX_LABEL = 500
MAX_NEW = 500  # new matches listed per request
_TYPE = re.compile(r"^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$")  # STIX 2.1 type names (section 3.1)


class SubscriptionError(ValueError):
    """A subscription that cannot be stored or a request about one that cannot be met; the message says why."""


@dataclass(frozen=True)
class Subscription:
    """One saved search of one user."""

    id: str
    name: str
    query: SearchQuery
    seen_through: str  # stored STIX time
    created_at: datetime

    def query_json(self) -> dict[str, Any]:
        """The query as the API takes and shows it."""
        q = self.query
        return {
            "q": q.text,
            "types": list(q.types),
            "members": list(q.members),
            "labels": list(q.labels),
            "added_after": shown(q.added_after) if q.added_after else None,
            "added_before": shown(q.added_before) if q.added_before else None,
        }

    def to_json(self) -> dict[str, Any]:
        """The subscription as its own user sees it."""
        return {
            "id": self.id,
            "name": self.name,
            "query": self.query_json(),
            "seen_through": shown(self.seen_through),
            "created_at": iso(self.created_at),
        }


def _values(raw: Any, what: str, longest: int) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple) or not all(isinstance(v, str) for v in raw):
        raise SubscriptionError(f"{what}: a list of texts")
    values = sorted({v.strip() for v in raw if v.strip()})
    if len(values) > MAX_VALUES:
        raise SubscriptionError(f"{what}: at most {MAX_VALUES} values")
    if any(len(v) > longest for v in values):
        raise SubscriptionError(f"{what}: a value is longer than {longest} characters")
    return values


def _time(value: Any, what: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        return stored(value)
    except TimestampError as exc:
        raise SubscriptionError(f"{what}: {exc}") from None


def parse_query(cell: Cell, fields: dict[str, Any]) -> SearchQuery:
    """A search query from its fields (q, types, members, labels, added_after, added_before); SubscriptionError."""
    text = fields.get("q") or ""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise SubscriptionError(f"q: words of at most {MAX_TEXT} characters")
    types = _values(fields.get("types"), "types", 250)
    bad = [t for t in types if not _TYPE.match(t)]
    if bad:
        raise SubscriptionError(f"types: '{bad[0][:60]}' is not a STIX type name")
    members = [m.upper() for m in _values(fields.get("members"), "members", 16)]
    unknown = [m for m in members if m not in cell.registry.members]
    if unknown:
        raise SubscriptionError(f"members: '{unknown[0]}' is not a member of the cell")
    labels = []
    for text_form in _values(fields.get("labels"), "labels", MAX_LABEL):
        try:
            labels.append(parse(text_form, cell.vocabulary).text())  # canonical, as search compares
        except LabelError as exc:
            raise SubscriptionError(f"labels: '{text_form[:80]}': {exc}") from None
    after, before = _time(fields.get("added_after"), "added_after"), _time(fields.get("added_before"), "added_before")
    if after and before and after >= before:
        raise SubscriptionError("added_after must be before added_before")
    return SearchQuery(text, tuple(types), tuple(sorted(set(members))), tuple(labels), after, before)


def _name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise SubscriptionError("name: give the subscription a name")
    if len(name.strip()) > MAX_NAME:
        raise SubscriptionError(f"name: at most {MAX_NAME} characters")
    return name.strip()


def _subscription(row: Any) -> Subscription:
    q = json.loads(row.query)
    query = SearchQuery(
        q["text"], tuple(q["types"]), tuple(q["members"]), tuple(q["labels"]), q["added_after"], q["added_before"]
    )
    return Subscription(row.id, row.name, query, row.seen_through, row.created_at)


def _audit(conn: Connection, user: User, operation: str, subscription_id: str, now: datetime) -> None:
    # By id only, never the words: administrators of other members read the log.
    event = AuditEvent(
        "write", operation, "subscriptions", user.member, user.name, (), (), {"subscription": subscription_id}
    )
    audit.append(conn, event, now)


def create(cell: Cell, user: User, name: Any, query: SearchQuery) -> Subscription:
    """Save a search for ``user``; matches added from now on are its new matches."""
    name = _name(name)
    now = cell.clock()
    row = {
        "id": secrets.token_hex(16),
        "user_id": user.id,
        "name": name,
        "query": json.dumps(
            {
                "text": query.text,
                "types": list(query.types),
                "members": list(query.members),
                "labels": list(query.labels),
                "added_after": query.added_after,
                "added_before": query.added_before,
            }
        ),
        "seen_through": stored(iso(now)),
        "created_at": now,
    }
    with cell.db.write() as conn:
        held = conn.execute(select(func.count()).where(subscriptions.c.user_id == user.id)).scalar_one()
        if held >= MAX_SUBSCRIPTIONS:
            raise SubscriptionError(f"at most {MAX_SUBSCRIPTIONS} subscriptions per user: delete one first")
        conn.execute(subscriptions.insert().values(**row))
        _audit(conn, user, "subscription.add", row["id"], now)
    return Subscription(row["id"], name, query, row["seen_through"], now)


def listing(conn: Connection, user: User) -> list[Subscription]:
    """The caller's own subscriptions, oldest first."""
    query = select(subscriptions).where(subscriptions.c.user_id == user.id)
    rows = conn.execute(query.order_by(subscriptions.c.created_at, subscriptions.c.id))
    return [_subscription(r) for r in rows]


def get(conn: Connection, user: User, subscription_id: str) -> Subscription | None:
    """The caller's subscription with this id; None alike when it is missing or another user's."""
    row = conn.execute(
        select(subscriptions).where(subscriptions.c.id == subscription_id, subscriptions.c.user_id == user.id)
    ).first()
    return _subscription(row) if row else None


def remove(cell: Cell, user: User, subscription_id: str) -> bool:
    """Delete the caller's subscription; False alike when it is missing or another user's."""
    now = cell.clock()
    with cell.db.write() as conn:
        done = conn.execute(
            subscriptions.delete().where(subscriptions.c.id == subscription_id, subscriptions.c.user_id == user.id)
        )
        if done.rowcount != 1:
            return False
        _audit(conn, user, "subscription.remove", subscription_id, now)
    return True


def new_matches(cell: Cell, conn: Connection, user: User, sub: Subscription, limit: int = 50) -> SearchResult:
    """The subscription's matches added after its watermark that ``user`` may read now, newest first."""
    if not 1 <= limit <= MAX_NEW:
        raise SubscriptionError(f"limit must be between 1 and {MAX_NEW}")
    after = max(sub.query.added_after or "", sub.seen_through)
    return search(cell, conn, user, replace(sub.query, added_after=after, limit=limit))


def seen_through(cell: Cell, value: str | None) -> str:
    """A watermark: ``value`` (a STIX time, not in the future) or now; SubscriptionError."""
    now = stored(iso(cell.clock()))
    if not value:
        return now
    moment = _time(value, "seen_through") or now
    if moment > now:
        raise SubscriptionError("seen_through: a time in the future would hide matches not yet seen")
    return moment


def mark_seen(cell: Cell, user: User, subscription_id: str, through: str) -> Subscription | None:
    """Move the watermark of the caller's subscription to ``through``; None alike when missing or another's."""
    with cell.db.write() as conn:
        done = conn.execute(
            subscriptions.update()
            .where(subscriptions.c.id == subscription_id, subscriptions.c.user_id == user.id)
            .values(seen_through=through)
        )
        if done.rowcount != 1:
            return None
        return get(conn, user, subscription_id)


def mark_all_seen(conn: Connection, user: User, through: str) -> None:
    """Move the watermark of every subscription of the caller to ``through``, inside the caller's transaction."""
    # Forward only: a page opened long ago, or a search saved after it, must not bring old matches back.
    conn.execute(
        subscriptions.update()
        .where(subscriptions.c.user_id == user.id, subscriptions.c.seen_through < through)
        .values(seen_through=through)
    )
