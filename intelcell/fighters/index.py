"""The candidate index: blocking keys of current person records, and candidate lookup.

``person_keys`` holds ``(key, person_pk)`` for the current version of every record (a new
version replaces its predecessor's keys in the same transaction), and ``person_key_counts``
how many current records hold each key. A lookup takes the query's keys rarest first while
their summed frequency stays within a budget, so a common key ("s:mhmd") never drags a million
rows into scoring, and ranks records by the summed rarity of the keys they share.
``person_key_access_counts`` counts the name keys per label and originator, so that
`readable_counts` can say how common a name is among the records one viewer may read.

Candidate lookup deliberately ignores access: hit/no-hit screening must find records the caller
may not read. Callers score the candidates, then filter by the caller's access (or disclose only
a hit) themselves; nothing returned here may be shown to a caller as it is.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, case, delete, func, literal, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from intelcell.domain.person import NAME_KEY_PREFIXES
from intelcell.store.labels import Readable
from intelcell.store.schema import person_key_access_counts, person_key_counts, person_keys, persons

_CHUNK = 500  # keys per IN list


def _add_counts(conn: Connection, table: Table, deltas: Mapping[tuple[Any, ...], int]) -> None:
    """Add ``deltas`` (by primary key, without ``n``) to ``table``'s counts: the one dialect difference here.

    Rows are written in sorted order so concurrent writers lock count rows in the same order;
    rows whose count falls to zero are deleted.
    """
    if not deltas:
        return
    columns = [c for c in table.primary_key.columns]
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=columns, set_={"n": table.c.n + stmt.excluded.n})
    conn.execute(
        stmt, [{**dict(zip((c.name for c in columns), row, strict=True)), "n": deltas[row]} for row in sorted(deltas)]
    )
    emptied = sorted(row for row, delta in deltas.items() if delta < 0)
    for start in range(0, len(emptied), _CHUNK):
        chunk = emptied[start : start + _CHUNK]
        conn.execute(delete(table).where(tuple_(*columns).in_(chunk), table.c.n <= 0))


def _keys_of(conn: Connection, pks: Sequence[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for start in range(0, len(pks), _CHUNK):
        chunk = pks[start : start + _CHUNK]
        for row in conn.execute(
            select(person_keys.c.person_pk, person_keys.c.key).where(person_keys.c.person_pk.in_(chunk))
        ):
            found.setdefault(row.person_pk, set()).add(row.key)
    return found


def replace_keys_many(conn: Connection, changes: Iterable[tuple[int, int | None, Iterable[str]]]) -> None:
    """For each ``(person_pk, old_pk, keys)``: index the new version under ``keys``, drop ``old_pk``'s keys.

    Runs in the caller's write transaction; counts change by the difference only.
    """
    changes = [(pk, old, sorted(set(keys))) for pk, old, keys in changes]
    old_pks = [old for _pk, old, _keys in changes if old is not None]
    previous = _keys_of(conn, old_pks)
    owner = _owners(conn, [pk for pk, _old, _keys in changes] + old_pks)
    deltas: Counter[tuple[Any, ...]] = Counter()
    access: Counter[tuple[Any, ...]] = Counter()
    for pk, old, keys in changes:
        deltas.update((key,) for key in keys)
        access.update((key, *owner[pk]) for key in keys if key.startswith(NAME_KEY_PREFIXES))
        if old is not None:
            deltas.subtract((key,) for key in previous.get(old, ()))
            access.subtract((key, *owner[old]) for key in previous.get(old, ()) if key.startswith(NAME_KEY_PREFIXES))
    for start in range(0, len(old_pks), _CHUNK):
        conn.execute(delete(person_keys).where(person_keys.c.person_pk.in_(old_pks[start : start + _CHUNK])))
    rows = [{"key": key, "person_pk": pk} for pk, _old, keys in changes for key in keys]
    if rows:
        conn.execute(person_keys.insert(), rows)
    _add_counts(conn, person_key_counts, {row: delta for row, delta in deltas.items() if delta})
    _add_counts(conn, person_key_access_counts, {row: delta for row, delta in access.items() if delta})


def _owners(conn: Connection, pks: Sequence[int]) -> dict[int, tuple[int, str]]:
    """Label id and originating member of each record version in ``pks``."""
    found: dict[int, tuple[int, str]] = {}
    for start in range(0, len(pks), _CHUNK):
        query = select(persons.c.pk, persons.c.label_id, persons.c.member).where(
            persons.c.pk.in_(pks[start : start + _CHUNK])
        )
        found.update({row.pk: (row.label_id, row.member) for row in conn.execute(query)})
    return found


def replace_keys(conn: Connection, person_pk: int, old_pk: int | None, keys: Iterable[str]) -> None:
    """Index the current version ``person_pk`` under ``keys``, replacing ``old_pk``'s keys."""
    replace_keys_many(conn, [(person_pk, old_pk, keys)])


