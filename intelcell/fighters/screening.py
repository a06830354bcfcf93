"""Screening: who among the members' person records may this query be, as far as the caller may know.

For each query the candidate index yields records sharing its rarest affordable keys; every
candidate is scored by the same algorithm whether or not the caller may read it, so what the
caller can read changes neither the work done nor its time. Then, per candidate:

- readable by the caller: a result, with the features that explain its score;
- not readable, scoring at least the algorithm's own threshold (never the caller's, so a low
  requested threshold cannot fish), and *discoverable*: a hit. The caller learns only that a
  member holds a possible match, with an opaque reference to ask that member through; the
  member is named only when the record's originator allows it. The holder sees the hit
  (``person_hits``). A fresh random reference is drawn for every hit, so references cannot be
  correlated across queries;
- otherwise nothing: a record its originator marks not discoverable never yields a hit.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import Connection, select

from intelcell.cell import Cell
from intelcell.domain.matching import ftf_v2
from intelcell.domain.matching.base import Comparison
from intelcell.domain.person import Profile, blocking_keys
from intelcell.fighters import entities, index, privacy
from intelcell.store.labels import Readable
from intelcell.store.schema import person_hits, persons
from intelcell.store.users import User

MAX_LIMIT = 100
CANDIDATES = 30  # records scored per query, rarest shared evidence first (bench: recall@5 -0.014, p95 40 -> 16 ms)
# Summed size of the keys a query is looked up by, rarest first. Bench at 1M: the true person is
# among the candidates for 0.825 of queries at 3,000 against 0.820 at 20,000 (rarer keys rank
# better), and the lookup's p95 falls from 12.8 to 2.7 ms; at 1,000 it drops to 0.805.
BUDGET = 3_000


class QueryError(ValueError):
    """A screening query that cannot be run; the message is the reason for the caller."""


@dataclass(frozen=True)
class Result:
    """A record the caller may read, scored against the query."""

    record_id: str
    member: str
    label: str
    entity: dict[str, Any]
    comparison: Comparison


@dataclass(frozen=True)
class Hit:
    """A possible match the caller may not read: an opaque reference, and the holder if it allows."""

    ref: str
    holder: str | None

    def to_json(self) -> dict[str, Any]:
        """The hit as the API shows it."""
        return {"ref": self.ref, "holder": self.holder}


@dataclass(frozen=True)
class Screening:
    """What one query found for one caller."""

    results: list[Result]
    total: int
    hits: list[Hit] = field(default_factory=list)


def query_profile(properties: Mapping[str, Any], where: str = "query") -> Profile:
    """Validate yente-style query properties (strings or lists of strings) into a profile."""
    if not isinstance(properties, Mapping):
        raise QueryError(f"{where}: properties must be an object")
    listed = {k: [v] if isinstance(v, str) else v for k, v in properties.items()}
    try:
        return entities.validate({"id": "query", "schema": "Person", "properties": listed}, where).profile
    except entities.EntityError as exc:
        raise QueryError(str(exc).replace(" (id 'query')", "")) from None


@lru_cache(maxsize=200_000)
def _profile(stored: str) -> Profile:
    """A stored profile, decoded once per process (rows are immutable versions)."""
    return Profile.from_json(orjson.loads(stored))


def _candidates(conn: Connection, keys: set[str]) -> list[Any]:
    """The index's candidate rows for a query's keys (access not yet applied)."""
    pks = index.candidates(conn, keys, limit=CANDIDATES, budget=BUDGET)
    if not pks:
        return []
    query = select(
        persons.c.pk,
        persons.c.id,
        persons.c.member,
        persons.c.label_id,
        persons.c.entity,
        persons.c.profile,
        persons.c.discoverable,
        persons.c.disclose_holder,
    ).where(persons.c.pk.in_(pks), persons.c.is_current)
    return list(conn.execute(query))


def _screen_one(
    cell: Cell, conn: Connection, user: User, readable: Readable, profile: Profile, limit: int, threshold: float
) -> tuple[Screening, list[tuple[Any, float]]]:
    keys = blocking_keys(profile)
    # Name frequency only from records this user may read, and only for the results it is shown:
    # a count over all records would move its scores with records it may not read, and a hit's
    # decision and recorded score (which the holder sees) must not depend on what the querier
    # may read either, so unreadable candidates are scored without frequency.
    frequencies = index.readable_counts(conn, keys, readable, user.member)
    scored = []
    for row in _candidates(conn, keys):
        allowed = readable.allows(row.label_id, row.member, user.member)
        comparison = ftf_v2.compare(profile, _profile(row.profile), threshold, frequencies if allowed else None)
        scored.append((row, comparison, allowed))
    scored.sort(key=lambda item: (-item[1].score, item[0].id))
    results, hidden = [], []
    for row, comparison, allowed in scored:
        if allowed:
            label = cell.labels.label(conn, row.label_id)
            results.append(
                Result(row.id, row.member, label.text() if label else "", orjson.loads(row.entity), comparison)
            )
        elif row.discoverable and comparison.score >= ftf_v2.THRESHOLD:
            hidden.append((row, comparison.score))
    hits = [Hit(secrets.token_hex(16), row.member if row.disclose_holder else None) for row, _ in hidden]
    return Screening(results[:limit], len(results), hits), hidden


def screen(
    cell: Cell,
    user: User,
    queries: Mapping[str, Profile],
    *,
    limit: int = 5,
    threshold: float = ftf_v2.THRESHOLD,
) -> dict[str, Screening]:
    """Screen each query for ``user``: readable results and hit/no-hit, hits recorded for their holders."""
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
    if not 0.0 <= threshold <= 1.0:
        raise QueryError("threshold must be between 0 and 1")
    out: dict[str, Screening] = {}
    recorded: list[dict[str, Any]] = []
    with cell.db.read() as conn:
        readable = cell.labels.readable(conn, user.viewer, cell.registry)
        for key, profile in queries.items():
            screening, hidden = _screen_one(cell, conn, user, readable, profile, limit, threshold)
            recorded.extend(
                {
                    "ref": hit.ref,
                    "person_id": row.id,
                    "holder": row.member,
                    "querying_member": user.member,
                    "querying_user_id": user.id,
                    "score": score,
                    "algorithm": ftf_v2.NAME,
                }
                for hit, (row, score) in zip(screening.hits, hidden, strict=True)
            )
            # Members' Bloom-filter encodings can only ever be hits (docs/privacy-preserving-matching.md).
            encoded = privacy.encoded_hits(cell, conn, profile, user)
            screening.hits.extend(Hit(h.ref, h.holder) for h in encoded)
            recorded.extend(h.hit_row(user) for h in encoded)
            out[key] = screening
    if recorded:
        now = cell.clock()
        with cell.db.write() as conn:
            conn.execute(person_hits.insert(), [{**row, "created_at": now} for row in recorded])
    return out
