"""Reports written in the browser: a draft, checked, turned into STIX 2.1 and published through ingest.

A report is published as one envelope through `exchange.ingest` (the TAXII write path), so its
label, its portion labels and the collection's limits are authorised exactly as any other write,
and one audit entry records it. A new version keeps the report's id and ``created``, gets a later
``modified``, and travels with a STIX ``note`` holding the change note (``created`` equal to the
version's ``modified``, ``object_refs`` the report): a standard object national systems already
show, under the same label as the version it explains.

Links to other objects are the report's ``object_refs``. A linked object may be readable by fewer
people than the report, so each reference is portion-labelled with the dominant label of the
report and the object it names, unless that is the report's own label: a reader who may not read
a linked object does not see its id. As for every list (`domain.portion.withhold`), such a reader
gets no ``object_refs`` at all rather than a list with a gap.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from intelcell.cell import Cell
from intelcell.domain import marking
from intelcell.domain.dominance import NoCommonReleasability, dominant
from intelcell.domain.label import Label, LabelError
from intelcell.domain.policy import NotAssignable, Viewer, assignable, can_read
from intelcell.domain.portion import withhold
from intelcell.domain.stix_time import after, shown, stored
from intelcell.exchange import collections, ingest, reading
from intelcell.exchange.collections import Collection
from intelcell.exchange.reading import Shown
from intelcell.store.schema import objects
from intelcell.store.users import User

#: STIX 2.1 report-type-ov (section 10.26).
REPORT_TYPES = (
    "attack-pattern", "campaign", "identity", "indicator", "intrusion-set", "location", "malware",
    "observed-data", "threat-actor", "threat-report", "tool", "vulnerability",
)  # fmt: skip
#: What a report may link to: the things analysts name (persons are ``identity`` of class individual).
LINKABLE_TYPES = (
    "attack-pattern", "campaign", "identity", "indicator", "infrastructure", "intrusion-set", "location",
    "malware", "report", "threat-actor", "tool",
)  # fmt: skip
#: Fields that may carry a portion label of their own, with the words the form uses for them.
PORTION_FIELDS = {"description": "Body", "labels": "Keywords", "external_references": "Sources"}
MAX_TITLE = 300
MAX_BODY = 100_000
MAX_LINKS = 200
MAX_KEYWORDS = 30
MAX_SOURCES = 30
MAX_NOTE = 2000
_URL = re.compile(r"^https?://[^\s<>\"']{1,2000}$")
_STIX_ID = re.compile(r"^[a-z0-9-]{3,250}--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class DraftError(ValueError):
    """A draft that cannot be published: one message per form field (nothing was stored)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class Draft:
    """What the composer holds: the report as the analyst wrote it, labels as text."""

    title: str
    body: str = ""
    report_types: tuple[str, ...] = ("threat-report",)
    keywords: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    label: str = ""
    portions: Mapping[str, str] = field(default_factory=dict)  # field -> label text ("" = the report's)
    change_note: str = ""


@dataclass(frozen=True)
class Checked:
    """A draft whose labels parsed and whose links the author may read: ready to become STIX."""

    draft: Draft
    label: Label
    portions: dict[str, Label]
    linked: dict[str, Shown]  # id -> the newest version the author reads
    link_labels: dict[str, Label]  # id -> the label of naming it here: dominant of the report's and its own


