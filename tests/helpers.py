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
