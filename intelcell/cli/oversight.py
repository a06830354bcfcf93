"""``intelcell oversight``: the coordinator's summary (JSON or CSV) and PDF report from the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from intelcell.cli.common import CliError, cell
from intelcell.domain.oversight.period import PeriodError, parse
from intelcell.oversight import report as reports
from intelcell.oversight import summary as summaries
from intelcell.store import audit, users
from intelcell.store.audit import AuditEvent

_period = click.option("--period", required=True, help="2026, 2026-Q3, 2026-07 or 2026-07-01/2026-09-30.")
_member = click.option("--member", default="NATO", show_default=True, help="The viewer's member.")
_user = click.option("--user", "name", default="nato.coordinator", show_default=True, help="The viewer's user name.")


@click.group()
def oversight() -> None:
    """The coordinator's oversight: figures as one stored user may see them."""


def _built(period: str, member: str, name: str, operation: str) -> tuple[summaries.Summary, date]:
    """The summary of ``period`` for the stored user ``name`` of ``member``, its release audited."""
    current = cell()
    try:
        span = parse(period)
    except PeriodError as exc:
        raise CliError(str(exc)) from None
    with current.db.read() as conn:
        viewer = users.find(conn, member.upper(), name)
        if viewer is None:
            raise CliError(f"no user '{name}' of member '{member.upper()}': see `intelcell token create`")
        built = summaries.build(current, conn, viewer, span, current.clock().date())
    path = f"cli: oversight {operation.split('.')[-1]}"
    ids, labels = [f"oversight-summary:{span.text()}"], [built.label.text()]
    audit.record(
        current.db, AuditEvent("read", operation, path, viewer.member, viewer.name, ids, labels), current.clock()
    )
    return built, current.clock().date()


@oversight.command()
@_period
@_member
@_user
@click.option("--csv", "as_csv", is_flag=True, help="CSV rows (member, measure, value, label) instead of JSON.")
def summary(period: str, member: str, name: str, as_csv: bool) -> None:
    """Print the summary of PERIOD as the user sees it, with its dominant label."""
    built, _today = _built(period, member, name, "oversight.summary")
    click.echo(summaries.to_csv(built) if as_csv else json.dumps(built.to_json(), indent=2), nl=not as_csv)


@oversight.command()
@_period
@_member
@_user
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The PDF file to write.")
def report(period: str, member: str, name: str, out: Path) -> None:
    """Write the PDF report of PERIOD (charts; the dominant label on every page)."""
    built, today = _built(period, member, name, "oversight.report")
    out.write_bytes(reports.render(built, today))
    click.echo(f"{out}: {built.label.text()}")
