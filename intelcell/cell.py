"""The cell: settings, store, registry, vocabulary and clock, opened once per process.

``create_app`` and every CLI command that touches the store open the cell the same way, so
both see the same data files and a migrated schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from intelcell import datafiles
from intelcell.clock import Clock, system_clock
from intelcell.domain.label import Vocabulary
from intelcell.domain.registry import Registry
from intelcell.settings import Settings
from intelcell.store import migrate
from intelcell.store.database import Database
from intelcell.store.labels import LabelIndex


@dataclass(frozen=True)
class Cell:
    """Everything a request or a command needs, built from settings."""

    settings: Settings
    db: Database
    registry: Registry
    vocabulary: Vocabulary
    clock: Clock
    labels: LabelIndex


def open_cell(settings: Settings, clock: Clock = system_clock) -> Cell:
    """Load the data files, open the store and migrate it to the newest schema."""
    data = datafiles.load(settings.registry_file, settings.label_policy_file)
    db = Database(settings.database_url)
    migrate.upgrade(db)
    return Cell(settings, db, data.registry, data.vocabulary, clock, LabelIndex(data.vocabulary))
