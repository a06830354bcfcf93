"""The inbox counts the hours each sensor contributed plots (oversight's air-picture hours, issue 6)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from intelcell.airpicture import inbox
from intelcell.domain.oversight.period import Period
from intelcell.oversight import computed
from intelcell.store.schema import air_sensor_hours
from tests.airpicture.conftest import T0, Scene


def hours(scene: Scene) -> set[tuple[str, int]]:
    with scene.cell.db.read() as conn:
        return {(r.sensor_id, r.hour) for r in conn.execute(select(air_sensor_hours))}


def test_accepted_plots_mark_their_sensor_hours_once_and_refused_plots_none(scene: Scene) -> None:
    base = int(T0 // 3600)
    plots = [scene.plot(T0, 0, 0, "nato-awacs-1"), scene.plot(T0 + 1, 0, 0, "nato-awacs-1")]
    plots.append(scene.plot(T0 + 2, 0, 0, "tur-radar-1"))
    assert inbox.accept(scene.cell, None, plots, received_at=T0 + 2).stored == 3
    later = inbox.accept(scene.cell, "NATO", [scene.plot(T0 + 3600, 0, 0, "nato-awacs-1")], received_at=T0 + 3600)
    refused = inbox.accept(scene.cell, "IRQ", [scene.plot(T0 + 7300, 0, 0, "nato-awacs-1")], received_at=T0 + 7300)
    assert (later.stored, refused.stored) == (1, 0)
    assert hours(scene) == {("nato-awacs-1", base), ("nato-awacs-1", base + 1), ("tur-radar-1", base)}


def test_air_picture_hours_count_only_sensors_whose_provenance_the_viewer_may_read(scene: Scene, make_user) -> None:  # type: ignore[no-untyped-def]
    plots = [scene.plot(T0, 0, 0, "nato-awacs-1"), scene.plot(T0 + 1, 0, 0, "tur-radar-1")]
    inbox.accept(scene.cell, None, plots, received_at=T0 + 1)
    first = datetime.fromtimestamp(T0, UTC).date()
    day = Period(first, first)
    tur, _ = make_user("TUR", "NATO SECRET")
    usa, _ = make_user("USA", "NATO SECRET")
    with scene.cell.db.read() as conn:
        seen_by_tur = computed.compute(scene.cell, conn, tur, day).figures
        seen_by_usa = computed.compute(scene.cell, conn, usa, day).figures
    assert seen_by_tur["TUR"]["air_picture_hours"] == 1 and seen_by_tur["NATO"]["air_picture_hours"] == 1
    # TUR's radar is known only to TUR (its provenance label is TUR SECRET): USA counts nothing of it.
    assert "TUR" not in seen_by_usa and seen_by_usa["NATO"]["air_picture_hours"] == 1
