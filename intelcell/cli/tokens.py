"""``intelcell token``: issue, list and revoke API tokens."""

from __future__ import annotations

import click

from intelcell.cli.common import CliError, cell
from intelcell.clock import iso
from intelcell.domain.label import LabelError
from intelcell.domain.policy import ROLES, parse_clearance
from intelcell.store import audit, tokens, users
from intelcell.store.audit import AuditEvent


@click.group()
def token() -> None:
    """API tokens (shown once, stored hashed)."""


@token.command("create")
@click.option("--member", required=True, help="Member code of the user, e.g. FRA.")
@click.option("--user", "name", required=True, help="User name; created if new.")
@click.option("--clearance", required=True, help='NATO level, e.g. "NATO SECRET".')
@click.option("--caveat", "caveats", multiple=True, help="A restrictive caveat the user holds (repeatable).")
@click.option("--role", type=click.Choice(ROLES), default="analyst", show_default=True, help="User role.")
@click.option("--days", type=int, default=None, help="Lifetime in days (default INTELCELL_TOKEN_DAYS).")
def create(member: str, name: str, clearance: str, caveats: tuple[str, ...], role: str, days: int | None) -> None:
    """Create (or update) a user and print a new API token on the last line."""
    current = cell()
    member = member.upper()
    if member not in current.registry.members:
        raise CliError(f"unknown member '{member}': see `intelcell members list`")
    if not name.strip() or len(name) > 128:
        raise CliError("user name must be 1 to 128 characters")
    held = frozenset(c.upper() for c in caveats)
    unknown = held - current.vocabulary.restrictive_caveats
    if unknown:
        raise CliError(
            f"unknown caveat(s) {', '.join(sorted(unknown))}: expected "
            + ", ".join(sorted(current.vocabulary.restrictive_caveats))
        )
    try:
        parsed = parse_clearance(clearance, held)
    except LabelError as exc:
        raise CliError(str(exc)) from None
    days = current.settings.token_days if days is None else days
    if days <= 0:
        raise CliError("--days must be at least 1")
    now = current.clock()
    with current.db.write() as conn:
        user, _changed = users.upsert(
            conn, member=member, name=name, clearance=parsed, role=role, is_demo=False, now=now
        )
        token_id, secret = tokens.issue(conn, user, now, days)
        audit.append(
            conn,
            AuditEvent(
                "write",
                "token.create",
                "cli: token create",
                None,
                None,
                detail={
                    "token_id": token_id,
                    "member": member,
                    "user": name,
                    "clearance": parsed.text(),
                    "role": role,
                },
            ),
            now,
        )
    click.echo(f"user: {member}/{name} ({parsed.text()}{''.join(' ' + c for c in sorted(held))}, {role})")
    click.echo(f"token id: {token_id} (expires in {days} days; revoke with `intelcell token revoke {token_id}`)")
    click.echo(secret)


@token.command("list")
@click.option("--member", help="Only tokens of this member's users.")
def list_(member: str | None) -> None:
    """List tokens: id, member/user, created, expires, state (never the token)."""
    current = cell()
    now = current.clock()
    with current.db.read() as conn:
        found = tokens.list_tokens(conn, member.upper() if member else None)
    for t in found:
        state = "revoked" if t.revoked_at else ("expired" if t.expires_at <= now else "live")
        click.echo(f"{t.id}\t{t.member}/{t.user}\t{iso(t.created_at)}\t{iso(t.expires_at)}\t{state}")


@token.command("revoke")
@click.argument("token_id")
def revoke(token_id: str) -> None:
    """Revoke a token by its id (from `intelcell token list`)."""
    current = cell()
    now = current.clock()
    with current.db.write() as conn:
        if not tokens.revoke(conn, token_id, now):
            raise CliError(f"no live token with id '{token_id}'")
        audit.append(
            conn,
            AuditEvent("write", "token.revoke", "cli: token revoke", None, None, detail={"token_id": token_id}),
            now,
        )
    click.echo(f"revoked {token_id}")
