"""Watchlist alerts as a STIX 2.1 bundle, for national systems that pull rather than receive webhooks.

Each alert the caller may see becomes a ``note`` about an ``identity`` (class ``individual``) that
stands for the watchlist entry; the note's ``content`` is the alert's JSON exactly as
``GET /api/v1/watchlist/alerts`` shows it to the caller, so the STIX view discloses nothing the
alert list does not (a hit carries no record id, name, label or exact time). A note on a readable
record carries the record's label as its marking, and the bundle the marking-definition.

Ids are UUIDv5 of the alert's reference and of the entry's id, so pulling again gives the same
objects; a hit's note is dated at midnight of its day, as the alert list gives only its day.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any

import orjson

from intelcell.domain import marking
from intelcell.domain.label import LabelError, Vocabulary, parse
from intelcell.fighters.watchlists import Alert

#: UUIDv5 namespace of alert notes and entry identities. Never change: national systems keep ids.
NAMESPACE = uuid.UUID("5f0c2b1e-8f7a-4c55-9a55-0b7c3f7e2d41")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _identity(alert: Alert) -> dict[str, Any]:
    """The identity standing for the watched person (the member's own entry caption)."""
    created = marking.PUBLISHED  # fixed: the same identity on every page and every pull
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": f"identity--{uuid.uuid5(NAMESPACE, 'watchlist-entry:' + alert.entry_id)}",
        "created": created,
        "modified": created,
        "name": alert.entry_caption,
        "identity_class": "individual",
        "description": "A person on the member's watchlist (intelcell).",
    }


def _note(alert: Alert, identity_id: str, marking_id: str | None) -> dict[str, Any]:
    """The note that carries one alert as the caller may see it."""
    moment = alert.created_at or datetime.combine(alert.created_on, time(), UTC)
    stamp = _stamp(moment)
    if alert.is_hit:
        abstract = f"Watchlist hit for {alert.entry_caption}: a member holds a possible match"
    else:
        abstract = f"Watchlist alert for {alert.entry_caption}: record {alert.record_id} held by {alert.holder}"
    note: dict[str, Any] = {
        "type": "note",
        "spec_version": "2.1",
        "id": f"note--{uuid.uuid5(NAMESPACE, 'watchlist-alert:' + alert.ref)}",
        "created": stamp,
        "modified": stamp,
        "abstract": abstract,
        "content": orjson.dumps(alert.to_json()).decode(),
        "object_refs": [identity_id],
        "labels": ["watchlist-hit" if alert.is_hit else "watchlist-alert"],
    }
    if marking_id is not None:
        note["object_marking_refs"] = [marking_id]
    return note


def bundle(shown: Sequence[Alert], vocabulary: Vocabulary) -> dict[str, Any]:
    """A STIX 2.1 bundle of ``shown`` alerts (already disclosed for the caller), their entries and labels."""
    objects: dict[str, dict[str, Any]] = {}
    notes = []
    for alert in shown:
        identity = _identity(alert)
        objects.setdefault(identity["id"], identity)
        marking_id = None
        if alert.label:
            try:
                label = parse(alert.label, vocabulary)
            except LabelError:  # a label the data files no longer name: the note goes without marking
                label = None
            if label is not None:
                definition = marking.marking_definition(label)
                objects.setdefault(definition["id"], definition)
                marking_id = definition["id"]
        notes.append(_note(alert, identity["id"], marking_id))
    # The bundle id is random, as STIX wants a new one per bundle; the objects' ids are stable.
    out: dict[str, Any] = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}"}
    if notes:  # STIX 2.1 bundles leave out ``objects`` rather than list none
        out["objects"] = [*objects.values(), *notes]
    return out
