"""``intelcell airpicture sensors|areas|replay|listen``: registry administration and feeds into the inbox."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from intelcell.airpicture import inbox
from intelcell.airpicture.asterix import encode_cat062
from intelcell.airpicture.sensors import all_areas, all_sensors
from intelcell.cell import Cell
from intelcell.cli.main import cli
from intelcell.domain.airpicture.model import Identity, TrackState
from intelcell.store import users
from intelcell.store.schema import air_areas, air_inbox, air_sensors, audit_log
from tests.airpicture.test_modes import EVEN_40621D, ODD_40621D
from tests.airpicture.test_modes import T0 as MODES_T0

T0 = 1_795_000_000.0
DAY = 1_717_200_000.0  # 2024-06-01 00:00:00 UTC

RADAR = {
    "id": "nato-radar-1",
    "member": "NATO",
    "kind": "radar",
    "lat": 36.0,
    "lon": 43.0,
    "alt_m": 500.0,
    "sigma_m": 150.0,
    "sac": 25,
    "sic": 1,
    "label": "NATO SECRET // REL TO NATO",
}
ADSB = {
    "id": "irq-adsb-1",
    "member": "IRQ",
    "kind": "adsb",
    "lat": 36.19,
    "lon": 44.01,
    "alt_m": 420.0,
    "sigma_m": 30.0,
    "label": "NATO UNCLASSIFIED // REL TO COALITION",
    "provenance_label": "IRQ SECRET",
}
PARTNER = {
    "id": "fra-tracker",
    "member": "FRA",
    "kind": "system",
    "lat": 36.0,
    "lon": 43.0,
    "alt_m": 0.0,
    "sigma_m": 200.0,
    "sac": 7,
    "sic": 9,
    "label": "NATO CONFIDENTIAL // REL TO COALITION",
}
SCHIPHOL = {
    "id": "nld-adsb-schiphol",
    "member": "NLD",
    "kind": "adsb",
    "lat": 52.31,
    "lon": 4.76,
    "alt_m": -3.0,
    "sigma_m": 40.0,
    "label": "NATO UNCLASSIFIED",
}


@pytest.fixture
def run(cell: Cell):  # type: ignore[no-untyped-def]
    """Run ``intelcell ARGS`` against the test store."""

    def invoke(*args: str) -> click.testing.Result:
        return CliRunner().invoke(cli, list(args), env={"INTELCELL_DATABASE_URL": cell.settings.database_url})

    return invoke


def sensors_file(tmp_path: Path, content: Any, name: str = "sensors.json") -> str:
    """A sensor file holding ``content`` as JSON (text as is)."""
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


@pytest.fixture
def registered(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The radar, the Iraqi receiver, the French partner tracker and the Schiphol receiver, added by the CLI."""
    result = run("airpicture", "sensors", "add", sensors_file(tmp_path, [RADAR, ADSB, PARTNER, SCHIPHOL]))
    assert result.exit_code == 0, result.output


def count(cell: Cell, table) -> int:  # type: ignore[no-untyped-def]
    with cell.db.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def inbox_plots(cell: Cell) -> list[dict[str, Any]]:
    with cell.db.read() as conn:
        rows = conn.execute(select(air_inbox.c.payload).order_by(air_inbox.c.id))
        return [json.loads(r.payload)["plot"] for r in rows]


# -- sensors ----------------------------------------------------------------------------------


def test_sensors_add_registers_every_sensor_of_a_file_as_its_members_administrator(run, cell: Cell, registered):
    with cell.db.read() as conn:
        stored = all_sensors(conn)
        admin = users.find(conn, "IRQ", "airpicture.admin")
        events = [json.loads(r.fields) for r in conn.execute(select(audit_log.c.fields))]
    assert set(stored) == {"nato-radar-1", "irq-adsb-1", "fra-tracker", "nld-adsb-schiphol"}
    assert admin is not None and admin.role == "admin"
    added = [e for e in events if e["operation"] == "airpicture.sensor"]
    assert {e["path"] for e in added} == {"cli: airpicture sensors add"}
    assert {(e["member"], e["user"], e["object_ids"][0]) for e in added} >= {("IRQ", "airpicture.admin", "irq-adsb-1")}


