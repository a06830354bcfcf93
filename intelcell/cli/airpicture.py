"""``intelcell airpicture``: offline tracking, sensors and areas, replaying and listening to feeds."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from intelcell.airpicture import offline
from intelcell.airpicture.plotcsv import FormatError, read_plots_csv, write_tracks_csv
from intelcell.cli.common import CliError

MAX_MESSAGES = 20  # skipped-row messages printed before a count of the rest


@click.group()
def airpicture() -> None:
    """The recognized air picture: tracking, sensors, feeds."""


@airpicture.command("track")
@click.option(
    "--plots",
    "plots_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Plot CSV: time,sensor,lat,lon,alt_m,sigma_m[,mode3a][,icao24].",
)
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Track CSV to write: time,track_number,lat,lon,alt_m,vel_e_mps,vel_n_mps,identity.",
)
def track(plots_path: Path, out_path: Path) -> None:
    """Run the tracker over a plot recording and write every confirmed track update.

    Rows that cannot be plots (impossible positions, bad codes, time going back on their sensor)
    are skipped and reported on stderr; the run goes on.
    """
    started = time.perf_counter()
    try:
        with plots_path.open(encoding="utf-8", newline="") as handle:
            parsed = read_plots_csv(handle)
    except FileNotFoundError:
        raise CliError(f"no such file: {plots_path}") from None
    except UnicodeDecodeError as exc:
        raise CliError(f"{plots_path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    except FormatError as exc:
        raise CliError(str(exc)) from None
    run = offline.OfflineRun(skipped=list(parsed.errors))
    tmp = out_path.with_name(out_path.name + ".partial")
    rows = 0
    with tmp.open("w", encoding="utf-8", newline="") as out:
        for line in write_tracks_csv(offline.track(parsed.plots, run)):
            out.write(line)
            rows += 1
    tmp.replace(out_path)  # a failed run never leaves half a track file under the asked name
    for message in run.skipped[:MAX_MESSAGES]:
        click.echo(f"skipped {message}", err=True)
    if len(run.skipped) > MAX_MESSAGES:
        click.echo(f"skipped {len(run.skipped) - MAX_MESSAGES} more rows", err=True)
    elapsed = time.perf_counter() - started
    click.echo(
        f"{run.plots_used} plots, {len(run.skipped)} skipped, {run.tracks_confirmed} tracks, "
        f"{rows - 1} track updates written to {out_path} in {elapsed:.1f} s",
        file=sys.stdout,
    )
