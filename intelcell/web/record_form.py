"""The FTF record form's fields and the FollowTheMoney ``Person`` properties they stand for (issue 9 item 3).

Each field maps to one Person property, so a record typed here is the same entity the API and
the upload take, and `fighters.entities` (the store's own validation) checks every value:

- names in Latin script and in Arabic script both go to ``name`` (FollowTheMoney keeps a name in
  any script); a form shows a stored name in the Arabic field when it holds Arabic letters;
- aliases go to ``alias``; the kunya (nom de guerre, "Abu Hamza") goes to ``weakAlias``: a bare
  kunya is shared by thousands of men, and FollowTheMoney's weak alias is "a relatively broad or
  generic alias that should not be used for matching" alone, which is how the matcher weighs it
  (``Profile.weak_names``) and how the UN lists and the demo data file kunyas;
- documents go to ``passportNumber`` or ``idNumber``. Person has no issuing country per document
  (FollowTheMoney puts it on ``Passport``/``Identification`` entities, which refer to the holder
  and are refused by `fighters.entities`), so the form does not pretend to keep one;
- birth dates are partial dates (`domain.partial_date`), nationalities country codes or names.

Properties a record holds that the form has no field for (an upload's ``notes``, ``address``...)
are kept unchanged by an edit. Nothing here does I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from intelcell.domain.partial_date import DateError, parse_date
from intelcell.fighters import entities
from intelcell.fighters.entities import EntityError

MAX_FIELD = 300  # a name is at most 300 characters (domain.names.MAX_NAME_CHARS); other fields no longer
MAX_ROWS = 20  # per repeated field: more is a file for the upload page, not a form
MIN_DOCUMENT_CHARS = 4  # shorter numbers are never compared (domain.person keeps documents of 4 or more)

#: Repeated fields: (form field, Person property, title of one value).
REPEATED = (
    ("name_latin", "name", "Name in Latin script"),
    ("name_arabic", "name", "Name in Arabic script"),
    ("alias", "alias", "Alias"),
    ("kunya", "weakAlias", "Kunya"),
    ("birth_date", "birthDate", "Birth date"),
    ("nationality", "nationality", "Nationality"),
)
DOCUMENT_KINDS = {"passport": "passportNumber", "id": "idNumber"}
SINGLE = (("birth_place", "birthPlace"), ("gender", "gender"), ("status", "status"))
GENDERS = ("male", "female", "other")
STATUSES = entities.STATUSES
#: Every property the form edits; a record's other properties are kept as they are.
COVERED = frozenset({prop for _f, prop, _t in REPEATED} | set(DOCUMENT_KINDS.values()) | {prop for _f, prop in SINGLE})
_PREFIX = re.compile(r"^form \(id 'check'\)(?: property '[^']+')?: ")


@dataclass
class RecordForm:
    """What the analyst typed (or what a record holds), field by field, kept as typed for re-display."""

    values: dict[str, list[str]] = field(default_factory=lambda: {f: [] for f, _p, _t in REPEATED})
    documents: list[tuple[str, str]] = field(default_factory=list)
    birth_place: str = ""
    gender: str = ""
    status: str = ""
    label: str = ""
    discoverable: bool = True
    disclose_holder: bool = False

    def rows(self, key: str) -> list[str]:
        """The values of a repeated field, with one blank row to type another into."""
        return [*self.values.get(key, []), ""]

    def document_rows(self) -> list[tuple[str, str]]:
        """The documents, with one blank row."""
        return [*self.documents, ("passport", "")]


def has_arabic(text: str) -> bool:
    """True when ``text`` holds a letter of the Arabic script."""
    return any(char.isalpha() and unicodedata.name(char, "").startswith("ARABIC") for char in text)


def typed(values: Sequence[str]) -> list[str]:
    """Non-blank values of a repeated field, as typed."""
    return [v for v in values if v.strip()]


def from_properties(
    properties: Mapping[str, Sequence[str]], label: str, discoverable: bool, disclose: bool
) -> RecordForm:
    """The form filled from a stored record's properties (names sorted into their script's field)."""
    form = RecordForm(label=label, discoverable=discoverable, disclose_holder=disclose)
    for name in properties.get("name", ()):
        form.values["name_arabic" if has_arabic(name) else "name_latin"].append(name)
    for key, prop, _title in REPEATED:
        if prop != "name":
            form.values[key] = list(properties.get(prop, ()))
    form.documents = [(kind, n) for kind, prop in DOCUMENT_KINDS.items() for n in properties.get(prop, ())]
    form.birth_place = " ".join(properties.get("birthPlace", ())[:1])
    form.gender = (properties.get("gender") or [""])[0]
    form.status = (properties.get("status") or [""])[0]
    return form


def kept(properties: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """A record's properties the form has no field for (an edit keeps them unchanged)."""
    out = {p: list(v) for p, v in properties.items() if p not in COVERED and v}
    # Only the first birth place has a field; further ones are kept rather than silently dropped.
    if len(properties.get("birthPlace", ())) > 1:
        out["birthPlace"] = list(properties["birthPlace"][1:])
    return out


