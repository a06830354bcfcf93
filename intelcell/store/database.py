"""Engine, transactions and every SQLite/PostgreSQL difference, in one place.

SQLite runs in WAL mode with foreign keys on; writes go through one writer at a time (a process
lock plus ``BEGIN IMMEDIATE`` across processes), reads run concurrently. PostgreSQL uses psycopg 3
and its own row locks.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message says why."""


def normalise_url(url: str) -> str:
    """Map ``postgresql://`` URLs onto the psycopg 3 driver; leave others as they are."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise StoreError(f"unsupported database URL scheme '{parsed.drivername}'")
    return parsed.render_as_string(hide_password=False)


class Database:
    """One store: an engine plus write and read transactions."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        self.engine: Engine = self._create_engine()
        self._write_lock = threading.Lock()

    def _create_engine(self) -> Engine:
        if not self.is_sqlite:
            return create_engine(self.url, pool_pre_ping=True, future=True)
        engine = create_engine(self.url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed on success, rolled back whole on any error."""
        if self.is_sqlite:
            with self._write_lock, self.engine.connect() as conn:
                conn.execution_options(intelcell_write=True)
                with conn.begin():
                    yield conn
        else:
            with self.engine.begin() as conn:
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction with a consistent snapshot."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling defers it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # 64 MiB page cache: the uuid-keyed indexes outgrow SQLite's 2 MiB default within ~50k objects.
    cursor.execute("PRAGMA cache_size=-65536")
    # Checkpoint the WAL every ~16 MiB rather than ~4 MiB: index pages rewritten by several
    # envelopes in between are copied once. Larger intervals made rare reads wait on a long checkpoint.
    cursor.execute("PRAGMA wal_autocheckpoint=4000")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # IMMEDIATE takes the write lock at BEGIN, so two writer processes never deadlock mid-way.
    write = conn.get_execution_options().get("intelcell_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
