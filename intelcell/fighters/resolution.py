"""Cross-member entity resolution: link every member's person records into persons.

Machine suggestions and human decisions are separate records (HOUSE-STYLE): a run writes links
in state ``suggested`` (score >= `SUGGEST`) or ``auto`` (score >= `AUTO`); an analyst's
``confirmed`` or ``rejected`` (``intelcell.fighters.review``) is never overwritten by a run, and a
rejected pair is never linked.

**Blocking** mirrors the screening index (``fighters/index.py``): each record's `blocking_keys`,
keys held by more than `MAX_BLOCK` records skipped (a common name never explodes), the record's
rarest keys taken while their summed size stays within `BUDGET`, and of the records sharing
them the `TOP_K` sharing most keys are scored. A pair is scored once, whichever side found it.

**Clusters** are connected components over ``confirmed`` and ``auto`` links, built greedily:
confirmed links first, then auto links by descending score; a union that would put two records
with a rejection between them into one person is skipped and counted as a conflict. So a
rejected pair never ends up in one person through other links (the weaker chain is cut), and a
batch run and an incremental update give the same persons for the same links. The cluster id is
``person-`` and a SHA-1 prefix of the component's smallest record id; singletons have one too.
Cluster ids are for the store and administrators: a viewer's person is rebuilt from the links
between the records it may read (``fighters/resolved.py``), since a stored cluster's membership
depends on records the viewer may not read.

Names are scored without their frequency (``ftf_v2``'s ``name_common`` stays at zero): a link
is computed once for every viewer, so a count of namesakes would include records some of its
viewers may not read, and its score would tell them about those records.

An automatic link also needs corroboration beyond the name (`CORROBORATING`: the same day of
birth, a document number or place words): at 1,000,000 synthetic records, namesakes born the
same year made a third of name-and-year automatic links wrong.

Why 0.95 for `AUTO`: a link made without review must be nearly always right, since a wrong one
shows one person's records as another's. On 20,000 synthetic records with look-alikes
(``bench/resolution_scale.py``), candidate pairs scoring >= 0.95 were 98% true and 0.90..0.95
65% true, giving clusters of pairwise precision 0.97 (recall 0.54) at 0.95 against 0.77 (recall
0.69) at 0.90: the band 0.5..0.95 is the analysts' review queue.

`resolve` is the batch (numpy blocking, scoring in ``workers`` forked processes, bulk writes);
`resolve_records` links new or changed records incrementally through the candidate index.
"""

from __future__ import annotations

import gc
import hashlib
import math
import multiprocessing
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import orjson
from sqlalchemy import Connection, delete, func, or_, select, text

from intelcell.cell import Cell
from intelcell.domain.matching import ftf_v2
from intelcell.domain.matching.base import Comparison
from intelcell.domain.matching.features import NO_NAMES, Pair
from intelcell.domain.person import Profile, blocking_keys
from intelcell.fighters import index
from intelcell.store.schema import person_clusters, person_links, persons

SUGGEST = 0.5  # a link an analyst should see
AUTO = 0.95  # a link made without review
MAX_BLOCK = 500  # keys held by more records are skipped
BUDGET = 400  # summed size of the keys a record is blocked on (its rarest first)
TOP_K = 8  # records scored per record: those sharing most keys
MACHINE_STATES = ("suggested", "auto")
DECIDED_STATES = ("confirmed", "rejected")
LINKED_STATES = ("auto", "confirmed")
_CHUNK = 500  # ids per IN list
_INSERT = 5000  # rows per executemany
_PAIR_CHUNK = 4000  # pairs per scoring task
_KEY_CHUNK = 5000  # records per key task
_MAX_EMIT = 8_000_000  # candidate emissions per blocking step (bounds memory)
_LINKS_LOCK = 0x1C_11_4E_50  # PostgreSQL advisory lock key of person_links writers


class Progress:
    """What `resolve` needs of a progress bar (``tqdm`` has it): ``update(n)`` and ``close()``."""

    def update(self, n: int = 1) -> None:
        """Advance by ``n``."""

    def close(self) -> None:
        """Finish the bar."""


ProgressFactory = Callable[..., Progress]  # called as progress(total=..., desc=..., unit=...)