def shape_errors(draft: Draft, new_version: bool) -> dict[str, str]:
    """Field errors found without the store: lengths, vocabularies, URLs, ids."""
    errors: dict[str, str] = {}
    title = " ".join(draft.title.split())
    if not title:
        errors["title"] = "Give the report a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"The title is longer than {MAX_TITLE} characters."
    if len(draft.body) > MAX_BODY:
        errors["body"] = f"The body is longer than {MAX_BODY:,} characters."
    if "\0" in draft.body or "\0" in draft.title:
        errors["body"] = "The text holds a NUL character."
    unknown = [t for t in draft.report_types if t not in REPORT_TYPES]
    if not draft.report_types or unknown:
        errors["report_types"] = "Choose at least one report type from the list."
    if len(draft.keywords) > MAX_KEYWORDS or any(len(k) > 100 for k in draft.keywords):
        errors["keywords"] = f"At most {MAX_KEYWORDS} keywords of up to 100 characters each."
    bad_urls = [s for s in draft.sources if not _URL.match(s)]
    if bad_urls:
        errors["sources"] = f"Not an http(s) address: {bad_urls[0][:80]}"
    elif len(draft.sources) > MAX_SOURCES:
        errors["sources"] = f"At most {MAX_SOURCES} sources."
    bad_ids = [i for i in draft.links if not _STIX_ID.match(i)]
    if bad_ids:
        errors["links"] = f"Not a STIX id: {bad_ids[0][:80]}"
    elif not draft.links:
        errors["links"] = "Link at least one object the report is about (STIX requires one)."
    elif len(draft.links) > MAX_LINKS:
        errors["links"] = f"At most {MAX_LINKS} links."
    if not draft.label.strip():
        errors["label"] = "Give the report a label."
    for name in draft.portions:
        if name not in PORTION_FIELDS:
            errors["portions"] = f"No portion label may be set on '{name[:40]}'."
    note = draft.change_note.strip()
    if new_version and not note:
        errors["change_note"] = "Say what changed in this version."
    elif len(note) > MAX_NOTE:
        errors["change_note"] = f"The change note is longer than {MAX_NOTE} characters."
    return errors


def check(cell: Cell, conn: Connection, user: User, draft: Draft, new_version: bool = False) -> Checked:
    """Check a draft for ``user``: shape, labels they may assign, links they may read; DraftError."""
    errors = shape_errors(draft, new_version)
    label: Label | None = None
    portions: dict[str, Label] = {}
    for name, text in [("label", draft.label), *((f"portion:{k}", v) for k, v in draft.portions.items() if v)]:
        if not text.strip() or name in errors:
            continue
        try:
            parsed = assignable(text, cell.vocabulary, user.viewer, cell.registry)
        except (LabelError, NotAssignable) as exc:
            errors["label" if name == "label" else name] = str(exc)
            continue
        if name == "label":
            label = parsed
        else:
            portions[name.removeprefix("portion:")] = parsed
    linked: dict[str, Shown] = {}
    if "links" not in errors and draft.links:
        linked = reading.latest_of(cell, conn, user, list(dict.fromkeys(draft.links)))
        # An id the author may not read is refused in the words used for one that does not exist.
        missing = [i for i in draft.links if i not in linked or linked[i].version.type not in LINKABLE_TYPES]
        if missing:
            errors["links"] = f"No object you may link has the id {missing[0]}."
    if errors or label is None:
        raise DraftError(errors or {"label": "Give the report a label."})
    link_labels: dict[str, Label] = {}
    for stix_id, target in linked.items():
        own = cell.labels.label(conn, target.version.label_id)
        try:
            # That this report names the object is information under both labels (DESIGN.md section 2).
            link_labels[stix_id] = dominant([label, own], cell.registry) if own else label
        except NoCommonReleasability:
            raise DraftError({"links": f"No member may read both the report and {stix_id}."}) from None
    return Checked(draft, label, portions, linked, link_labels)


def stix_time(moment: datetime) -> str:
    """A STIX timestamp with millisecond precision."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def new_id() -> str:
    """A fresh report id (UUIDv4, as STIX recommends for objects without a natural key)."""
    return f"report--{uuid.uuid4()}"


def change_note_id(report_id: str, modified: str) -> str:
    """The id of the change note of one version: derived, so only that version's own note has it."""
    return f"note--{uuid.uuid5(uuid.NAMESPACE_URL, report_id + '@' + stored(modified))}"