def _refusal(value: str, prop: str) -> str | None:
    """Why `fighters.entities` refuses ``value`` as ``prop`` (beside a placeholder name), or None."""
    props = {prop: [value]} if prop == "name" else {"name": ["Ali"], prop: [value]}
    try:
        entities.validate({"id": "check", "schema": "Person", "properties": props}, "form")
    except EntityError as exc:
        return _PREFIX.sub("", exc.reason)
    return None


def _value_error(key: str, prop: str, value: str) -> str | None:
    """The message for one value of a field, or None when the store will take it."""
    if len(value) > MAX_FIELD:
        return f"At most {MAX_FIELD} characters (this one has {len(value)})."
    if key == "name_arabic" and not has_arabic(value):
        return "Write this name in Arabic script, or put it in the Latin-script field."
    if key == "name_latin" and has_arabic(value):
        return "This name is in Arabic script: put it in the Arabic-script field."
    if prop == "birthDate":
        try:
            parse_date(value)
        except DateError as exc:
            return f"{exc}."
    if prop in DOCUMENT_KINDS.values() and len(re.sub(r"[^0-9A-Za-z]", "", value)) < MIN_DOCUMENT_CHARS:
        return f"A document number has at least {MIN_DOCUMENT_CHARS} letters or digits."
    return _refusal(value.strip(), prop)


def check(form: RecordForm) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Per-field errors (``"alias-1"`` is the second alias) and, when there are none, the properties to store.

    Every value is checked on its own by the store's validation so that all wrong fields are
    reported at once; the whole entity is validated again when it is stored.
    """
    errors: dict[str, str] = {}
    props: dict[str, list[str]] = {}
    for key, prop, _title in REPEATED:
        values = form.values.get(key, [])
        if len(typed(values)) > MAX_ROWS:
            errors[key] = f"At most {MAX_ROWS} values."
            continue
        for n, value in enumerate(values):
            if not value.strip():
                continue
            problem = _value_error(key, prop, value)
            if problem:
                errors[f"{key}-{n}"] = problem
            else:
                props.setdefault(prop, []).append(value.strip())
    if not typed(form.values.get("name_latin", [])) and not typed(form.values.get("name_arabic", [])):
        errors["name_latin-0"] = "Enter the person's name in Latin script, Arabic script or both."
    if len([n for _k, n in form.documents if n.strip()]) > MAX_ROWS:
        errors["documents"] = f"At most {MAX_ROWS} documents."
    else:
        for n, (kind, number) in enumerate(form.documents):
            if not number.strip():
                continue
            doc_prop = DOCUMENT_KINDS.get(kind)
            if doc_prop is None:
                errors[f"doc-{n}"] = "Choose passport or identity card."
            elif refused := _value_error("doc", doc_prop, number):
                errors[f"doc-{n}"] = refused
            else:
                props.setdefault(doc_prop, []).append(number.strip())
    for key, prop in SINGLE:
        value = getattr(form, key).strip()
        if not value:
            continue
        problem = _choice_error(key, value) or _value_error(key, prop, value)
        if problem:
            errors[key] = problem
        else:
            props[prop] = [value]
    return errors, props


def _choice_error(key: str, value: str) -> str | None:
    """A value outside a select's choices (only a hand-made request sends one)."""
    choices = {"gender": GENDERS, "status": STATUSES}.get(key)
    if choices is not None and value not in choices:
        return f"Choose one of {', '.join(choices)}."
    return None


def entity(entity_id: str, properties: Mapping[str, list[str]], keep: Mapping[str, list[str]]) -> dict[str, Any]:
    """The FollowTheMoney entity to submit: the form's properties over the ones an edit keeps."""
    merged = {**{p: list(v) for p, v in keep.items() if p != "birthPlace"}, **properties}
    if "birthPlace" in keep:  # further birth places of the stored record follow the form's first
        merged["birthPlace"] = [*properties.get("birthPlace", []), *keep["birthPlace"]]
    return {"id": entity_id, "schema": "Person", "properties": merged}
