"""Client certificates for mutual TLS: a registered certificate authenticates its user, as a token does.

The TLS handshake (``intelcell serve`` with INTELCELL_TLS_CLIENT_CA) has already checked that the
certificate chains to a trusted CA and is within its validity period. A certificate signed by that
CA is still worth nothing here until an administrator registers it for one user: the CA vouches
for who holds the key, the registration for what that holder may read. Certificates are known by
their SHA-256 fingerprint; revocation acts on the next request.
"""

from __future__ import annotations

import hashlib
import ssl
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from intelcell.store import users as user_store
from intelcell.store.schema import client_certificates, users
from intelcell.store.tokens import AuthError
from intelcell.store.users import User


class CertificateError(ValueError):
    """A certificate could not be registered; the message says why."""


@dataclass(frozen=True)
class CertificateInfo:
    """A registered certificate as listed."""

    fingerprint: str
    member: str
    user: str
    note: str
    created_at: datetime
    revoked_at: datetime | None


def fingerprint(pem: str) -> str:
    """The SHA-256 fingerprint (hex) of the first certificate in ``pem``; CertificateError if there is none."""
    begin, end = "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"
    start = pem.find(begin)
    stop = pem.find(end, start)
    if start < 0 or stop < 0:
        raise CertificateError("no PEM certificate (-----BEGIN CERTIFICATE-----) found")
    try:
        der = ssl.PEM_cert_to_DER_cert(pem[start : stop + len(end)])
    except ValueError as exc:
        raise CertificateError(f"the PEM block holds no DER certificate: {exc}") from None
    if not der or der[0] != 0x30:  # a DER certificate is an ASN.1 SEQUENCE
        raise CertificateError("the PEM block holds no DER certificate")
    return hashlib.sha256(der).hexdigest()


def register(conn: Connection, user: User, pem: str, note: str, now: datetime) -> str:
    """Register the certificate in ``pem`` for ``user``; its fingerprint. A certificate stands for one user only."""
    print_ = fingerprint(pem)
    if not 1 <= len(note.strip()) <= 200:
        raise CertificateError("a certificate's note must be 1 to 200 characters (say whose system it is)")
    taken = conn.execute(
        select(client_certificates.c.user_id).where(client_certificates.c.fingerprint == print_)
    ).first()
    if taken is not None:
        raise CertificateError(f"certificate {print_} is already registered (revoked ones cannot be reused)")
    conn.execute(
        client_certificates.insert().values(
            fingerprint=print_, user_id=user.id, note=note.strip(), created_at=now, revoked_at=None
        )
    )
    return print_


def authenticate(conn: Connection, pem: str) -> User:
    """The user a presented (TLS-verified) certificate stands for; AuthError when unregistered or revoked."""
    try:
        print_ = fingerprint(pem)
    except CertificateError:
        raise AuthError("client certificate not registered") from None
    row = conn.execute(select(client_certificates).where(client_certificates.c.fingerprint == print_)).first()
    if row is None:
        raise AuthError("client certificate not registered")
    if row.revoked_at is not None:
        raise AuthError("client certificate revoked")
    user = user_store.get(conn, row.user_id)
    if user is None:  # pragma: no cover - foreign key forbids it
        raise AuthError("client certificate not registered")
    return user


def revoke(conn: Connection, print_: str, now: datetime) -> bool:
    """Revoke a certificate by its fingerprint; whether a live one was revoked."""
    result = conn.execute(
        client_certificates.update()
        .where(client_certificates.c.fingerprint == print_.lower(), client_certificates.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount == 1


def list_certificates(conn: Connection) -> list[CertificateInfo]:
    """Registered certificates, newest first."""
    query = (
        select(client_certificates, users.c.member, users.c.name)
        .join(users, users.c.id == client_certificates.c.user_id)
        .order_by(client_certificates.c.created_at.desc(), client_certificates.c.fingerprint)
    )
    return [
        CertificateInfo(r.fingerprint, r.member, r.name, r.note, r.created_at, r.revoked_at)
        for r in conn.execute(query)
    ]