def counts(conn: Connection, keys: Iterable[str]) -> dict[str, int]:
    """How many current records hold each of ``keys`` (keys nobody holds are absent)."""
    wanted = sorted(set(keys))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        query = select(person_key_counts.c.key, person_key_counts.c.n).where(person_key_counts.c.key.in_(chunk))
        found.update({row.key: row.n for row in conn.execute(query)})
    return found


def readable_counts(conn: Connection, keys: Iterable[str], readable: Readable, viewer_member: str) -> dict[str, int]:
    """How many current records the viewer may read hold each name key of ``keys`` (others are ignored).

    This, not `counts`, is what a score shown to the viewer may depend on: a count over every
    record would tell the viewer how many records it may not read carry a name.
    """
    wanted = sorted(key for key in set(keys) if key.startswith(NAME_KEY_PREFIXES))
    table = person_key_access_counts
    found: dict[str, int] = {}
    for start in range(0, len(wanted), _CHUNK):
        query = (
            select(table.c.key, func.sum(table.c.n).label("n"))
            .where(
                table.c.key.in_(wanted[start : start + _CHUNK]),
                readable.clause(table.c.label_id, table.c.member, viewer_member),
            )
            .group_by(table.c.key)
        )
        found.update({row.key: int(row.n) for row in conn.execute(query)})
    return found


def chosen_keys(frequencies: dict[str, int], budget: int) -> list[str]:
    """Keys rarest first while their summed count stays within ``budget``; always the rarest one."""
    chosen: list[str] = []
    total = 0
    for key, n in sorted(frequencies.items(), key=lambda item: (item[1], item[0])):
        if chosen and total + n > budget:
            break
        chosen.append(key)
        total += n
    return chosen


#: The population the rarity weights assume: a constant (at least the store's size) keeps the
#: weights positive and the ranking independent of a count of all records on every query.
POPULATION = 10_000_000


def candidates(
    conn: Connection,
    keys: Iterable[str],
    limit: int = 200,
    budget: int = 20_000,
    *,
    frequencies: dict[str, int] | None = None,
) -> list[int]:
    """Person pks of current records sharing the query's affordable keys, rarest evidence first.

    Each shared key weighs log(POPULATION / its count), so one shared rare key (a document, a
    full birth date, an unusual surname) outranks several common ones (screening bench at 1M: the
    true person among the first 50 went from 0.846 of the first 100 by count to 0.853).
    Access is not applied (see the module docstring). ``frequencies``: the keys' `counts` over
    every record, when the caller has read them already (for selecting candidates only: scores
    shown to a caller take `readable_counts`).
    """
    if frequencies is None:
        frequencies = counts(conn, keys)
    chosen = chosen_keys(frequencies, budget)
    if not chosen:
        return []
    weight = case(
        {key: literal(math.log(POPULATION / max(frequencies[key], 1))) for key in chosen},
        value=person_keys.c.key,
        else_=literal(0.0),
    )
    shared = func.sum(weight).label("shared")
    query = (
        select(person_keys.c.person_pk, shared)
        .where(person_keys.c.key.in_(chosen))
        .group_by(person_keys.c.person_pk)
        .order_by(shared.desc(), person_keys.c.person_pk)
        .limit(limit)
    )
    return [row.person_pk for row in conn.execute(query)]
