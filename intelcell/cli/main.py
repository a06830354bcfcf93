"""Entry point: ``intelcell COMMAND``. Every command has ``--help``."""

from __future__ import annotations

import sys
from typing import Any

import click

from intelcell import __version__
from intelcell.cli import audit, certs, collections, demo, peers, registry, serve, settings_cmd, tokens
from intelcell.cli.airpicture import airpicture
from intelcell.cli.encode import encode as encode_command
from intelcell.cli.oversight import oversight
from intelcell.cli.persons import persons
from intelcell.cli.resolve import resolve
from intelcell.cli.screen import screen
from intelcell.cli.upload import upload


class OneLineErrors(click.Group):
    """A group whose usage errors are one line on stderr with exit code 2 (no usage dump)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the CLI, turning any Click error into ``intelcell: error: ...``."""
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.ClickException as exc:
            click.echo(f"intelcell: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("intelcell: aborted", err=True)
            sys.exit(1)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="intelcell")
def cli() -> None:
    """intelcell: the coalition terrorism intelligence cell.

    The store is INTELCELL_DATABASE_URL (default sqlite:///./intelcell.db); every command that
    uses it creates or migrates it first. `intelcell settings` lists all settings.
    """


cli.add_command(demo.demo)
cli.add_command(serve.serve)
cli.add_command(tokens.token)
cli.add_command(certs.cert)
cli.add_command(registry.members)
cli.add_command(registry.communities)
cli.add_command(audit.audit)
cli.add_command(collections.collection)
cli.add_command(peers.peer)
cli.add_command(settings_cmd.settings_command)
cli.add_command(persons)
cli.add_command(screen)
cli.add_command(resolve)
cli.add_command(airpicture)
cli.add_command(oversight)
cli.add_command(upload)
persons.add_command(encode_command)  # intelcell persons encode


def main() -> None:
    """Run the CLI."""
    cli()
