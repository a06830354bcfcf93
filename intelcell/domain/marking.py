"""Labels as STIX 2.1 marking-definitions, and the published extension that carries them.

A label becomes a ``marking-definition`` whose id is a UUIDv5 of its canonical text, so the same
label has the same id on every intelcell server, and whose structured form travels in a
property-extension (STIX 2.1 section 7.3) that intelcell defines and publishes. TLP 2.0 markings
use the fixed ids OASIS published in cti-stix-common-objects.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from typing import Any

from intelcell.domain.label import Label, LabelError, Vocabulary, from_json

#: UUIDv5 namespace for label marking-definition ids. Never change: ids are shared across servers.
LABEL_NAMESPACE = uuid.UUID("bdaadd90-4031-432e-80c9-d81bf2dd3970")
EXTENSION_ID = "extension-definition--9cdd9762-f992-42f0-98f8-d0dc1b39cd29"
IDENTITY_ID = "identity--68737ee9-99bf-44f6-a377-50ee910fd11a"
#: Fixed timestamp of every label marking-definition: a label's meaning does not change.
PUBLISHED = "2026-11-28T00:00:00.000Z"

TLP_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_CREATED = "2022-10-01T00:00:00.000Z"
#: TLP 2.0 marking-definition ids, fixed by OASIS.
TLP_IDS: Mapping[str, str] = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_BY_ID: Mapping[str, str] = {v: k for k, v in TLP_IDS.items()}

_SCHEMA = (
    "intelcell confidentiality label (STANAG 4774-style), as a property-extension of "
    "marking-definition. Properties: policy (string: NATO or a member code), classification "
    "(string in the policy's scale: UNCLASSIFIED, RESTRICTED, CONFIDENTIAL, SECRET, and COSMIC "
    "TOP SECRET for NATO or TOP SECRET for national policies), releasable_to (list of member and "
    "community codes; empty means the policy's own community), caveats (list of restrictive and "
    "handling caveats), tlp (optional TLP 2.0 level). The marking-definition's name is the "
    "canonical text and its id is UUIDv5(bdaadd90-4031-432e-80c9-d81bf2dd3970, name)."
)


@functools.lru_cache(maxsize=4096)
def marking_id(label: Label) -> str:
    """The deterministic marking-definition id of a label (cached: labels are immutable)."""
    return f"marking-definition--{uuid.uuid5(LABEL_NAMESPACE, label.text())}"


def marking_definition(label: Label) -> dict[str, Any]:
    """The STIX 2.1 marking-definition that carries ``label``."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": marking_id(label),
        "created": PUBLISHED,
        "created_by_ref": IDENTITY_ID,
        "name": label.text(),
        "extensions": {EXTENSION_ID: {"extension_type": "property-extension", **label.to_json()}},
    }


def label_from_marking(marking: Mapping[str, Any], vocabulary: Vocabulary) -> Label:
    """Read a label back from its marking-definition; raise LabelError if it is not one of ours."""
    extensions = marking.get("extensions") or {}
    if not isinstance(extensions, Mapping):
        raise LabelError(f"{marking.get('id')}: extensions must be an object, not {type(extensions).__name__}")
    extension = extensions.get(EXTENSION_ID)
    if not isinstance(extension, Mapping):
        raise LabelError(f"{marking.get('id')} carries no intelcell label extension")
    label = from_json({k: v for k, v in extension.items() if k != "extension_type"}, vocabulary)
    if marking.get("id") != marking_id(label):
        raise LabelError(f"{marking.get('id')} is not the id of label '{label.text()}'")
    return label


def tlp_marking_definition(level: str) -> dict[str, Any]:
    """The OASIS TLP 2.0 marking-definition for a level (CLEAR .. RED)."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP_IDS[level],
        "created": TLP_CREATED,
        "name": f"TLP:{level}",
        "extensions": {TLP_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": level.lower()}},
    }


def publisher_identity() -> dict[str, Any]:
    """The STIX identity that publishes intelcell's label extension."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": IDENTITY_ID,
        "created": PUBLISHED,
        "modified": PUBLISHED,
        "name": "intelcell",
        "identity_class": "system",
    }


def extension_definition() -> dict[str, Any]:
    """The published STIX extension-definition of the intelcell label extension."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": EXTENSION_ID,
        "created_by_ref": IDENTITY_ID,
        "created": PUBLISHED,
        "modified": PUBLISHED,
        "name": "intelcell confidentiality label",
        "description": "Structured NATO-style confidentiality label carried by a marking-definition.",
        "schema": _SCHEMA,
        "version": "1.0.0",
        "extension_types": ["property-extension"],
    }