@dataclass
class Summary:
    """What a resolution run did."""

    records: int = 0
    pairs_scored: int = 0
    suggested: int = 0
    auto: int = 0
    decisions: int = 0  # human decisions kept as they were
    clusters: int = 0
    multi_record_clusters: int = 0
    largest_cluster: int = 0
    conflicts: int = 0  # links not applied because a rejection separates their records
    seconds: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The summary as the CLI prints it."""
        total = sum(self.seconds.values()) or 1e-9
        phases = ", ".join(f"{name} {secs:.1f}s" for name, secs in self.seconds.items())
        return [
            f"records: {self.records} ({self.records / total:,.0f} records/s)",
            f"pairs scored: {self.pairs_scored}",
            f"links: {self.auto} auto, {self.suggested} suggested; {self.decisions} human decisions kept",
            f"persons: {self.clusters} ({self.multi_record_clusters} of several records,"
            f" largest {self.largest_cluster})",
            f"conflicts (links cut by a rejection): {self.conflicts}",
            f"time: {total:.1f}s ({phases})",
        ]


def cluster_id(smallest_record_id: str) -> str:
    """The stable id of the cluster whose smallest record id is ``smallest_record_id``."""
    return "person-" + hashlib.sha1(smallest_record_id.encode()).hexdigest()[:16]


#: Evidence beyond the name that an unreviewed link needs: at a million records, namesakes born the
#: same year are common enough that name and year alone made a third of automatic links wrong.
CORROBORATING = ("birth_date_same_day", "document_number_match", "place_overlap")


def state_of(comparison: Comparison) -> str:
    """The machine state of a link (callers store only scores >= SUGGEST).

    ``auto`` needs a score of at least `AUTO` and a corroborating feature (`CORROBORATING`);
    everything else goes to the review queue.
    """
    corroborated = any(f.value > 0 for f in comparison.features if f.name in CORROBORATING)
    return "auto" if comparison.score >= AUTO and corroborated else "suggested"


def features_json(comparison: Comparison) -> str:
    """The evidence of a comparison as stored with its link: the features that contributed."""
    return orjson.dumps(
        [[f.name, round(f.value, 4), f.weight, f.explanation] for f in comparison.features if f.value]
    ).decode()


def features_of(stored: str) -> list[dict[str, Any]]:
    """Stored link features in the API's form (name, value, weight, contribution, explanation)."""
    return [
        {"name": n, "value": v, "weight": w, "contribution": round(v * w, 4), "explanation": why}
        for n, v, w, why in orjson.loads(stored)
    ]


# --- Components: one greedy union-find for batch, incremental and per-viewer persons ---


@dataclass(frozen=True, slots=True)
class Edge:
    """A link between two nodes (indices into a sorted id list) as clustering sees it."""

    a: int
    b: int
    state: str
    score: float


def components(n: int, edges: Iterable[Edge]) -> tuple[list[int], int]:
    """Each node's component root and the number of links cut by a rejection.

    Confirmed links first (in node order), then auto links by descending score; a union is
    skipped when a rejected pair would end up in one component. Nodes must be numbered in
    sorted-id order so that any subset of the graph is clustered exactly as the whole is.
    """
    rejected: dict[int, set[int]] = defaultdict(set)
    linking: list[Edge] = []
    for edge in edges:
        if edge.state == "rejected":
            rejected[edge.a].add(edge.b)
            rejected[edge.b].add(edge.a)
        elif edge.state in LINKED_STATES:
            linking.append(edge)
    linking.sort(key=lambda e: (e.state != "confirmed", -e.score, e.a, e.b))
    parent = list(range(n))
    size = [1] * n

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    conflicts = 0
    for edge in linking:
        ra, rb = find(edge.a), find(edge.b)
        if ra == rb:
            continue
        near, far = (ra, rb) if len(rejected.get(ra, ())) <= len(rejected.get(rb, ())) else (rb, ra)
        if any(find(x) == far for x in rejected.get(near, ())):
            conflicts += 1
            continue
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] += size[rb]
        if rb in rejected:
            rejected[ra] |= rejected.pop(rb)
    return [find(x) for x in range(n)], conflicts


