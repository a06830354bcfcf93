"""Create or migrate the schema to the newest revision (Alembic, run programmatically)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from intelcell.store.database import Database

_MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(db: Database) -> Config:
    """An Alembic configuration pointing at the packaged migrations and ``db``."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return config


def upgrade(db: Database) -> None:
    """Bring the store's schema to the newest revision; a no-op when it is current."""
    config = alembic_config(db)
    with db.write() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