def test_sensors_list_shows_id_member_kind_sac_sic_and_label(run, registered):
    result = run("airpicture", "sensors", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "nato-radar-1\tNATO\tradar\t25/1\tNATO SECRET // REL TO NATO" in lines
    assert "irq-adsb-1\tIRQ\tadsb\t-\tNATO UNCLASSIFIED // REL TO COALITION" in lines
    only = run("airpicture", "sensors", "list", "--member", "fra")
    assert only.output.splitlines() == ["fra-tracker\tFRA\tsystem\t7/9\tNATO CONFIDENTIAL // REL TO COALITION"]


def test_a_single_sensor_object_is_added_and_added_again_redefines_it(run, cell: Cell, tmp_path: Path):
    assert run("airpicture", "sensors", "add", sensors_file(tmp_path, RADAR)).exit_code == 0
    moved = {**RADAR, "lat": 37.0}
    result = run("airpicture", "sensors", "add", sensors_file(tmp_path, moved))
    assert result.exit_code == 0, result.output
    with cell.db.read() as conn:
        assert all_sensors(conn)["nato-radar-1"].sensor.lat == 37.0


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({**ADSB, "member": "XYZ"}, "sensor 2 (irq-adsb-1): unknown member 'XYZ'"),
        ({**ADSB, "kind": "sonar"}, "kind must be one of awacs, radar, adsb, system"),
        ({**ADSB, "label": "NATO SUPER SECRET"}, "label:"),
        ({**ADSB, "label": ""}, "label: a label is required"),
        ({k: v for k, v in ADSB.items() if k != "label"}, "label: a label is required"),
        ({**ADSB, "provenance_label": "IRQ TOP SECRET // REL TO MARS"}, "provenance_label:"),
        ({**ADSB, "sigma_m": -1}, "sigma_m -1 is outside"),
        ({**ADSB, "colour": "blue"}, "unknown sensor fields: colour"),
        ({**ADSB, "sac": 25}, "sac and sic go together"),
        ({**ADSB, "sac": 25, "sic": 1}, "SAC/SIC 25/1 already belongs to sensor nato-radar-1"),
        ({**ADSB, "id": "nato-radar-1"}, "sensor id nato-radar-1 appears twice"),
        ({**ADSB, "id": "no spaces"}, "must be 1 to 64 letters"),
        ([1, 2], "sensor 2: a sensor is a JSON object"),
    ],
)
def test_a_bad_sensor_stops_the_file_with_a_reason_and_nothing_is_stored(
    run, cell: Cell, tmp_path: Path, bad: Any, message: str
):
    result = run("airpicture", "sensors", "add", sensors_file(tmp_path, [RADAR, bad]))
    assert result.exit_code == 2
    assert message in result.output and "nothing stored" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert count(cell, air_sensors) == 0


@pytest.mark.parametrize(
    ("content", "message"), [("{not json", "not JSON"), ("[]", "no sensors"), ('"radar"', "a sensor is a JSON object")]
)
def test_an_unreadable_sensor_file_is_refused(run, cell: Cell, tmp_path: Path, content: str, message: str):
    result = run("airpicture", "sensors", "add", sensors_file(tmp_path, content))
    assert result.exit_code == 2 and message in result.output
    assert count(cell, air_sensors) == 0


def test_a_sac_sic_clash_with_a_stored_sensor_is_refused(run, cell: Cell, tmp_path: Path, registered):
    other = {**RADAR, "id": "nato-radar-2"}
    result = run("airpicture", "sensors", "add", sensors_file(tmp_path, other, "more.json"))
    assert result.exit_code == 2 and "SAC/SIC 25/1 already belongs to sensor nato-radar-1" in result.output
    assert count(cell, air_sensors) == 4


