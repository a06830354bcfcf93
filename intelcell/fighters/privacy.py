"""Privacy-preserving matching: members submit keyed Bloom-filter encodings and learn hit/no-hit.

A member that will not hand plaintext records to the cell encodes them on its own machine
(``intelcell persons encode``, algorithm `intelcell.domain.bloom`) and submits only the
encodings with a label. The cell stores them in ``person_encodings`` and answers, for each,
whether another member holds a possible match (a *hit*), naming holders only where the holding
record allows it. Compared against:

- other members' current plaintext records, encoded with the cell's linkage key (the setting
  ``INTELCELL_LINKAGE_KEY``). Without a key the cell cannot encode, and encodings are compared
  only with each other;
- other members' encodings (no key needed: filters compare as they are).

Only *discoverable* records and encodings take part at all; one that is not answers exactly like
one that does not exist. A hit is recorded for the holder in ``person_hits`` (the querier never
sees the record id, the score or an undisclosed holder). `encoded_hits` gives the plaintext
screening path the same hit/no-hit against members' encodings.

Filters of the stored side are kept in a per-process cache (`_Corpus`), not a table: a query
has to scan every filter anyway (Bloom filters have no index to look them up by), so the scan
runs over numpy matrices in memory, partitioned by birth year. The cache follows the tables by
primary key (new rows only; rows are never edited in place), so every process behind a load
balancer stays current from the database. It is only a prefilter: every candidate is re-read
and re-scored from the database in the request's own transaction before it counts as a hit.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import threading
import time
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np
import orjson
from sqlalchemy import ColumnElement, Connection, String, case, cast, delete, literal, or_, select, true

from intelcell.cell import Cell
from intelcell.domain import bloom
from intelcell.domain.partial_date import MAX_YEAR, MIN_YEAR
from intelcell.domain.person import Profile
from intelcell.fighters.records import SubmitError, assignable_label
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.database import Database
from intelcell.store.schema import person_encodings, person_hits, persons
from intelcell.store.users import User

MAX_ENCODINGS = 10_000  # per submission
MAX_REF = 111  # as entity ids: the encoding id MEMBER-REF fits the audit trail's 128-character ids
MAX_VERIFIED = 20  # candidates re-scored from the database per query, best first
_REF = re.compile(r"[A-Za-z0-9._-]+")
_CHUNK = 500  # ids per IN list
PERSON, ENCODING = "person", "encoding"


# --- Submissions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Encoding:
    """One member's encoded record: its own reference, name filters and birth year (in clear)."""

    ref: str
    name_filter: bytes
    birth_year: int | None

    @classmethod
    def of(cls, ref: str, profile: Profile, key: bytes) -> Encoding:
        """Encode a record's profile under the linkage key (on the member's machine)."""
        return cls(ref, bloom.encode(profile, key), bloom.birth_year(profile))

    def to_json(self) -> dict[str, Any]:
        """The JSON form members submit: ``{"ref", "name_filter" (base64), "birth_year"}``."""
        return {
            "ref": self.ref,
            "name_filter": base64.b64encode(self.name_filter).decode(),
            "birth_year": self.birth_year,
        }


