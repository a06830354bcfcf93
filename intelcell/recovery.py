"""What a restart finishes after a crash: work that follows a committed write in a transaction of its own.

Every write path commits its rows, and their audit entry, in one transaction: a crash loses a
whole write or none of it. One step runs after that commit on purpose: linking new person records
into persons (``fighters.records.store``), so that a failing resolution never refuses records
already stored. A crash between the two leaves stored records without a person; the next start
links them here.
"""

from __future__ import annotations

import logging

from intelcell.cell import Cell
from intelcell.fighters import resolution

log = logging.getLogger(__name__)

# Beyond this many unlinked records, linking them one by one at start would hold the server up for
# minutes: they are the result of a batch load (``link=False``), which `intelcell resolve` finishes.
MAX_LINKED_AT_START = 10_000


def link_unlinked_records(cell: Cell) -> int:
    """Link current person records that no resolution has clustered yet; how many were linked."""
    with cell.db.write() as conn:
        pending = resolution.unresolved(conn)
        if len(pending) > MAX_LINKED_AT_START:
            log.warning("%d person records are not linked yet: run `intelcell resolve`", len(pending))
            return 0
        if pending:
            resolution.resolve_records(cell, conn, pending)
    if pending:
        log.warning("linked %d person records a previous run stored but did not link", len(pending))
    return len(pending)
