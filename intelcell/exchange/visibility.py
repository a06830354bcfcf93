"""What of a stored object a viewer may see: the whole decision for every read path."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from intelcell.domain.policy import Viewer, can_read
from intelcell.domain.portion import redact
from intelcell.domain.registry import Registry
from intelcell.exchange.objects import StoredObject


def visible(obj: StoredObject, viewer: Viewer, registry: Registry) -> dict[str, Any] | None:
    """The object as ``viewer`` may see it, or None when it does not exist for them.

    Portions the viewer may not read are removed together with their granular markings, so
    not even the selector of a hidden portion is released.
    """
    if not can_read(viewer, obj.label, obj.originator, registry):
        return None
    hidden = {
        selector
        for selector, label in obj.portions.items()
        if not can_read(viewer, label, obj.originator, registry)
    }
    body = redact(obj.body, {s: obj.portions[s] for s in hidden}, lambda _label: False)
    markings = [gm for gm in body.get("granular_markings", []) if not set(gm["selectors"]) & hidden]
    if markings:
        body["granular_markings"] = markings
    else:
        body.pop("granular_markings", None)
    return body


def readable(
    stored: Iterable[StoredObject], viewer: Viewer, registry: Registry
) -> Iterator[tuple[StoredObject, dict[str, Any]]]:
    """Each object ``viewer`` may read, with its visible body; the rest are skipped unseen."""
    for obj in stored:
        body = visible(obj, viewer, registry)
        if body is not None:
            yield obj, body
