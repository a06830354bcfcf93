"""The real OASIS ``taxii2-client`` against a running intelcell on loopback: discover, list, add,
poll with pagination, versions and status."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests
import uvicorn
from taxii2client.exceptions import AccessError
from taxii2client.v21 import Server, as_pages

from intelcell.api.app import create_app
from intelcell.cell import Cell
from tests.taxii.conftest import TAXII, sdo


class Bearer(requests.auth.AuthBase):
    """taxii2-client takes any requests auth object: ours adds the bearer token."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


@pytest.fixture
def live(cell: Cell) -> Iterator[str]:
    """intelcell served by uvicorn on a free loopback port, for the test's duration."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(cell=cell), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_taxii2_client_discovers_adds_polls_pages_versions_and_status(live: str, taxii) -> None:  # type: ignore[no-untyped-def]
    server = Server(f"{live}/taxii2/", auth=Bearer(taxii.token))
    assert server.title == "intelcell TAXII 2.1"
    root = server.default
    assert root is not None and "application/taxii+json;version=2.1" in root.versions
    collection = next(c for c in root.collections if c.id == taxii.rw)
    assert collection.can_read and collection.can_write

    objects = [sdo(name=f"actor {i}") for i in range(7)]
    status = collection.add_objects({"objects": objects})
    assert status.status == "complete" and status.success_count == 7 and status.failure_count == 0
    status.refresh()
    assert status.status == "complete"

    seen = []
    for page in as_pages(collection.get_objects, per_request=3):
        seen += [o["id"] for o in page.get("objects", [])]
    assert seen == [o["id"] for o in objects]

    newer = {**objects[0], "modified": "2026-11-22T10:00:00.000Z", "name": "actor 0, revised"}
    collection.add_objects({"objects": [newer]})
    versions = collection.object_versions(objects[0]["id"])
    assert versions["versions"] == ["2026-11-20T09:00:00.000Z", "2026-11-22T10:00:00.000Z"]
    assert collection.get_object(objects[0]["id"])["objects"][0]["name"] == "actor 0, revised"
    manifest = collection.get_manifest()
    assert len(manifest["objects"]) == 7


def test_taxii2_client_sees_a_refused_collection_as_forbidden(live: str, taxii, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, tur = make_user("TUR", name="tur.live")
    root = Server(f"{live}/taxii2/", auth=Bearer(tur)).default
    closed = next(c for c in root.collections if c.id == taxii.closed)
    assert not closed.can_read and not closed.can_write
    with pytest.raises(AccessError):  # the client trusts our can_read
        closed.get_objects()
    raw = requests.get(f"{closed.url}objects/", auth=Bearer(tur), headers={"Accept": TAXII}, timeout=10)
    assert raw.status_code == 403 and raw.headers["Content-Type"] == TAXII
    assert raw.json()["http_status"] == "403"
