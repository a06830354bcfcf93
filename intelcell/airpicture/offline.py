"""Offline tracking of a recording: plots in, every confirmed track update out."""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from intelcell.domain.airpicture.geo import LocalFrame
from intelcell.domain.airpicture.model import Plot, TrackState
from intelcell.domain.airpicture.tracker import Tracker, TrackerConfig

# A plot this much older than its sensor's previous one is out of order, not late.
BACKWARDS_TOLERANCE_S = 5.0


@dataclass
class OfflineRun:
    """What an offline run skipped, besides the tracks it produced."""

    skipped: list[str] = field(default_factory=list)
    plots_used: int = 0
    tracks_confirmed: int = 0


def frame_for(plots: Sequence[Plot]) -> LocalFrame:
    """A local frame at the median position of the plots (the middle of the scene)."""
    return LocalFrame(statistics.median(p.lat for p in plots), statistics.median(p.lon for p in plots))


def in_sensor_order(plots: Sequence[Plot], run: OfflineRun) -> list[Plot]:
    """Plots in time order, minus those that go back in time on their own sensor (recorded in ``run``)."""
    kept: list[Plot] = []
    last: dict[str, float] = {}
    for index, plot in enumerate(plots):
        previous = last.get(plot.sensor)
        if previous is not None and plot.time < previous - BACKWARDS_TOLERANCE_S:
            run.skipped.append(
                f"plot {index + 1}: time {plot.time:.3f} goes back {previous - plot.time:.1f} s on sensor {plot.sensor}"
            )
            continue
        last[plot.sensor] = max(plot.time, previous or plot.time)
        kept.append(plot)
    kept.sort(key=lambda p: p.time)
    return kept


def track(plots: Sequence[Plot], run: OfflineRun, config: TrackerConfig | None = None) -> Iterator[TrackState]:
    """Every state of every confirmed track as the plots (in file order) are run through the tracker."""
    ordered = in_sensor_order(plots, run)
    if not ordered:
        return
    tracker = Tracker(frame_for(ordered), config)
    window = tracker.config.batch_window_s
    numbers: set[int] = set()
    start = 0
    while start < len(ordered):
        stop = start
        end = ordered[start].time + window
        while stop < len(ordered) and ordered[stop].time < end:
            stop += 1
        for state in tracker.process(ordered[start:stop]):
            if not state.deleted:
                numbers.add(state.track_number)
                yield state
        start = stop
    run.plots_used = len(ordered)
    run.tracks_confirmed = len(numbers)
