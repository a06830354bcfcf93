"""Watchlists and continuous screening: a member hears when any member's new record matches a person it watches.

A member's watchlist is its own: its users add and remove entries (names in any script, partial
birth dates, nationality, documents, each with a threshold), and no other member ever sees an
entry, its number or whether one exists. Whenever any member stores a record version, it is
compared with every live entry that shares a candidate key with it, in the same transaction
(`records.store`), so an alert can no more be lost in a crash than the record itself.

An alert is disclosed by the hit/no-hit rule of screening, decided per viewer when it is read:
a user who may read the record sees it with its score and explanation; otherwise, if the record is
discoverable, the user sees only a hit (an opaque reference, and the holder if the record allows)
and may ask the holder through an RFI; otherwise nothing. The score is computed without name
frequencies, so it does not depend on what the watcher may read. The holder sees each alert as a
hit on its record (`person_hits`), as it sees screening hits.

An entry is also compared, when it is added, with the existing current records that the candidate
index ranks first for it (`EXISTING_CANDIDATES`, never a scan of all records), in the adding
transaction. That comparison is a query the watcher makes, as a screening is, so it follows
screening's rule for the holder: a hit on a record the adding user may not read is recorded for
its holder at once.

Every alert also enqueues a delivery to each of the watching member's webhooks in its own
transaction (`webhooks.enqueue`; `alert_delivery` sends them).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, func, select

from intelcell.cell import Cell
from intelcell.clock import iso
from intelcell.domain.matching import ftf_v2
from intelcell.domain.person import Profile, blocking_keys
from intelcell.fighters import entities, index, webhooks
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.schema import person_hits, persons, watchlist_alerts, watchlist_entries
from intelcell.store.users import User

MAX_ENTRIES = 1_000  # per member: a watchlist, not a second database
MAX_ALERTS = 500  # per page
# Existing records compared with a new entry: the index's best-ranked candidates, as screening
# takes (fighters/screening.py CANDIDATES, BUDGET), so adding an entry costs about one screening.
EXISTING_CANDIDATES = 50
EXISTING_BUDGET = 3_000


class WatchlistError(ValueError):
    """A watchlist entry that cannot be stored; the message is the reason for the caller."""


@dataclass(frozen=True)
class Entry:
    """One person a member watches for."""

    id: str
    caption: str
    properties: dict[str, list[str]]
    threshold: float
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The entry as its own member's users see it."""
        return {
            "id": self.id,
            "caption": self.caption,
            "properties": self.properties,
            "threshold": self.threshold,
            "created_at": iso(self.created_at),
        }


@dataclass(frozen=True)
class Alert:
    """An alert as one viewer may see it: the record (readable) or a hit (not readable, discoverable).

    Its public id is its random reference; alerts are ordered by day, then by reference, so neither
    a counter nor a neighbour in the list can tie a hit to a record stored with it.
    """

    ref: str
    entry_id: str
    entry_caption: str
    created_on: date
    created_at: datetime | None = None  # a record's alert only: a hit's exact time could name its holder
    record_id: str | None = None  # None for a hit
    caption: str | None = None
    holder: str | None = None  # a hit names its holder only when the record allows
    score: float | None = None
    label: str | None = None
    askable: bool = False  # a hit on another member's record: the holder may be asked by the reference

    @property
    def is_hit(self) -> bool:
        """True when the viewer may not read the record: it learns only that a member holds a match."""
        return self.record_id is None

    def to_json(self) -> dict[str, Any]:
        """The alert as the API shows it."""
        out: dict[str, Any] = {
            "id": self.ref,
            "entry": {"id": self.entry_id, "caption": self.entry_caption},
            "created_on": self.created_on.isoformat(),
            "kind": "hit" if self.is_hit else "record",
        }
        if self.is_hit:
            out["hit"] = {"ref": self.ref, "holder": self.holder, "askable": self.askable}
        else:
            out["created_at"] = iso(self.created_at) if self.created_at else None
            out["record"] = {"id": self.record_id, "caption": self.caption, "holder": self.holder, "label": self.label}
            out["score"] = self.score
        return out


def _entry(row: Any) -> Entry:
    return Entry(row.id, row.caption, json.loads(row.properties), row.threshold, row.created_at)


