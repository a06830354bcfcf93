"""The full-text index of object text: SQLite FTS5 or PostgreSQL tsvector. All search SQL that
differs between the two lives here."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Connection, bindparam, text

from intelcell.store.schema import objects

_WORD = re.compile(r"\w+", re.UNICODE)


def index(conn: Connection, documents: Iterable[tuple[int, str]]) -> None:
    """Index (pk, text) pairs inside the caller's transaction."""
    # PostgreSQL text cannot hold NUL, which STIX strings may (JSON "\u0000"); it is no word either.
    rows = [{"pk": pk, "body": body.replace("\x00", " ")} for pk, body in documents]
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        conn.execute(text("INSERT INTO object_text (rowid, body) VALUES (:pk, :body)"), rows)
    else:
        conn.execute(text("INSERT INTO object_text (pk, document) VALUES (:pk, to_tsvector('simple', :body))"), rows)


def unindex(conn: Connection, pks: list[int]) -> None:
    """Remove objects from the index."""
    if not pks:
        return
    column = "rowid" if conn.dialect.name == "sqlite" else "pk"
    statement = text(f"DELETE FROM object_text WHERE {column} IN :pks").bindparams(bindparam("pks", expanding=True))
    conn.execute(statement, {"pks": pks})


def words(query: str) -> list[str]:
    """The words of a free-text query (everything else, FTS syntax included, is ignored)."""
    return _WORD.findall(query.lower())[:20]


def matches(conn: Connection, query: str) -> ColumnElement[bool]:
    """SQL condition on ``objects``: the object's text contains every word of ``query``."""
    terms = words(query)
    if conn.dialect.name == "sqlite":
        # Each word quoted: user input can never be read as FTS5 query syntax.
        fts = " ".join('"' + term.replace('"', "") + '"' for term in terms)
        inner = text("SELECT rowid FROM object_text WHERE object_text MATCH :fts").bindparams(fts=fts)
    else:
        inner = text("SELECT pk FROM object_text WHERE document @@ plainto_tsquery('simple', :terms)").bindparams(
            terms=" ".join(terms)
        )
    return objects.c.pk.in_(inner.columns(objects.c.pk))
