"""Replaying a recording into the live picture: plots in time order, paced by their own times.

A recording is cut into batches of at most ``SPAN_S`` of recording time (issue 5, item 2: a
running ``intelcell serve`` shows them live, and the database sees a few transactions a second
rather than one per plot). A batch is sent once the wall clock reaches the recording time of its
last plot, scaled by the speed: at speed 10 a minute of recording takes six seconds; at speed 0
nothing waits. Clock and sleep are injected so tests pace without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from intelcell.domain.airpicture.model import Plot

SPAN_S = 0.5  # recording time per batch: within the 0.2-1 s, twice a second at real speed


def shifted(plots: Sequence[Plot], start: float) -> list[Plot]:
    """The plots moved in time so that the earliest is at ``start`` (a recording shown as live)."""
    if not plots:
        return []
    delta = start - min(p.time for p in plots)
    return [replace(p, time=p.time + delta) for p in plots]


def batches(plots: Sequence[Plot], span_s: float = SPAN_S) -> Iterator[list[Plot]]:
    """Consecutive runs of time-ordered plots, each spanning less than ``span_s`` of recording time."""
    if span_s <= 0:
        raise ValueError(f"a batch must span a positive time, not {span_s}")
    batch: list[Plot] = []
    for plot in plots:
        if batch and plot.time >= batch[0].time + span_s:
            yield batch
            batch = []
        batch.append(plot)
    if batch:
        yield batch


class Pacer:
    """Waits until a recording time is due on the wall clock, at ``speed`` times real time (0: never waits)."""

    def __init__(
        self,
        speed: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not speed >= 0:  # also refuses NaN
            raise ValueError(f"speed must be 0 (as fast as possible) or positive, not {speed}")
        self.speed = speed
        self.clock = clock
        self.sleep = sleep
        self._origin: tuple[float, float] | None = None  # (recording time, wall time) of the first call

    def wait_until(self, recording_time: float) -> float:
        """Sleep until ``recording_time`` is due; the seconds slept (the first time given is due at once)."""
        if self.speed == 0:
            return 0.0
        if self._origin is None:
            self._origin = (recording_time, self.clock())
            return 0.0
        first, wall = self._origin
        delay = wall + (recording_time - first) / self.speed - self.clock()
        if delay <= 0:  # behind (a slow database): catch up without waiting, never skip plots
            return 0.0
        self.sleep(delay)
        return delay


def play(
    plots: Sequence[Plot],
    send: Callable[[list[Plot]], object],
    pacer: Pacer,
    *,
    span_s: float = SPAN_S,
) -> int:
    """Send time-ordered plots in batches, each when its last plot is due; the number of batches sent."""
    sent = 0
    if plots:
        pacer.wait_until(plots[0].time)  # the clock starts at the recording's first plot, not its first batch's last
    for batch in batches(plots, span_s):
        pacer.wait_until(batch[-1].time)
        send(batch)
        sent += 1
    return sent


class Every:
    """True at most once per ``interval_s`` of the clock (progress lines that do not flood a terminal)."""

    def __init__(self, interval_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval_s = interval_s
        self.clock = clock
        self._next = clock() + interval_s

    def __call__(self) -> bool:
        """Whether the interval has passed since the last True (or since creation)."""
        now = self.clock()
        if now < self._next:
            return False
        self._next = now + self.interval_s
        return True