# -- areas ------------------------------------------------------------------------------------


def test_areas_add_defines_an_area_that_areas_list_shows(run, cell: Cell):
    result = run(
        "airpicture", "areas", "add", "erbil-ops", "--polygon", "35.9,43.6; 36.6,43.6; 36.6,44.4; 35.9,44.4",
        "--label", "NATO SECRET // REL TO LEVANT",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with cell.db.read() as conn:
        [area] = all_areas(conn)
        events = [json.loads(r.fields) for r in conn.execute(select(audit_log.c.fields))]
    assert area.area.polygon == ((35.9, 43.6), (36.6, 43.6), (36.6, 44.4), (35.9, 44.4))
    assert any(e["path"] == "cli: airpicture areas add" and e["member"] == "NATO" for e in events)
    listed = run("airpicture", "areas", "list")
    assert listed.output.splitlines() == ["erbil-ops\t4\tNATO SECRET // REL TO LEVANT"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("box", "--polygon", "36,43;37,43"), "at least three vertices"),
        (("box", "--polygon", "36,43;x,43;37,44"), "vertex 2 'x,43' is not LAT,LON"),
        (("box", "--polygon", "36,43;37;37,44"), "vertex 2 '37' is not LAT,LON"),
        (("box", "--polygon", "36,43;95,43;37,44"), "vertex 2 95.0,43.0 is not a WGS-84 position"),
        (("box", "--polygon", "36,43;nan,43;37,44"), "is not a WGS-84 position"),
        (("box", "--label", "NATO SUPER SECRET"), "--label:"),
        (("bad id!",), "area id 'bad id!' must be"),
        (("box", "--member", "XYZ"), "unknown member 'XYZ'"),
    ],
)
def test_a_bad_area_is_refused_with_a_reason_and_nothing_is_stored(run, cell: Cell, args, message: str):  # type: ignore[no-untyped-def]
    defaults = {"--polygon": "36,43;37,43;37,44", "--label": "NATO SECRET"}
    for option in args[1::2]:
        defaults.pop(option, None)
    result = run("airpicture", "areas", "add", *args, *[x for kv in defaults.items() for x in kv])
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert count(cell, air_areas) == 0


# -- replay -----------------------------------------------------------------------------------


def track(number: int, t: float) -> TrackState:
    """A partner's system track at time ``t`` (to encode as CAT062)."""
    return TrackState(
        number, t, 36.0, 43.0 + 0.01 * number, 9_000.0, 200.0, 0.0, Identity.UNKNOWN, 5, 150.0, frozenset()
    )


def plot_csv(tmp_path: Path, *extra: str, seconds: int = 3, start: float = T0) -> str:
    """Two aircraft seen by the NATO radar every 0.5 s, then ``extra`` rows."""
    lines = ["time,sensor,lat,lon,alt_m,sigma_m,mode3a,icao24"]
    for k in range(seconds * 2):
        for a in range(2):
            lines.append(f"{start + 0.5 * k + 0.1 * a},nato-radar-1,{36 + 0.01 * a},{43 + 0.001 * k},9000,150,,")
    path = tmp_path / "plots.csv"
    path.write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")
    return str(path)


def test_replay_of_a_csv_queues_its_plots_and_reports_bad_and_refused_rows(run, cell: Cell, tmp_path: Path, registered):
    path = plot_csv(tmp_path, f"{T0 + 1},nato-radar-1,95,43,9000,150,,", f"{T0 + 2},ghost-radar,36,43,9000,150,,")
    result = run("airpicture", "replay", path, "--speed", "0")
    assert result.exit_code == 0, result.output
    plots = inbox_plots(cell)
    assert len(plots) == 12 and {p["sensor"] for p in plots} == {"nato-radar-1"}
    assert [p["time"] for p in plots] == sorted(p["time"] for p in plots)
    assert "skipped line 14: latitude 95.0 is outside -90..90" in result.output
    assert (
        "refused plot at 2026-11-18T11:06:42.000Z" in result.output
        and "from ghost-radar: unknown sensor" in result.output
    )
    assert f"{path}: 12 plots queued, 1 refused, 1 skipped, as fast as possible" in result.output


