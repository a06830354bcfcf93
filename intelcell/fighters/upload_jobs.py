"""Storing an uploaded file in the background, batch by batch, with its progress in the store.

`start` records the upload (``person_uploads``, `record`) and stores its valid entities in a thread of the
server process, ``BATCH`` records per `records.store` call: each batch is one transaction with
its audit entry, and the upload's row says after each commit how many records are stored, so
any server process can show the progress. A failure stops the upload at a batch boundary: the
batches before it stay stored and the row says exactly how many (``failed``); nothing of the
failing batch is. Linking into persons follows each committed batch and never fails the upload
(`recovery` links what a crash left unlinked).

The command line (`cli.upload`) records its uploads the same way and calls `run` itself. A file
whose SHA-256 the member already stored whole (or is storing now) is refused
(`AlreadyUploaded`); a file whose upload failed or was interrupted may be uploaded again, and
records already stored identically are then not stored twice (`records.store`).
"""

from __future__ import annotations

import logging
import secrets
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Connection, Select, select, text

from intelcell.cell import Cell
from intelcell.domain.label import Label
from intelcell.fighters import records, resolution
from intelcell.fighters.entities import Entity
from intelcell.fighters.uploads import Report
from intelcell.store.schema import person_uploads, users
from intelcell.store.users import User

log = logging.getLogger(__name__)

BATCH = 500  # records per transaction: the progress advances, other writers wait at most one batch
PROBLEMS_KEPT = 200
#: A row still ``storing`` without progress for this long belongs to a server that stopped.
STALE = timedelta(minutes=10)
PATH = "web: persons upload"


class AlreadyUploaded(Exception):
    """The member already stored (or is storing) this very file."""

    def __init__(self, upload: Upload) -> None:
        super().__init__(upload.id)
        self.upload = upload


@dataclass(frozen=True)
class Upload:
    """An upload as its progress page shows it."""

    id: str
    member: str
    by: str
    file_name: str
    label: str
    records: int
    skipped: int
    stored: int
    status: str
    problems: list[str]
    error: str | None
    created_at: datetime
    updated_at: datetime

    def state(self, now: datetime) -> str:
        """``storing``, ``done``, ``failed``, or ``interrupted`` (storing, but its server stopped)."""
        if self.status == "storing" and now - self.updated_at > STALE:
            return "interrupted"
        return self.status

    def to_json(self, now: datetime) -> dict[str, object]:
        """What the progress script reads."""
        return {
            "id": self.id,
            "state": self.state(now),
            "records": self.records,
            "stored": self.stored,
            "skipped": self.skipped,
            "error": self.error,
        }


def _upload(row: Any) -> Upload:
    """An Upload from a row of `_query`."""
    return Upload(
        row.id, row.member, row.by, row.file_name, row.label, row.records, row.skipped, row.stored, row.status,
        orjson.loads(row.problems), row.error, row.created_at, row.updated_at,
    )  # fmt: skip


def _query() -> Select[Any]:
    """Uploads with the name of the user who sent each."""
    return select(person_uploads, users.c.name.label("by")).join(users, users.c.id == person_uploads.c.user_id)


def get(conn: Connection, member: str, upload_id: str) -> Upload | None:
    """The member's upload ``upload_id``; None alike when it is unknown or another member's."""
    row = conn.execute(_query().where(person_uploads.c.id == upload_id, person_uploads.c.member == member)).first()
    return _upload(row) if row is not None else None


def previous(conn: Connection, member: str, sha256: str, now: datetime) -> Upload | None:
    """The member's upload of the same bytes that was stored whole or is being stored now, if any."""
    query = _query().where(person_uploads.c.member == member, person_uploads.c.sha256 == sha256)
    for row in conn.execute(query.order_by(person_uploads.c.created_at)):
        upload = _upload(row)
        if upload.state(now) in ("done", "storing"):
            return upload
    return None


