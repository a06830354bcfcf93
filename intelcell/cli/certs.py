"""``intelcell cert``: client certificates for mutual TLS (a machine client authenticates as one user)."""

from __future__ import annotations

from pathlib import Path

import click

from intelcell.cli.common import CliError, cell
from intelcell.clock import iso
from intelcell.store import audit, certificates, users
from intelcell.store.audit import AuditEvent


@click.group()
def cert() -> None:
    """Client certificates for mutual TLS (INTELCELL_TLS_CLIENT_CA): each stands for one existing user."""


@cert.command("add")
@click.option("--member", required=True, help="Member code of the user, e.g. FRA.")
@click.option(
    "--user",
    "name",
    required=True,
    help="Existing user the certificate stands for (`intelcell token create` makes users).",
)
@click.option("--note", required=True, help="Whose system holds the certificate, e.g. 'FRA national CTI platform'.")
@click.argument("certificate", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def add(member: str, name: str, note: str, certificate: Path) -> None:
    """Register the PEM CERTIFICATE for a user; print its SHA-256 fingerprint."""
    current = cell()
    now = current.clock()
    try:
        pem = certificate.read_text(encoding="ascii")
    except (UnicodeDecodeError, OSError) as exc:
        raise CliError(f"cannot read {certificate}: a PEM certificate is ASCII text ({exc})") from None
    with current.db.write() as conn:
        user = users.find(conn, member.upper(), name)
        if user is None:
            raise CliError(f"no user {member.upper()}/{name}: create it first with `intelcell token create`")
        try:
            print_ = certificates.register(conn, user, pem, note, now)
        except certificates.CertificateError as exc:
            raise CliError(str(exc)) from None
        detail = {"fingerprint": print_, "member": user.member, "user": user.name, "note": note.strip()}
        audit.append(conn, AuditEvent("write", "certificate.add", "cli: cert add", None, None, detail=detail), now)
    click.echo(f"registered for {user.member}/{user.name}: {print_}")


@cert.command("list")
def list_() -> None:
    """List registered certificates: fingerprint, member/user, registered, state, note."""
    current = cell()
    with current.db.read() as conn:
        found = certificates.list_certificates(conn)
    for c in found:
        state = "revoked" if c.revoked_at else "live"
        click.echo(f"{c.fingerprint}\t{c.member}/{c.user}\t{iso(c.created_at)}\t{state}\t{c.note}")


@cert.command("revoke")
@click.argument("fingerprint")
def revoke(fingerprint: str) -> None:
    """Revoke a certificate by its fingerprint (from `intelcell cert list`); acts on the next request."""
    current = cell()
    now = current.clock()
    with current.db.write() as conn:
        if not certificates.revoke(conn, fingerprint, now):
            raise CliError(f"no live certificate with fingerprint '{fingerprint}'")
        detail = {"fingerprint": fingerprint.lower()}
        audit.append(
            conn, AuditEvent("write", "certificate.revoke", "cli: cert revoke", None, None, detail=detail), now
        )
    click.echo(f"revoked {fingerprint.lower()}")
