"""Replay pacing: batches of recording time, sent when due at a speed, on a fake clock."""

from __future__ import annotations

import math

import pytest

from intelcell.airpicture.replay import SPAN_S, Every, Pacer, batches, play, shifted
from intelcell.domain.airpicture.model import Plot

T0 = 1_795_000_000.0


class FakeTime:
    """A monotonic clock that moves only when slept on (or when a test moves it)."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.slept.append(seconds)
        self.now += seconds


def plot(t: float, sensor: str = "radar-1") -> Plot:
    return Plot(t, sensor, 36.0, 43.0, 9_000.0, 100.0)


def recording(seconds: float = 60.0, every: float = 0.1) -> list[Plot]:
    """A plot every ``every`` seconds of recording time for ``seconds``."""
    return [plot(T0 + k * every) for k in range(round(seconds / every) + 1)]


def played(plots: list[Plot], speed: float, fake: FakeTime) -> list[tuple[float, list[Plot]]]:
    """Each batch sent, with the fake wall time (from the start) it was sent at."""
    start = fake.now
    sent: list[tuple[float, list[Plot]]] = []
    play(plots, lambda batch: sent.append((fake.now - start, batch)), Pacer(speed, clock=fake.clock, sleep=fake.sleep))
    return sent


@pytest.mark.parametrize("speed", [1.0, 10.0, 0.5])
def test_each_batch_is_sent_when_its_last_plot_is_due_at_the_speed(speed: float):
    fake = FakeTime()
    sent = played(recording(60.0), speed, fake)
    for wall, batch in sent:
        assert wall == pytest.approx((batch[-1].time - T0) / speed)
    assert fake.now - 1_000.0 == pytest.approx(60.0 / speed)


def test_speed_ten_compresses_a_minute_of_recording_into_six_seconds():
    fake = FakeTime()
    sent = played(recording(60.0), 10.0, fake)
    assert sum(fake.slept) == pytest.approx(6.0)
    assert sent[-1][0] == pytest.approx(6.0)
    assert sum(len(batch) for _, batch in sent) == 601


def test_speed_zero_sends_everything_without_sleeping():
    def no_sleep(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s at speed 0")

    sent: list[list[Plot]] = []
    play(recording(600.0), sent.append, Pacer(0, clock=lambda: 0.0, sleep=no_sleep))
    assert sum(len(b) for b in sent) == 6_001


def test_a_slow_send_is_caught_up_without_sleeping_and_without_skipping_plots():
    fake = FakeTime()
    pacer = Pacer(1.0, clock=fake.clock, sleep=fake.sleep)
    sent: list[Plot] = []

    def slow(batch: list[Plot]) -> None:
        sent.extend(batch)
        if len(sent) == len(batch):  # the first batch takes three seconds of database time
            fake.now += 3.0

    plots = recording(10.0)
    play(plots, slow, pacer)
    assert sent == plots
    assert fake.now - 1_000.0 == pytest.approx(10.0)  # back on schedule by the end


def test_batches_span_less_than_half_a_second_and_keep_every_plot_in_order():
    plots = recording(10.0, every=0.07)
    cut = list(batches(plots))
    assert [p for b in cut for p in b] == plots
    assert all(b[-1].time - b[0].time < SPAN_S for b in cut)
    assert len(cut) == pytest.approx(10.0 / SPAN_S, abs=2)


def test_a_gap_in_the_recording_starts_a_new_batch_and_is_waited_for():
    plots = [plot(T0), plot(T0 + 0.1), plot(T0 + 30.0), plot(T0 + 30.2)]
    assert [len(b) for b in batches(plots)] == [2, 2]
    fake = FakeTime()
    sent = played(plots, 1.0, fake)
    assert [wall for wall, _ in sent] == pytest.approx([0.1, 30.2])


def test_now_shifts_the_recording_to_start_at_the_given_time_keeping_intervals():
    plots = [plot(T0 + 5.0), plot(T0 + 7.5, "awacs-1"), plot(T0 + 65.0)]
    now = 1_900_000_000.0
    moved = shifted(plots, now)
    assert [p.time for p in moved] == [now, now + 2.5, now + 60.0]
    assert [(p.sensor, p.lat, p.lon) for p in moved] == [(p.sensor, p.lat, p.lon) for p in plots]
    assert shifted([], now) == []


@pytest.mark.parametrize("speed", [-1.0, math.nan])
def test_a_negative_or_undefined_speed_is_refused(speed: float):
    with pytest.raises(ValueError, match="speed"):
        Pacer(speed)


def test_every_is_true_at_most_once_per_interval():
    fake = FakeTime()
    every = Every(1.0, clock=fake.clock)
    ticks = []
    for _ in range(50):
        fake.now += 0.1
        ticks.append(every())
    assert sum(ticks) == 5
    assert not ticks[0]
