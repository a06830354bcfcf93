"""``intelcell screen NAME``: screen one person against the records a given viewer may read."""

from __future__ import annotations

import click

from intelcell.cli.common import CliError, cell
from intelcell.domain.label import LabelError
from intelcell.domain.matching import ftf_v2
from intelcell.domain.policy import Clearance, parse_clearance
from intelcell.fighters import screening
from intelcell.store import audit, users
from intelcell.store.audit import AuditEvent

SCREENER = "screener"


@click.command()
@click.argument("name")
@click.option("--birth-date", help="Birth date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--nationality", multiple=True, help="ISO country code, e.g. iq (repeatable).")
@click.option("--gender", type=click.Choice(["male", "female"]), help="Gender.")
@click.option("--passport", help="Passport number.")
@click.option("--member", default="NATO", show_default=True, help="Screen as a user of this member.")
@click.option("--clearance", default="NATO UNCLASSIFIED", show_default=True, help="The screening user's clearance.")
@click.option("--caveat", "caveats", multiple=True, help="A restrictive caveat the user holds (repeatable).")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, screening.MAX_LIMIT))
@click.option("--threshold", default=ftf_v2.THRESHOLD, show_default=True, type=click.FloatRange(0.0, 1.0))
def screen(
    name: str,
    birth_date: str | None,
    nationality: tuple[str, ...],
    gender: str | None,
    passport: str | None,
    member: str,
    clearance: str,
    caveats: tuple[str, ...],
    limit: int,
    threshold: float,
) -> None:
    """Screen NAME (any script or spelling) and explain each result.

    Results come only from records the screening user (--member, --clearance, --caveat; a
    service user 'screener' of that member) may read; a strong match they may not read is shown
    as a hit without its record, and the holding member sees that it was hit.
    """
    current = cell()
    member = member.upper()
    if member not in current.registry.members:
        raise CliError(f"unknown member '{member}': see `intelcell members list`")
    held = frozenset(c.upper() for c in caveats)
    if held - current.vocabulary.restrictive_caveats:
        raise CliError(f"unknown caveat(s) {', '.join(sorted(held - current.vocabulary.restrictive_caveats))}")
    try:
        level: Clearance = parse_clearance(clearance, held)
    except LabelError as exc:
        raise CliError(str(exc)) from None
    properties = {"name": [name]}
    for prop, value in (("birthDate", birth_date), ("gender", gender), ("passportNumber", passport)):
        if value:
            properties[prop] = [value]
    if nationality:
        properties["nationality"] = list(nationality)
    try:
        profile = screening.query_profile(properties)
    except screening.QueryError as exc:
        raise CliError(str(exc)) from None
    with current.db.write() as conn:
        user, _ = users.upsert(
            conn, member=member, name=SCREENER, clearance=level, role="analyst", is_demo=False, now=current.clock()
        )
    found = screening.screen(current, user, {"q": profile}, limit=limit, threshold=threshold)["q"]
    click.echo(f"screened as {member} {SCREENER} ({clearance}): {found.total} readable candidate(s)")
    for result in found.results:
        verdict = "MATCH" if result.comparison.match else "no match"
        click.echo(f"{result.comparison.score:.3f}  {verdict:8}  {result.record_id}  [{result.member}, {result.label}]")
        for feature in result.comparison.features:
            if feature.value:
                click.echo(f"        {feature.name} {feature.contribution:+.2f}: {feature.explanation}")
    for hit in found.hits:
        holder = hit.holder or "a member (not named)"
        click.echo(f"HIT    {holder} holds a possible match you may not read; ask them with reference {hit.ref}")
    if found.results:
        event = AuditEvent(
            "read",
            "person.match",
            "cli: screen",
            member,
            SCREENER,
            [r.record_id for r in found.results],
            sorted({r.label for r in found.results}),
        )
        audit.record(current.db, event, current.clock())
