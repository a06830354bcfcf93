"""Batch resolution at scale: N synthetic records, stored, resolved with a progress bar, scored.

    .venv/bin/python bench/resolution_scale.py 100000 [--workers 2] [--seed 7] [--database-url URL]

1. ``intelcell.demo.fighters.generate(N, seed)`` draws records of persons held by one to four
   members, with each member's spelling habits, typos, partial and noisy dates and look-alikes;
2. each entity is validated and analysed (``fighters.entities.validate``, in ``--workers``
   processes) and bulk-inserted into ``persons`` under one label per member (the candidate
   index is not filled: the batch blocks from the stored profiles itself);
3. ``resolution.resolve(cell, workers=...)`` links and clusters everything, with tqdm bars;
4. the clusters are compared with the generator's ground truth (its ``person`` numbers):
   pairwise precision, recall and F1 over all pairs of records put in one person, and the
   blocking recall (true pairs among the pairs scored is not measured: pairs are not returned).

The store is a fresh SQLite file in a temporary directory unless ``--database-url`` is given.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from math import comb

import orjson
from sqlalchemy import select
from tqdm import tqdm

from intelcell.cell import open_cell
from intelcell.demo.fighters import generate
from intelcell.domain.label import parse
from intelcell.domain.policy import parse_clearance
from intelcell.fighters import resolution
from intelcell.fighters.entities import EntityError, validate
from intelcell.settings import Settings
from intelcell.store import users
from intelcell.store.schema import person_clusters, person_links, persons

LABEL = "NATO SECRET // REL TO COALITION"
INSERT = 5000


def _analysed(item: tuple[str, dict]) -> tuple[str, str, str | None] | None:
    """(entity JSON, profile JSON, status) of a member's valid entity, else None."""
    member, entity = item
    try:
        found = validate(entity, "bench")
    except EntityError:
        return None
    body = orjson.dumps(found.body(f"{member}-{found.entity_id}"), option=orjson.OPT_SORT_KEYS).decode()
    return body, orjson.dumps(found.profile.to_json(), option=orjson.OPT_SORT_KEYS).decode(), found.status


def pairwise(truth: dict[str, int], clusters: dict[str, str]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of ``clusters`` against ``truth`` (both keyed by record id)."""
    cells: Counter[tuple[str, int]] = Counter((clusters[r], truth[r]) for r in truth if r in clusters)
    together = sum(comb(n, 2) for n in cells.values())
    predicted = sum(comb(n, 2) for n in Counter(clusters[r] for r in truth if r in clusters).values())
    actual = sum(comb(n, 2) for n in Counter(truth.values()).values())
    precision = together / predicted if predicted else 1.0
    recall = together / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def store(cell, records: Iterable, count: int, workers: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Validate and bulk-insert the records; the ground truth by record id."""
    now = datetime.now(UTC)
    label = parse(LABEL, cell.vocabulary)
    label_id = cell.labels.ensure(cell.db, [label])[label]
    user_ids: dict[str, int] = {}
    truth: dict[str, int] = {}
    rows: list[dict] = []
    refused = 0
    records = list(records)
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        analysed = pool.imap(_analysed, ((r.member, r.entity) for r in records), chunksize=500)
        bar = tqdm(total=count, desc="store", unit="rec")
        for record, result in zip(records, analysed, strict=True):
            bar.update(1)
            if result is None:
                refused += 1
                continue
            if record.member not in user_ids:
                with cell.db.write() as conn:
                    made, _ = users.upsert(
                        conn,
                        member=record.member,
                        name="bench",
                        clearance=parse_clearance("NATO SECRET"),
                        role="analyst",
                        is_demo=True,
                        now=now,
                    )
                user_ids[record.member] = made.id
            rid = f"{record.member}-{record.entity['id']}"
            body, profile, status = result
            truth[rid] = record.person
            rows.append(
                {
                    "id": rid,
                    "version": 1,
                    "member": record.member,
                    "user_id": user_ids[record.member],
                    "label_id": label_id,
                    "entity": body,
                    "profile": profile,
                    "status": status,
                    "discoverable": True,
                    "disclose_holder": False,
                    "is_current": True,
                    "created_at": now,
                }
            )
            if len(rows) >= INSERT:
                with cell.db.write() as conn:
                    conn.execute(persons.insert(), rows)
                rows = []
        bar.close()
    if rows:
        with cell.db.write() as conn:
            conn.execute(persons.insert(), rows)
    if refused:
        print(f"refused by validation: {refused}")
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="intelcell-resolution-")
    url = args.database_url or f"sqlite:///{os.path.join(tmp, 'bench.db')}"
    cell = open_cell(Settings.from_env(environ={}, database_url=url))
    print(f"store: {url.split('@')[-1]}; {args.count} records, seed {args.seed}, {args.workers} workers")

    started = time.perf_counter()
    truth = store(cell, generate(args.count, args.seed), args.count, args.workers)
    print(f"generated and stored {len(truth)} records in {time.perf_counter() - started:.0f}s")

    started = time.perf_counter()
    summary = resolution.resolve(cell, progress=tqdm, workers=args.workers)
    elapsed = time.perf_counter() - started
    for line in summary.lines():
        print(line)
    print(f"resolution: {elapsed:.1f}s, {len(truth) / elapsed:,.0f} records/s, {summary.pairs_scored} pairs scored")

    with cell.db.read() as conn:
        clusters = {r.person_id: r.cluster for r in conn.execute(select(person_clusters))}
        links = [(r.a_id, r.b_id, r.state) for r in conn.execute(select(person_links))]
    precision, recall, f1 = pairwise(truth, clusters)
    print(f"clusters vs ground truth (pairwise): precision {precision:.4f}, recall {recall:.4f}, F1 {f1:.4f}")
    true_pairs = sum(comb(n, 2) for n in Counter(truth.values()).values())
    by_state: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a, b, state in links:
        by_state[state][0] += 1
        by_state[state][1] += truth.get(a) == truth.get(b)
    for state, (n, right) in sorted(by_state.items()):
        print(f"links {state}: {n}, of which true {right} ({right / n:.4f})")
    linked_true = sum(right for _n, right in by_state.values())
    print(f"true pairs: {true_pairs}; among links (any state, >= {resolution.SUGGEST}): {linked_true}")
    cell.db.dispose()


if __name__ == "__main__":
    main()