def test_replay_keeps_the_recording_times_unless_now_is_given(run, cell: Cell, tmp_path: Path, registered):
    assert run("airpicture", "replay", plot_csv(tmp_path), "--speed", "0").exit_code == 0
    assert inbox_plots(cell)[0]["time"] == T0
    later = time.time()
    result = run("airpicture", "replay", plot_csv(tmp_path, start=T0 - 86_400), "--speed", "0", "--now")
    assert result.exit_code == 0, result.output
    shifted = inbox_plots(cell)[12:]
    assert len(shifted) == 12 and abs(shifted[0]["time"] - later) < 5
    assert shifted[-1]["time"] - shifted[0]["time"] == pytest.approx(2.6)


def test_replay_at_a_speed_takes_the_recording_time_divided_by_the_speed(run, cell: Cell, tmp_path: Path, registered):
    started = time.monotonic()
    result = run("airpicture", "replay", plot_csv(tmp_path, seconds=3), "--speed", "4", "--now")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert 2.6 / 4 - 0.05 <= elapsed < 2.6  # the recording spans 2.6 s
    assert "speed 4x" in result.output and count(cell, air_inbox) == 12


def test_replay_of_asterix_puts_times_of_day_on_the_given_day(run, cell: Cell, tmp_path: Path, registered):
    tracks = [track(n, DAY + 43_200.0 + k) for k in range(3) for n in (1, 2)]
    path = tmp_path / "feed.ast"
    path.write_bytes(encode_cat062(tracks, sac=7, sic=9, day_start=DAY) + b"\x30\x00\x09\x01")
    result = run("airpicture", "replay", str(path), "--format", "asterix", "--day", "2024-06-01", "--speed", "0")
    assert result.exit_code == 0, result.output
    assert [p["time"] for p in inbox_plots(cell)] == [DAY + 43_200.0 + k for k in range(3) for _ in (1, 2)]
    assert "skipped datablock 2 at byte" in result.output and "truncated" in result.output
    assert "6 plots queued, 0 refused, 1 skipped" in result.output


def test_replay_of_mode_s_lines_decodes_with_the_receivers_site(run, cell: Cell, tmp_path: Path, registered):
    path = tmp_path / "adsb.txt"
    path.write_text(f"{MODES_T0},{ODD_40621D}\n{MODES_T0 + 2},{EVEN_40621D}\nnot a message\n", encoding="ascii")
    result = run(
        "airpicture", "replay", str(path), "--format", "modes", "--sensor", "nld-adsb-schiphol", "--speed", "0"
    )
    assert result.exit_code == 0, result.output
    [plot] = inbox_plots(cell)
    assert plot["icao24"] == "40621d" and plot["sensor"] == "nld-adsb-schiphol"
    assert "skipped line 3: expected TIMESTAMP,HEXMESSAGE" in result.output


