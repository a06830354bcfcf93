"""``intelcell airpicture track --plots PLOTS.csv --out TRACKS.csv`` (DESIGN.md section 4)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from intelcell.cli.main import cli
from intelcell.domain.airpicture.geo import LocalFrame
from intelcell.domain.airpicture.model import Identity

FRAME = LocalFrame(36.0, 43.0)
IDENTITIES = {i.value for i in Identity}


def write_plots(path: Path, extra_rows: tuple[str, ...] = (), aircraft: int = 3, scans: int = 30) -> None:
    """A plot CSV of aircraft flying east at 200 m/s, seen every 5 s by one radar with 100 m noise."""
    rng = np.random.default_rng(1)
    lines = ["time,sensor,lat,lon,alt_m,sigma_m,mode3a,icao24"]
    for k in range(scans):
        for a in range(aircraft):
            t = 1_795_000_000 + 5.0 * k + 0.1 * a
            lat, lon = FRAME.surface_to_wgs84(a * 30_000 + 200 * 5.0 * k + rng.normal(0, 100), rng.normal(0, 100))
            lines.append(f"{t},radar-1,{float(lat):.7f},{float(lon):.7f},9000,100,{1200 + a},")
    path.write_text("\n".join([*lines, *extra_rows]) + "\n", encoding="utf-8")


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["airpicture", "track", *args])


def test_track_writes_one_track_per_aircraft_in_the_contract_format(tmp_path: Path):
    plots, out = tmp_path / "plots.csv", tmp_path / "tracks.csv"
    write_plots(plots)
    result = run("--plots", str(plots), "--out", str(out))
    assert result.exit_code == 0, result.output
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["time", "track_number", "lat", "lon", "alt_m", "vel_e_mps", "vel_n_mps", "identity"]
    assert {r["identity"] for r in rows} <= IDENTITIES
    assert len({r["track_number"] for r in rows}) == 3
    last = rows[-1]
    assert float(last["vel_e_mps"]) == pytest.approx(200, abs=15)
    assert "90 plots, 0 skipped, 3 tracks" in result.output


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("1795000001,radar-1,95,43,9000,100,,", "latitude 95.0 is outside"),
        ("1795000001,radar-1,36,43,9000,-5,,", "sigma"),
        ("1795000001,radar-1,36,43,9000,100,9999,", "mode3a"),
        ("1795000001,radar-1,36,43,9000,100,,ZZZZZZ", "icao24"),
        ("soon,radar-1,36,43,9000,100,,", "could not convert"),
        ("1795000001,radar-1,36,43,9000,100,,,extra", "more cells"),
        ("1794990000,radar-1,36,43,9000,100,,", "goes back"),
    ],
)
def test_bad_rows_are_skipped_with_their_line_and_reason_and_the_run_goes_on(tmp_path: Path, row: str, reason: str):
    plots, out = tmp_path / "plots.csv", tmp_path / "tracks.csv"
    write_plots(plots, extra_rows=(row,))
    result = run("--plots", str(plots), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert reason in result.output and "skipped" in result.output
    assert "3 tracks" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"time,sensor,lat,lon\n1,r,36,43\n", "lacks alt_m, sigma_m"),
        ("time,sensor,lat,lon,alt_m,sigma_m\n1,capteur-é,36,43,,30\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unreadable_plot_files_are_refused_with_exit_code_2_and_no_output(tmp_path: Path, content: bytes, message):
    plots, out = tmp_path / "plots.csv", tmp_path / "tracks.csv"
    plots.write_bytes(content)
    result = run("--plots", str(plots), "--out", str(out))
    assert result.exit_code == 2 and message in result.output
    assert not out.exists()


def test_a_missing_plot_file_is_a_clear_error(tmp_path: Path):
    result = run("--plots", str(tmp_path / "none.csv"), "--out", str(tmp_path / "t.csv"))
    assert result.exit_code == 2 and "no such file" in result.output
