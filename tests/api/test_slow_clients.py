"""Slow clients: a request's head and body must arrive in time, or the client gets 408 and is cut off.

A real server with the configuration `intelcell serve` uses (intelcell.api.protocol), with one-second
deadlines, driven over raw sockets so the test controls every byte and pause.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from intelcell.api.app import create_app
from intelcell.cell import open_cell
from intelcell.cli.serve import server_config
from intelcell.settings import Settings
from tests.conftest import FakeClock
from tests.servers import free_port, serving


@pytest.fixture
def port(settings: Settings, clock: FakeClock) -> Iterator[int]:
    """A server whose clients have one second for a head and one for a body."""
    strict = settings.replace(head_timeout_s=1, body_timeout_s=1)
    cell = open_cell(strict, clock)
    chosen = free_port()
    with serving(server_config(strict, create_app(cell=cell), "127.0.0.1", chosen, log_level="warning")):
        yield chosen
    cell.db.dispose()


def _answer(sock: socket.socket, within: float = 5.0) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and how long that took."""
    sock.settimeout(within)
    start, data = time.monotonic(), b""
    while chunk := sock.recv(4096):
        data += chunk
    return data, time.monotonic() - start


def test_a_client_that_never_finishes_its_head_gets_408_and_is_cut_off(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # no blank line: the head never ends
        data, waited = _answer(sock)
    assert data.startswith(b"HTTP/1.1 408 ")
    assert waited < 3  # cut off at the deadline, not when the client gives up


def test_a_connection_that_sends_nothing_is_closed_at_the_head_deadline(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        data, waited = _answer(sock)
    assert data.startswith(b"HTTP/1.1 408 ") and waited < 3


def test_a_body_that_trickles_past_its_deadline_gets_408_and_reaches_no_handler(port: int, make_user) -> None:  # type: ignore[no-untyped-def]
    _user, token = make_user("FRA")
    head = (
        f"POST /api/v1/labels/parse HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Length: 100\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(head.encode() + b"{" * 10)
        data, waited = _answer(sock)
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert b"request body not received within 1 seconds" in body
    assert waited < 3


def test_a_slow_but_timely_client_is_served_and_its_connection_kept(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        time.sleep(0.4)
        sock.sendall(b"Host: x\r\n\r\n")
        sock.settimeout(5)
        first = sock.recv(4096)
        assert first.startswith(b"HTTP/1.1 200 ")
        time.sleep(0.7)  # idle between requests: the head deadline starts with the next request's first byte
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200 ")


def test_a_body_refused_before_it_was_read_closes_the_connection(port: int) -> None:
    """Without a token, a 401 comes before the body; the rest of the body must not hold the connection."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"POST /api/v1/labels/parse HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n{")
        data, waited = _answer(sock)
        assert data.startswith(b"HTTP/1.1 401 ")
        assert waited < 3  # closed after the answer, not kept alive while the body trickles
