"""Federation runs: pull from and push to peer TAXII 2.1 collections, incrementally and resumably.

A pull asks the remote for objects added after its bookmark, stores each page through the same
ingest as any submission (labels checked, nothing half-stored), then commits the bookmark, so a
run that dies resumes at the last stored page. A push sends local objects after its bookmark that
the peer's system user may read and may disseminate: ORCON objects only when that user's member
is their originator.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from intelcell.cell import Cell
from intelcell.domain import marking
from intelcell.domain.label import Label
from intelcell.domain.policy import Viewer, may_disseminate
from intelcell.domain.stix_time import after, stored
from intelcell.exchange import collections, ingest, peers
from intelcell.exchange.access import access_for, portion_labels, served
from intelcell.exchange.peers import Peer
from intelcell.exchange.query import Filters, select_versions

TAXII = "application/taxii+json;version=2.1"


class RemoteError(RuntimeError):
    """The remote answered something other than what TAXII 2.1 promises."""


@dataclass
class RunReport:
    """What a federation run did."""

    pages: int = 0
    stored: int = 0
    failed: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


class Remote:
    """A collection on a remote TAXII 2.1 server."""

    def __init__(self, peer: Peer, client: httpx.Client) -> None:
        self.url, self.client = peer.url, client
        self.headers = {"Authorization": f"Bearer {peer.token}", "Accept": TAXII}

    def objects_after(
        self, added_after: str | None, limit: int, cursor: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None, str | None]:
        """One page of objects added after ``added_after``: objects, the ``next`` cursor (None at the
        end) and the page's last date_added."""
        params = {"limit": str(limit), **({"added_after": added_after} if added_after else {})}
        if cursor:
            params["next"] = cursor
        response = self.client.get(f"{self.url}objects/", params=params, headers=self.headers)
        if response.status_code != 200:
            raise RemoteError(f"GET objects answered {response.status_code}: {response.text[:200]}")
        body = response.json()
        objects = body.get("objects", [])
        more = bool(body.get("more"))
        if more and not body.get("next"):
            raise RemoteError("the remote said more without a next cursor")
        last = response.headers.get("X-TAXII-Date-Added-Last") if objects else None
        return objects, body.get("next") if more else None, last

    def add(self, objects: list[dict[str, Any]]) -> dict[str, Any]:
        """POST an envelope; the status resource."""
        response = self.client.post(
            f"{self.url}objects/", json={"objects": objects}, headers={**self.headers, "Content-Type": TAXII}
        )
        if response.status_code != 202:
            raise RemoteError(f"POST objects answered {response.status_code}: {response.text[:200]}")
        return response.json()  # type: ignore[no-any-return]

    def label_definition(self, marking_id: str) -> dict[str, Any] | None:
        """An intelcell peer's label marking-definition by id (None from other servers)."""
        base = self.url.split("/taxii2/")[0]
        response = self.client.get(f"{base}/api/v1/labels/markings/{marking_id}", headers=self.headers)
        return response.json() if response.status_code == 200 else None  # type: ignore[no-any-return]