def add(cell: Cell, user: User, properties: Mapping[str, Any], threshold: float | None = None) -> Entry:
    """Add a person to the caller's member's watchlist; WatchlistError with the reason if it cannot be."""
    threshold = ftf_v2.THRESHOLD if threshold is None else threshold
    if not 0.5 <= threshold <= 1.0:
        raise WatchlistError("threshold must be between 0.5 and 1 (0.7 is a match in screening)")
    if not isinstance(properties, Mapping):
        raise WatchlistError("entry: properties must be an object")
    listed = {k: [v] if isinstance(v, str) else v for k, v in properties.items()}
    try:  # the validation of a stored record (a watchlist entry is a Person as well)
        profile = entities.validate({"id": "entry", "schema": "Person", "properties": listed}, "entry").profile
    except entities.EntityError as exc:
        raise WatchlistError(str(exc).replace(" (id 'entry')", "")) from None
    now = cell.clock()
    entry_id = secrets.token_hex(16)
    profile_json = json.dumps(profile.to_json(), ensure_ascii=False)
    with cell.db.write() as conn:
        count = conn.execute(
            select(func.count())
            .select_from(watchlist_entries)
            .where(watchlist_entries.c.member == user.member, watchlist_entries.c.removed_at.is_(None))
        ).scalar_one()
        if count >= MAX_ENTRIES:
            raise WatchlistError(f"a watchlist holds at most {MAX_ENTRIES} persons: remove some first")
        conn.execute(
            watchlist_entries.insert().values(
                id=entry_id,
                member=user.member,
                created_by=user.id,
                caption=profile.names[0].text,
                properties=json.dumps(listed, ensure_ascii=False),
                profile=profile_json,
                threshold=threshold,
                created_at=now,
                removed_at=None,
            )
        )
        _audit(conn, user, "watchlist.add", entry_id, now)
        _match_existing(cell, conn, user, entry_id, profile_json, threshold, now)
    return Entry(entry_id, profile.names[0].text, listed, threshold, now)


def _match_existing(
    cell: Cell, conn: Connection, user: User, entry_id: str, profile_json: str, threshold: float, now: datetime
) -> int:
    """Alert the new entry's matches among existing current records, within the adding transaction; how many."""
    profile, keys = _watched(profile_json)
    pks = index.candidates(conn, keys, limit=EXISTING_CANDIDATES, budget=EXISTING_BUDGET)
    if not pks:
        return 0
    rows = conn.execute(
        select(
            persons.c.id, persons.c.version, persons.c.member, persons.c.label_id, persons.c.profile,
            persons.c.discoverable,
        ).where(persons.c.pk.in_(pks), persons.c.is_current)
    ).all()  # fmt: skip
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    raised, asked = [], []
    for row in sorted(rows, key=lambda r: r.id):  # scoring order says nothing of the index's ranking
        score = ftf_v2.compare(profile, Profile.from_json(json.loads(row.profile)), threshold).score
        if score < threshold:
            continue
        ref = secrets.token_hex(16)
        raised.append(_alert_row(entry_id, user.member, row.id, row.version, ref, score, now))
        if row.discoverable and not readable.allows(row.label_id, row.member, user.member):
            asked.append({
                "ref": ref, "person_id": row.id, "holder": row.member, "querying_member": user.member,
                "querying_user_id": user.id, "score": score, "algorithm": ftf_v2.NAME, "created_at": now,
            })  # fmt: skip
    _insert_alerts(conn, raised, now)
    if asked:  # a query by the watcher: the holder sees it as it sees a screening hit
        conn.execute(person_hits.insert(), asked)
    return len(raised)


def _alert_row(
    entry_id: str, member: str, person_id: str, version: int, ref: str, score: float, now: datetime
) -> dict[str, Any]:
    return {
        "entry_id": entry_id,
        "member": member,
        "person_id": person_id,
        "version": version,
        "ref": ref,
        "score": score,
        "created_at": now,
        "created_on": now.date(),
    }


def _insert_alerts(conn: Connection, rows: list[dict[str, Any]], now: datetime) -> None:
    """Store alerts and enqueue their deliveries in the same transaction (the outbox)."""
    if rows:
        conn.execute(watchlist_alerts.insert(), rows)
        webhooks.enqueue(conn, rows, now)