def clusters_of(ids: Sequence[str], links: Iterable[tuple[str, str, str, float]]) -> tuple[dict[str, str], int]:
    """Cluster id of each of ``ids`` (sorted here) under ``(a, b, state, score)`` links among them."""
    ordered = sorted(set(ids))
    position = {rid: n for n, rid in enumerate(ordered)}
    edges = [
        Edge(min(position[a], position[b]), max(position[a], position[b]), state, score)
        for a, b, state, score in links
        if a in position and b in position
    ]
    roots, conflicts = components(len(ordered), edges)
    smallest: dict[int, int] = {}
    for node, root in enumerate(roots):
        smallest.setdefault(root, node)  # nodes ascend, so the first seen is the smallest
    return {rid: cluster_id(ordered[smallest[roots[n]]]) for n, rid in enumerate(ordered)}, conflicts


# --- Batch: profiles in memory, blocking in numpy, scoring in forked workers ---

_BLOBS: list[str] = []  # stored profiles of the run, by node; inherited by forked workers


@lru_cache(maxsize=150_000)
def _node_profile(node: int) -> Profile:
    return Profile.from_json(orjson.loads(_BLOBS[node]))


def _key_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little", signed=True)


def _keys_task(span: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Blocking keys of nodes ``span[0]..span[1]`` as (node, key hash) arrays."""
    nodes: list[int] = []
    hashes: list[int] = []
    for node in range(*span):
        for key in blocking_keys(Profile.from_json(orjson.loads(_BLOBS[node]))):
            nodes.append(node)
            hashes.append(_key_hash(key))
    return np.asarray(nodes, dtype=np.int64), np.asarray(hashes, dtype=np.int64)


_SUGGEST_LOGIT = math.log(SUGGEST / (1 - SUGGEST)) - 1e-6  # scores are rounded: keep the boundary


def may_suggest(a: Profile, b: Profile) -> bool:
    """False only when ``compare(a, b)`` cannot reach SUGGEST, whatever its names score.

    intelcell-ftf-v2 is logistic over features valued 0..1; every feature but those of the
    (costly) names is computed here and the names are assumed to agree fully and be rare, which
    bounds the score from above. About half the candidate pairs (birth years or genders in
    conflict) stop here at a fifth of the cost of a full comparison.
    """
    z = ftf_v2.BIAS
    unnamed = Pair(a, b, *NO_NAMES)
    for function, weight in ftf_v2.WEIGHTS:
        if function in ftf_v2.NAME_FEATURES:
            z += max(weight, 0.0)
        else:
            z += weight * function(unnamed)[0]
    return z >= _SUGGEST_LOGIT


def _score_task(pairs: np.ndarray) -> list[tuple[int, int, float, str, str]]:
    """Score ``pairs`` (rows of node a, node b); the ones reaching SUGGEST with evidence and state."""
    out = []
    for a, b in pairs.tolist():
        first, second = _node_profile(a), _node_profile(b)
        if not may_suggest(first, second):
            continue
        comparison = ftf_v2.compare(first, second)
        if comparison.score >= SUGGEST:
            out.append((a, b, comparison.score, features_json(comparison), state_of(comparison)))
    return out


def _group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Index of the first element of each run of equal values."""
    return np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(s, s + n)`` for each start and length."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    return offsets + np.arange(total, dtype=np.int64)


def candidate_pairs(n: int, nodes: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """Candidate pairs (a < b, rows sorted) from each node's (node, key hash) entries; see module docstring."""
    if len(nodes) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    _uniq, key, freq = np.unique(hashes, return_inverse=True, return_counts=True)
    key = key.reshape(-1)
    entry_freq = freq[key]
    usable = (entry_freq >= 2) & (entry_freq <= MAX_BLOCK)
    nodes, key, entry_freq = nodes[usable], key[usable], entry_freq[usable]
    # Holders of each key, grouped by key.
    by_key = np.lexsort((nodes, key))
    holders = nodes[by_key]
    key_start = np.zeros(len(freq), dtype=np.int64)
    sorted_keys = key[by_key]
    starts = _group_starts(sorted_keys) if len(sorted_keys) else np.zeros(0, dtype=np.int64)
    key_start[sorted_keys[starts]] = starts
    # Each node's rarest keys while their summed size stays within BUDGET (always its rarest).
    order = np.lexsort((key, entry_freq, nodes))
    c_nodes, c_keys, c_freq = nodes[order], key[order], entry_freq[order]
    firsts = _group_starts(c_nodes) if len(c_nodes) else np.zeros(0, dtype=np.int64)
    running = np.cumsum(c_freq)
    group_base = np.repeat(running[firsts] - c_freq[firsts], np.diff(np.r_[firsts, len(c_nodes)]))
    within = running - group_base
    is_first = np.zeros(len(c_nodes), dtype=bool)
    is_first[firsts] = True
    chosen = (within <= BUDGET) | is_first
    c_nodes, c_keys, c_freq = c_nodes[chosen], c_keys[chosen], c_freq[chosen]
    found: list[np.ndarray] = []
    emitted = np.cumsum(c_freq)
    begin = 0
    while begin < len(c_nodes):
        base = int(emitted[begin - 1]) if begin else 0
        end = max(int(np.searchsorted(emitted, base + _MAX_EMIT, side="right")), begin + 1)
        # End the step on a node boundary, so each node's keys are ranked together.
        end = int(np.searchsorted(c_nodes, c_nodes[end - 1], side="right"))
        found.append(_top_pairs(n, c_nodes[begin:end], c_keys[begin:end], c_freq[begin:end], holders, key_start))
        begin = end
    pairs = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    return np.stack([pairs // n, pairs % n], axis=1)


def _top_pairs(
    n: int,
    src_nodes: np.ndarray,
    src_keys: np.ndarray,
    src_freq: np.ndarray,
    holders: np.ndarray,
    key_start: np.ndarray,
) -> np.ndarray:
    """For each source node, the TOP_K nodes sharing most of its chosen keys, as codes a * n + b (a < b)."""
    src = np.repeat(src_nodes, src_freq)
    dst = holders[_ranges(key_start[src_keys], src_freq)]
    keep = src != dst
    codes, shared = np.unique(src[keep] * n + dst[keep], return_counts=True)
    a, b = codes // n, codes % n
    order = np.lexsort((b, -shared, a))
    a, b = a[order], b[order]
    firsts = _group_starts(a) if len(a) else np.zeros(0, dtype=np.int64)
    rank = np.arange(len(a)) - np.repeat(firsts, np.diff(np.r_[firsts, len(a)]))
    top = rank < TOP_K
    a, b = a[top], b[top]
    return np.minimum(a, b) * n + np.maximum(a, b)


def _bar(progress: ProgressFactory | None, total: int, desc: str, unit: str) -> Progress:
    return progress(total=total, desc=desc, unit=unit) if progress is not None else Progress()


def _mapped(workers: int, function: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Any]:
    """``function`` over ``tasks`` in order: in this process, or in forked workers sharing `_BLOBS`."""
    if workers <= 1 or len(tasks) <= 1:
        yield from map(function, tasks)
        return
    # fork: the workers inherit the profiles read by this process instead of receiving copies.
    with multiprocessing.get_context("fork").Pool(workers, initializer=_without_collector) as pool:
        yield from pool.imap(function, tasks, chunksize=1)


def _without_collector() -> None:
    """Worker start: no cyclic garbage collection for the worker's short life.

    Scoring builds no reference cycles, but its caches hold millions of tracked objects, and each
    full collection walked them all: at 1,000,000 records the scoring rate fell from about 10,000
    to 2,000 pairs/s for seconds at a time.
    """
    gc.freeze()
    gc.disable()


def _read_current(cell: Cell, progress: ProgressFactory | None) -> list[str]:
    """Ids of every current record in order, filling `_BLOBS` with their stored profiles."""
    ids: list[str] = []
    _BLOBS.clear()
    _node_profile.cache_clear()
    with cell.db.read() as conn:
        total = conn.execute(select(func.count()).select_from(persons).where(persons.c.is_current)).scalar_one()
        bar = _bar(progress, total, "read", "rec")
        query = (
            select(persons.c.id, persons.c.profile)
            .where(persons.c.is_current)
            .order_by(persons.c.id)
            .execution_options(yield_per=20_000)
        )
        with conn.execute(query) as rows:
            for batch in rows.partitions():
                for row in batch:
                    ids.append(row.id)
                    _BLOBS.append(row.profile)
                bar.update(len(batch))
        bar.close()
    return ids


def resolve(cell: Cell, *, progress: ProgressFactory | None = None, workers: int = 1) -> Summary:
    """Link every current record (batch), keeping human decisions, and rewrite every cluster."""
    summary = Summary()
    clock = time.perf_counter
    started = clock()
    ids = _read_current(cell, progress)
    n = summary.records = len(ids)
    summary.seconds["read"] = clock() - started
    try:
        started = clock()
        spans = [(s, min(s + _KEY_CHUNK, n)) for s in range(0, n, _KEY_CHUNK)]
        bar = _bar(progress, n, "keys", "rec")
        node_parts, hash_parts = [], []
        for (lo, hi), (nodes, hashes) in zip(spans, _mapped(workers, _keys_task, spans), strict=True):
            node_parts.append(nodes)
            hash_parts.append(hashes)
            bar.update(hi - lo)
        bar.close()
        nodes = np.concatenate(node_parts) if node_parts else np.zeros(0, dtype=np.int64)
        hashes = np.concatenate(hash_parts) if hash_parts else np.zeros(0, dtype=np.int64)
        pairs = candidate_pairs(n, nodes, hashes)
        del nodes, hashes, node_parts, hash_parts
        summary.seconds["blocking"] = clock() - started

        started = clock()
        summary.pairs_scored = len(pairs)
        tasks = [pairs[s : s + _PAIR_CHUNK] for s in range(0, len(pairs), _PAIR_CHUNK)]
        bar = _bar(progress, len(pairs), "scoring", "pair")
        scored: list[tuple[int, int, float, str, str]] = []
        for task, found in zip(tasks, _mapped(workers, _score_task, tasks), strict=True):
            scored.extend(found)
            bar.update(len(task))
        bar.close()
        summary.seconds["scoring"] = clock() - started
    finally:
        _BLOBS.clear()
        _node_profile.cache_clear()

    started = clock()
    _store_batch(cell, ids, scored, summary, progress)
    summary.seconds["storing"] = clock() - started
    return summary


def serialise_links(conn: Connection) -> None:
    """Make link writers (runs, updates, decisions) take turns until the transaction ends.

    PostgreSQL: a decision made while a batch replaces the machine links would otherwise update
    a row the batch deletes and re-inserts, and be lost. SQLite's single writer already serialises.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LINKS_LOCK})


def _decided(conn: Connection) -> dict[tuple[str, str], tuple[str, float]]:
    query = select(person_links.c.a_id, person_links.c.b_id, person_links.c.state, person_links.c.score).where(
        person_links.c.state.in_(DECIDED_STATES)
    )
    return {(r.a_id, r.b_id): (r.state, r.score) for r in conn.execute(query)}


def _insert(conn: Connection, table: Any, rows: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> int:
    done = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _INSERT:
            conn.execute(table.insert(), batch)
            done += len(batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
        done += len(batch)
    return done


def _store_batch(
    cell: Cell,
    ids: list[str],
    scored: list[tuple[int, int, float, str, str]],
    summary: Summary,
    progress: ProgressFactory | None,
) -> None:
    """Replace machine links and every cluster in one transaction, keeping human decisions."""
    now = cell.clock()
    position = {rid: node for node, rid in enumerate(ids)}
    with cell.db.write() as conn:
        serialise_links(conn)
        decided = _decided(conn)  # read inside the write: a decision made during the run is kept
        summary.decisions = len(decided)
        conn.execute(delete(person_links).where(person_links.c.state.in_(MACHINE_STATES)))
        edges: list[Edge] = []
        bar = _bar(progress, len(scored), "links", "link")

        def machine_rows() -> Iterator[dict[str, Any]]:
            for k, (a, b, score, features, state) in enumerate(scored):
                if k % 10_000 == 0:
                    bar.update(min(10_000, len(scored) - k))
                if (ids[a], ids[b]) in decided:
                    continue
                if state == "auto":
                    summary.auto += 1
                    edges.append(Edge(a, b, state, score))
                else:
                    summary.suggested += 1
                yield {
                    "a_id": ids[a],
                    "b_id": ids[b],
                    "score": score,
                    "algorithm": ftf_v2.NAME,
                    "features": features,
                    "state": state,
                    "created_at": now,
                }

        _insert(conn, person_links, machine_rows())
        bar.close()
        for (a_id, b_id), (state, score) in decided.items():
            if a_id in position and b_id in position:
                edges.append(Edge(position[a_id], position[b_id], state, score))
        roots, summary.conflicts = components(len(ids), edges)
        smallest: dict[int, int] = {}
        sizes: dict[int, int] = defaultdict(int)
        for node, root in enumerate(roots):
            smallest.setdefault(root, node)
            sizes[root] += 1
        names = {root: cluster_id(ids[node]) for root, node in smallest.items()}
        summary.clusters = len(sizes)
        summary.multi_record_clusters = sum(1 for s in sizes.values() if s > 1)
        summary.largest_cluster = max(sizes.values(), default=0)
        conn.execute(delete(person_clusters))
        _insert(conn, person_clusters, ({"person_id": rid, "cluster": names[roots[k]]} for k, rid in enumerate(ids)))


# --- Incremental: new or changed records through the candidate index ---


def _current_profiles(conn: Connection, ids: Iterable[str]) -> dict[str, Profile]:
    wanted = sorted(set(ids))
    found: dict[str, Profile] = {}
    for start in range(0, len(wanted), _CHUNK):
        query = select(persons.c.id, persons.c.profile).where(
            persons.c.id.in_(wanted[start : start + _CHUNK]), persons.c.is_current
        )
        found.update({r.id: _stored_profile(r.profile) for r in conn.execute(query)})
    return found


@lru_cache(maxsize=50_000)
def _stored_profile(stored: str) -> Profile:
    return Profile.from_json(orjson.loads(stored))


def links_of(conn: Connection, ids: Iterable[str], states: Sequence[str] | None = None) -> list[Any]:
    """Links with either end in ``ids`` (and a state in ``states``), each once, by pair.

    One query per end, the state checked here: a single ``a_id IN .. OR b_id IN ..`` with the
    state in SQL lets SQLite scan every link of that state instead of using the pair index.
    """
    wanted = sorted(set(ids))
    keep = set(states) if states is not None else None
    found: dict[tuple[str, str], Any] = {}
    for end in (person_links.c.a_id, person_links.c.b_id):
        for start in range(0, len(wanted), _CHUNK):
            for row in conn.execute(select(person_links).where(end.in_(wanted[start : start + _CHUNK]))):
                if keep is None or row.state in keep:
                    found[(row.a_id, row.b_id)] = row
    return [found[pair] for pair in sorted(found)]


def _candidates(conn: Connection, profile: Profile) -> list[int]:
    """Person pks the index yields for ``profile``, with the batch's block size cap applied."""
    keys = [key for key, held in index.counts(conn, blocking_keys(profile)).items() if held <= MAX_BLOCK]
    return index.candidates(conn, keys, limit=TOP_K + 1, budget=BUDGET) if keys else []


def _ids_of_pks(conn: Connection, pks: Sequence[int]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(pks), _CHUNK):
        query = select(persons.c.id).where(persons.c.pk.in_(pks[start : start + _CHUNK]), persons.c.is_current)
        found.extend(r.id for r in conn.execute(query))
    return found


@dataclass
class Update:
    """What an incremental update did."""

    records: int = 0
    pairs_scored: int = 0
    links: int = 0
    clusters_rewritten: int = 0  # records whose cluster row was rewritten
    conflicts: int = 0


def resolve_records(cell: Cell, conn: Connection | None, record_ids: Iterable[str]) -> Update:
    """Link new or changed records against the index and update the clusters they touch.

    Runs in ``conn`` (the caller's write transaction) or in a transaction of its own. A record's
    machine links are re-scored: against its index candidates and against the records it was
    linked to before; human decisions stay as they are.
    """
    if conn is None:
        with cell.db.write() as own:
            return resolve_records(cell, own, record_ids)
    serialise_links(conn)
    now = cell.clock()
    update = Update()
    profiles = _current_profiles(conn, record_ids)
    targets = sorted(profiles)
    update.records = len(targets)
    if not targets:
        return update
    previous = links_of(conn, targets, MACHINE_STATES + DECIDED_STATES)
    decided = {(r.a_id, r.b_id) for r in previous if r.state in DECIDED_STATES}
    earlier = {r.b_id if r.a_id in profiles else r.a_id for r in previous if r.state in MACHINE_STATES}
    wanted: set[tuple[str, str]] = set()
    for rid in targets:
        for other in _ids_of_pks(conn, _candidates(conn, profiles[rid])):
            if other != rid:
                wanted.add((min(rid, other), max(rid, other)))
    for r in previous:
        if r.state in MACHINE_STATES:
            wanted.add((r.a_id, r.b_id))
    others = _current_profiles(conn, {x for pair in wanted for x in pair} - set(profiles))
    profiles.update(others)
    rows = []
    for a, b in sorted(wanted - decided):
        if a not in profiles or b not in profiles:
            continue
        update.pairs_scored += 1
        comparison = ftf_v2.compare(profiles[a], profiles[b])
        if comparison.score >= SUGGEST:
            rows.append(
                {
                    "a_id": a,
                    "b_id": b,
                    "score": comparison.score,
                    "algorithm": ftf_v2.NAME,
                    "features": features_json(comparison),
                    "state": state_of(comparison),
                    "created_at": now,
                }
            )
    for start in range(0, len(targets), _CHUNK):
        chunk = targets[start : start + _CHUNK]
        conn.execute(
            delete(person_links).where(
                person_links.c.state.in_(MACHINE_STATES),
                or_(person_links.c.a_id.in_(chunk), person_links.c.b_id.in_(chunk)),
            )
        )
    if rows:
        conn.execute(person_links.insert(), rows)
    update.links = len(rows)
    seeds = set(targets) | earlier | {str(row[end]) for row in rows for end in ("a_id", "b_id")}
    update.clusters_rewritten, update.conflicts = recluster(conn, seeds)
    return update


def linked_component(conn: Connection, seeds: Iterable[str], limit: int | None = None) -> set[str]:
    """The records reachable from ``seeds`` over auto and confirmed links (at most ``limit``)."""
    seen = set(seeds)
    frontier = sorted(seen)
    while frontier and (limit is None or len(seen) < limit):
        nxt: set[str] = set()
        for row in links_of(conn, frontier, LINKED_STATES):
            nxt.update(x for x in (row.a_id, row.b_id) if x not in seen)
        seen |= nxt
        frontier = sorted(nxt)
    return seen


def recluster(conn: Connection, seeds: Iterable[str]) -> tuple[int, int]:
    """Recompute the clusters of the records linked (transitively) to ``seeds``; (rows written, conflicts).

    Only current records get a cluster; the result equals what a batch run gives them, since
    clustering depends on nothing outside a linked component.
    """
    members = sorted(linked_component(conn, seeds))
    current = set(_current_profiles_ids(conn, members))
    links = [
        (r.a_id, r.b_id, r.state, r.score)
        for r in links_of(conn, members, (*LINKED_STATES, "rejected"))
        if r.a_id in current and r.b_id in current
    ]
    names, conflicts = clusters_of(sorted(current), links)
    for start in range(0, len(members), _CHUNK):
        conn.execute(delete(person_clusters).where(person_clusters.c.person_id.in_(members[start : start + _CHUNK])))
    if names:
        conn.execute(person_clusters.insert(), [{"person_id": rid, "cluster": c} for rid, c in sorted(names.items())])
    return len(names), conflicts


def _current_profiles_ids(conn: Connection, ids: Sequence[str]) -> list[str]:
    found: list[str] = []
    for start in range(0, len(ids), _CHUNK):
        query = select(persons.c.id).where(persons.c.id.in_(ids[start : start + _CHUNK]), persons.c.is_current)
        found.extend(r.id for r in conn.execute(query))
    return found


def unresolved(conn: Connection) -> list[str]:
    """Current records that no run has clustered yet (new since the last run)."""
    query = (
        select(persons.c.id)
        .outerjoin(person_clusters, person_clusters.c.person_id == persons.c.id)
        .where(persons.c.is_current, person_clusters.c.person_id.is_(None))
        .order_by(persons.c.id)
    )
    return [r.id for r in conn.execute(query)]