def _label_definitions(cell: Cell, remote: Remote, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Definitions of the labels these objects name that this cell does not know yet."""
    wanted = {ref for obj in objects for ref in obj.get("object_marking_refs") or []}
    wanted |= {g.get("marking_ref") for obj in objects for g in obj.get("granular_markings") or []}
    with cell.db.read() as conn:
        unknown = {
            ref
            for ref in wanted
            if isinstance(ref, str) and ref not in marking.TLP_BY_ID and cell.labels.by_marking_id(conn, ref) is None
        }
    found = (remote.label_definition(ref) for ref in sorted(unknown))
    return [definition for definition in found if definition]


def pull(
    cell: Cell, peer: Peer, client: httpx.Client, page_size: int = 500, after_page: Callable[[int], None] | None = None
) -> RunReport:
    """Pull everything the remote added since the bookmark; resumable page by page."""
    report, remote = RunReport(), Remote(peer, client)
    with cell.db.read() as conn:
        collection = collections.get(conn, cell, peer.collection_id)
        user = peers.user_of(conn, peer)
    assert collection is not None
    bookmark = peer.bookmark
    # Resume one microsecond early: objects share their envelope's date_added, so the envelope the
    # last run stopped inside is fetched again; what is already here counts as already present.
    since = after(stored(bookmark), -1) if bookmark else None
    cursor: str | None = None
    while True:
        try:
            objects, cursor, last = remote.objects_after(since, page_size, cursor)
            envelope = _label_definitions(cell, remote, objects) + objects
        except (httpx.HTTPError, RemoteError, ValueError) as exc:
            report.error = f"{type(exc).__name__}: {exc}"
            peers.save_progress(cell, peer, bookmark, report.error, cell.clock(), {"pages": report.pages})
            return report
        if objects:
            status = ingest.store(cell, user, collection, envelope, f"federation pull {peer.name}")
            report.stored += sum(1 for s in status.get("successes", []) if "message" not in s)
            report.failed += status["failure_count"]
            report.failures += status.get("failures", [])
            bookmark = last or bookmark
        report.pages += 1
        peers.save_progress(
            cell,
            peer,
            bookmark,
            None,
            cell.clock(),
            {"pages": report.pages, "stored": report.stored, "failed": report.failed},
        )
        if after_page:
            after_page(report.pages)
        if cursor is None or not objects:
            return report


def _may_share(viewer: Viewer, originator: str) -> Callable[[Label], bool]:
    """Whether a label lets ``viewer`` pass an object of ``originator`` on (ORCON: only its originator)."""
    return lambda label: may_disseminate(viewer, label, originator)


def push(cell: Cell, peer: Peer, client: httpx.Client, batch: int = 500) -> RunReport:
    """Push local objects added since the bookmark that the peer user may read and disseminate."""
    report, remote = RunReport(), Remote(peer, client)
    after = int(peer.bookmark or 0)
    while True:
        with cell.db.read() as conn:
            user = peers.user_of(conn, peer)
            access = access_for(cell, conn, user, peer.collection_id)
            rows, more = select_versions(
                conn, access, Filters(versions=("all",)), after_pk=after, limit=batch, collection_id=peer.collection_id
            )
            labels = {r.pk: cell.labels.label(conn, r.label_id) for r in rows}
            shareable = [r for r in rows if (lab := labels[r.pk]) and may_disseminate(user.viewer, lab, r.originator)]
            # Portions too: ORCON applies to a portion's label as to the object's.
            bodies = [served(cell, conn, r, user.viewer, _may_share(user.viewer, r.originator)) for r in shareable]
            used = [lab for r in shareable if (lab := labels[r.pk])]
            used += [lab for r in shareable for lab in portion_labels(cell, conn, r)]
        # Every label the envelope names travels with it, portions' included: a peer that does not
        # know a portion's label must not mistake the portion for unlabelled text.
        definitions = {marking.marking_id(lab): marking.marking_definition(lab) for lab in used}
        if shareable:
            try:
                status = remote.add(list(definitions.values()) + [json.loads(b) for b in bodies])
            except (httpx.HTTPError, RemoteError, ValueError) as exc:
                report.error = f"{type(exc).__name__}: {exc}"
                peers.save_progress(cell, peer, str(after), report.error, cell.clock(), {"pages": report.pages})
                return report
            report.stored += sum(1 for s in status.get("successes", []) if "message" not in s)
            report.failed += status["failure_count"]
            report.failures += status.get("failures", [])
        if rows:
            after = rows[-1].pk
        report.pages += 1
        peers.save_progress(
            cell,
            peer,
            str(after),
            None,
            cell.clock(),
            {"pages": report.pages, "stored": report.stored, "withheld": len(rows) - len(shareable)},
        )
        if not more:
            return report