def _audit(conn: Connection, user: User, operation: str, entry_id: str, now: datetime) -> None:
    # The entry by id, never the person: administrators of other members read the log.
    event = AuditEvent("write", operation, "watchlist", user.member, user.name, (), (), {"entry": entry_id})
    audit.append(conn, event, now)


def remove(cell: Cell, user: User, entry_id: str) -> bool:
    """Remove an entry of the caller's member; False alike when missing, removed or another member's."""
    now = cell.clock()
    with cell.db.write() as conn:
        done = conn.execute(
            watchlist_entries.update()
            .where(
                watchlist_entries.c.id == entry_id,
                watchlist_entries.c.member == user.member,
                watchlist_entries.c.removed_at.is_(None),
            )
            .values(removed_at=now)
        )
        if done.rowcount != 1:
            return False
        event = AuditEvent(
            "write", "watchlist.remove", "watchlist", user.member, user.name, (), (), {"entry": entry_id}
        )
        audit.append(conn, event, now)
    return True


def entries(conn: Connection, user: User) -> list[Entry]:
    """The caller's member's live entries, newest first."""
    query = (
        select(watchlist_entries)
        .where(watchlist_entries.c.member == user.member, watchlist_entries.c.removed_at.is_(None))
        .order_by(watchlist_entries.c.created_at.desc(), watchlist_entries.c.id)
    )
    return [_entry(row) for row in conn.execute(query)]


@lru_cache(maxsize=200_000)
def _watched(profile_json: str) -> tuple[Profile, frozenset[str]]:
    """An entry's profile and candidate keys, decoded once per process (entries never change)."""
    profile = Profile.from_json(json.loads(profile_json))
    return profile, frozenset(blocking_keys(profile))


def match_records(conn: Connection, stored: Sequence[Any], now: datetime) -> int:
    """Alert every live entry a just-stored record version matches, in the storing transaction; how many.

    ``stored`` are `records.Record` versions (pk, id, version, member, profile, discoverable).
    Entries are compared only with records sharing a candidate key, as screening does.
    """
    live = conn.execute(
        select(
            watchlist_entries.c.id,
            watchlist_entries.c.member,
            watchlist_entries.c.created_by,
            watchlist_entries.c.profile,
            watchlist_entries.c.threshold,
        ).where(watchlist_entries.c.removed_at.is_(None))
    ).all()
    if not live or not stored:
        return 0
    watched = [(row, *_watched(row.profile)) for row in live]
    alerts = []
    for record in stored:
        keys = blocking_keys(record.profile)
        for row, profile, entry_keys in watched:
            if not keys & entry_keys:
                continue
            score = ftf_v2.compare(profile, record.profile, row.threshold).score
            if score < row.threshold:
                continue
            alerts.append(_alert_row(row.id, row.member, record.id, record.version, secrets.token_hex(16), score, now))
    # No hit is written for the holder here: it would tell any member storing a probe record who
    # watches that person. The holder sees a hit when the watcher asks it (`claim_hit`).
    _insert_alerts(conn, alerts, now)
    return len(alerts)


def alerts(cell: Cell, conn: Connection, user: User, limit: int = 100, after: str | None = None) -> list[Alert]:
    """The caller's member's alerts as the caller may see them, newest day first (``after``: an alert's id).

    Within a day alerts go by their random reference, so the order says nothing about which
    alerts one stored transaction raised.
    """
    if not 1 <= limit <= MAX_ALERTS:
        raise WatchlistError(f"limit must be between 1 and {MAX_ALERTS}")
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    mine = watchlist_alerts.c.member == user.member
    query = _alert_query(user.member)
    if after is not None:
        anchor = conn.execute(
            select(watchlist_alerts.c.created_on, watchlist_alerts.c.ref).where(mine, watchlist_alerts.c.ref == after)
        ).first()
        if anchor is None:
            raise WatchlistError(f"no alert '{after[:64]}' to continue after")
        query = query.where(
            (watchlist_alerts.c.created_on < anchor.created_on)
            | ((watchlist_alerts.c.created_on == anchor.created_on) & (watchlist_alerts.c.ref > anchor.ref))
        )
    out: list[Alert] = []
    # Read in pages until ``limit`` are shown: alerts the viewer may see nothing of are skipped. The
    # block closes the (server-side, on PostgreSQL) cursor when the loop stops early.
    with conn.execute(query.execution_options(yield_per=limit)) as rows:
        for row in rows:
            if _shown(cell, conn, readable, user, row, out) >= limit:
                break
    return out