def parse_encoding(item: Any, where: str) -> Encoding:
    """Check one submitted ``{"ref", "name_filter", "birth_year"}``; SubmitError naming ``where``."""
    if not isinstance(item, Mapping):
        raise SubmitError("invalid_encoding", f"{where}: an encoding must be an object")
    unknown = sorted(set(item) - {"ref", "name_filter", "birth_year"})
    if unknown:
        raise SubmitError("invalid_encoding", f"{where}: unknown key(s) {', '.join(map(repr, unknown))}")
    ref = item.get("ref")
    if not isinstance(ref, str) or not 1 <= len(ref) <= MAX_REF or not _REF.fullmatch(ref):
        raise SubmitError(
            "invalid_encoding", f"{where}: ref must be 1 to {MAX_REF} characters of letters, digits, '.', '_' or '-'"
        )
    where = f"{where} (ref '{ref}')"
    text = item.get("name_filter")
    if not isinstance(text, str):
        raise SubmitError("invalid_encoding", f"{where}: name_filter must be a base64 string")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SubmitError("invalid_encoding", f"{where}: name_filter is not valid base64") from None
    try:
        filters = bloom.split(data)
    except bloom.EncodingError as exc:
        raise SubmitError("invalid_encoding", f"{where}: name_filter: {exc.reason}") from None
    if any(bloom.popcount(f) == 0 for f in filters):
        raise SubmitError("invalid_encoding", f"{where}: name_filter holds an empty filter")
    year = item.get("birth_year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR):
        raise SubmitError("invalid_encoding", f"{where}: birth_year must be a year {MIN_YEAR}-{MAX_YEAR} or null")
    return Encoding(ref, data, year)


def parse_encodings(items: Sequence[Any]) -> list[Encoding]:
    """Check a whole submission (1 to MAX_ENCODINGS, refs unique); SubmitError for the first fault."""
    if not items:
        raise SubmitError("invalid_encoding", "no encodings")
    if len(items) > MAX_ENCODINGS:
        raise SubmitError("too_many", f"{len(items)} encodings; at most {MAX_ENCODINGS} per submission")
    out: list[Encoding] = []
    seen: dict[str, int] = {}
    for n, item in enumerate(items):
        encoding = item if isinstance(item, Encoding) else parse_encoding(item, f"encodings[{n}]")
        if encoding.ref in seen:
            raise SubmitError(
                "invalid_encoding", f"encodings[{n}]: ref '{encoding.ref}' repeats encodings[{seen[encoding.ref]}]"
            )
        seen[encoding.ref] = n
        out.append(encoding)
    return out


@dataclass(frozen=True)
class Answer:
    """Hit or no hit for one submitted encoding, and the holders that allow naming themselves."""

    ref: str
    hit: bool
    holders: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The answer as the API shows it: nothing else, so no hit and a hidden hit look alike."""
        return {"ref": self.ref, "hit": self.hit, "holders": list(self.holders)}


@dataclass(frozen=True)
class Submitted:
    """What a submission stored and found."""

    answers: list[Answer]
    compared_with: tuple[str, ...]  # "records" (only with a linkage key) and "encodings"


def encoding_id(member: str, ref: str) -> str:
    """The stored id of a member's encoding."""
    return f"{member}-{ref}"


def linkage_key(cell: Cell) -> bytes | None:
    """The cell's linkage key as bytes, or None when the cell has none (encodings meet only encodings)."""
    secret = cell.settings.linkage_key
    return bloom.key_from_text(secret.reveal()) if secret is not None else None


def submit_encodings(
    cell: Cell,
    user: User,
    encodings: Sequence[Any],
    label_text: str,
    discoverable: bool = True,
    disclose_holder: bool = False,
    *,
    path: str = "api: persons/encoded",
) -> Submitted:
    """Store a member's encodings under a label (all or none) and answer hit/no-hit for each.

    Raises SubmitError, storing nothing, for a refused label or any malformed encoding. A ref
    submitted again replaces the member's earlier encoding of it.
    """
    label = assignable_label(cell, user, label_text)
    valid = parse_encodings(encodings)
    corpus = _corpus(cell)
    kinds = (PERSON, ENCODING) if corpus.key is not None else (ENCODING,)
    with cell.db.read() as conn:
        corpus.refresh(conn, kinds)
        found = [_hits(conn, corpus, e.name_filter, e.birth_year, user.member, kinds) for e in valid]
    label_id = cell.labels.ensure(cell.db, [label])[label]  # committed before the rows that use it
    now = cell.clock()
    ids = [encoding_id(user.member, e.ref) for e in valid]
    with cell.db.write() as conn:
        _replace(conn, ids)
        conn.execute(
            person_encodings.insert(),
            [
                {
                    "id": rid,
                    "member": user.member,
                    "user_id": user.id,
                    "label_id": label_id,
                    "name_filter": e.name_filter,
                    "birth_year": e.birth_year,
                    "discoverable": discoverable,
                    "disclose_holder": disclose_holder,
                    "created_at": now,
                }
                for rid, e in zip(ids, valid, strict=True)
            ],
        )
        _drop_replaced(conn)
        rows = [hit.hit_row(user) for hits in found for hit in hits]
        if rows:
            conn.execute(person_hits.insert(), [{**row, "created_at": now} for row in rows])
        detail = {
            "encodings": len(valid),
            "hits": sum(1 for hits in found if hits),
            "discoverable": discoverable,
            "disclose_holder": disclose_holder,
        }
        audit.append(
            conn, AuditEvent("write", "person.encoded", path, user.member, user.name, ids, [label.text()], detail), now
        )
    answers = [
        Answer(e.ref, bool(hits), tuple(sorted({h.holder for h in hits if h.holder is not None})))
        for e, hits in zip(valid, found, strict=True)
    ]
    return Submitted(answers, tuple("records" if k == PERSON else "encodings" for k in kinds))


def _replace(conn: Connection, ids: Sequence[str]) -> None:
    """Remove the member's earlier encodings of these ids, in the caller's write transaction.

    The old rows are renamed before the new ones are inserted and deleted after, so the new rows
    always get higher primary keys than the rows they replace (SQLite would otherwise reuse the
    deleted highest key, and the caches of other processes, which follow new keys, would miss it).
    """
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        conn.execute(
            person_encodings.update()
            .where(person_encodings.c.id.in_(chunk))
            .values(id=literal("~replaced-") + cast(person_encodings.c.pk, String))
        )


def _drop_replaced(conn: Connection) -> None:
    conn.execute(delete(person_encodings).where(person_encodings.c.id.like("~replaced-%")))


# --- Hits for the plaintext screening path ---------------------------------------------------------


@dataclass(frozen=True)
class EncodedHit:
    """A verified hit on a stored record or encoding: what the querier may learn, and the holder's row."""

    ref: str  # fresh random reference (the same goes into person_hits), never correlatable
    holder: str | None  # the holding member when it allows naming, else None
    record_id: str  # for person_hits only: never shown to the querier
    member: str  # the holder, for person_hits only
    score: float  # for person_hits only

    def hit_row(self, user: User) -> dict[str, Any]:
        """The ``person_hits`` row telling the holder that ``user``'s query hit its record (no created_at)."""
        return {
            "ref": self.ref,
            "person_id": self.record_id,
            "holder": self.member,
            "querying_member": user.member,
            "querying_user_id": user.id,
            "score": round(self.score, 4),
            "algorithm": bloom.NAME,
        }


def encoded_hits(cell: Cell, conn: Connection, profile: Profile, querying_user: User) -> list[EncodedHit]:
    """Hits of a plaintext query against other members' discoverable encodings (none without a key).

    Runs in the caller's (read) transaction and writes nothing: the caller shows ``hit.holder``
    (a member code, or None) for each, and stores ``hit.hit_row(user)`` in ``person_hits``.
    """
    corpus = _corpus(cell)
    if corpus.key is None:
        return []
    try:
        query = bloom.encode(profile, corpus.key)
    except bloom.EncodingError:
        return []
    corpus.refresh(conn, (ENCODING,))
    return _hits(conn, corpus, query, bloom.birth_year(profile), querying_user.member, (ENCODING,))


def record_hits(conn: Connection, hits: Iterable[EncodedHit], user: User, now: Any) -> None:
    """Store the holders' ``person_hits`` rows of these hits in the caller's write transaction."""
    rows = [{**hit.hit_row(user), "created_at": now} for hit in hits]
    if rows:
        conn.execute(person_hits.insert(), rows)


def _hits(
    conn: Connection, corpus: _Corpus, query: bytes, year: int | None, querier: str, kinds: Sequence[str]
) -> list[EncodedHit]:
    """Candidates from the cache, then each re-read and re-scored from the database; hits best first."""
    candidates = corpus.search(bloom.split(query), year, kinds, exclude_member=querier)
    best = sorted(candidates, key=lambda entry: -candidates[entry])[:MAX_VERIFIED]
    person_pks = [e.pk for e in best if e.kind == PERSON]
    encoding_pks = [e.pk for e in best if e.kind == ENCODING]
    stored: list[tuple[str, str, bytes, int | None, bool]] = []  # id, member, encoding, year, disclose
    if person_pks:
        rows = conn.execute(
            select(persons.c.id, persons.c.member, persons.c.profile, persons.c.disclose_holder).where(
                persons.c.pk.in_(person_pks), persons.c.is_current, persons.c.discoverable, persons.c.member != querier
            )
        )
        for row in rows:
            assert corpus.key is not None  # persons are only candidates when the cell has a key
            profile = _profile(row.profile)
            try:
                stored.append((row.id, row.member, bloom.encode(profile, corpus.key), bloom.birth_year(profile),
                               bool(row.disclose_holder)))  # fmt: skip
            except bloom.EncodingError:
                continue
    if encoding_pks:
        rows = conn.execute(
            select(
                person_encodings.c.id,
                person_encodings.c.member,
                person_encodings.c.name_filter,
                person_encodings.c.birth_year,
                person_encodings.c.disclose_holder,
            ).where(
                person_encodings.c.pk.in_(encoding_pks),
                person_encodings.c.discoverable,
                person_encodings.c.member != querier,
            )
        )
        stored.extend((r.id, r.member, bytes(r.name_filter), r.birth_year, bool(r.disclose_holder)) for r in rows)
    out = []
    for rid, member, encoding, their_year, disclose in stored:
        score = bloom.similarity(query, encoding)
        if bloom.is_hit(score, year, their_year):
            out.append(EncodedHit(secrets.token_hex(16), member if disclose else None, rid, member, score))
    out.sort(key=lambda hit: -hit.score)
    return out


def _profile(stored: str) -> Profile:
    return Profile.from_json(orjson.loads(stored))


# --- The in-process filter cache ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str
    pk: int
    id: str
    member: str


class _Partition:
    """The filters of one kind and birth year (or unknown year): a growing matrix, counts and owners."""

    def __init__(self) -> None:
        words = bloom.BITS // 64
        self.matrix = np.zeros((256, words), dtype=np.uint64)
        self.counts = np.zeros(256, dtype=np.int32)
        self.owner = np.zeros(256, dtype=np.int64)
        self.n = 0

    def add(self, filters: Sequence[bytes], entry: int) -> None:
        """Append an entry's filters (writes only past the rows searches may be reading)."""
        need = self.n + len(filters)
        if need > len(self.matrix):
            size = max(need, 2 * len(self.matrix))
            self.matrix = np.concatenate(
                [self.matrix[: self.n], np.zeros((size - self.n, self.matrix.shape[1]), np.uint64)]
            )
            self.counts = np.concatenate([self.counts[: self.n], np.zeros(size - self.n, np.int32)])
            self.owner = np.concatenate([self.owner[: self.n], np.zeros(size - self.n, np.int64)])
        rows = bloom.as_matrix(filters)
        self.matrix[self.n : need] = rows
        self.counts[self.n : need] = bloom.row_counts(rows)
        self.owner[self.n : need] = entry
        self.n = need

    def view(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The filled rows, owners and counts as they are now."""
        return self.matrix[: self.n], self.counts[: self.n], self.owner[: self.n]


_GAP_SECONDS = 600.0  # a missing key younger than this may still be an uncommitted insert
_MAX_GAPS = 10_000


class _Corpus:
    """Filters of discoverable current records (encoded with the key) and encodings, by kind and year.

    ``refresh`` reads the rows added since the last refresh (and keys skipped then, which on
    PostgreSQL may belong to transactions that had not committed yet); a newer row of the same id
    retires the older one. Entries are never removed, only retired, until the process restarts.
    """

    def __init__(self, key: bytes | None) -> None:
        self.key = key
        self.lock = threading.Lock()
        self.entries: list[_Entry] = []
        self.active = bytearray()
        self.latest: dict[tuple[str, str], tuple[int, int]] = {}  # (kind, id) -> (pk, entry or -1)
        self.marks = {PERSON: 0, ENCODING: 0}
        self.gaps: dict[str, dict[int, float]] = {PERSON: {}, ENCODING: {}}
        self.partitions: dict[tuple[str, int | None], _Partition] = {}

    def refresh(self, conn: Connection, kinds: Sequence[str]) -> None:
        """Catch up with the tables as ``conn``'s transaction sees them."""
        with self.lock:
            for kind in kinds:
                self._load(conn, kind)

    def _load(self, conn: Connection, kind: str) -> None:
        mark, gaps = self.marks[kind], self.gaps[kind]
        usable: ColumnElement[bool]
        if kind == PERSON:
            table = persons
            usable = persons.c.is_current & persons.c.discoverable
            columns = [persons.c.is_current, case((usable, persons.c.profile), else_=None).label("payload")]
        else:
            table = person_encodings
            usable = person_encodings.c.discoverable
            columns = [
                true().label("is_current"),
                case((usable, person_encodings.c.name_filter), else_=None).label("payload"),
                person_encodings.c.birth_year,
            ]
        wanted = table.c.pk > mark
        if gaps:
            wanted = or_(wanted, table.c.pk.in_(sorted(gaps)))
        query = select(table.c.pk, table.c.id, table.c.member, *columns).where(wanted).order_by(table.c.pk)
        fresh: set[int] = set()
        with conn.execute(query.execution_options(yield_per=2000)) as rows:
            for row in rows:
                if row.pk > mark:
                    fresh.add(row.pk)
                gaps.pop(row.pk, None)
                self._take(kind, row)
        now = time.monotonic()
        for pk in [pk for pk, since in gaps.items() if now - since > _GAP_SECONDS]:
            del gaps[pk]  # rolled back long ago (PostgreSQL never reuses a key)
        top = max(fresh, default=mark)
        missing = (pk for pk in range(top - 1, mark, -1) if pk not in fresh)
        gaps.update((pk, now) for pk in islice(missing, _MAX_GAPS))
        for pk in sorted(gaps)[: max(0, len(gaps) - _MAX_GAPS)]:
            del gaps[pk]
        self.marks[kind] = top

    def _take(self, kind: str, row: Any) -> None:
        previous = self.latest.get((kind, row.id))
        if previous is not None and previous[0] > row.pk:
            return  # an older version arriving late: the newer one already stands
        if previous is not None and previous[1] >= 0:
            self.active[previous[1]] = 0
        if not row.is_current and kind == PERSON:
            if previous is None or previous[0] < row.pk:
                self.latest[(kind, row.id)] = (row.pk, -1)
            return
        filters, year = self._filters(kind, row)
        if not filters:
            self.latest[(kind, row.id)] = (row.pk, -1)
            return
        entry = len(self.entries)
        self.entries.append(_Entry(kind, row.pk, row.id, row.member))
        self.active.append(1)
        self.latest[(kind, row.id)] = (row.pk, entry)
        self.partitions.setdefault((kind, year), _Partition()).add(filters, entry)

    def _filters(self, kind: str, row: Any) -> tuple[list[bytes], int | None]:
        if row.payload is None:
            return [], None
        try:
            if kind == PERSON:
                assert self.key is not None
                profile = _profile(row.payload)
                return bloom.split(bloom.encode(profile, self.key)), bloom.birth_year(profile)
            return bloom.split(bytes(row.payload)), row.birth_year
        except (bloom.EncodingError, ValueError):
            return [], None

    def search(
        self, filters: Sequence[bytes], year: int | None, kinds: Sequence[str], exclude_member: str
    ) -> dict[_Entry, float]:
        """Active entries of ``kinds`` (not ``exclude_member``'s) whose best filter pair reaches the
        threshold, with compatible birth years, and their best scores."""
        with self.lock:
            parts = [
                p.view()
                for (kind, part_year), p in self.partitions.items()
                if kind in kinds and bloom.years_compatible(year, part_year) and p.n
            ]
        best: dict[int, float] = {}
        for query in filters:
            for matrix, counts, owner in parts:
                scores = bloom.dice_many(query, matrix, counts)
                for i in np.flatnonzero(scores >= bloom.THRESHOLD):
                    entry = int(owner[i])
                    if self.active[entry] and scores[i] > best.get(entry, 0.0):
                        best[entry] = float(scores[i])
        found = {self.entries[e]: s for e, s in best.items()}
        return {entry: s for entry, s in found.items() if entry.member != exclude_member}


_CORPORA: weakref.WeakKeyDictionary[Database, _Corpus] = weakref.WeakKeyDictionary()
_CORPORA_LOCK = threading.Lock()


def _corpus(cell: Cell) -> _Corpus:
    """The filter cache of this cell's store (one per opened store, so tests never share one)."""
    with _CORPORA_LOCK:
        found = _CORPORA.get(cell.db)
        if found is None:
            found = _CORPORA[cell.db] = _Corpus(linkage_key(cell))
        return found
