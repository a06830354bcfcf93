"""``intelcell serve``: the API and the browser UI."""

from __future__ import annotations

import gc
import ssl
import threading
from typing import Any

import click
import uvicorn
from fastapi import FastAPI

from intelcell.airpicture.engine import Engine
from intelcell.airpicture.sensors import all_sensors
from intelcell.api.app import create_app
from intelcell.api.protocol import guarded_protocol
from intelcell.cell import Cell
from intelcell.cli.common import CliError, cell
from intelcell.demo.airpicture import Replay
from intelcell.domain import names
from intelcell.exchange import validation
from intelcell.recovery import link_unlinked_records
from intelcell.settings import Settings


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
    try:
        if linked := link_unlinked_records(current):
            click.echo(f"intelcell: linked {linked} person records stored before a crash", err=True)
    except Exception as exc:  # linking is a refinement: it never keeps the service down
        click.echo(f"intelcell: could not link person records at start ({exc}); run `intelcell resolve`", err=True)
    # The name tables are millions of long-lived objects: keep them out of every collection
    # (at 1M records, full collections over them made the screening p99 186 ms).
    gc.freeze()
    stop = threading.Event()
    threads = _airpicture_threads(current, app, stop)
    try:
        uvicorn.Server(server_config(current.settings, app, host or current.settings.host, port)).run()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)


def server_config(settings: Settings, app: FastAPI, host: str, port: int, log_level: str = "info") -> uvicorn.Config:
    """uvicorn's configuration: the guarded protocol (head deadline), and TLS when configured.

    With INTELCELL_TLS_CLIENT_CA, clients may present a certificate (CERT_OPTIONAL: browsers and
    token clients need none); a presented one must chain to that CA, or the handshake fails.
    """
    tls: dict[str, Any] = {}
    if settings.tls_certfile or settings.tls_keyfile or settings.tls_client_ca:
        if not (settings.tls_certfile and settings.tls_keyfile):
            raise CliError("TLS needs both INTELCELL_TLS_CERTFILE and INTELCELL_TLS_KEYFILE")
        tls = {"ssl_certfile": settings.tls_certfile, "ssl_keyfile": settings.tls_keyfile}
        if settings.tls_client_ca:
            tls.update(ssl_ca_certs=settings.tls_client_ca, ssl_cert_reqs=ssl.CERT_OPTIONAL)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        http=guarded_protocol(settings.head_timeout_s),
        **tls,
    )


def _airpicture_threads(current: Cell, app: FastAPI, stop: threading.Event) -> list[threading.Thread]:
    """Start the tracker engine (it runs only while this process holds the lease) and the demo replay."""
    if not current.settings.airpicture_engine:
        return []
    engine = Engine(current)
    app.state.airpicture_engine = engine
    engine.on_change.append(app.state.airpicture_hub.notify)
    threads = [threading.Thread(target=engine.run, args=(stop,), name="airpicture-engine", daemon=True)]
    with current.db.read() as conn:
        demo_loaded = any(record.is_demo for record in all_sensors(conn).values())
    if demo_loaded and current.settings.airpicture_demo_replay:
        click.echo(
            "intelcell: replaying the demo air picture (INTELCELL_AIRPICTURE_DEMO_REPLAY=false stops it)", err=True
        )
        replay = Replay(current)
        threads.append(
            threading.Thread(target=replay.run, args=(stop, engine.leading), name="airpicture-demo", daemon=True)
        )
    for thread in threads:
        thread.start()
    return threads