def alert(cell: Cell, conn: Connection, user: User, ref: str) -> Alert | None:
    """One alert of the caller's member as the caller may see it; None alike when missing or not to be seen."""
    row = conn.execute(_alert_query(user.member).where(watchlist_alerts.c.ref == ref)).first()
    if row is None:
        return None
    out: list[Alert] = []
    _shown(cell, conn, cell.labels.readable(conn, user.viewer, cell.registry), user, row, out)
    return out[0] if out else None


def _alert_query(member: str) -> Any:
    """Alerts of ``member``'s live entries with what decides their disclosure, newest day first."""
    return (
        select(
            watchlist_alerts,
            watchlist_entries.c.caption.label("entry_caption"),
            persons.c.label_id,
            persons.c.member.label("holder"),
            persons.c.entity,
            persons.c.discoverable,
            persons.c.disclose_holder,
        )
        .join(watchlist_entries, watchlist_entries.c.id == watchlist_alerts.c.entry_id)
        .join(
            persons,
            (persons.c.id == watchlist_alerts.c.person_id) & (persons.c.version == watchlist_alerts.c.version),
        )
        .where(watchlist_alerts.c.member == member, watchlist_entries.c.removed_at.is_(None))
        .order_by(watchlist_alerts.c.created_on.desc(), watchlist_alerts.c.ref)
    )


def _shown(cell: Cell, conn: Connection, readable: Any, user: User, row: Any, out: list[Alert]) -> int:
    """Append what ``user`` may see of one alert row to ``out``; how many are shown now."""
    if readable.allows(row.label_id, row.holder, user.member):
        label = cell.labels.label(conn, row.label_id)
        caption = (json.loads(row.entity).get("properties", {}).get("name") or [row.person_id])[0]
        out.append(
            Alert(
                row.ref,
                row.entry_id,
                row.entry_caption,
                row.created_on,
                created_at=row.created_at,
                record_id=row.person_id,
                caption=caption,
                holder=row.holder,
                score=row.score,
                label=label.text() if label else None,
            )
        )
    elif row.discoverable:
        holder = row.holder if row.disclose_holder else None
        askable = row.holder != user.member  # one's own member is asked inside, not through a hit
        out.append(Alert(row.ref, row.entry_id, row.entry_caption, row.created_on, holder=holder, askable=askable))
    return len(out)


def released(shown: Sequence[Alert]) -> tuple[list[str], list[str]]:
    """The record ids and labels that ``shown`` alerts release (hits release neither), for the read audit."""
    records_ = [a for a in shown if not a.is_hit]
    return [a.record_id or "" for a in records_], sorted({a.label or "" for a in records_})


def claimable_hit(conn: Connection, user: User, ref: str) -> Any:
    """The holder and score behind an alert's reference the caller's member may ask about; None otherwise."""
    return conn.execute(
        select(persons.c.member.label("holder"), persons.c.id.label("person_id"), watchlist_alerts.c.score)
        .join(
            persons,
            (persons.c.id == watchlist_alerts.c.person_id) & (persons.c.version == watchlist_alerts.c.version),
        )
        .where(
            watchlist_alerts.c.ref == ref,
            watchlist_alerts.c.member == user.member,
            persons.c.discoverable.is_(True),
            persons.c.member != user.member,
        )
    ).first()


def record_asked_hit(conn: Connection, user: User, ref: str, found: Any, now: datetime) -> None:
    """Show the holder the hit its watcher asked about (as a screening hit is shown), once."""
    if conn.execute(select(person_hits.c.pk).where(person_hits.c.ref == ref)).first() is None:
        conn.execute(
            person_hits.insert().values(
                ref=ref,
                person_id=found.person_id,
                holder=found.holder,
                querying_member=user.member,
                querying_user_id=user.id,
                score=found.score,
                algorithm=ftf_v2.NAME,
                created_at=now,
            )
        )
