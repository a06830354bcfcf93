"""``intelcell serve``: the API and the browser UI."""

from __future__ import annotations

import gc

import click
import uvicorn

from intelcell.api.app import create_app
from intelcell.cli.common import CliError, cell
from intelcell.domain import names
from intelcell.exchange import validation


@click.command()
@click.option("--host", default=None, help="Address to listen on (default INTELCELL_HOST, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default INTELCELL_PORT, 8000).")
def serve(host: str | None, port: int | None) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json) and the browser UI."""
    current = cell()
    port = current.settings.port if port is None else port
    if not 0 < port < 65536:
        raise CliError(f"port must be between 1 and 65535, not {port}")
    app = create_app(cell=current)
    validation.warm()
    click.echo("intelcell: loading name tables for screening (once per start)...", err=True)
    names.warm()
    # The name tables are millions of long-lived objects: keep them out of every collection
    # (at 1M records, full collections over them made the screening p99 186 ms).
    gc.freeze()
    uvicorn.run(app, host=host or current.settings.host, port=port, log_level="info")
