"""A live surveillance feed over UDP: datagrams decoded into plots and queued in batches.

Two threads: one only receives, so the socket buffer is emptied while the database is busy;
the other decodes and hands the plots to a sink (``inbox.accept``) every ``FLUSH_S`` or every
``MAX_PLOTS`` plots, so the store sees a few transactions a second however many datagrams
arrive (issue 5, item 2). A datagram that does not decode is counted and logged, never fatal:
the issue's bad input (corrupt records, unknown sensors, floods) must not stop the picture.

UDP has no authentication: anyone who can reach the port can inject plots, so the CLI binds to
loopback unless told otherwise, and a relay on the same host brings in remote feeds.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import queue
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from intelcell.airpicture import asterix
from intelcell.airpicture.asterix import Decoded
from intelcell.airpicture.inbox import Accepted, InboxFull
from intelcell.airpicture.modes import ModeSDecoder
from intelcell.domain.airpicture.model import Plot
from intelcell.domain.airpicture.sensor import Sensor

log = logging.getLogger(__name__)

FLUSH_S = 0.05  # the longest a plot waits before its batch is queued
MAX_PLOTS = 1_000  # a batch this large is queued at once
REPORT_S = 10.0
QUEUE_DATAGRAMS = 100_000  # received but not yet decoded; beyond this a flood is dropped and counted
MAX_DATAGRAM = 65_535
RECEIVE_BUFFER = 4 * 1024 * 1024  # a second of a busy feed while the writer waits for the database
LOGGED_PER_REPORT = 10  # problem messages logged per report interval; the rest are counted
SENSORS_REFRESH_S = 10.0  # as the engine: a newly registered sensor is heard within this

Decoder = Callable[[bytes, float], Decoded]
Sink = Callable[[list[Plot]], Accepted]


class ListenerError(ValueError):
    """A listening address that cannot or may not be used; the message says why."""


@dataclass(frozen=True)
class ListenerStats:
    """Counts since the listener started."""

    datagrams: int = 0
    garbage: int = 0  # datagrams with at least one faulty part (the rest of a datagram still counts)
    plots: int = 0  # decoded
    queued: int = 0
    refused: int = 0  # by the inbox: unknown sensor, time going back, flood
    dropped: int = 0  # lost to an overflowing queue, a full inbox or a database error

    def line(self) -> str:
        """The counts as one line for a terminal."""
        return (
            f"{self.datagrams} datagrams ({self.garbage} garbage), {self.plots} plots: "
            f"{self.queued} queued, {self.refused} refused, {self.dropped} dropped"
        )


def parse_address(text: str) -> tuple[str, int]:
    """``HOST:PORT``, ``[IPv6]:PORT`` or ``PORT`` (on 127.0.0.1) as a host and port."""
    text = text.strip()
    host, sep, port_text = text.rpartition(":")
    if not sep:
        host, port_text = "127.0.0.1", text
    elif host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise ListenerError(f"{text!r}: write an IPv6 address in brackets, as [::1]:PORT")
    if not host:
        raise ListenerError(f"{text!r}: no host before the port (e.g. 127.0.0.1:30062)")
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65_535:
        raise ListenerError(f"{text!r}: the port must be a number from 0 to 65535")
    return host, int(port_text)


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback address (a name is resolved)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_DGRAM)
    except OSError as exc:
        raise ListenerError(f"cannot resolve {host!r}: {exc.strerror or exc}") from None
    return all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)


class Refreshing:
    """A value loaded again once it is older than ``every_s`` (the sensor registry for a decoder)."""

    def __init__(self, load: Callable[[], Any], every_s: float = SENSORS_REFRESH_S) -> None:
        self.load = load
        self.every_s = every_s
        self._value: Any = None
        self._loaded = -float("inf")

    def __call__(self) -> Any:
        """The value, loaded again when stale."""
        if time.monotonic() - self._loaded >= self.every_s:
            self._value = self.load()
            self._loaded = time.monotonic()
        return self._value


def asterix_decoder(sensors: Callable[[], Sequence[Sensor]]) -> Decoder:
    """Decode a datagram of ASTERIX datablocks, times of day put on the day of their reception."""

    def decode(data: bytes, received_at: float) -> Decoded:
        day_start = received_at - received_at % asterix.DAY_S
        return asterix.decode(data, sensors(), day_start=day_start, now=received_at)

    return decode


def modes_decoder(sensor: Sensor) -> Decoder:
    """Decode a datagram of ``TIMESTAMP,HEX`` lines from one receiver, its aircraft remembered between datagrams."""
    decoder = ModeSDecoder(sensor)

    def decode(data: bytes, received_at: float) -> Decoded:
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError as exc:
            out = Decoded()
            out.skip("bad_encoding", f"not ASCII lines TIMESTAMP,HEX (byte {exc.start} is 0x{data[exc.start]:02x})")
            return out
        return decoder.feed(text.splitlines())

    return decode


_STOP = object()


class UdpListener:
    """Receives datagrams on one UDP address, decodes them and queues their plots in batches."""

    def __init__(
        self,
        host: str,
        port: int,
        decoder: Decoder,
        sink: Sink,
        *,
        flush_s: float = FLUSH_S,
        max_plots: int = MAX_PLOTS,
        report_s: float = REPORT_S,
        on_report: Callable[[ListenerStats], None] | None = None,
        queue_size: int = QUEUE_DATAGRAMS,
    ) -> None:
        self.host, self.port = host, port
        self.decoder, self.sink = decoder, sink
        self.flush_s, self.max_plots, self.report_s = flush_s, max_plots, report_s
        self.on_report = on_report
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=queue_size)
        self._lock = threading.Lock()
        self._stats = ListenerStats()
        self._stopping = threading.Event()
        self._socket: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._logged = 0
        self.recent: deque[str] = deque(maxlen=20)  # the newest problem messages, for a report

    @property
    def address(self) -> tuple[str, int]:
        """The bound host and port (the port the system chose when 0 was asked)."""
        if self._socket is None:
            raise RuntimeError("the listener is not started")
        host, port = self._socket.getsockname()[:2]
        return str(host), int(port)

    def stats(self) -> ListenerStats:
        """A snapshot of the counts."""
        with self._lock:
            return self._stats

    def _count(self, **add: int) -> None:
        with self._lock:
            self._stats = replace(self._stats, **{k: getattr(self._stats, k) + v for k, v in add.items()})

    def start(self) -> tuple[str, int]:
        """Bind the socket and start receiving; the bound address. ListenerError when it cannot bind."""
        try:
            family, kind, proto, _, sockaddr = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_DGRAM)[0]
        except OSError as exc:
            raise ListenerError(f"cannot resolve {self.host!r}: {exc.strerror or exc}") from None
        sock = socket.socket(family, kind, proto)
        try:
            with contextlib.suppress(OSError):  # a smaller buffer still works; the system caps it
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
            sock.bind(sockaddr)
            sock.settimeout(0.1)  # how soon the receiver notices stop()
        except OSError as exc:
            sock.close()
            raise ListenerError(f"cannot listen on udp {self.host}:{self.port}: {exc.strerror or exc}") from None
        self._socket = sock
        self._threads = [
            threading.Thread(target=self._receive, name="airpicture-udp-receive", daemon=True),
            threading.Thread(target=self._write, name="airpicture-udp-write", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self.address

    def stop(self, timeout: float = 10.0) -> ListenerStats:
        """Stop receiving, queue what was received, close the socket; the final counts."""
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []
        if self._socket is not None:
            self._socket.close()
        return self.stats()

    def __enter__(self) -> UdpListener:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _receive(self) -> None:
        """Move datagrams from the socket to the queue until stopped, then drain the socket."""
        sock = self._socket
        assert sock is not None
        while not self._stopping.is_set():
            try:
                data, peer = sock.recvfrom(MAX_DATAGRAM)
            except TimeoutError:
                continue
            except OSError as exc:  # e.g. an ICMP error reported on the socket: the next datagram is fine
                log.warning("udp receive error: %s", exc)
                continue
            self._enqueue(data, peer)
        # A datagram already in the buffer was acknowledged by the network: queue it too.
        sock.setblocking(False)
        while True:
            try:
                data, peer = sock.recvfrom(MAX_DATAGRAM)
            except OSError:
                break
            self._enqueue(data, peer)
        self._queue.put(_STOP)

    def _enqueue(self, data: bytes, peer: Any) -> None:
        self._count(datagrams=1)
        try:
            self._queue.put_nowait((data, peer, time.time(), time.monotonic()))
        except queue.Full:
            self._count(dropped=1)
            self._problem(f"datagram from {_peer(peer)} dropped: {self._queue.maxsize} datagrams wait already")

    def _write(self) -> None:
        """Decode queued datagrams and hand their plots to the sink in batches, until the stop mark."""
        pending: list[Plot] = []
        deadline: float | None = None
        next_report = time.monotonic() + self.report_s
        while True:
            wait = 0.2 if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                item = None
            if item is _STOP:
                break
            if item is not None:
                data, peer, received_at, received_mono = item
                plots = self._decode(data, peer, received_at)
                if plots:
                    pending.extend(plots)
                    if deadline is None:
                        deadline = received_mono + self.flush_s
            now = time.monotonic()
            if pending and (len(pending) >= self.max_plots or (deadline is not None and now >= deadline)):
                self._flush(pending)
                pending, deadline = [], None
            if now >= next_report:
                next_report = now + self.report_s
                self._report()
        if pending:
            self._flush(pending)

    def _decode(self, data: bytes, peer: Any, received_at: float) -> list[Plot]:
        """The plots of one datagram; a faulty one is counted as garbage and its first problem logged."""
        try:
            decoded = self.decoder(data, received_at)
        except Exception as exc:  # a decoding bug must not end the feed; counted as garbage so it is seen
            decoded = Decoded()
            decoded.skip("internal_error", f"internal error {type(exc).__name__}: {exc}")
        if decoded.errors:
            self._count(garbage=1)
            more = f" (and {decoded.skipped - 1} more)" if decoded.skipped > 1 else ""
            self._problem(f"datagram from {_peer(peer)}, {len(data)} bytes: {decoded.errors[0]}{more}")
        self._count(plots=len(decoded.plots))
        return decoded.plots

    def _flush(self, plots: list[Plot]) -> None:
        """Hand a batch to the sink; a full inbox or a database error drops the batch, counted."""
        try:
            report = self.sink(plots)
        except InboxFull as exc:
            self._count(dropped=len(plots))
            self._problem(f"{len(plots)} plots dropped: {exc}")
            return
        except Exception as exc:  # the database may be away for a moment; the listener outlives it
            self._count(dropped=len(plots))
            log.exception("udp listener: %d plots dropped", len(plots))
            self.recent.append(f"{len(plots)} plots dropped: {type(exc).__name__}: {exc}")
            return
        self._count(queued=report.stored, refused=len(report.refused))
        if report.refused:
            self._problem(f"{len(report.refused)} plots refused, e.g. {report.refused[0]}")

    def _problem(self, message: str) -> None:
        """Keep a problem message and log it, up to LOGGED_PER_REPORT per report interval."""
        self.recent.append(message)
        if self._logged < LOGGED_PER_REPORT:
            log.warning("%s", message)
        self._logged += 1

    def _report(self) -> None:
        """Say how many problems went unlogged, and pass the counts to ``on_report``."""
        if self._logged > LOGGED_PER_REPORT:
            unlogged = self._logged - LOGGED_PER_REPORT
            log.warning("%d more problems in the last %.0f s were counted, not logged", unlogged, self.report_s)
        self._logged = 0
        if self.on_report is not None:
            self.on_report(self.stats())


def _peer(peer: Any) -> str:
    """A sender's address as HOST:PORT."""
    return f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) and len(peer) >= 2 else str(peer)
