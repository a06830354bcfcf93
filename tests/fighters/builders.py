"""Builders for person-record tests: FollowTheMoney entities that read like the spec."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.store import audit
from intelcell.store.schema import person_key_access_counts, person_key_counts, person_keys, persons

SECRET = "NATO SECRET // REL TO COALITION"


def person(
    id: str = "ftf-1",
    name: str | None = "Abu Bakr al-Baghdadi",
    birth_date: str | None = None,
    nationality: str | None = None,
    status: str | None = None,
    schema: str = "Person",
    **properties: Any,
) -> dict[str, Any]:
    """A FollowTheMoney Person entity; keyword arguments add properties as given (lists or not)."""
    props: dict[str, Any] = {}
    if name is not None:
        props["name"] = [name]
    if birth_date is not None:
        props["birthDate"] = [birth_date]
    if nationality is not None:
        props["nationality"] = [nationality]
    if status is not None:
        props["status"] = [status]
    props.update(properties)
    return {"id": id, "schema": schema, "properties": props}


def stored_counts(cell: Cell) -> tuple[int, int, int, int, int]:
    """(person versions, index keys, key counts, per-label name-key counts, audit entries) as stored."""
    with cell.db.read() as conn:
        return (
            conn.execute(select(func.count()).select_from(persons)).scalar_one(),
            conn.execute(select(func.count()).select_from(person_keys)).scalar_one(),
            conn.execute(select(func.count()).select_from(person_key_counts)).scalar_one(),
            conn.execute(select(func.count()).select_from(person_key_access_counts)).scalar_one(),
            audit.count(conn),
        )


#: Bad inputs from issue 4 ("Bad input"): (test id, entity, words the refusal must contain).
BAD_ENTITIES: list[tuple[str, Any, str]] = [
    ("empty name", person(name=""), "property 'name'"),
    ("punctuation-only name", person(name="-- !! ..."), "property 'name'"),
    ("10000-character name", person(name="a" * 10_000), "300 characters"),
    ("impossible date", person(birth_date="1971-13-40"), "'1971-13-40' is not a date"),
    ("unknown country", person(nationality="xx"), "'xx' is not a country"),
    ("unknown property", person(shoeSize=["44"]), "'shoeSize': not a property of FollowTheMoney Person"),
    ("wrong schema", person(schema="Company"), "schema must be 'Person'"),
    ("non-list values", person(alias="Abou Bakr"), "'alias': must be a list of strings"),
    ("non-string values", person(alias=[1971]), "'alias': values must be strings"),
    ("no name at all", person(name=None, birthDate=["1971"]), "needs a name"),
    ("not an object", ["Person"], "must be a JSON object"),
    ("missing id", {"schema": "Person", "properties": {"name": ["Ali"]}}, "id must be a non-empty string"),
    ("id with a slash", person(id="../etc"), "id '../etc' must be"),
    ("unknown status", person(status="fugitive"), "'status': one value of travelled"),
    ("control character", person(name="Ali\x00Hassan"), "control character U+0000"),
    ("bell character", person(name="Ali\x07Hassan"), "control character U+0007"),
    ("too many values", person(alias=[f"Ali {n}" for n in range(101)]), "101 values; at most 100"),
    ("over-long value", person(notes=["x" * 20_001]), "20001 characters long; at most 20000"),
    ("reference to another entity", person(addressEntity=["addr-1"]), "refers to other entities"),
]
