"""Federation between two intelcell instances on loopback: pull and push, labels preserved, ORCON
kept home, and a pull that resumes after the remote is killed mid-way."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from intelcell.api.app import create_app
from intelcell.cell import Cell, open_cell
from intelcell.domain import marking
from intelcell.domain.label import parse
from intelcell.domain.policy import parse_clearance
from intelcell.exchange import collections, federation, ingest, peers
from intelcell.settings import Settings
from intelcell.store import tokens
from tests.helpers import coalition_collection, stored_objects, user
from tests.servers import free_port
from tests.taxii.conftest import sdo

LABELS = ["NATO SECRET // REL TO COALITION", "NATO CONFIDENTIAL", "FRA SECRET // REL TO DEU", "NATO SECRET // ORCON"]


@dataclass
class RemoteCell:
    """A second intelcell: its store, a collection and a token this cell uses there."""

    cell: Cell
    url: str  # collection URL on the served instance
    token: str
    port: int
    process: multiprocessing.process.BaseProcess | None = None

    def start(self) -> None:
        # Forked from this process: an intelcell server of its own (a fresh interpreter would spend
        # seconds importing and loading name tables the remote never uses).
        self.process = multiprocessing.get_context("fork").Process(
            target=_serve_remote, args=(self.cell.settings, self.port), daemon=True
        )
        self.process.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.is_alive():
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise AssertionError("remote intelcell did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()  # SIGKILL: the remote dies mid-way, as a crashed server does
            self.process.join(timeout=10)


def _serve_remote(settings: Settings, port: int) -> None:
    """The remote server process: its own store connection, the same app `intelcell serve` runs."""
    uvicorn.run(create_app(cell=open_cell(settings)), host="127.0.0.1", port=port, log_level="error")


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[RemoteCell]:
    """France's national intelcell (always SQLite: it is another server) with 23 labelled objects."""
    cell = open_cell(Settings.from_env(environ={}, database_url=f"sqlite:///{tmp_path}/remote.db"))
    shared = coalition_collection(cell, "FRA releases", alias="fra")
    author = user(cell, "FRA", "fra.author")
    cell_user = user(cell, "NATO", "nato.cell")
    now = cell.clock()
    with cell.db.write() as conn:
        _id, token = tokens.issue(conn, cell_user, now, 10)
    labels = [parse(text, cell.vocabulary) for text in LABELS]
    cell.labels.ensure(cell.db, labels)
    objects = [
        {**sdo(name=f"fra {i}"), "object_marking_refs": [marking.marking_id(labels[i % len(labels)])]}
        for i in range(23)
    ]
    assert ingest.store(cell, author, shared, objects, "test")["failure_count"] == 0
    port = free_port()
    served = RemoteCell(cell, f"http://127.0.0.1:{port}/taxii2/cell/collections/{shared.id}/", token, port)
    served.start()
    yield served
    served.kill()
    cell.db.dispose()


def local_collection(cell: Cell) -> str:
    return str(coalition_collection(cell, "from partners", alias="partners").id)


def pull_peer(cell: Cell, remote: RemoteCell) -> peers.Peer:
    """A peer pulling France's releases into a local collection, as a NATO SECRET federation user."""
    return peers.add(
        cell,
        name="fra",
        direction="pull",
        url=remote.url,
        token=remote.token,
        member="FRA",
        collection_id=local_collection(cell),
        clearance=parse_clearance("NATO SECRET"),
    )


def test_pull_stores_what_the_remote_releases_with_labels_preserved(cell: Cell, remote: RemoteCell) -> None:
    peer = pull_peer(cell, remote)
    with httpx.Client(timeout=30) as client:
        report = federation.pull(cell, peer, client, page_size=5)
    assert report.error is None
    theirs = {sid: label for sid, label, _o, _b in stored_objects(remote.cell)}
    # The remote released to NATO what NATO may read: everything but "FRA SECRET // REL TO DEU".
    expected = {sid: label for sid, label in theirs.items() if not label.startswith("FRA")}
    mine = {sid: (label, orig) for sid, label, orig, _b in stored_objects(cell)}
    assert {sid: label for sid, (label, _o) in mine.items()} == expected
    assert {orig for _l, orig in mine.values()} == {"FRA"}
    with httpx.Client(timeout=30) as client:
        again = federation.pull(cell, peers.get(cell, "fra"), client, page_size=5)  # type: ignore[arg-type]
    assert again.stored == 0 and len(stored_objects(cell)) == len(expected)


def test_a_pull_killed_mid_way_resumes_where_it_stopped(cell: Cell, remote: RemoteCell) -> None:
    peer = pull_peer(cell, remote)

    def kill_after_second_page(pages: int) -> None:
        if pages == 2:
            remote.kill()

    with httpx.Client(timeout=10) as client:
        broken = federation.pull(cell, peer, client, page_size=4, after_page=kill_after_second_page)
    assert broken.error is not None and broken.pages == 2
    after_crash = len(stored_objects(cell))
    assert 0 < after_crash < 17
    resumed_peer = peers.get(cell, "fra")
    assert resumed_peer is not None and resumed_peer.bookmark and resumed_peer.last_error
    remote.start()
    with httpx.Client(timeout=30) as client:
        resumed = federation.pull(cell, resumed_peer, client, page_size=4)
    assert resumed.error is None
    ids = [sid for sid, *_ in stored_objects(cell)]
    assert len(ids) == len(set(ids)) == 17  # all 23 but the 6 under "FRA SECRET // REL TO DEU", once each
    assert peers.get(cell, "fra").last_error is None  # type: ignore[union-attr]


def test_push_sends_labels_and_keeps_other_members_orcon_home(cell: Cell, remote: RemoteCell, make_user) -> None:  # type: ignore[no-untyped-def]
    local = local_collection(cell)
    with cell.db.read() as conn:
        shared = collections.get(conn, cell, local)
    assert shared is not None
    nato_user, _ = make_user("NATO", "NATO SECRET", name="nato.author")
    usa_user, _ = make_user("USA", "NATO SECRET", name="usa.author")
    orcon = parse("NATO SECRET // ORCON", cell.vocabulary)
    plain = parse("NATO SECRET // REL TO COALITION", cell.vocabulary)
    cell.labels.ensure(cell.db, [orcon, plain])
    ours = {**sdo(name="nato orcon"), "object_marking_refs": [marking.marking_id(orcon)]}
    theirs = {**sdo(name="usa orcon"), "object_marking_refs": [marking.marking_id(orcon)]}
    shared_obj = {**sdo(name="usa shared"), "object_marking_refs": [marking.marking_id(plain)]}
    ingest.store(cell, nato_user, shared, [ours], "test")
    ingest.store(cell, usa_user, shared, [theirs, shared_obj], "test")
    peer = peers.add(
        cell,
        name="fra-out",
        direction="push",
        url=remote.url,
        token=remote.token,
        member="NATO",
        collection_id=local,
        clearance=parse_clearance("NATO SECRET"),
    )
    with httpx.Client(timeout=30) as client:
        report = federation.push(cell, peer, client)
    assert report.error is None and report.stored == 2
    there = {b["name"]: label for _sid, label, _o, b in stored_objects(remote.cell)}
    assert there["nato orcon"] == "NATO SECRET // ORCON" and there["usa shared"] == "NATO SECRET // REL TO COALITION"
    assert "usa orcon" not in there
    with httpx.Client(timeout=30) as client:
        again = federation.push(cell, peers.get(cell, "fra-out"), client)  # type: ignore[arg-type]
    assert again.stored == 0
