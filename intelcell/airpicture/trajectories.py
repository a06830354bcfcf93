"""Recorded flights as truth for the demo and the evaluation: read, cleaned, resampled, stored.

The demo ships ``intelcell/data/airpicture/trajectories.csv.gz`` (columns
``time,icao24,callsign,squawk,lat,lon,alt_m``), cut from the OpenSky Network recording that the
``traffic`` library ships as a sample (issue 5, item 7); ``scripts/extract-demo-trajectories``
makes it and ``bench/airpicture_eval.py`` reads the full recording the same way.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from intelcell.domain.airpicture.simulation import Trajectory, interpolate

DEMO_TRAJECTORIES = Path(__file__).resolve().parent.parent / "data" / "airpicture" / "trajectories.csv.gz"
QUICKSTART = "traffic/data/samples/collections/quickstart.json.gz"
COLUMNS = ("time", "icao24", "callsign", "squawk", "lat", "lon", "alt_m")
FOOT_M = 0.3048

_ICAO24 = re.compile(r"^[0-9a-f]{6}$")
_CALLSIGN = re.compile(r"^[A-Z0-9 ]{1,8}$")
_SQUAWK = re.compile(r"^[0-7]{4}$")
# A recorded position this far from the median of its neighbours is a decoding error, not a turn.
SPIKE_M = 1_000.0
SPIKE_ALT_M = 300.0
_WINDOW = 11


def load_trajectories(path: str | Path = DEMO_TRAJECTORIES) -> list[Trajectory]:
    """The trajectories of a ``time,icao24,callsign,squawk,lat,lon,alt_m`` CSV file (gzip if ``.gz``)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    rows: dict[str, list[dict[str, str]]] = {}
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(sorted(missing))}")
        for row in reader:
            rows.setdefault(row["icao24"], []).append(row)
    out = []
    for icao24, group in rows.items():
        group.sort(key=lambda r: float(r["time"]))
        out.append(
            Trajectory(
                icao24=icao24,
                callsign=group[0]["callsign"] or None,
                squawk=group[0]["squawk"] or None,
                times=np.array([float(r["time"]) for r in group]),
                lat=np.array([float(r["lat"]) for r in group]),
                lon=np.array([float(r["lon"]) for r in group]),
                alt_m=np.array([float(r["alt_m"]) for r in group]),
            )
        )
    return out


