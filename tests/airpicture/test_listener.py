"""The UDP listener: real datagrams on 127.0.0.1 decoded, batched and queued; garbage counted, never fatal."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select

from intelcell.airpicture import inbox, sensors
from intelcell.airpicture.asterix import encode_cat062
from intelcell.airpicture.inbox import Accepted, InboxFull
from intelcell.airpicture.listener import (
    ListenerError,
    ListenerStats,
    UdpListener,
    asterix_decoder,
    is_loopback,
    modes_decoder,
    parse_address,
)
from intelcell.cell import Cell
from intelcell.domain.airpicture.model import Identity, Plot, TrackState
from intelcell.domain.airpicture.sensor import Sensor, SensorKind
from intelcell.store.schema import air_inbox
from tests.airpicture.test_modes import EVEN_40621D, ODD_40621D, SCHIPHOL
from tests.airpicture.test_modes import T0 as MODES_T0

PARTNER = Sensor("fra-tracker", "FRA", SensorKind.SYSTEM, 36.0, 43.0, 0.0, 200.0, sac=7, sic=9)
NOW = time.time()
DAY = NOW - NOW % 86_400


def cat062(*numbers: int, t: float = NOW) -> bytes:
    """A datagram of the partner's system tracks (our own CAT062 encoder), one per number."""
    tracks = [
        TrackState(n, t, 36.0 + n * 0.01, 43.0, 9_000.0, 200.0, 0.0, Identity.UNKNOWN, 5, 150.0, frozenset({"x"}))
        for n in numbers
    ]
    return encode_cat062(tracks, sac=7, sic=9, day_start=DAY)


