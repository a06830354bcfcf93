"""Kill -9 the server during bulk ingest, many times; after each restart nothing acknowledged is lost.

Each round starts the API in its own process (forked from this one, so the name tables are loaded
once: a fresh interpreter takes seconds to import them), has three writers post as fast as they
can (STIX envelopes to TAXII, person records, air-picture plots), then kills the process with
SIGKILL at a random moment while requests are in flight. With the server down, the store is
opened afresh and checked:

- every write the server acknowledged (202/201 with its ids) is there, whole;
- every write that was in flight is there whole or not at all (an envelope's 5 objects, a
  submission's 3 records, a batch's 20 plots: never some of them);
- every stored object and record has its audit entry, and the audit chain verifies;
- after the start-up recovery (``intelcell.recovery``), every stored person record is linked.

``ROUNDS`` kills per database (SQLite, then PostgreSQL in the suite's second half);
``INTELCELL_CRASH=long`` runs ten times as many.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from intelcell.airpicture import sensors
from intelcell.api.app import create_app
from intelcell.cell import Cell, open_cell
from intelcell.clock import system_clock
from intelcell.domain import names
from intelcell.domain.airpicture.sensor import Sensor, SensorKind
from intelcell.domain.label import parse
from intelcell.domain.policy import parse_clearance
from intelcell.exchange import collections
from intelcell.fighters import resolution
from intelcell.recovery import link_unlinked_records
from intelcell.settings import Settings
from intelcell.store import audit, tokens, users
from intelcell.store.schema import air_inbox, objects, persons
from tests.servers import free_port

pytestmark = pytest.mark.slow

ROUNDS = 6 * (10 if os.environ.get("INTELCELL_CRASH") == "long" else 1)
TAXII = "application/taxii+json;version=2.1"
LABEL = "NATO RESTRICTED // REL TO COALITION"
ENVELOPE, SUBMISSION, BATCH = 5, 3, 20  # objects, records, plots per request
SENSOR = "fra-radar-crash"


@dataclass
class Write:
    """One request of a writer: the ids it carries and whether the server acknowledged it."""

    kind: str
    ids: list[Any]
    acknowledged: bool = False


@dataclass
class Bed:
    """The store under test: its settings, the writer's token and the collection written to."""

    settings: Settings
    token: str
    collection: str
    writes: list[Write] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)  # answers that were neither success nor a dead server


def _serve(settings: Settings, port: int) -> None:
    """The server process: recover as `intelcell serve` does, then serve until killed."""
    cell = open_cell(settings, system_clock)
    link_unlinked_records(cell)
    uvicorn.run(create_app(cell=cell), host="127.0.0.1", port=port, log_level="error")


@pytest.fixture
def bed(settings: Settings) -> Iterator[Bed]:
    """A writer of FRA with a token, a collection it writes and a radar it feeds."""
    names.warm()  # before any fork: every server process shares the loaded tables
    cell = open_cell(settings, system_clock)
    now = cell.clock()
    with cell.db.write() as conn:
        writer, _ = users.upsert(
            conn,
            member="FRA",
            name="fra.bulk",
            clearance=parse_clearance("NATO SECRET", frozenset()),
            role="admin",
            is_demo=False,
            now=now,
        )
        _id, token = tokens.issue(conn, writer, now, 1)
    collection = collections.create(
        cell,
        title="bulk",
        description="crash test",
        default_label=parse(LABEL, cell.vocabulary),
        readers=["COALITION"],
        writers=["COALITION"],
        release_limit=["COALITION"],
        alias=None,
        audit_path="test",
    )
    radar = Sensor(SENSOR, "FRA", SensorKind.RADAR, 36.0, 43.0, 500.0, 100.0)
    sensors.register_sensor(cell, writer, radar, LABEL, None)
    cell.db.dispose()  # no pooled connection may be shared with a forked server
    yield Bed(settings, token, collection.id)


def _stix(serial: int) -> tuple[list[str], dict[str, Any]]:
    ids = [f"threat-actor--{uuid.uuid4()}" for _ in range(ENVELOPE)]
    stamp = "2026-11-20T09:00:00.000Z"
    body = [
        {
            "type": "threat-actor",
            "spec_version": "2.1",
            "id": i,
            "created": stamp,
            "modified": stamp,
            "name": f"b{serial}",
        }
        for i in ids
    ]
    return ids, {"objects": body}


def _persons(serial: int) -> tuple[list[str], dict[str, Any]]:
    entity_ids = [f"crash-{serial}-{n}" for n in range(SUBMISSION)]
    entities = [
        {"id": e, "schema": "Person", "properties": {"name": [f"Abu Crash {serial} Test{n}"], "birthDate": ["1990"]}}
        for n, e in enumerate(entity_ids)
    ]
    return [f"FRA-{e}" for e in entity_ids], {"entities": entities, "label": LABEL}


def _plots(serial: int, start: float) -> tuple[list[float], dict[str, Any]]:
    times = [round(start + serial * BATCH * 0.01 + n * 0.01, 3) for n in range(BATCH)]
    plots = [{"time": t, "sensor": SENSOR, "lat": 36.1, "lon": 43.1, "alt_m": 9000.0, "sigma_m": 100.0} for t in times]
    return times, {"plots": plots}


