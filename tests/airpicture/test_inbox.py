"""Ingest into the inbox: unknown sensors, time going backwards, floods, a full inbox."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from intelcell.airpicture import inbox
from intelcell.store.schema import air_inbox
from tests.airpicture.conftest import T0, Scene


def queued(scene: Scene) -> int:
    with scene.cell.db.read() as conn:
        return conn.execute(select(func.count()).select_from(air_inbox)).scalar_one()


def test_plots_of_an_unknown_sensor_and_of_another_members_sensor_are_refused_alike(scene: Scene):
    plots = [scene.plot(T0, 0, 0, "nato-awacs-1"), scene.plot(T0, 0, 0, "tur-radar-1")]
    unknown = inbox.accept(scene.cell, "IRQ", [scene.plot(T0, 0, 0, "no-such-radar")], received_at=T0)
    report = inbox.accept(scene.cell, "IRQ", plots, received_at=T0)
    assert report.stored == 0 and len(report.refused) == 2
    # The same words for a sensor that does not exist and for one the caller may not know of.
    assert report.refused[1].replace("plot 1", "plot 0").replace("tur-radar-1", "X") == unknown.refused[0].replace(
        "no-such-radar", "X"
    )
    assert queued(scene) == 0


def test_time_going_backwards_on_a_sensor_is_refused_but_a_little_lateness_is_not(scene: Scene):
    now = T0 + 100
    first = inbox.accept(scene.cell, None, [scene.plot(T0 + 100, 0, 0, "nato-awacs-1")], received_at=now)
    late = inbox.accept(scene.cell, None, [scene.plot(T0 + 97, 0, 0, "nato-awacs-1")], received_at=now)
    back = inbox.accept(scene.cell, None, [scene.plot(T0 + 50, 0, 0, "nato-awacs-1")], received_at=now)
    assert (first.stored, late.stored, back.stored) == (1, 1, 0)
    assert "time goes backwards" in back.refused[0] and "50.0 s before" in back.refused[0]
    assert queued(scene) == 2


def test_a_flood_from_one_sensor_is_cut_at_the_rate_limit_and_logged(scene: Scene, monkeypatch, caplog):
    monkeypatch.setattr(inbox, "MAX_RATE_PER_SENSOR", 10)
    plots = [scene.plot(T0 + 0.01 * i, i * 10.0, 0, "irq-adsb-1") for i in range(25)]
    with caplog.at_level("WARNING", logger="intelcell.airpicture.inbox"):
        report = inbox.accept(scene.cell, None, plots, received_at=T0)
    assert report.stored == 10 and len(report.refused) == 15
    assert report.refused[0].startswith("plot 10: flood")
    assert "15 plots refused (flood 15" in caplog.text


def test_a_full_inbox_refuses_everything_with_a_reason(scene: Scene, monkeypatch):
    monkeypatch.setattr(inbox, "MAX_BACKLOG", 2)
    inbox.accept(scene.cell, None, [scene.plot(T0 + i, 0, 0, "nato-awacs-1") for i in range(2)], received_at=T0)
    with pytest.raises(inbox.InboxFull, match="behind"):
        inbox.accept(scene.cell, None, [scene.plot(T0 + 3, 0, 0, "nato-awacs-1")], received_at=T0)
    assert queued(scene) == 2


def test_malformed_input_is_counted_with_the_refusals(scene: Scene):
    report = inbox.accept(scene.cell, None, [], errors=["line 2: latitude 95.0 is outside -90..90"], received_at=T0)
    assert report.to_json() == {
        "accepted": 0,
        "refused": 1,
        "reasons": ["line 2: latitude 95.0 is outside -90..90"],
    }


def test_a_plot_dated_ahead_of_the_clock_is_refused(scene: Scene):
    ahead = inbox.accept(scene.cell, None, [scene.plot(T0 + 365 * 86_400, 0, 0, "irq-adsb-1")], received_at=T0)
    skew = inbox.accept(scene.cell, None, [scene.plot(T0 + 30, 0, 0, "irq-adsb-1")], received_at=T0)
    assert ahead.stored == 0 and "time in the future" in ahead.refused[0]
    assert skew.stored == 1  # a clock a little ahead is tolerated
