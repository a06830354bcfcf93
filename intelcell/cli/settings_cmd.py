"""``intelcell settings``: every setting, its variable, default, current value and meaning."""

from __future__ import annotations

import click

from intelcell.cli.common import settings as load_settings
from intelcell.settings import SETTINGS


@click.command("settings")
@click.option("--markdown", is_flag=True, help="Print the README's configuration table.")
def settings_command(markdown: bool) -> None:
    """List the INTELCELL_* settings with defaults and current values."""
    current = load_settings()
    if markdown:
        click.echo("| Variable | Default | Meaning |\n| --- | --- | --- |")
        for s in SETTINGS:
            default = "(packaged file)" if s.name.endswith("_file") else f"`{s.default}`"
            click.echo(f"| `{s.env}` | {default} | {s.help} |")
        return
    shown = repr(current)  # hides a database password
    for s in SETTINGS:
        value = shown if s.name == "database_url" else getattr(current, s.name)
        click.echo(f"{s.env}={value}\n    {s.help}")
