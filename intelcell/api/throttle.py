"""Failed sign-ins slow down: a client address that fails too often is refused for a while.

A token is 32 random bytes, so guessing one is hopeless; the throttle is about the noise and
the cost of trying (every failed attempt hashes and looks up a token), and about making a stolen
token's owner see refusals rather than silent probing. After ``MAX_FAILURES`` failed
authentications (Bearer token or sign-in form) from one client address within ``WINDOW``
seconds, every further attempt from that address (failed or not, so a lucky guess is not
confirmed) is answered 429 with ``Retry-After`` until the oldest failure leaves the window.

Counters live in the process: each server process throttles on its own, and a restart forgets
them. A client address behind a shared proxy is one address for all its users.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

MAX_FAILURES = 20
WINDOW = 300.0  # seconds
MAX_ADDRESSES = 100_000  # bounded memory: the least recently failing addresses are forgotten first


class FailureThrottle:
    """Failed authentications per client address over a sliding window (thread-safe)."""

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures, self.window, self.clock = max_failures, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float] | None:
        """The address's failures still in the window (the caller holds the lock)."""
        failures = self._failures.get(address)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[address]
            return None
        return failures

    def retry_after(self, address: str) -> int:
        """Seconds until ``address`` may try again; 0 when it may try now."""
        with self._lock:
            now = self.clock()
            failures = self._recent(address, now)
            if failures is None or len(failures) < self.max_failures:
                return 0
            return max(1, int(failures[-self.max_failures] + self.window - now + 0.999))

    def failed(self, address: str) -> None:
        """Count one failed authentication from ``address``."""
        with self._lock:
            now = self.clock()
            failures = self._recent(address, now)
            if failures is None:
                if len(self._failures) >= MAX_ADDRESSES:
                    del self._failures[next(iter(self._failures))]
                failures = self._failures[address] = deque()
            else:
                self._failures[address] = self._failures.pop(address)  # most recently failing last
            failures.append(now)
            while len(failures) > self.max_failures:
                failures.popleft()  # only the newest max_failures matter for the wait


def client_address(scope: Mapping[str, Any]) -> str:
    """The client address of an ASGI scope ("unknown" when the server gives none)."""
    client = scope.get("client")
    return str(client[0]) if isinstance(client, tuple | list) and client else "unknown"
