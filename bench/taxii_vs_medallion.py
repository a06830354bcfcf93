"""TAXII 2.1 side by side: intelcell (SQLite, WAL) against medallion 3.0.0's memory backend.

Both servers run in this process: intelcell through starlette's TestClient over ``create_app``,
medallion through Flask's test client over ``load_app``. Both receive the same generated STIX 2.1
objects (deterministic uuid5 ids), posted as TAXII envelopes of 1,000 objects.

Measured for each side:

1. POST ingest rate (objects/s), per stage of store growth;
2. GET .../objects/ page latency (p50, p95; limit=1,000), walking pages with ``next`` and starting
   from random ``added_after`` points. intelcell reads as a TUR NATO SECRET user without caveats,
   so objects under FRA or SIGINT labels are filtered out; medallion has no per-object access
   control (only per-collection can_read), so it serves everything;
3. ratios intelcell/medallion for every measurement both ran.

medallion's memory backend is quadratic in store size (PEERS.md: it re-parses dates while sorting,
23.7 s CPU per 20-object page at 2,000 objects), so its GET runs only at small sizes within a time
budget, and larger sizes get an extrapolation that says what it is fitted on.

Run from the repository root (not part of the test suite):

    .venv/bin/python bench/taxii_vs_medallion.py            # 1k, 10k, 100k (about 6-9 minutes)
    .venv/bin/python bench/taxii_vs_medallion.py --quick    # 1k and 10k
    .venv/bin/python bench/taxii_vs_medallion.py --sizes 1000,5000
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import logging
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

TAXII = "application/taxii+json;version=2.1"
ENVELOPE = 1000
PAGE_LIMIT = 1000
NS = uuid.UUID("3b0d6a8e-2f53-4f7e-9b55-5a1d0c8f6e21")
BASE_TIME = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)

#: (label text, weight). The writer (FRA, NATO COSMIC TOP SECRET, SIGINT) may assign all of them;
#: the reader (TUR, NATO SECRET, no caveats) reads the first three only.
LABELS: tuple[tuple[str, int], ...] = (
    ("NATO RESTRICTED // REL TO COALITION", 30),
    ("NATO SECRET", 20),
    ("NATO SECRET // REL TO COALITION", 20),
    ("FRA CONFIDENTIAL // REL TO BEL, DEU", 15),
    ("NATO CONFIDENTIAL // SIGINT", 15),
)
READER_READS = frozenset(text for text, _ in LABELS[:3])

#: Object kinds per block of 20 objects: about 10% indicators, the rest a realistic CTI mix.
KINDS: tuple[str, ...] = (
    "identity",
    "location",
    "threat-actor",
    "intrusion-set",
    "indicator",
    "relationship",
    "report",
    "sighting",
    "threat-actor",
    "relationship",
    "location",
    "intrusion-set",
    "report",
    "indicator",
    "relationship",
    "sighting",
    "threat-actor",
    "relationship",
    "report",
    "relationship",
)

COUNTRIES = ("IQ", "SY", "TR", "JO", "LB", "FR", "BE", "DE", "ML", "NE", "NG", "SO", "AF", "LY")
REGIONS = ("western-asia", "northern-africa", "western-africa", "western-europe", "southern-asia")
ACTOR_TYPES = ("terrorist", "criminal", "activist", "nation-state")
MOTIVATIONS = ("ideology", "dominance", "organizational-gain", "personal-satisfaction")
REPORT_TYPES = ("threat-report", "threat-actor", "attack-pattern", "indicator", "observed-data")


# ------------------------------------------------------------------------------------------------
# Data generation
# ------------------------------------------------------------------------------------------------


def _ts(seconds: int) -> str:
    return (BASE_TIME + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _sid(kind: str, index: int) -> str:
    return f"{kind}--{uuid.uuid5(NS, f'{kind}/{index}')}"


@dataclass
class Generated:
    """The generated objects and, per object, the label text it carries."""

    objects: list[dict[str, Any]]
    labels: list[str]
    counts: dict[str, int] = field(default_factory=dict)


def generate(n: int, marking_ids: dict[str, str], seed: int) -> Generated:
    """``n`` deterministic STIX 2.1 objects; references point only at earlier objects."""
    rng = random.Random(seed)
    label_texts = [t for t, _ in LABELS]
    weights = [w for _, w in LABELS]
    pools: dict[str, list[str]] = {k: [] for k in set(KINDS)}
    objects: list[dict[str, Any]] = []
    labels: list[str] = []
    counts: dict[str, int] = {}

    def pick(kind: str, fallback: str = "identity") -> str:
        pool = pools[kind] or pools[fallback]
        return pool[rng.randrange(max(0, len(pool) - 2000), len(pool))]  # mostly recent objects

    # Bootstrap the pools so the very first references resolve.
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        if kind in ("relationship", "report", "sighting") and not (pools["threat-actor"] and pools["location"]):
            kind = "identity" if not pools["identity"] else "location" if not pools["location"] else "threat-actor"
        if kind == "indicator" and not pools["intrusion-set"]:
            kind = "intrusion-set"
        sid = _sid(kind, i)
        created = _ts(i * 7)
        modified = _ts(i * 7 + rng.randrange(0, 86_400 * 30)) if rng.random() < 0.3 else created
        obj: dict[str, Any] = {"type": kind, "spec_version": "2.1", "id": sid, "created": created, "modified": modified}
        if kind != "identity" and pools["identity"]:
            obj["created_by_ref"] = pick("identity")
        if kind == "identity":
            obj.update(name=f"Reporting unit {i}", identity_class=rng.choice(("organization", "group", "system")))
        elif kind == "location":
            obj.update(
                name=f"Area of interest {i}",
                region=rng.choice(REGIONS),
                country=rng.choice(COUNTRIES),
                latitude=round(rng.uniform(-10, 50), 4),
                longitude=round(rng.uniform(-15, 70), 4),
            )
        elif kind == "threat-actor":
            obj.update(
                name=f"Cell {i:06d}",
                threat_actor_types=[rng.choice(ACTOR_TYPES)],
                aliases=[f"Katiba {i}", f"Network {i % 97}"],
                primary_motivation=rng.choice(MOTIVATIONS),
                description=f"Facilitation cell number {i}, active across the border region {i % 13}.",
            )
        elif kind == "intrusion-set":
            obj.update(
                name=f"Operations group {i:06d}",
                aliases=[f"Amn group {i}"],
                goals=["recruitment", "logistics"],
                first_seen=created,
            )
        elif kind == "indicator":
            octets = (198, 51, 100, i % 256) if i % 3 else (203, 0, 113, i % 256)
            pattern = (
                f"[ipv4-addr:value = '{'.'.join(map(str, octets))}']"
                if i % 2
                else f"[domain-name:value = 'relay{i}.example.org']"
            )
            obj.update(
                name=f"Courier relay {i}",
                indicator_types=["malicious-activity"],
                pattern=pattern,
                pattern_type="stix",
                valid_from=created,
            )
        elif kind == "relationship":
            source_kind, rel, target_kind = rng.choice(
                (
                    ("intrusion-set", "attributed-to", "threat-actor"),
                    ("threat-actor", "located-at", "location"),
                    ("indicator", "indicates", "intrusion-set"),
                    ("threat-actor", "targets", "location"),
                    ("intrusion-set", "originates-from", "location"),
                )
            )
            obj.update(
                relationship_type=rel,
                source_ref=pick(source_kind, "threat-actor"),
                target_ref=pick(target_kind, "location"),
            )
        elif kind == "report":
            refs = {pick(rng.choice(("threat-actor", "intrusion-set", "location", "indicator"))) for _ in range(6)}
            obj.update(
                name=f"Intelligence summary {i}",
                report_types=[rng.choice(REPORT_TYPES)],
                published=modified,
                description="Movements of foreign fighters and facilitators; see referenced objects.",
                object_refs=sorted(refs),
            )
        elif kind == "sighting":
            obj.update(
                sighting_of_ref=pick(rng.choice(("indicator", "threat-actor", "intrusion-set")), "threat-actor"),
                where_sighted_refs=[pick("location")],
                count=rng.randrange(1, 40),
                first_seen=created,
                last_seen=modified,
            )
        label = rng.choices(label_texts, weights)[0]
        obj["object_marking_refs"] = [marking_ids[label]]
        objects.append(obj)
        labels.append(label)
        pools[kind].append(sid)
        counts[kind] = counts.get(kind, 0) + 1
    return Generated(objects, labels, counts)


def check_with_stix2(objects: list[dict[str, Any]], sample: int = 400) -> None:
    """Parse a sample (every kind) with the stix2 library; raise on the first invalid object."""
    import stix2

    seen: set[str] = set()
    for obj in objects[:sample]:
        stix2.parse(obj, allow_custom=False, version="2.1")
        seen.add(obj["type"])
    missing = set(KINDS) - seen
    if missing:
        raise SystemExit(f"generator bug: no {sorted(missing)} in the first {sample} objects")


# ------------------------------------------------------------------------------------------------
# The two servers
# ------------------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    seconds: float


class IntelcellSide:
    """intelcell in-process: SQLite in a temp dir (WAL), a FRA writer and a TUR reader."""

    name = "intelcell"

    def __init__(self, workdir: str) -> None:
        from fastapi.testclient import TestClient

        from intelcell.api.app import create_app
        from intelcell.cell import open_cell
        from intelcell.domain import marking
        from intelcell.domain.label import parse
        from intelcell.domain.policy import parse_clearance
        from intelcell.exchange import collections
        from intelcell.settings import Settings
        from intelcell.store import tokens, users

        self.db_path = os.path.join(workdir, "intelcell.db")
        settings = Settings.from_env(environ={}, database_url=f"sqlite:///{self.db_path}")
        self.cell = open_cell(settings)
        cell = self.cell
        labels = [parse(text, cell.vocabulary) for text, _ in LABELS]
        cell.labels.ensure(cell.db, labels)
        self.marking_ids = {text: marking.marking_id(label) for (text, _), label in zip(LABELS, labels, strict=True)}
        now = cell.clock()
        with cell.db.write() as conn:
            # FRA, not USA: a USA user may not assign "FRA CONFIDENTIAL // REL TO BEL, DEU" (USA is not
            # in its releasability), and intelcell refuses labels the submitter could not read.
            writer, _ = users.upsert(
                conn,
                member="FRA",
                name="bench.writer",
                clearance=parse_clearance("NATO COSMIC TOP SECRET", frozenset({"SIGINT"})),
                role="analyst",
                is_demo=False,
                now=now,
            )
            reader, _ = users.upsert(
                conn,
                member="TUR",
                name="bench.reader",
                clearance=parse_clearance("NATO SECRET"),
                role="analyst",
                is_demo=False,
                now=now,
            )
            _, self.writer_token = tokens.issue(conn, writer, now, 30)
            _, self.reader_token = tokens.issue(conn, reader, now, 30)
        self.collection = collections.create(
            cell,
            title="Benchmark collection",
            description="taxii_vs_medallion benchmark",
            default_label=parse("NATO RESTRICTED // REL TO COALITION", cell.vocabulary),
            readers=["COALITION"],
            writers=["COALITION"],
            release_limit=["COALITION"],
            alias="bench",
            audit_path="bench",
        )
        self.path = f"/taxii2/cell/collections/{self.collection.id}/objects/"
        self.client = TestClient(create_app(cell=cell), base_url="https://testserver")
        self.client.__enter__()
        # As `intelcell serve` does at start-up: the validation worker pool is started before
        # the first request, not inside the first large envelope.
        from intelcell.exchange import validation

        validation.warm()

    def post(self, body: bytes) -> Response:
        headers = {"Content-Type": TAXII, "Accept": TAXII, "Authorization": f"Bearer {self.writer_token}"}
        start = time.perf_counter()
        r = self.client.post(self.path, content=body, headers=headers)
        elapsed = time.perf_counter() - start
        return Response(r.status_code, r.json(), dict(r.headers), elapsed)

    def get(self, params: dict[str, str]) -> Response:
        headers = {"Accept": TAXII, "Authorization": f"Bearer {self.reader_token}"}
        start = time.perf_counter()
        r = self.client.get(self.path, params=params, headers=headers)
        elapsed = time.perf_counter() - start
        return Response(r.status_code, r.json(), dict(r.headers), elapsed)

    def close(self) -> None:
        self.client.__exit__(None, None, None)
        self.cell.db.dispose()


class MedallionSide:
    """medallion 3.0.0 in-process: Flask test client over load_app, MemoryBackend, HTTP Basic."""

    name = "medallion"
    api_root = "bench"
    collection_id = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"

    def __init__(self, workdir: str) -> None:
        logging.getLogger("medallion").setLevel(logging.ERROR)
        data_file = os.path.join(workdir, "medallion_data.json")
        config_file = os.path.join(workdir, "medallion_config.json")
        data = {
            "/discovery": {
                "title": "medallion benchmark server",
                "description": "medallion 3.0.0 memory backend",
                "default": f"http://localhost/{self.api_root}/",
                "api_roots": [f"http://localhost/{self.api_root}/"],
            },
            self.api_root: {
                "information": {
                    "title": "benchmark API root",
                    "description": "benchmark",
                    "versions": [TAXII],
                    "max_content_length": 50 * 1024 * 1024,
                },
                "status": [],
                "collections": [
                    {
                        "id": self.collection_id,
                        "title": "Benchmark collection",
                        "description": "taxii_vs_medallion benchmark",
                        "can_read": True,
                        "can_write": True,
                        "media_types": ["application/stix+json;version=2.1"],
                        "objects": [],
                        "manifest": [],
                    }
                ],
            },
        }
        with open(data_file, "w", encoding="utf-8") as f:
            json.dump(data, f)
        config = {
            "backend": {
                "module": "medallion.backends.memory_backend",
                "module_class": "MemoryBackend",
                "filename": data_file,
                "session_timeout": 600,  # its default (30 s) is shorter than one 2k-object GET
            },
            "users": {"bench": "bench-password"},
            "taxii": {"max_page_size": PAGE_LIMIT},
        }
        with open(config_file, "w", encoding="utf-8") as f:
            json.dump(config, f)
        import medallion

        self.app = medallion.load_app(config_file)
        self.client = self.app.test_client()
        self.auth = "Basic " + base64.b64encode(b"bench:bench-password").decode()
        self.path = f"/{self.api_root}/collections/{self.collection_id}/objects/"

    def post(self, body: bytes) -> Response:
        headers = {"Content-Type": TAXII, "Accept": TAXII, "Authorization": self.auth}
        start = time.perf_counter()
        r = self.client.post(self.path, data=body, headers=headers)
        elapsed = time.perf_counter() - start
        return Response(r.status_code, json.loads(r.data), dict(r.headers), elapsed)

    def get(self, params: dict[str, str]) -> Response:
        headers = {"Accept": TAXII, "Authorization": self.auth}
        start = time.perf_counter()
        r = self.client.get(self.path, query_string=params, headers=headers)
        elapsed = time.perf_counter() - start
        return Response(r.status_code, json.loads(r.data) if r.data else {}, dict(r.headers), elapsed)

    def close(self) -> None:
        pass


# ------------------------------------------------------------------------------------------------
# Measurements
# ------------------------------------------------------------------------------------------------


@dataclass
class IngestStage:
    start: int
    end: int
    seconds: float
    per_envelope: list[tuple[int, float]]  # (objects stored before the envelope, seconds)

    @property
    def rate(self) -> float:
        return (self.end - self.start) / self.seconds if self.seconds else float("nan")


@dataclass
class GetStage:
    size: int
    samples: list[float]  # seconds per page
    objects: list[int]  # objects per page
    first: list[bool]  # whether the page was the first of its query (no ``next``)
    walked: int  # objects returned by one full walk from the start
    walk_pages: int
    note: str = ""

    def pct(self, q: float) -> float:
        ordered = sorted(self.samples)
        if not ordered:
            return float("nan")
        k = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
        return ordered[k] * 1000

    def split(self) -> str:
        """p50 of first pages (the query itself) and of pages reached with ``next``."""
        firsts = [t for t, f in zip(self.samples, self.first, strict=True) if f]
        nexts = [t for t, f in zip(self.samples, self.first, strict=True) if not f]
        text = f"first pages p50 {statistics.median(firsts) * 1000:.1f} ms ({len(firsts)})"
        if nexts:
            text += f", next pages p50 {statistics.median(nexts) * 1000:.1f} ms ({len(nexts)})"
        return text

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) * 1000 if self.samples else float("nan")

    @property
    def p95(self) -> float:
        return self.pct(0.95)


def settle() -> None:
    """Collect garbage, then freeze what survives out of the collector's reach.

    Both servers and 100k generated objects share one heap here; without this, the cyclic
    collector traverses all of them in every full collection, and each side would pay for the
    other's (and the generator's) live objects. Objects allocated while a request runs are still
    collected as usual.
    """
    gc.collect()
    gc.freeze()


def _utc_now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ingest(
    side: IntelcellSide | MedallionSide,
    objects: list[dict[str, Any]],
    start: int,
    end: int,
    marks: list[str],
    budget: float | None = None,
) -> IngestStage:
    """POST envelopes of 1,000 objects until ``end`` objects are stored (or the budget runs out)."""
    total = 0.0
    per_envelope: list[tuple[int, float]] = []
    stored = start
    while stored < end:
        chunk = objects[stored : min(end, stored + ENVELOPE)]
        body = json.dumps({"objects": chunk}, separators=(",", ":")).encode()
        marks.append(_utc_now_text())  # an added_after point: everything from here on is newer
        r = side.post(body)
        if r.status != 202 or r.body.get("success_count") != len(chunk):
            failures = r.body.get("failures", r.body)
            raise SystemExit(f"{side.name}: POST refused ({r.status}): {json.dumps(failures)[:800]}")
        total += r.seconds
        per_envelope.append((stored, r.seconds))
        stored += len(chunk)
        if budget is not None and total > budget and stored < end:
            break
    return IngestStage(start, stored, total, per_envelope)


def _walk(
    side: IntelcellSide | MedallionSide, params: dict[str, str], max_pages: int | None
) -> Iterator[tuple[float, int]]:
    """Pages of one query, following ``next``: (seconds, objects) per page."""
    query = dict(params, limit=str(PAGE_LIMIT))
    pages = 0
    while True:
        r = side.get(query)
        if r.status != 200:
            raise SystemExit(f"{side.name}: GET {query} answered {r.status}: {json.dumps(r.body)[:400]}")
        yield r.seconds, len(r.body.get("objects", []))
        pages += 1
        if not r.body.get("more") or (max_pages is not None and pages >= max_pages):
            return
        query = dict(params, limit=str(PAGE_LIMIT), next=r.body["next"])


def measure_get(
    side: IntelcellSide | MedallionSide,
    size: int,
    marks: list[str],
    rng: random.Random,
    *,
    queries: int,
    budget: float,
    warmup: bool,
) -> GetStage:
    """One full walk from the start, then ``queries`` walks (up to 3 pages) from random added_after points.

    The added_after queries stop early when ``budget`` seconds have been spent.
    """
    if warmup:
        next(_walk(side, {}, 1))
    samples: list[float] = []
    counts: list[int] = []
    first: list[bool] = []
    began = time.perf_counter()
    walked = walk_pages = 0
    for seconds, count in _walk(side, {}, None):
        first.append(not samples)
        samples.append(seconds)
        counts.append(count)
        walked += count
        walk_pages += 1
    note = ""
    for done in range(queries):
        if time.perf_counter() - began > budget:
            note = f"{done} of {queries} added_after queries run: {budget:.0f} s budget spent"
            break
        point = marks[rng.randrange(0, len(marks))]
        for page, (seconds, count) in enumerate(_walk(side, {"added_after": point}, 3)):
            first.append(page == 0)
            samples.append(seconds)
            counts.append(count)
    return GetStage(size, samples, counts, first, walked, walk_pages, note)


def fit_power(points: list[tuple[int, float]]) -> tuple[float, float] | None:
    """Least-squares fit of t = c * n**k on log-log points; None with fewer than two sizes."""
    if len({n for n, _ in points}) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    k = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    return math.exp(my - k * mx), k


def fit_linear(points: list[tuple[int, float]]) -> tuple[float, float] | None:
    """Least-squares fit of t = a + b * n (per-envelope POST time against objects already stored)."""
    if len({n for n, _ in points}) < 2:
        return None
    xs = [float(n) for n, _ in points]
    ys = [t for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    return my - b * mx, b


# ------------------------------------------------------------------------------------------------
# Reporting
# ------------------------------------------------------------------------------------------------


def out(line: str = "") -> None:
    print(line, flush=True)


def kfmt(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def ratio_text(intelcell: float, medallion: float, higher_is_better: bool) -> str:
    r = intelcell / medallion
    if higher_is_better:
        verdict = f"intelcell {r:.1f}x faster" if r >= 1 else f"intelcell {1 / r:.1f}x slower"
    else:
        verdict = f"intelcell {1 / r:.1f}x faster" if r <= 1 else f"intelcell {r:.1f}x slower"
    return f"{r:.3g} ({verdict})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="intelcell store sizes, comma-separated")
    parser.add_argument("--quick", action="store_true", help="short run: sizes 1000,10000")
    parser.add_argument("--seed", type=int, default=20251128)
    parser.add_argument("--queries", type=int, default=20, help="random added_after queries per size (intelcell)")
    parser.add_argument("--medallion-queries", type=int, default=8, help="random added_after queries per size")
    parser.add_argument("--medallion-get-budget", type=float, default=60.0, help="seconds for medallion GETs per size")
    parser.add_argument("--medallion-ingest-max", type=int, default=10_000, help="largest store medallion is filled to")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (SQLite file, medallion data)")
    args = parser.parse_args(argv)
    sizes = [1000, 10_000] if args.quick else sorted({int(s.replace("_", "")) for s in args.sizes.split(",")})
    if any(s <= 0 or s % ENVELOPE for s in sizes):
        parser.error(f"sizes must be positive multiples of {ENVELOPE}")
    medallion_get_sizes = [s for s in (1000, 2000) if s <= max(sizes)]
    stages = sorted(set(sizes) | set(medallion_get_sizes))
    run_started = time.perf_counter()

    workdir = tempfile.mkdtemp(prefix="taxii_bench_")
    out("TAXII 2.1 benchmark: intelcell vs medallion 3.0.0 (memory backend), in one process")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    out(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load}, temp dir {workdir}")
    out(f"sizes (intelcell): {', '.join(map(kfmt, sizes))}; envelopes of {ENVELOPE}; GET limit={PAGE_LIMIT}")
    try:
        intelcell = IntelcellSide(workdir)
        medallion_dir = os.path.join(workdir, "medallion")
        os.makedirs(medallion_dir)
        medallion = MedallionSide(medallion_dir)

        gen_start = time.perf_counter()
        data = generate(max(stages), intelcell.marking_ids, args.seed)
        check_with_stix2(data.objects)
        mix = ", ".join(f"{k} {v}" for k, v in sorted(data.counts.items(), key=lambda kv: -kv[1]))
        out(f"generated {len(data.objects)} objects in {time.perf_counter() - gen_start:.1f} s: {mix}")
        out(f"labels: {', '.join(f'{t} ({w}%)' for t, w in LABELS)}")
        out("writer: FRA, NATO COSMIC TOP SECRET + SIGINT; reader: TUR, NATO SECRET, no caveats")
        out("  (intelcell filters per object; medallion has per-collection permissions only, serves all)")
        out()

        rng = random.Random(args.seed)
        ic_marks: list[str] = []
        md_marks: list[str] = []
        ic_ingest: dict[int, IngestStage] = {}
        md_ingest: dict[int, IngestStage] = {}
        ic_get: dict[int, GetStage] = {}
        md_get: dict[int, GetStage] = {}
        md_skipped: dict[int, str] = {}
        md_stored = 0
        md_stopped = ""
        previous = 0
        for size in stages:
            settle()
            stage = ingest(intelcell, data.objects, previous, size, ic_marks)
            ic_ingest[size] = stage
            out(f"[intelcell] {kfmt(previous)}->{kfmt(size)}: POST {stage.rate:,.0f} objects/s ({stage.seconds:.1f} s)")
            expected = sum(1 for lab in data.labels[:size] if lab in READER_READS)
            settle()
            g = measure_get(intelcell, size, ic_marks, rng, queries=args.queries, budget=60.0, warmup=True)
            ic_get[size] = g
            out(
                f"[intelcell] GET at {kfmt(size)}: p50 {g.p50:.1f} ms, p95 {g.p95:.1f} ms over {len(g.samples)} pages;"
                f" full walk {g.walked} objects in {g.walk_pages} pages (expected {expected} readable)"
            )
            out(f"            {g.split()}")
            if g.walked != expected:
                out(f"  !! intelcell returned {g.walked} objects to TUR, expected {expected}")
            previous = size

            if md_stopped or size > args.medallion_ingest_max:
                md_skipped.setdefault(size, md_stopped or f"beyond --medallion-ingest-max {args.medallion_ingest_max}")
                continue
            settle()
            stage = ingest(medallion, data.objects, md_stored, size, md_marks, budget=120.0)
            md_ingest[size] = stage
            md_stored = stage.end
            out(
                f"[medallion] {kfmt(stage.start)}->{kfmt(stage.end)}: POST {stage.rate:,.0f} objects/s"
                f" ({stage.seconds:.1f} s)"
            )
            if stage.end < size:
                md_stopped = f"ingest stopped at {stage.end} objects (120 s budget per stage)"
                md_skipped[size] = md_stopped
                continue
            if size in medallion_get_sizes:
                if size > 1000 and 1000 in md_get:
                    # Projected from 1k with medallion's quadratic cost: skip if one walk cannot fit.
                    projected = md_get[1000].samples[0] * (size / 1000) ** 2
                    if projected > args.medallion_get_budget:
                        md_skipped[size] = f"GET skipped: projected {projected:.0f} s per query > budget"
                        out(f"[medallion] GET at {kfmt(size)}: {md_skipped[size]}")
                        continue
                settle()
                g = measure_get(
                    medallion,
                    size,
                    md_marks,
                    rng,
                    queries=args.medallion_queries,
                    budget=args.medallion_get_budget,
                    warmup=False,
                )
                md_get[size] = g
                out(
                    f"[medallion] GET at {kfmt(size)}: p50 {g.p50:.1f} ms, p95 {g.p95:.1f} ms over"
                    f" {len(g.samples)} pages; full walk {g.walked} objects in {g.walk_pages} pages"
                    + (f" ({g.note})" if g.note else "")
                )
                out(f"            {g.split()}")
        out()
        report(args, sizes, stages, ic_ingest, md_ingest, ic_get, md_get, md_skipped, md_stored)
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        out(f"total run time {time.perf_counter() - run_started:.0f} s; load average at the end {load}")
        intelcell.close()
        medallion.close()
    finally:
        if args.keep:
            out(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def report(
    args: argparse.Namespace,
    sizes: list[int],
    stages: list[int],
    ic_ingest: dict[int, IngestStage],
    md_ingest: dict[int, IngestStage],
    ic_get: dict[int, GetStage],
    md_get: dict[int, GetStage],
    md_skipped: dict[int, str],
    md_stored: int,
) -> None:
    line: Callable[[str], None] = out
    line("=" * 100)
    line("1. POST ingest rate (objects/s), envelopes of 1,000 objects")
    line(f"{'store growth':<16}{'intelcell':>12}{'medallion':>12}   ratio intelcell/medallion")
    for size in stages:
        ic = ic_ingest[size]
        md = md_ingest.get(size)
        label = f"{kfmt(ic.start)} -> {kfmt(ic.end)}"
        if md is not None and md.start == ic.start and md.end == ic.end:
            line(f"{label:<16}{ic.rate:>12,.0f}{md.rate:>12,.0f}   {ratio_text(ic.rate, md.rate, True)}")
        else:
            line(f"{label:<16}{ic.rate:>12,.0f}{'not run':>12}   ({md_skipped.get(size, 'not run')})")
    ic_total = sum(s.end - s.start for s in ic_ingest.values()) / sum(s.seconds for s in ic_ingest.values())
    line(f"intelcell overall to {kfmt(max(stages))}: {ic_total:,.0f} objects/s")
    if md_ingest:
        md_secs = sum(s.seconds for s in md_ingest.values())
        md_total = md_stored / md_secs
        ic_same = [s for s in ic_ingest.values() if s.end <= md_stored]
        ic_same_rate = sum(s.end - s.start for s in ic_same) / sum(s.seconds for s in ic_same)
        line(
            f"overall to {kfmt(md_stored)}: intelcell {ic_same_rate:,.0f}, medallion {md_total:,.0f} objects/s;"
            f" ratio {ratio_text(ic_same_rate, md_total, True)}"
        )
        envelopes = [p for s in md_ingest.values() for p in s.per_envelope]
        fit = fit_linear(envelopes)
        if fit and max(sizes) > md_stored:
            a, b = fit
            target = max(sizes)
            secs = sum(a + b * n for n in range(0, target, ENVELOPE))
            line(
                f"medallion per-envelope POST time grows with the store: {envelopes[0][1] * 1000:.0f} ms at 0,"
                f" {envelopes[-1][1] * 1000:.0f} ms at {kfmt(envelopes[-1][0])} stored (fit {a * 1000:.0f} ms +"
                f" {b * 1e6:.2f} ms per 1k stored);"
            )
            line(
                f"  extrapolated fill to {kfmt(target)}: {duration(secs)}, {target / secs:,.0f} objects/s"
                " (linear fit of per-envelope time, not measured)"
            )
    line()
    line(f"2. GET .../objects/ page latency, limit={PAGE_LIMIT} (intelcell filtered for TUR; medallion unfiltered)")
    line(
        f"{'stored':<8}{'intelcell p50':>14}{'p95':>9}{'pages':>7}{'obj/page':>9}"
        f"{'medallion p50':>15}{'p95':>10}{'pages':>7}   ratio p50 / p95 (intelcell/medallion)"
    )
    for size in stages:
        ic = ic_get[size]
        md = md_get.get(size)
        ic_cols = (
            f"{kfmt(size):<8}{ic.p50:>12.1f}ms{ic.p95:>7.1f}ms{len(ic.samples):>7}{statistics.fmean(ic.objects):>9.0f}"
        )
        if md is not None:
            line(
                f"{ic_cols}{md.p50:>13.1f}ms{md.p95:>8.1f}ms{len(md.samples):>7}   "
                f"{ratio_text(ic.p50, md.p50, False)} / {ratio_text(ic.p95, md.p95, False)}"
            )
        else:
            line(f"{ic_cols}{'not run':>15}")
    full_pages = {s: g for s, g in md_get.items() if g.walk_pages}
    first_page = [(s, g.samples[0]) for s, g in sorted(full_pages.items())]
    fit = fit_power(first_page)
    for size in stages:
        if size in md_get:
            continue
        why = md_skipped.get(size, "")
        reason = (
            "not run: medallion's memory backend is quadratic in store size (PEERS.md: it re-parses dates"
            " while sorting, 23.7 s CPU per 20-object page at 2,000 objects)"
        )
        line(f"medallion GET at {kfmt(size)}: {reason}" + (f"; {why}" if why else ""))
        if fit:
            c, k = fit
            line(
                f"  estimate: first page of a walk about {duration(c * size**k)} (fit t = c * n^{k:.2f} on the"
                f" measured first pages at {', '.join(kfmt(s) for s, _ in first_page)}; an extrapolation)"
            )
        elif first_page:
            s0, t0 = first_page[0]
            line(
                f"  estimate: about {duration(t0 * (size / s0) ** 2)} for the first page, assuming quadratic"
                f" growth from {t0:.1f} s at {kfmt(s0)} (an extrapolation)"
            )
    line()
    line("3. Does intelcell's page cost grow with store size?")
    base = ic_get[stages[0]]
    parts = []
    for size in sizes:
        g = ic_get[size]
        per_obj = g.p95 / max(1.0, statistics.fmean(g.objects))
        parts.append(f"{kfmt(size)}: p95 {g.p95:.1f} ms ({per_obj * 1000:.0f} us/object)")
    line("  " + "; ".join(parts))
    largest = ic_get[max(sizes)]
    growth = largest.p95 / base.p95
    per_obj_growth = (largest.p95 / statistics.fmean(largest.objects)) / (base.p95 / statistics.fmean(base.objects))
    line(
        f"  p95 at {kfmt(max(sizes))} is {growth:.2f}x the p95 at {kfmt(stages[0])}"
        f" ({per_obj_growth:.2f}x per returned object; pages at 1k are partial: only readable objects fill them)"
    )
    line()
    line("Targets (issue): ingest >= 5,000 objects/s on SQLite; p95 GET page (limit 1,000) < 100 ms at 100k objects")
    worst = min(s.rate for s in ic_ingest.values())
    line(
        f"  ingest: overall {ic_total:,.0f} objects/s, slowest stage {worst:,.0f} objects/s -> "
        + ("MET" if worst >= 5000 else "NOT MET")
    )
    if 100_000 in ic_get:
        p95 = ic_get[100_000].p95
        line(f"  p95 GET page at 100k: {p95:.1f} ms -> " + ("MET" if p95 < 100 else "NOT MET"))
    else:
        line(f"  p95 GET page at 100k: not measured in this run (largest size {kfmt(max(sizes))})")
    line("=" * 100)


if __name__ == "__main__":
    sys.exit(main())