def test_ctrl_c_stops_a_replay_after_whole_batches_with_a_summary(
    run, cell: Cell, tmp_path: Path, registered, monkeypatch: pytest.MonkeyPatch
):
    accept, calls = inbox.accept, []

    def interrupted_on_the_third_batch(*args: Any, **kwargs: Any) -> inbox.Accepted:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return accept(*args, **kwargs)

    monkeypatch.setattr(inbox, "accept", interrupted_on_the_third_batch)
    result = run("airpicture", "replay", plot_csv(tmp_path), "--speed", "0")
    assert result.exit_code == 130
    assert count(cell, air_inbox) == 4  # two batches of half a second, two plots each
    assert "4 plots queued, 0 refused, 0 skipped" in result.output and "stopped by Ctrl-C at" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--speed", "-2"), "--speed must be 0"),
        (("--speed", "nan"), "--speed must be 0"),
        (("--format", "modes"), "--format modes needs --sensor"),
        (("--sensor", "nato-radar-1"), "--sensor is for --format modes"),
        (("--day", "2024-06-01"), "--day is for --format asterix"),
        (("--format", "asterix", "--day", "1 June"), "--day '1 June' is not a date"),
        (("--format", "modes", "--sensor", "ghost"), "no registered sensor 'ghost'"),
    ],
)
def test_bad_replay_options_are_refused_with_a_reason(run, cell: Cell, tmp_path: Path, registered, args, message: str):  # type: ignore[no-untyped-def]
    result = run("airpicture", "replay", plot_csv(tmp_path), *args)
    assert result.exit_code == 2 and message in result.output
    assert count(cell, air_inbox) == 0


def test_a_missing_or_empty_recording_is_refused(run, cell: Cell, tmp_path: Path, registered):
    missing = run("airpicture", "replay", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "no such file" in missing.output
    empty = tmp_path / "empty.csv"
    empty.write_text("time,sensor,lat,lon,alt_m,sigma_m\nsoon,r,1,2,,3\n", encoding="utf-8")
    result = run("airpicture", "replay", str(empty))
    assert result.exit_code == 2 and "no plots to replay (1 skipped)" in result.output


# -- listen -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--udp", "0.0.0.0:30062"), "UDP has no authentication"),
        (("--udp", "10.0.0.1:30062"), "pass --allow-remote"),
        (("--udp", "127.0.0.1:port"), "the port must be a number"),
        (("--udp", "127.0.0.1:0", "--format", "modes"), "--format modes needs --sensor"),
        (("--udp", "127.0.0.1:0", "--sensor", "ghost"), "no registered sensor 'ghost'"),
        (
            ("--udp", "127.0.0.1:0", "--sensor", "irq-adsb-1", "--member", "FRA"),
            "no registered sensor 'irq-adsb-1' of FRA",
        ),
        (("--udp", "127.0.0.1:0", "--member", "XYZ"), "unknown member 'XYZ'"),
        (("--udp", "127.0.0.1:0", "--duration", "0"), "--duration must be a positive"),
    ],
)
def test_bad_listen_options_are_refused_with_a_reason(run, registered, args, message: str):  # type: ignore[no-untyped-def]
    result = run("airpicture", "listen", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_listen_queues_the_plots_of_datagrams_sent_to_it(run, cell: Cell, registered):
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # the listener takes this free port
    now = time.time()
    datagram = encode_cat062([track(1, now)], sac=7, sic=9, day_start=now - now % 86_400)
    stop = threading.Event()

    def send() -> None:  # until the listener ends: it may start after the first datagrams
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            while not stop.wait(0.05):
                sock.sendto(datagram, ("127.0.0.1", port))
                sock.sendto(b"garbage", ("127.0.0.1", port))

    sender = threading.Thread(target=send)
    sender.start()
    try:
        result = run("airpicture", "listen", "--udp", f"127.0.0.1:{port}", "--member", "FRA", "--duration", "1.5")
    finally:
        stop.set()
        sender.join()
    assert result.exit_code == 0, result.output
    assert f"listen: asterix on udp 127.0.0.1:{port} for FRA's sensors" in result.output
    plots = inbox_plots(cell)
    assert plots and {p["sensor"] for p in plots} == {"fra-tracker"}
    summary = result.output.strip().splitlines()[-1]
    assert summary.startswith(f"udp 127.0.0.1:{port}: ") and f"{len(plots)} queued, 0 refused" in summary
    assert "garbage" in summary and "listen: datagram from 127.0.0.1:" in result.output