def _writer(bed: Bed, base: str, kind: str, stop: threading.Event, counter: Iterator[int]) -> None:
    """Post requests of one kind until the server dies; record each and whether it was acknowledged."""
    headers = {"Authorization": f"Bearer {bed.token}"}
    start = time.time() - 3_000
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        while not stop.is_set():
            serial = next(counter)
            if kind == "stix":
                ids, body = _stix(serial)
                url = f"/taxii2/cell/collections/{bed.collection}/objects/"
                extra = {"Content-Type": TAXII, "Accept": TAXII}
            elif kind == "persons":
                ids, body = _persons(serial)
                url, extra = "/api/v1/persons", {}
            else:
                ids, body = _plots(serial, start)
                url, extra = "/api/v1/airpicture/plots", {}
            write = Write(kind, ids)
            bed.writes.append(write)
            try:
                response = client.post(
                    url, content=json.dumps(body), headers={"Content-Type": "application/json", **extra}
                )
            except httpx.TransportError:
                return  # the server is gone: this write was in flight
            answer = response.json() if response.status_code in (201, 202) else {}
            whole = {"stix": answer.get("success_count") == ENVELOPE, "plots": answer.get("accepted") == BATCH}
            if not answer or not whole.get(kind, True):
                bed.refusals.append(f"{kind} {response.status_code}: {response.text[:300]}")
                return
            write.acknowledged = True


def _crash_once(bed: Bed, rng: random.Random, counter: Iterator[int]) -> None:
    """Start a server, let the writers run, and SIGKILL it mid-stream."""
    port = free_port()
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(bed.settings, port), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline and server.is_alive(), "the server did not start"
        time.sleep(0.05)
    stop = threading.Event()
    threads = [
        threading.Thread(target=_writer, args=(bed, base, k, stop, counter)) for k in ("stix", "persons", "plots")
    ]
    for thread in threads:
        thread.start()
    time.sleep(rng.uniform(0.4, 2.0))
    server.kill()  # SIGKILL: no handler, no flush, no rollback by the server
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    server.join(timeout=10)


def _stored_counts(cell: Cell, bed: Bed) -> dict[int, int]:
    """For each write (by index), how many of its ids the store holds."""
    with cell.db.read() as conn:
        stix = {r[0] for r in conn.execute(select(objects.c.stix_id))}
        records = {r[0] for r in conn.execute(select(persons.c.id))}
        plots = {json.loads(r[0])["plot"]["time"] for r in conn.execute(select(air_inbox.c.payload))}
    held: dict[str, Callable[[Any], bool]] = {
        "stix": stix.__contains__,
        "persons": records.__contains__,
        "plots": plots.__contains__,
    }
    return {n: sum(held[w.kind](i) for i in w.ids) for n, w in enumerate(bed.writes)}


def _check_store(bed: Bed) -> tuple[int, int]:
    """Assert the promises over the store as it is after a crash; (acknowledged, in flight) writes."""
    cell = open_cell(bed.settings, system_clock)
    try:
        counts = _stored_counts(cell, bed)
        for n, write in enumerate(bed.writes):
            if write.acknowledged:
                assert counts[n] == len(write.ids), f"acknowledged {write.kind} write lost: {write.ids}"
            else:
                assert counts[n] in (0, len(write.ids)), f"{write.kind} write half stored: {counts[n]} of {write.ids}"
        with cell.db.read() as conn:
            assert audit.verify(conn) is None
            stored_ids = [i for n, w in enumerate(bed.writes) if w.kind != "plots" and counts[n] for i in w.ids]
            audited = audit.entries_for_objects(conn, stored_ids)
            assert [i for i in stored_ids if not audited.get(i)] == [], "stored without its audit entry"
        link_unlinked_records(cell)  # what the next start does (intelcell serve)
        with cell.db.read() as conn:
            assert resolution.unresolved(conn) == []
            assert conn.execute(select(func.count()).select_from(persons)).scalar_one() == sum(
                counts[n] for n, w in enumerate(bed.writes) if w.kind == "persons"
            )
    finally:
        cell.db.dispose()
    acknowledged = sum(w.acknowledged for w in bed.writes)
    return acknowledged, len(bed.writes) - acknowledged


def test_a_killed_server_loses_no_acknowledged_write_and_half_stores_none(bed: Bed) -> None:
    rng = random.Random(8)
    counter = itertools.count()
    in_flight = 0
    for _round in range(ROUNDS):
        _crash_once(bed, rng, counter)
        assert bed.refusals == []
        _acknowledged, in_flight = _check_store(bed)
    kinds = {w.kind for w in bed.writes if w.acknowledged}
    assert kinds == {"stix", "persons", "plots"}, "every kind of write must have been acknowledged at least once"
    assert sum(w.acknowledged for w in bed.writes) > 3 * ROUNDS
    assert in_flight >= 1  # the last kill caught at least one request in flight
    acknowledged = sum(w.acknowledged for w in bed.writes)
    print(f"crash safety: {ROUNDS} kills survived, {acknowledged} acknowledged writes kept, {in_flight} in flight")
