"""Requests per user: a token bucket per authenticated user, so one client cannot starve the others.

Each user may send ``rate`` requests a second on average, in bursts of up to ``burst``; past that
it gets 429 with ``Retry-After`` until its bucket refills. The limit is per user, not per address,
because members' national systems sit behind shared gateways, and per process (a restart or
another process starts a fresh bucket). The defaults (INTELCELL_RATE_PER_USER) are far above what
an analyst or a national system polling TAXII sends; they are a brake on a runaway or hostile
client, not a quota.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

MAX_USERS = 100_000  # bounded memory: the least recently seen users are forgotten first


class RequestRate:
    """Token buckets by user id (thread-safe)."""

    def __init__(self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[int, tuple[float, float]] = {}  # user id -> (tokens, at)
        self._lock = threading.Lock()

    def retry_after(self, user_id: int) -> int:
        """Take one request from the user's bucket: 0 when allowed, else the seconds to wait."""
        if self.rate <= 0:
            return 0  # the limit is off
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.pop(user_id, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if len(self._buckets) >= MAX_USERS:
                del self._buckets[next(iter(self._buckets))]
            if tokens >= 1.0:
                self._buckets[user_id] = (tokens - 1.0, now)
                return 0
            self._buckets[user_id] = (tokens, now)
            return max(1, int((1.0 - tokens) / self.rate + 0.999))
