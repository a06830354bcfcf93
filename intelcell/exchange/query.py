"""Reading object versions out of a collection, filtered in SQL for what the caller may read.

Every TAXII read path (objects, object, manifest, versions) and the REST object paths come
through ``select_versions``: the access clause is part of the query, so pages, counts, cursors
and date headers are computed over readable versions only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from intelcell.domain.stix_time import TimestampError, stored
from intelcell.exchange.access import Access
from intelcell.store.schema import objects

VERSION_KEYWORDS = ("last", "first", "all")
SPEC_VERSIONS = ("2.0", "2.1")


class FilterError(ValueError):
    """A query parameter TAXII clients may send, with a value that cannot be understood."""


@dataclass(frozen=True)
class Filters:
    """TAXII 2.1 filters (section 3.4): added_after and match[id|type|version|spec_version]."""

    added_after: str | None = None
    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    versions: tuple[str, ...] = ("last",)
    spec_versions: tuple[str, ...] = ()

    def key(self) -> str:
        """A stable text of the filters, so a cursor only continues the query it came from."""
        return json.dumps([self.added_after, self.ids, self.types, self.versions, self.spec_versions])


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip()) if value else ()


def parse_filters(params: Mapping[str, str], default_versions: tuple[str, ...] = ("last",)) -> Filters:
    """Filters from query parameters; raise FilterError for a malformed value."""
    versions = _split(params.get("match[version]")) or default_versions
    if "all" in versions and len(versions) > 1:
        raise FilterError("match[version]=all cannot be combined with other versions")
    if len(set(versions)) != len(versions):
        raise FilterError("match[version] repeats a value")
    try:
        added_after = stored(params["added_after"]) if params.get("added_after") else None
        versions = tuple(v if v in VERSION_KEYWORDS else stored(v) for v in versions)
    except TimestampError as exc:
        raise FilterError(str(exc)) from None
    spec = _split(params.get("match[spec_version]"))
    bad = [v for v in spec if v not in SPEC_VERSIONS]
    if bad:
        raise FilterError(f"match[spec_version] must be among {', '.join(SPEC_VERSIONS)}, not {', '.join(bad)}")
    return Filters(added_after, _split(params.get("match[id]")), _split(params.get("match[type]")), versions, spec)


@dataclass(frozen=True)
class Version:
    """One stored version as read from the store."""

    pk: int
    collection_id: str
    stix_id: str
    type: str
    version: str
    date_added: str
    body: str
    label_id: int
    portions: str | None
    originator: str


def _version_clause(access: Access, versions: Sequence[str]) -> ColumnElement[bool]:
    """Which versions of each object to keep, among those the caller may read.

    Two members may store the same id and version with different content (one could not see the
    other's, and must not learn of it); a reader who sees both gets the one added last, once.
    """
    other = aliased(objects)
    same_object = and_(
        other.c.collection_id == objects.c.collection_id, other.c.stix_id == objects.c.stix_id, access.clause(other)
    )
    newer = or_(
        other.c.version > objects.c.version, and_(other.c.version == objects.c.version, other.c.pk > objects.c.pk)
    )
    not_shadowed = ~exists().where(same_object, other.c.version == objects.c.version, other.c.pk > objects.c.pk)
    if "all" in versions:
        return not_shadowed
    parts: list[ColumnElement[bool]] = []
    if "last" in versions:
        parts.append(~exists().where(same_object, newer))
    if "first" in versions:
        older = or_(
            other.c.version < objects.c.version, and_(other.c.version == objects.c.version, other.c.pk > objects.c.pk)
        )
        parts.append(~exists().where(same_object, older))
    exact = [v for v in versions if v not in VERSION_KEYWORDS]
    if exact:
        parts.append(and_(objects.c.version.in_(exact), not_shadowed))
    return or_(*parts)


def select_versions(
    conn: Connection,
    access: Access,
    filters: Filters,
    *,
    after_pk: int = 0,
    limit: int | None = None,
    collection_id: str | None = None,
    newest_first: bool = False,
    extra: ColumnElement[bool] | None = None,
) -> tuple[list[Version], bool]:
    """Readable versions matching ``filters`` in the order they were added; and whether more follow."""
    query = select(
        objects.c.pk,
        objects.c.collection_id,
        objects.c.stix_id,
        objects.c.type,
        objects.c.version,
        objects.c.date_added,
        objects.c.body,
        objects.c.label_id,
        objects.c.portions,
        objects.c.originator,
    ).where(access.clause(objects), objects.c.pk > after_pk)
    if collection_id is not None:
        query = query.where(objects.c.collection_id == collection_id)
    if filters.added_after:
        query = query.where(objects.c.date_added > filters.added_after)
        if collection_id is not None:
            # date_added grows with pk inside a collection (ingest guarantees it), so the first
            # pk after the date, found through its index, bounds the scan from below.
            first = conn.execute(
                select(func.min(objects.c.pk)).where(
                    objects.c.collection_id == collection_id, objects.c.date_added > filters.added_after
                )
            ).scalar()
            if first is None:
                return [], False  # nothing was added after that time
            query = query.where(objects.c.pk >= first)
    if extra is not None:
        query = query.where(extra)
    if filters.ids:
        query = query.where(objects.c.stix_id.in_(filters.ids))
    if filters.types:
        query = query.where(objects.c.type.in_(filters.types))
    if filters.spec_versions:
        query = query.where(objects.c.spec_version.in_(filters.spec_versions))
    query = query.where(_version_clause(access, filters.versions))
    query = query.order_by(objects.c.pk.desc() if newest_first else objects.c.pk)
    if limit is not None:
        query = query.limit(limit + 1)
    found = [Version(**row._asdict()) for row in conn.execute(query)]
    more = limit is not None and len(found) > limit
    return found[:limit] if limit is not None else found, more