def save_trajectories(trajectories: Iterable[Trajectory], path: str | Path) -> None:
    """Write trajectories as the gzip CSV that ``load_trajectories`` reads (1 m and 1 s precision suffice)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    for tr in trajectories:
        for t, la, lo, al in zip(tr.times.tolist(), tr.lat.tolist(), tr.lon.tolist(), tr.alt_m.tolist(), strict=True):
            writer.writerow(
                [f"{t:.0f}", tr.icao24, tr.callsign or "", tr.squawk or "", f"{la:.5f}", f"{lo:.5f}", f"{al:.0f}"]
            )
    # mtime=0: the same trajectories give the same bytes, so the committed file only changes with its data.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as f:
        f.write(text.getvalue().encode("utf-8"))


def _rolling_median(values: npt.NDArray[np.float64], window: int = _WINDOW) -> npt.NDArray[np.float64]:
    """Centred running median, the edges padded with the edge values."""
    half = window // 2
    padded = np.pad(values, half, mode="edge")
    return np.asarray(np.median(np.lib.stride_tricks.sliding_window_view(padded, window), axis=1))


def _most_common(values: Iterable[Any], pattern: re.Pattern[str]) -> str | None:
    """The most frequent value that matches ``pattern``, or None."""
    counts = Counter(v for v in (str(x).strip().upper() for x in values) if pattern.match(v))
    return counts.most_common(1)[0][0] if counts else None


def trajectory_from_reports(
    icao24: str,
    times: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    alt_m: npt.NDArray[np.float64],
    callsigns: Sequence[Any] = (),
    squawks: Sequence[Any] = (),
) -> Trajectory | None:
    """One aircraft's airborne reports cleaned into a trajectory, or None if too little is left.

    Repeated positions (a receiver re-sending its last fix with a new time) are dropped, then
    positions more than 1 km and altitudes more than 300 m off the running median of their
    neighbours; the callsign and squawk are the most frequent valid ones.
    """
    t = np.asarray(times, dtype=float)
    la, lo, al = (np.asarray(a, dtype=float) for a in (lat, lon, alt_m))
    keep = np.isfinite(t) & np.isfinite(la) & np.isfinite(lo) & np.isfinite(al)
    t, la, lo, al = t[keep], la[keep], lo[keep], al[keep]
    order = np.argsort(t, kind="stable")
    t, la, lo, al = t[order], la[order], lo[order], al[order]
    fresh = np.ones(t.size, dtype=bool)
    fresh[1:] = (np.diff(la) != 0) | (np.diff(lo) != 0)
    fresh[1:] &= np.diff(t) > 0
    t, la, lo, al = t[fresh], la[fresh], lo[fresh], al[fresh]
    if t.size < _WINDOW:
        return None
    north_m = (la - _rolling_median(la)) * 111_195.0
    east_m = (lo - _rolling_median(lo)) * 111_195.0 * np.cos(np.radians(la))
    good = (np.hypot(north_m, east_m) < SPIKE_M) & (np.abs(al - _rolling_median(al)) < SPIKE_ALT_M)
    if good.sum() < 2:
        return None
    callsign = _most_common(callsigns, _CALLSIGN)
    return Trajectory(
        icao24=icao24.lower(),
        callsign=callsign,
        squawk=_most_common(squawks, _SQUAWK),
        times=t[good],
        lat=la[good],
        lon=lo[good],
        alt_m=al[good],
    )


def resample(
    trajectory: Trajectory, start: float, end: float, step_s: float, max_gap_s: float = 60.0
) -> Trajectory | None:
    """The trajectory at every ``step_s`` from ``start`` to ``end``, leaving out gaps over ``max_gap_s``."""
    grid = np.arange(start, end + step_s / 2, step_s)
    lat, lon, alt, valid = interpolate(trajectory, grid, max_gap_s)
    if valid.sum() < 2:
        return None
    return Trajectory(
        icao24=trajectory.icao24,
        callsign=trajectory.callsign,
        squawk=trajectory.squawk,
        times=grid[valid],
        lat=lat[valid],
        lon=lon[valid],
        alt_m=alt[valid],
    )


def busiest_window(trajectories: Sequence[Trajectory], minutes: float, max_gap_s: float = 60.0) -> float:
    """Start (on a whole minute) of the window in which the most aircraft fly for a minute or more.

    An aircraft counts only where its trajectory is defined: a landing and a later take-off of
    the same airframe leave a gap that is not flight time.
    """
    t0 = math.floor(min(t.start for t in trajectories) / 60) * 60
    t1 = max(t.end for t in trajectories)
    grid = np.arange(t0, t1 + 10, 10.0)
    flying = np.array([interpolate(t, grid, max_gap_s)[3] for t in trajectories])
    span = round(minutes * 6)  # ten-second samples per window
    starts = np.arange(0, max(len(grid) - span, 0) + 1, 6)  # whole minutes
    csum = np.concatenate([np.zeros((len(trajectories), 1)), np.cumsum(flying, axis=1)], axis=1)
    ends = np.minimum(starts + span, len(grid))
    samples = csum[:, ends] - csum[:, starts]
    return float(grid[starts[int(np.argmax((samples >= 6).sum(axis=0)))]])


def read_traffic_sample(wheel: str | Path, member: str = QUICKSTART) -> list[Trajectory]:
    """The airborne, cleaned trajectories of a sample recording inside a ``traffic`` wheel.

    Reads the JSON with pandas (the bench extra) and does not import ``traffic``, which fails with
    pandas 3. Altitudes are barometric feet in the recording and metres here.
    """
    import pandas as pd  # only the bench and the extraction script read recordings

    with zipfile.ZipFile(wheel) as z, z.open(member) as f:
        frame = pd.read_json(
            io.BytesIO(f.read()), compression="gzip", dtype={"squawk": str, "icao24": str, "callsign": str}
        )
    frame = frame[~frame["onground"].astype(bool)]
    # Divided by a timedelta rather than cast to int64, which depends on the datetime resolution.
    since_epoch = pd.to_datetime(frame["timestamp"], utc=True) - pd.Timestamp(0, tz="UTC")
    frame = frame.assign(time=since_epoch / pd.Timedelta(seconds=1))
    out = []
    for icao24, group in frame.groupby("icao24", sort=True):
        if not _ICAO24.match(str(icao24)):
            continue
        tr = trajectory_from_reports(
            str(icao24),
            group["time"].to_numpy(dtype=float),
            group["latitude"].to_numpy(dtype=float),
            group["longitude"].to_numpy(dtype=float),
            group["altitude"].to_numpy(dtype=float) * FOOT_M,
            callsigns=group["callsign"].tolist(),
            squawks=group["squawk"].tolist(),
        )
        if tr is not None:
            out.append(tr)
    return out