def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until ``condition`` holds (the listener's threads work in the background)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def sender() -> Iterator[Callable[[tuple[str, int], bytes], None]]:
    """Send one datagram to an address from a client socket closed after the test."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def send(address: tuple[str, int], data: bytes) -> None:
        sock.sendto(data, address)

    yield send
    sock.close()


@pytest.fixture
def registered(cell: Cell, make_user) -> Cell:  # type: ignore[no-untyped-def]
    """The store with the French partner tracker and the Schiphol ADS-B receiver registered."""
    admin, _ = make_user("NATO", role="admin", name="air.admin")
    sensors.register_sensor(cell, admin, PARTNER, "NATO CONFIDENTIAL // REL TO COALITION")
    sensors.register_sensor(cell, admin, SCHIPHOL, "NATO UNCLASSIFIED // REL TO COALITION")
    return cell


def queued(cell: Cell) -> list[dict]:  # type: ignore[type-arg]
    """The plots waiting in the inbox."""
    with cell.db.read() as conn:
        return [json.loads(r.payload)["plot"] for r in conn.execute(select(air_inbox.c.payload))]


def to_inbox(cell: Cell, member: str | None = None) -> Callable[[list[Plot]], Accepted]:
    """The sink the CLI uses: ``inbox.accept`` for ``member``'s sensors (None: any)."""
    return lambda plots: inbox.accept(cell, member, plots, received_at=time.time())


def test_cat062_datagrams_on_loopback_are_decoded_and_queued_in_the_inbox(registered: Cell, sender):
    listener = UdpListener("127.0.0.1", 0, asterix_decoder(lambda: [PARTNER]), to_inbox(registered))
    with listener:
        for first in (1, 3, 5):
            sender(listener.address, cat062(first, first + 1))
    stats = listener.stats()
    assert (stats.datagrams, stats.garbage, stats.plots, stats.queued, stats.refused) == (3, 0, 6, 6, 0)
    plots = queued(registered)
    assert len(plots) == 6 and {p["sensor"] for p in plots} == {"fra-tracker"}
    assert all(abs(p["time"] - NOW) < 1 for p in plots)  # the time of day lands on the day it was received


def test_garbage_datagrams_are_counted_and_logged_and_the_listener_goes_on(
    registered: Cell, sender, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.WARNING, logger="intelcell.airpicture.listener")
    listener = UdpListener("127.0.0.1", 0, asterix_decoder(lambda: [PARTNER]), to_inbox(registered))
    with listener:
        for garbage in (b"\xff\x00", b"hello, world", bytes(range(40)), cat062(1)[:-4], b""):
            sender(listener.address, garbage)
        sender(listener.address, cat062(9))
    stats = listener.stats()
    assert stats.datagrams == 6
    assert stats.garbage == 4  # the empty datagram decodes to nothing and is no fault
    assert stats.queued == 1 and queued(registered)[0]["lat"] == pytest.approx(36.09, abs=1e-4)
    logged = [r.getMessage() for r in caplog.records if r.name == "intelcell.airpicture.listener"]
    assert len(logged) == 4
    assert any("truncated" in m and "12 bytes" in m for m in logged)
    assert all(m.startswith("datagram from 127.0.0.1:") for m in logged)


def test_plots_of_a_sensor_not_of_the_listening_member_are_refused(registered: Cell, sender):
    listener = UdpListener("127.0.0.1", 0, asterix_decoder(lambda: [PARTNER]), to_inbox(registered, "TUR"))
    with listener:
        sender(listener.address, cat062(1, 2))
    stats = listener.stats()
    assert (stats.plots, stats.queued, stats.refused) == (2, 0, 2)
    assert queued(registered) == []
    assert "is not a registered sensor of yours" in listener.recent[-1]


def test_an_unregistered_sac_sic_is_garbage_not_a_plot(registered: Cell, sender):
    listener = UdpListener("127.0.0.1", 0, asterix_decoder(lambda: []), to_inbox(registered))
    with listener:
        sender(listener.address, cat062(1))
    assert (listener.stats().garbage, listener.stats().plots) == (1, 0)
    assert "SAC/SIC 7/9 is not a registered sensor" in listener.recent[-1]


def test_mode_s_datagrams_keep_each_aircrafts_state_between_datagrams(registered: Cell, sender):
    listener = UdpListener("127.0.0.1", 0, modes_decoder(SCHIPHOL), to_inbox(registered))
    with listener:
        # The Riddle's odd and even frames in two datagrams: the pair gives the first fix.
        sender(listener.address, f"{MODES_T0},{ODD_40621D}\n".encode())
        sender(listener.address, f"{MODES_T0 + 2},{EVEN_40621D}\n".encode())
        sender(listener.address, "\N{EM DASH} not ascii".encode())
    assert (listener.stats().plots, listener.stats().queued, listener.stats().garbage) == (1, 1, 1)
    [plot] = queued(registered)
    assert plot["icao24"] == "40621d" and plot["lat"] == pytest.approx(52.2572, abs=1e-3)
    assert "not ASCII" in listener.recent[-1]


def test_datagrams_are_batched_into_one_transaction_per_thousand_plots(registered: Cell, sender):
    batches: list[int] = []

    def counting(plots: list[Plot]) -> Accepted:
        batches.append(len(plots))
        return to_inbox(registered)(plots)

    # A long flush interval leaves only the size rule: 40 datagrams of 25 plots make 10 batches of 100.
    listener = UdpListener("127.0.0.1", 0, asterix_decoder(lambda: [PARTNER]), counting, flush_s=30, max_plots=100)
    with listener:
        for d in range(40):
            sender(listener.address, cat062(*range(d * 25 + 1, d * 25 + 26)))
    assert batches == [100] * 10
    assert listener.stats().queued == 1_000 and len(queued(registered)) == 1_000


def test_a_lone_datagram_is_queued_within_the_flush_interval(registered: Cell, sender):
    listener = UdpListener("127.0.0.1", 0, asterix_decoder(lambda: [PARTNER]), to_inbox(registered), flush_s=0.05)
    with listener:
        sender(listener.address, cat062(1))
        until(lambda: listener.stats().queued == 1, timeout=2.0)  # without stop() flushing it


def test_a_failing_store_drops_the_batch_counted_and_the_listener_goes_on(registered: Cell, sender):
    failures = [InboxFull("the tracker is 500000 inputs behind"), RuntimeError("database is locked")]

    def flaky(plots: list[Plot]) -> Accepted:
        if failures:
            raise failures.pop(0)
        return to_inbox(registered)(plots)

    listener = UdpListener("127.0.0.1", 0, asterix_decoder(lambda: [PARTNER]), flaky, flush_s=0.01)
    with listener:
        for n in (1, 2, 3):
            sender(listener.address, cat062(n))
            until(lambda n=n: listener.stats().queued + listener.stats().dropped == n)
    stats = listener.stats()
    assert (stats.dropped, stats.queued) == (2, 1)
    assert any("500000 inputs behind" in m for m in listener.recent)


def test_a_flood_beyond_the_queue_is_dropped_and_counted(registered: Cell, sender):
    entered, release = threading.Event(), threading.Event()
    decode = asterix_decoder(lambda: [PARTNER])

    def slow(data: bytes, received_at: float):  # type: ignore[no-untyped-def]
        entered.set()
        release.wait(5)
        return decode(data, received_at)

    listener = UdpListener("127.0.0.1", 0, slow, to_inbox(registered), queue_size=1)
    with listener:
        sender(listener.address, cat062(1))
        assert entered.wait(5)  # the writer is busy with the first datagram
        for n in (2, 3, 4, 5):
            sender(listener.address, cat062(n))
        until(lambda: listener.stats().datagrams == 5)
        release.set()
    stats = listener.stats()
    assert (stats.queued, stats.dropped) == (2, 3)


def test_counts_are_reported_every_interval(registered: Cell, sender):
    reports: list[ListenerStats] = []
    listener = UdpListener(
        "127.0.0.1",
        0,
        asterix_decoder(lambda: [PARTNER]),
        to_inbox(registered),
        report_s=0.05,
        on_report=reports.append,
    )
    with listener:
        sender(listener.address, cat062(1))
        until(lambda: any(r.queued == 1 for r in reports))
    assert "1 datagrams (0 garbage), 1 plots: 1 queued, 0 refused, 0 dropped" in reports[-1].line()


def test_a_port_in_use_is_a_listener_error_and_no_socket_is_left_open():
    with UdpListener("127.0.0.1", 0, asterix_decoder(list), lambda p: Accepted()) as first:
        second = UdpListener("127.0.0.1", first.address[1], asterix_decoder(list), lambda p: Accepted())
        with pytest.raises(ListenerError, match=r"cannot listen on udp 127\.0\.0\.1"):
            second.start()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:30062", ("127.0.0.1", 30062)),
        ("30062", ("127.0.0.1", 30062)),
        ("[::1]:8600", ("::1", 8600)),
        ("localhost:0", ("localhost", 0)),
    ],
)
def test_listening_addresses_are_host_and_port(text: str, expected: tuple[str, int]):
    assert parse_address(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("127.0.0.1:http", "port must be a number"),
        ("::1:80", "brackets"),
        (":80", "no host"),
        ("1.2.3.4:70000", "port"),
    ],
)
def test_a_malformed_address_is_refused_with_a_reason(text: str, reason: str):
    with pytest.raises(ListenerError, match=reason):
        parse_address(text)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("localhost", True), ("0.0.0.0", False)],
)
def test_only_loopback_hosts_count_as_loopback(host: str, loopback: bool):
    assert is_loopback(host) is loopback
    assert is_loopback("10.0.0.1") is False and is_loopback("::") is False
