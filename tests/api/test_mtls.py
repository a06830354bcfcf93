"""Mutual TLS for machine clients: a registered client certificate authenticates as its user.

A real server (the configuration `intelcell serve` uses) on loopback, with a throwaway CA from
``trustme``: certificates it signs are accepted by the handshake, but stand for a user only
once registered (`intelcell cert add`), and stop on revocation, without a restart.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import trustme
from click.testing import CliRunner
from sqlalchemy import select

from intelcell.api.app import create_app
from intelcell.cell import Cell, open_cell
from intelcell.cli.main import cli
from intelcell.cli.serve import server_config
from intelcell.settings import Settings
from intelcell.store import audit, certificates
from intelcell.store.schema import audit_log
from tests.conftest import FakeClock
from tests.helpers import bearer
from tests.servers import free_port, serving


@dataclass
class TlsServer:
    """A TLS server requesting client certificates, its CA, and its cell."""

    url: str
    ca: trustme.CA
    cell: Cell


@pytest.fixture
def tls_server(settings: Settings, clock: FakeClock, tmp_path: Path) -> Iterator[TlsServer]:
    ca = trustme.CA()
    server_cert = ca.issue_cert("127.0.0.1")
    server_cert.private_key_pem.write_to_path(str(tmp_path / "server.key"))
    server_cert.cert_chain_pems[0].write_to_path(str(tmp_path / "server.pem"))
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    tls = settings.replace(
        tls_certfile=str(tmp_path / "server.pem"),
        tls_keyfile=str(tmp_path / "server.key"),
        tls_client_ca=str(tmp_path / "ca.pem"),
    )
    cell = open_cell(tls, clock)
    port = free_port()
    with serving(server_config(tls, create_app(cell=cell), "127.0.0.1", port, log_level="warning")):
        yield TlsServer(f"https://127.0.0.1:{port}", ca, cell)
    cell.db.dispose()


def _client(server: TlsServer, leaf: trustme.LeafCert | None) -> httpx.Client:
    """An httpx client trusting the test CA, presenting ``leaf`` as its certificate if given."""
    context = ssl.create_default_context()
    server.ca.configure_trust(context)
    if leaf is not None:
        leaf.configure_cert(context)
    return httpx.Client(base_url=server.url, verify=context, timeout=10)


def _register(server: TlsServer, make_user, leaf: trustme.LeafCert, member: str = "FRA") -> str:  # type: ignore[no-untyped-def]
    user, _token = make_user(member, "NATO SECRET", name=f"{member.lower()}.system")
    with server.cell.db.write() as conn:
        return certificates.register(
            conn, user, leaf.cert_chain_pems[0].bytes().decode(), "national system", server.cell.clock()
        )


def test_a_registered_certificate_authenticates_as_its_user_without_a_token(tls_server: TlsServer, make_user) -> None:  # type: ignore[no-untyped-def]
    leaf = tls_server.ca.issue_cert("fra-system@example.org")
    _register(tls_server, make_user, leaf)
    with _client(tls_server, leaf) as client:
        me = client.get("/api/v1/me")
    assert me.status_code == 200, me.text
    assert (me.json()["member"], me.json()["name"]) == ("FRA", "fra.system")


def test_a_certificate_the_ca_signed_but_nobody_registered_is_refused(tls_server: TlsServer) -> None:
    with _client(tls_server, tls_server.ca.issue_cert("stranger@example.org")) as client:
        me = client.get("/api/v1/me")
    assert me.status_code == 401
    assert me.json()["reason"] == "client certificate not registered"


def test_revoking_a_certificate_refuses_its_next_request(tls_server: TlsServer, make_user) -> None:  # type: ignore[no-untyped-def]
    leaf = tls_server.ca.issue_cert("fra-system@example.org")
    print_ = _register(tls_server, make_user, leaf)
    with _client(tls_server, leaf) as client:
        assert client.get("/api/v1/me").status_code == 200
        with tls_server.cell.db.write() as conn:
            assert certificates.revoke(conn, print_, tls_server.cell.clock())
        refused = client.get("/api/v1/me")  # the same connection: nothing is cached per connection
    assert (refused.status_code, refused.json()["reason"]) == (401, "client certificate revoked")


def test_a_certificate_from_another_ca_fails_the_handshake(tls_server: TlsServer) -> None:
    other = trustme.CA().issue_cert("impostor@example.org")
    with _client(tls_server, other) as client, pytest.raises((httpx.ConnectError, httpx.RemoteProtocolError)):
        client.get("/api/v1/me")  # TLS 1.3: the server's refusal arrives after the client's handshake


def test_token_clients_need_no_certificate_and_a_token_wins_over_a_certificate(
    tls_server: TlsServer, make_user
) -> None:  # type: ignore[no-untyped-def]
    leaf = tls_server.ca.issue_cert("fra-system@example.org")
    _register(tls_server, make_user, leaf)
    _user, token = make_user("IRQ", "NATO RESTRICTED", name="irq.analyst")
    with _client(tls_server, None) as plain:
        assert plain.get("/api/v1/me").status_code == 401
        assert plain.get("/api/v1/me", headers=bearer(token)).json()["member"] == "IRQ"
    with _client(tls_server, leaf) as both:
        assert both.get("/api/v1/me", headers=bearer(token)).json()["member"] == "IRQ"


def test_cert_cli_adds_lists_and_revokes_with_audit_entries(cell: Cell, make_user, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    make_user("FRA", "NATO SECRET", name="fra.system")
    leaf = trustme.CA().issue_cert("fra-system@example.org")
    path = tmp_path / "client.pem"
    leaf.cert_chain_pems[0].write_to_path(str(path))
    env = {"INTELCELL_DATABASE_URL": cell.settings.database_url}
    runner = CliRunner()
    added = runner.invoke(
        cli, ["cert", "add", "--member", "FRA", "--user", "fra.system", "--note", "FRA CTI", str(path)], env=env
    )
    assert added.exit_code == 0, added.output
    print_ = added.output.strip().rsplit(" ", 1)[1]
    assert print_ == certificates.fingerprint(path.read_text())
    again = runner.invoke(
        cli, ["cert", "add", "--member", "FRA", "--user", "fra.system", "--note", "x", str(path)], env=env
    )
    assert again.exit_code != 0 and "already registered" in again.output
    listed = runner.invoke(cli, ["cert", "list"], env=env)
    assert f"{print_}\tFRA/fra.system" in listed.output and "\tlive\tFRA CTI" in listed.output
    assert runner.invoke(cli, ["cert", "revoke", print_], env=env).exit_code == 0
    assert "\trevoked\t" in runner.invoke(cli, ["cert", "list"], env=env).output
    assert runner.invoke(cli, ["cert", "revoke", print_], env=env).exit_code != 0
    with cell.db.read() as conn:
        assert audit.verify(conn) is None
        logged = [json.loads(row.fields) for row in conn.execute(select(audit_log).order_by(audit_log.c.seq))]
    certs = [(e["operation"], e["detail"]["fingerprint"]) for e in logged if e["operation"].startswith("certificate.")]
    assert certs == [("certificate.add", print_), ("certificate.revoke", print_)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not a certificate", "no PEM certificate"),
        ("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", "holds no DER certificate"),
    ],
)
def test_cert_add_refuses_what_is_not_a_certificate_and_stores_nothing(  # type: ignore[no-untyped-def]
    cell: Cell, make_user, tmp_path: Path, content: str, message: str
) -> None:
    make_user("FRA", "NATO SECRET", name="fra.system")
    path = tmp_path / "bad.pem"
    path.write_text(content)
    env = {"INTELCELL_DATABASE_URL": cell.settings.database_url}
    result = CliRunner().invoke(
        cli, ["cert", "add", "--member", "FRA", "--user", "fra.system", "--note", "x", str(path)], env=env
    )
    assert result.exit_code != 0 and message in result.output
    with cell.db.read() as conn:
        assert certificates.list_certificates(conn) == []
