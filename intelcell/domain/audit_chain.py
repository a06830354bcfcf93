"""Hash-chain arithmetic for the tamper-evident audit trail.

Each entry's hash covers its own fields and the previous entry's hash, so editing, deleting or
reordering any entry breaks the chain at that entry. A separately stored head (last sequence
number and hash) also catches deletion of the newest entries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(fields: Mapping[str, Any]) -> str:
    """The canonical JSON text of an entry's fields: sorted keys, no spaces, UTF-8."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the entry's fields in canonical JSON."""
    return hashlib.sha256((prev_hash + "\n" + canonical(fields)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainEntry:
    """One stored audit entry as the verifier sees it."""

    seq: int
    fields: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Break:
    """The first entry at which the chain no longer holds, and why."""

    seq: int
    reason: str

    def __str__(self) -> str:
        return f"audit entry {self.seq}: {self.reason}"


def verify(entries: Iterable[ChainEntry], head: tuple[int, str] | None) -> Break | None:
    """Return the first break in ``entries`` (in stored sequence order), or None if intact.

    ``head`` is the separately stored (seq, hash) of the newest entry, None if nothing was
    ever written.
    """
    expected_seq, prev = 1, GENESIS
    for entry in entries:
        if entry.seq != expected_seq:
            return Break(entry.seq, f"expected entry {expected_seq} here: entries deleted or reordered")
        if entry.prev_hash != prev:
            return Break(entry.seq, "does not follow the previous entry: deleted or reordered")
        if digest(entry.prev_hash, entry.fields) != entry.hash:
            return Break(entry.seq, "content does not match its hash: edited")
        expected_seq, prev = entry.seq + 1, entry.hash
    last_seq = expected_seq - 1
    if head is None:
        return None if last_seq == 0 else Break(last_seq, "entries exist but the chain head is missing")
    head_seq, head_hash = head
    if head_seq == last_seq and head_hash == prev:
        return None
    if head_seq > last_seq:
        return Break(
            last_seq + 1,
            f"missing: the chain head records entry {head_seq} but the log "
            f"ends at entry {last_seq} (newest entries deleted)",
        )
    if head_seq < last_seq:
        return Break(
            head_seq + 1,
            f"not covered by the chain head, which records entry {head_seq}"
            " (entries appended outside the audit writer)",
        )
    return Break(last_seq, "newest entry does not match the chain head: edited")
