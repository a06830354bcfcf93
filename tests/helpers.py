"""Registry and vocabulary for pure domain tests (the packaged data files, read once)."""

from __future__ import annotations

from functools import cache

from intelcell.datafiles import CellData, load
from intelcell.settings import Settings


@cache
def cell_data() -> CellData:
    """The packaged registry and label vocabulary."""
    settings = Settings.from_env(environ={})
    return load(settings.registry_file, settings.label_policy_file)


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def stored_objects(cell):  # type: ignore[no-untyped-def]
    """Every stored version as (stix_id, label text, originator, body dict), straight from the table."""
    import json

    from sqlalchemy import select

    from intelcell.store.schema import labels, objects

    query = select(objects.c.stix_id, labels.c.text, objects.c.originator, objects.c.body).join(
        labels, labels.c.id == objects.c.label_id
    )
    with cell.db.read() as conn:
        return [(r.stix_id, r.text, r.originator, json.loads(r.body)) for r in conn.execute(query)]


def coalition_collection(cell, title: str = "shared", alias: str | None = None):  # type: ignore[no-untyped-def]
    """Builder: a collection COALITION reads and writes, default label NATO RESTRICTED // REL TO COALITION."""
    from intelcell.domain.label import parse
    from intelcell.exchange import collections

    return collections.create(
        cell,
        title=title,
        description="",
        alias=alias,
        readers=["COALITION"],
        writers=["COALITION"],
        default_label=parse("NATO RESTRICTED // REL TO COALITION", cell.vocabulary),
        release_limit=["COALITION"],
        audit_path="test",
    )


def user(cell, member: str, name: str, clearance: str = "NATO SECRET", caveats: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """Builder: a stored user (no token)."""
    from intelcell.domain.policy import parse_clearance
    from intelcell.store import users

    with cell.db.write() as conn:
        made, _ = users.upsert(
            conn,
            member=member,
            name=name,
            clearance=parse_clearance(clearance, frozenset(caveats)),
            role="analyst",
            is_demo=False,
            now=cell.clock(),
        )
    return made
