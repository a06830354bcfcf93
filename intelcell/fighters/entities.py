"""FollowTheMoney ``Person`` entities as members submit them: parsed, validated and cleaned.

A submission is refused whole when one entity is wrong (DESIGN.md: nothing partial stored), and
every refusal names the entity and the property. What is accepted:

- ``schema`` is ``Person``; ``id`` is 1 to ``MAX_ID`` characters of ``A-Z a-z 0-9 . _ -``;
- ``properties`` maps Person property names (FollowTheMoney's model) to lists of at most
  ``MAX_VALUES`` strings of at most ``MAX_VALUE_CHARS`` characters each. Reverse (stub) and
  entity-reference properties are refused: a record here is one person, not a graph;
- values of closed vocabularies are checked and stored in FollowTheMoney's clean form: countries
  (``FRA``, ``France`` and ``fr`` are all stored ``fr``; ``xx`` is refused), dates (``1971``,
  ``1971-07`` and ``1971-07-04`` kept as partial dates; ``1971-13-40`` refused), gender,
  language, topic; ``status`` is one of ``STATUSES``;
- control characters and unpaired surrogates are refused; invisible format characters
  (zero-width spaces and joiners, right-to-left overrides and other bidirectional controls) are
  stripped, text is NFC and whitespace collapsed, by the documented normalisation of
  `intelcell.domain.person.clean_properties`; names must keep a letter and fit the name limit;
- FollowTheMoney's bookkeeping keys (``caption``, ``datasets``, ``referents``, ``first_seen``...)
  and the ``intelcell`` provenance of an export are accepted and dropped: the store records its
  own provenance for what it is given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from followthemoney import model, registry

from intelcell.domain.person import PersonError, Profile, clean_properties, profile_of

SCHEMA = "Person"
MAX_ID = 111  # the record id (member code, "-", id) must fit the audit trail's 128-character object ids
MAX_VALUES = 100
MAX_VALUE_CHARS = 20_000
STATUSES = ("travelled", "returned", "detained", "deceased")
#: Entity keys other than id, schema and properties (FollowTheMoney's, and our export's provenance): not stored.
BOOKKEEPING = frozenset(
    {"caption", "datasets", "referents", "first_seen", "last_seen", "last_change", "target", "intelcell"}
)
#: Types with a closed vocabulary that FollowTheMoney can check and put into clean form.
_CHECKED_TYPES = {
    registry.country.name: "a country FollowTheMoney knows (ISO 3166 code or name)",
    registry.date.name: "a date (YYYY, YYYY-MM or YYYY-MM-DD)",
    registry.gender.name: "a gender (male, female or other)",
    registry.language.name: "a language (ISO 639 code)",
    registry.topic.name: "a FollowTheMoney topic",
}
_ID = re.compile(r"[A-Za-z0-9._-]+")
_PERSON = model.schemata[SCHEMA]


class EntityError(ValueError):
    """An entity that cannot be stored; ``reason`` is one line naming the entity and property."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Entity:
    """A valid Person entity: the submitter's id, its cleaned properties and its analysed profile."""

    entity_id: str
    properties: dict[str, list[str]]
    profile: Profile
    status: str | None

    def body(self, record_id: str) -> dict[str, Any]:
        """The FollowTheMoney entity as stored and served, under its record id."""
        return {"id": record_id, "schema": SCHEMA, "properties": self.properties}


def _shown(value: str) -> str:
    return repr(value) if len(value) <= 40 else f"{value[:37]!r}..."


def _check_id(obj: dict[str, Any], where: str) -> str:
    entity_id = obj.get("id")
    if not isinstance(entity_id, str) or not entity_id:
        raise EntityError(f"{where}: id must be a non-empty string")
    if len(entity_id) > MAX_ID or not _ID.fullmatch(entity_id):
        raise EntityError(
            f"{where}: id {_shown(entity_id)} must be 1 to {MAX_ID} characters of letters, digits, '.', '_' or '-'"
        )
    return entity_id


def _check_text(value: str, what: str) -> None:
    if len(value) > MAX_VALUE_CHARS:
        raise EntityError(f"{what}: a value is {len(value)} characters long; at most {MAX_VALUE_CHARS}")
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":
            raise EntityError(f"{what}: a value contains an unpaired surrogate (not Unicode text)")
        if category == "Cc" and not char.isspace():
            raise EntityError(f"{what}: a value contains the control character U+{ord(char):04X}")


