"""Plot and track CSV (DESIGN.md section 4) and the JSON form of plots.

plots:  ``time,sensor,lat,lon,alt_m,sigma_m[,mode3a][,icao24]`` (header required)
tracks: ``time,track_number,lat,lon,alt_m,vel_e_mps,vel_n_mps,identity``

Reading never raises on a bad row: each is skipped with its line number and the reason, so one
corrupt line in a recording does not stop the picture.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from intelcell.domain.airpicture.model import Plot, PlotError, TrackState

PLOT_COLUMNS = ("time", "sensor", "lat", "lon", "alt_m", "sigma_m")
OPTIONAL_PLOT_COLUMNS = ("mode3a", "icao24", "callsign")
TRACK_COLUMNS = ("time", "track_number", "lat", "lon", "alt_m", "vel_e_mps", "vel_n_mps", "identity")


class FormatError(ValueError):
    """Input that cannot be read at all (no header, missing columns)."""


@dataclass
class Parsed:
    """Plots read from some input and the rows skipped, each with where and why."""

    plots: list[Plot] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _optional_float(text: str | None) -> float | None:
    """A float, or None for an empty cell."""
    if text is None or text.strip() == "":
        return None
    return float(text)


def _optional_text(text: str | None) -> str | None:
    """Stripped text, or None for an empty cell."""
    if text is None or text.strip() == "":
        return None
    return text.strip()


def plot_from_fields(row: dict[str, Any]) -> Plot:
    """A Plot from CSV cells or JSON fields; ValueError (PlotError) names what is wrong."""
    missing = [name for name in PLOT_COLUMNS if name != "alt_m" and row.get(name) in (None, "")]
    if missing:
        raise PlotError(f"missing {', '.join(missing)}")
    icao = _optional_text(None if row.get("icao24") is None else str(row["icao24"]))
    # Spreadsheets drop the leading zeros of octal codes: "12" is code 0012.
    code = _optional_text(None if row.get("mode3a") is None else str(row["mode3a"]))
    return Plot(
        time=float(row["time"]),
        sensor=str(row["sensor"]).strip(),
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        alt_m=_optional_float(None if row.get("alt_m") is None else str(row["alt_m"])),
        sigma_m=float(row["sigma_m"]),
        mode3a=code.zfill(4) if code else None,
        icao24=icao.lower() if icao else None,
        callsign=_optional_text(None if row.get("callsign") is None else str(row["callsign"]).upper()),
        iff_mode5=row.get("iff_mode5") is True,
    )


def read_plots_csv(lines: Iterable[str]) -> Parsed:
    """Plots from CSV text lines; FormatError when the header lacks a required column."""
    reader = csv.DictReader(lines)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise FormatError(f"the plot CSV header is not CSV: {exc}") from None
    missing = [c for c in PLOT_COLUMNS if c not in header]
    if not header:
        raise FormatError("the plot CSV is empty: a header row is required")
    if missing:
        raise FormatError(f"the plot CSV header lacks {', '.join(missing)} (need {','.join(PLOT_COLUMNS)})")
    reader.fieldnames = header
    parsed = Parsed()
    for row in _rows(reader, parsed.errors):
        line = reader.line_num
        if None in row:
            parsed.errors.append(f"line {line}: more cells than the header has columns")
            continue
        try:
            parsed.plots.append(plot_from_fields(row))
        except (ValueError, OverflowError) as exc:  # PlotError is a ValueError; float('x') too
            parsed.errors.append(f"line {line}: {exc}")
    return parsed


def _rows(reader: csv.DictReader[str], errors: list[str]) -> Iterator[dict[str, Any]]:
    """The rows of ``reader``; a line the csv module refuses (a huge cell) is skipped with its number."""
    while True:
        before = reader.reader.line_num  # DictReader's own line_num is only updated by a row read
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(f"line {reader.reader.line_num}: not CSV ({exc})")
            if reader.reader.line_num == before:  # nothing consumed: never loop on the same line
                return


def read_plots_json(items: Iterable[Any]) -> Parsed:
    """Plots from JSON objects; each refused item is named by its index."""
    parsed = Parsed()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            parsed.errors.append(f"plot {index}: not a JSON object")
            continue
        unknown = sorted(set(item) - set(PLOT_COLUMNS) - set(OPTIONAL_PLOT_COLUMNS) - {"iff_mode5"})
        if unknown:
            parsed.errors.append(f"plot {index}: unknown fields {', '.join(unknown)}")
            continue
        try:
            parsed.plots.append(plot_from_fields(item))
        except (ValueError, TypeError, OverflowError) as exc:
            parsed.errors.append(f"plot {index}: {exc}")
    return parsed


def plot_to_json(plot: Plot) -> dict[str, Any]:
    """The JSON form of a plot (the inverse of ``read_plots_json``)."""
    out: dict[str, Any] = {name: getattr(plot, name) for name in PLOT_COLUMNS}
    for name in OPTIONAL_PLOT_COLUMNS:
        if getattr(plot, name) is not None:
            out[name] = getattr(plot, name)
    if plot.iff_mode5:
        out["iff_mode5"] = True
    return out


def write_plots_csv(plots: Iterable[Plot]) -> Iterator[str]:
    """Plot CSV lines, header first."""
    columns = (*PLOT_COLUMNS, "mode3a", "icao24")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for plot in plots:
        writer.writerow(["" if getattr(plot, c) is None else getattr(plot, c) for c in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def track_row(state: TrackState) -> list[str]:
    """A track CSV row of a state."""
    return [
        f"{state.time:.3f}",
        str(state.track_number),
        f"{state.lat:.7f}",
        f"{state.lon:.7f}",
        "" if state.alt_m is None else f"{state.alt_m:.1f}",
        f"{state.vel_e_mps:.2f}",
        f"{state.vel_n_mps:.2f}",
        state.identity.value,
    ]


def write_tracks_csv(states: Iterable[TrackState]) -> Iterator[str]:
    """Track CSV lines, header first, one row per state given."""
    yield ",".join(TRACK_COLUMNS) + "\n"
    for state in states:
        yield ",".join(track_row(state)) + "\n"
