"""What every CLI command shares: settings, opening the cell, one-line errors with exit code 2."""

from __future__ import annotations

import click

from intelcell.cell import Cell, open_cell
from intelcell.datafiles import DataFileError
from intelcell.settings import Settings
from intelcell.store.database import StoreError


class CliError(click.ClickException):
    """A user error: one line on stderr, exit code 2."""

    exit_code = 2


def settings() -> Settings:
    """Settings from the environment, as a CLI error when a variable is malformed."""
    try:
        return Settings.from_env()
    except ValueError as exc:
        raise CliError(str(exc)) from None


def cell() -> Cell:
    """Open (and migrate) the configured store; it is closed when the command ends."""
    try:
        opened = open_cell(settings())
    except (DataFileError, StoreError) as exc:
        raise CliError(str(exc)) from None
    click.get_current_context().call_on_close(opened.db.dispose)
    return opened