def envelope(checked: Checked, report_id: str, created: str, modified: str) -> list[dict[str, Any]]:
    """The STIX objects to ingest: label definitions, the report, and the change note of a new version."""
    draft = checked.draft
    report: dict[str, Any] = {
        "type": "report",
        "spec_version": "2.1",
        "id": report_id,
        "created": created,
        "modified": modified,
        "published": modified,
        "name": " ".join(draft.title.split()),
        "report_types": list(draft.report_types),
        "object_refs": list(dict.fromkeys(draft.links)),
        "object_marking_refs": [marking.marking_id(checked.label)],
    }
    if draft.body.strip():
        report["description"] = draft.body
    if draft.keywords:
        report["labels"] = list(draft.keywords)
    if draft.sources:
        report["external_references"] = [{"source_name": "source", "url": url} for url in draft.sources]
    portions = {name: lab for name, lab in checked.portions.items() if name in report}
    for index, ref in enumerate(report["object_refs"]):
        if checked.link_labels[ref] != checked.label:
            portions[f"object_refs.[{index}]"] = checked.link_labels[ref]
    labels = {checked.label, *portions.values()}
    if portions:
        by_label: dict[Label, list[str]] = {}
        for selector, lab in sorted(portions.items()):
            by_label.setdefault(lab, []).append(selector)
        report["granular_markings"] = [
            {"marking_ref": marking.marking_id(lab), "selectors": selectors} for lab, selectors in by_label.items()
        ]
    out = [marking.marking_definition(lab) for lab in sorted(labels, key=Label.text)]
    out.append(report)
    note = draft.change_note.strip()
    if note:
        out.append(
            {
                "type": "note",
                "spec_version": "2.1",
                "id": change_note_id(report_id, modified),
                "created": modified,
                "modified": modified,
                "abstract": "Change note",
                "content": note,
                "object_refs": [report_id],
                "object_marking_refs": [marking.marking_id(checked.label)],
            }
        )
    return out


@dataclass(frozen=True)
class Published:
    """A stored report version."""

    id: str
    modified: str


def _ingest(cell: Cell, user: User, collection: Collection, objects: list[dict[str, Any]], path: str) -> None:
    """Store the envelope whole or not at all; DraftError with ingest's reasons otherwise."""
    with cell.db.read() as conn:
        _accepted, failures, _definitions = ingest.judge(cell, conn, user, collection, objects)
    if failures:
        raise DraftError({_field_of(f.id): f.message or "refused" for f in failures})
    status = ingest.store(cell, user, collection, objects, path)
    if status["failure_count"]:
        # Only a version stored between the check and the store (another tab) gets here; the
        # report's objects that did not conflict are stored, and the reasons say which did.
        reasons = [f.get("message", "refused") for f in status.get("failures", [])]
        raise DraftError({"title": "; ".join(reasons) or "the store refused the report"})


def _field_of(stix_id: str) -> str:
    return "change_note" if stix_id.startswith("note--") else "label"


def publish(cell: Cell, user: User, collection: Collection, draft: Draft, path: str) -> Published:
    """Publish a new report into ``collection``; DraftError (nothing stored) when refused."""
    if not collection.can_write(user, cell):
        raise DraftError({"collection": "You may not add objects to this collection."})
    with cell.db.read() as conn:
        checked = check(cell, conn, user, draft)
    refusal = _collection_refusal(cell, user, collection, checked)
    if refusal:
        raise DraftError(refusal)
    now = stix_time(cell.clock())
    report_id = new_id()
    _ingest(cell, user, collection, envelope(checked, report_id, now, now), path)
    return Published(report_id, now)


def _collection_refusal(cell: Cell, user: User, collection: Collection, checked: Checked) -> dict[str, str]:
    """The collection's release limit, said beside the field whose label it refuses."""
    errors: dict[str, str] = {}
    reason = collection.assign_refusal(user, checked.label, cell)
    if reason:
        errors["label"] = reason
    for name, lab in checked.portions.items():
        reason = collection.assign_refusal(user, lab, cell)
        if reason:
            errors[f"portion:{name}"] = reason
    return errors


class NotEditable(LookupError):
    """The report cannot be given a new version by this user; ``missing`` when it must look absent."""

    def __init__(self, message: str, missing: bool) -> None:
        super().__init__(message)
        self.missing = missing