def _serialise_member(conn: Connection, member: str) -> None:
    # PostgreSQL: one member's uploads are checked and recorded in turn, so the same file sent
    # twice at once is stored once. SQLite's single writer already serialises.
    if conn.dialect.name == "postgresql":
        key = uuid.uuid5(uuid.NAMESPACE_URL, f"intelcell:person_uploads:{member}").int % (2**62)
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def record(cell: Cell, user: User, report: Report, label: Label, file_name: str, *, partial: bool) -> str:
    """Record an upload about to be stored; its id. Raises AlreadyUploaded (recording nothing) when the
    member stored or is storing the same file (for CSV: the same file read the same way)."""
    skipped = len(report.problems) if partial else 0
    upload_id = secrets.token_hex(16)
    now = cell.clock()
    with cell.db.write() as conn:
        _serialise_member(conn, user.member)
        earlier = previous(conn, user.member, report.sha256, now)
        if earlier is not None:
            raise AlreadyUploaded(earlier)
        conn.execute(
            person_uploads.insert().values(
                id=upload_id,
                sha256=report.sha256,
                member=user.member,
                user_id=user.id,
                file_name=file_name[:200],
                label=label.text(),
                records=len(report.valid),
                skipped=skipped,
                stored=0,
                status="storing",
                problems=orjson.dumps([p.reason for p in report.problems[:PROBLEMS_KEPT]] if partial else []).decode(),
                error=None,
                created_at=now,
                updated_at=now,
            )
        )
    return upload_id


def start(
    cell: Cell,
    user: User,
    report: Report,
    label: Label,
    file_name: str,
    *,
    partial: bool,
    discoverable: bool,
    disclose_holder: bool,
) -> str:
    """Record the upload and start storing its valid entities in the background; the upload's id.

    Raises AlreadyUploaded (recording nothing) when the member stored or is storing the same file.
    """
    upload_id = record(cell, user, report, label, file_name, partial=partial)
    options = (discoverable, disclose_holder)
    worker = threading.Thread(
        target=run,
        args=(cell, user, upload_id, report.valid, label, options),
        name=f"upload-{upload_id[:8]}",
        daemon=True,
    )
    worker.start()
    return upload_id


def _progress(cell: Cell, upload_id: str, stored: int, status: str, error: str | None = None) -> None:
    with cell.db.write() as conn:
        conn.execute(
            person_uploads.update()
            .where(person_uploads.c.id == upload_id)
            .values(stored=stored, status=status, error=error, updated_at=cell.clock())
        )


def run(
    cell: Cell,
    user: User,
    upload_id: str,
    entities: Sequence[Entity],
    label: Label,
    options: tuple[bool, bool],
    path: str = PATH,
) -> int:
    """Store ``entities`` batch by batch, recording the progress (the audit names ``path``); how many were stored."""
    discoverable, disclose_holder = options
    stored = 0
    try:
        for start_at in range(0, len(entities), BATCH):
            batch = entities[start_at : start_at + BATCH]
            done = records.store(
                cell, user, batch, label, discoverable, disclose_holder, path=path, batch_size=BATCH, link=False
            )
            stored += len(batch)  # committed: from here on these records are stored whatever follows
            _progress(cell, upload_id, stored, "storing")
            _link(cell, [r.id for r in done])
    except Exception:
        log.exception("upload %s stopped after %d of %d records", upload_id, stored, len(entities))
        reason = "the server could not store a batch (the error is in its log); the records before it are stored"
        try:
            _progress(cell, upload_id, stored, "failed", reason)
        except Exception:
            log.exception("upload %s: its failure could not be recorded", upload_id)
        return stored
    _progress(cell, upload_id, stored, "done")
    return stored


def _link(cell: Cell, record_ids: list[str]) -> None:
    """Link a committed batch into persons; a failure is logged, never the upload's (recovery links later)."""
    try:
        resolution.resolve_records(cell, None, record_ids)
    except Exception:
        log.exception("linking %d uploaded records failed; they are linked at the next start", len(record_ids))