def _check_shape(properties: Any, what: str) -> dict[str, list[str]]:
    if not isinstance(properties, dict):
        raise EntityError(f"{what}: properties must be an object of property names to lists of strings")
    out: dict[str, list[str]] = {}
    for name, values in properties.items():
        prop = _PERSON.properties.get(name)
        where = f"{what} property '{name}'"
        if prop is None:
            raise EntityError(f"{where}: not a property of FollowTheMoney Person")
        if prop.stub or prop.type == registry.entity:
            raise EntityError(f"{where}: refers to other entities; intelcell stores Person records alone")
        if not isinstance(values, list):
            raise EntityError(f"{where}: must be a list of strings, not {type(values).__name__}")
        if len(values) > MAX_VALUES:
            raise EntityError(f"{where}: {len(values)} values; at most {MAX_VALUES}")
        for value in values:
            if not isinstance(value, str):
                raise EntityError(f"{where}: values must be strings, not {type(value).__name__}")
            _check_text(value, where)
        out[name] = values
    return out


def _checked_values(properties: dict[str, list[str]], what: str) -> tuple[dict[str, list[str]], str | None]:
    """Closed-vocabulary values in FollowTheMoney's clean form, and the status."""
    out: dict[str, list[str]] = {}
    for name, values in properties.items():
        prop = _PERSON.properties[name]
        expected = _CHECKED_TYPES.get(prop.type.name)
        if expected is None:
            out[name] = values
            continue
        cleaned: list[str] = []
        for value in values:
            clean = prop.type.clean(value)
            if clean is None:
                raise EntityError(f"{what} property '{name}': {_shown(value)} is not {expected}")
            if clean not in cleaned:
                cleaned.append(clean)
        out[name] = cleaned
    statuses = [s.lower() for s in out.get("status", [])]
    if len(statuses) > 1 or any(s not in STATUSES for s in statuses):
        raise EntityError(f"{what} property 'status': one value of {', '.join(STATUSES)}")
    if statuses:
        out["status"] = statuses
    return out, (statuses[0] if statuses else None)


def validate(obj: Any, where: str) -> Entity:
    """Check and clean one FollowTheMoney entity; raise EntityError naming ``where`` and the id."""
    if not isinstance(obj, dict):
        raise EntityError(f"{where}: an entity must be a JSON object")
    entity_id = _check_id(obj, where)
    what = f"{where} (id '{entity_id}')"
    if obj.get("schema") != SCHEMA:
        raise EntityError(f"{what}: schema must be '{SCHEMA}', not {_shown(str(obj.get('schema')))}")
    unknown = sorted(set(obj) - {"id", "schema", "properties"} - BOOKKEEPING)
    if unknown:
        raise EntityError(f"{what}: unknown key(s) {', '.join(map(repr, unknown))}")
    properties = _check_shape(obj.get("properties"), what)
    try:
        cleaned = clean_properties(properties)
        cleaned, status = _checked_values(cleaned, what)
        profile = profile_of(cleaned)
    except PersonError as exc:
        raise EntityError(_refusal(what, exc.reason)) from None
    return Entity(entity_id, cleaned, profile, status)


def _refusal(what: str, reason: str) -> str:
    """The domain's ``"prop: problem"`` reasons in this module's ``entity ... property 'prop': problem`` form."""
    prop, sep, problem = reason.partition(": ")
    if sep and prop in _PERSON.properties:
        return f"{what} property '{prop}': {problem}"
    return f"{what}: {reason}"


def validate_all(objs: Iterable[tuple[str, Any]]) -> list[Entity]:
    """Check every ``(where, entity)``; raise EntityError for the first refusal or a repeated id."""
    out: list[Entity] = []
    seen: dict[str, str] = {}
    for where, obj in objs:
        entity = validate(obj, where)
        if entity.entity_id in seen:
            raise EntityError(f"{where}: id '{entity.entity_id}' repeats {seen[entity.entity_id]}; one version per id")
        seen[entity.entity_id] = where
        out.append(entity)
    return out


def json_lines(lines: Iterable[str | bytes]) -> Iterator[tuple[str, Any]]:
    """``("line N", entity)`` for each non-blank line of a FollowTheMoney JSON lines file.

    Raises EntityError for a line that is not JSON, naming its number.
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise EntityError(f"line {number}: not valid JSON ({exc})") from None