#: The one answer to a user who may see a report but not write its next version (whatever the reason,
#: so the answer never tells a colleague that a part of it is above them).
REVISE_RULE = "Only the analyst who published this report may write its new versions here."
_REF_ITEM = re.compile(r"^object_refs\.\[\d+\]$")


def editable(cell: Cell, conn: Connection, user: User, report_id: str) -> Shown:
    """The newest version ``user`` may give a new version to: the one they published, seen whole.

    Only its submitter: a colleague who may not see a portion would drop it from the next version
    without knowing, and being refused for that reason would tell them it exists. A version with
    portions the composer cannot carry over (from TAXII) is revised over TAXII, not here.
    """
    found = reading.latest(cell, conn, user, report_id)
    if found is None or found.version.type != "report":
        raise NotEditable("There is no report at this address for you.", True)
    submitter = conn.execute(select(objects.c.submitted_by).where(objects.c.pk == found.version.pk)).scalar()
    selectors = set(json.loads(found.version.portions)) if found.version.portions else set()
    carried = all(s in PORTION_FIELDS or _REF_ITEM.match(s) for s in selectors)
    whole = not selectors - set(reading.visible_portions(cell, conn, user, found.version))
    if submitter != user.id or not carried or not whole:
        raise NotEditable(REVISE_RULE, False)
    return found


def draft_of(shown: Shown, portions: Mapping[str, str]) -> Draft:
    """The composer's draft for an existing version (its visible portion labels by field)."""
    body = shown.body
    return Draft(
        title=str(body.get("name", "")),
        body=str(body.get("description", "")),
        report_types=tuple(body.get("report_types") or ()),
        keywords=tuple(body.get("labels") or ()),
        sources=tuple(r.get("url", "") for r in body.get("external_references") or () if isinstance(r, dict)),
        links=tuple(body.get("object_refs") or ()),
        label=shown.label,
        portions={name: text for name, text in portions.items() if name in PORTION_FIELDS},
    )


def revise(cell: Cell, user: User, report_id: str, draft: Draft, path: str) -> Published:
    """Publish a new version of a report (same id and ``created``, later ``modified``, a change note)."""
    with cell.db.read() as conn:
        try:
            current = editable(cell, conn, user, report_id)
        except NotEditable as exc:
            raise DraftError({"report": str(exc)}) from None
        checked = check(cell, conn, user, draft, new_version=True)
        collection = collections.get(conn, cell, current.version.collection_id)
    if collection is None or not collection.can_write(user, cell):
        raise DraftError({"report": "You may no longer add objects to this report's collection."})
    refusal = _collection_refusal(cell, user, collection, checked)
    if refusal:
        raise DraftError(refusal)
    previous = stored(str(current.body["modified"]))
    modified = stix_time(cell.clock())
    if stored(modified) <= previous:  # a clock behind the last version: a millisecond after it
        modified = shown(after(previous[:-4] + "000Z", 1000))
    objects = envelope(checked, report_id, str(current.body["created"]), modified)
    _ingest(cell, user, collection, objects, path)
    return Published(report_id, modified)


def preview(objects: list[dict[str, Any]], originator: str, viewer: Viewer, cell: Cell) -> dict[str, Any] | None:
    """The report of an envelope as ``viewer`` would be served it, or None when they could not read it."""
    definitions = {o["id"]: o for o in objects if o["type"] == "marking-definition"}
    report = next(o for o in objects if o["type"] == "report")

    def label_of(marking_id: str) -> Label:
        return marking.label_from_marking(definitions[marking_id], cell.vocabulary)

    if not can_read(viewer, label_of(report["object_marking_refs"][0]), originator, cell.registry):
        return None
    hidden = {
        selector
        for g in report.get("granular_markings", [])
        if not can_read(viewer, label_of(g["marking_ref"]), originator, cell.registry)
        for selector in g["selectors"]
    }
    return withhold(report, hidden)
