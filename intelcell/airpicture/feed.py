"""The live feed: one poller per process reads the picture's changes and fans them out to readers.

Each subscriber filters for itself. A track it may read arrives as an ``track`` event; a track it
was shown that ends, or that it may no longer read (a new sensor or an area raised its label),
arrives as a ``drop`` event. Both cases look the same, so a drop says nothing of why.
Server-Sent Events (text/event-stream), one JSON object per ``data`` line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from sqlalchemy import Row, func, select
from starlette.concurrency import run_in_threadpool

from intelcell.airpicture.picture import Reader, changes_since
from intelcell.cell import Cell
from intelcell.store.schema import air_tracks

log = logging.getLogger(__name__)

QUEUE_ROWS = 200  # batches a slow subscriber may fall behind before it is cut off (it reconnects)
HEARTBEAT_S = 15.0
RECHECK_S = 5.0  # a revoked or expired token ends its feed within this time


class FeedHub:
    """Polls ``air_tracks`` for new sequence numbers and hands each batch to every subscriber."""

    def __init__(self, cell: Cell) -> None:
        self.cell = cell
        self.poll_s = cell.settings.airpicture_poll_ms / 1000
        self._subscribers: set[asyncio.Queue[list[Row[Any]] | None]] = set()
        self._seq = 0
        self._task: asyncio.Task[None] | None = None
        self._changed: asyncio.Event | None = None
        self._ready = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    async def close(self) -> None:
        """Stop the poller at shutdown and wait for its last read, so no connection outlives the pool."""
        self._closed = True
        for queue in list(self._subscribers):
            self.unsubscribe(queue)
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)
        if self._changed is not None:
            self._changed.set()
        task = self._task
        if task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(task), 5.0)

    def notify(self) -> None:
        """Tell the poller that tracks changed (called from the engine's thread in this process)."""
        loop, changed = self._loop, self._changed
        if loop is not None and changed is not None and not loop.is_closed():
            loop.call_soon_threadsafe(changed.set)

    async def _pause(self) -> None:
        """Wait for the next poll: the poll interval, or less when this process's engine wrote."""
        assert self._changed is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), self.poll_s)
        self._changed.clear()

    def _position(self) -> int:
        """The newest sequence number in the store."""
        with self.cell.db.read() as conn:
            return int(conn.execute(select(func.coalesce(func.max(air_tracks.c.seq), 0))).scalar_one())

    def _read(self) -> list[Row[Any]]:
        """The rows changed since the last poll."""
        with self.cell.db.read() as conn:
            return changes_since(conn, self._seq)

    async def _poll(self) -> None:
        """The poller's loop: runs while anyone subscribes."""
        try:
            self._seq = await run_in_threadpool(self._position)
        finally:
            self._ready.set()
        while self._subscribers and not self._closed:
            try:
                rows = await run_in_threadpool(self._read)
            except Exception:  # a store hiccup must not end every subscriber's feed
                log.exception("air picture feed: poll failed")
                await asyncio.sleep(1.0)
                continue
            if rows:
                self._seq = rows[-1].seq
                for queue in list(self._subscribers):
                    try:
                        queue.put_nowait(rows)
                    except asyncio.QueueFull:
                        # Cut a subscriber that fell too far behind: it reconnects to a fresh snapshot.
                        self._subscribers.discard(queue)
                        while not queue.empty():
                            queue.get_nowait()
                        queue.put_nowait(None)
            if len(rows) < 5000:
                await self._pause()
        self._task = None

    async def subscribe(self) -> asyncio.Queue[list[Row[Any]] | None]:
        """A queue of changed-row batches; starts the poller and waits until it has its position."""
        queue: asyncio.Queue[list[Row[Any]] | None] = asyncio.Queue(QUEUE_ROWS)
        if self._closed:
            queue.put_nowait(None)  # shutting down: the stream ends after its snapshot
            return queue
        self._subscribers.add(queue)
        if self._task is None:
            # Claimed before any await: two first subscribers never start two pollers.
            self._loop = asyncio.get_running_loop()
            self._changed = asyncio.Event()
            self._ready = asyncio.Event()
            self._task = asyncio.create_task(self._poll())
        await self._ready.wait()  # the poller has its position: the caller's snapshot comes after it
        return queue

    def unsubscribe(self, queue: asyncio.Queue[list[Row[Any]] | None]) -> None:
        """Stop delivering to a queue."""
        self._subscribers.discard(queue)


def event(kind: str, data: dict[str, Any]) -> str:
    """One Server-Sent Event."""
    return f"event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def events(
    hub: FeedHub,
    queue: asyncio.Queue[list[Row[Any]] | None],
    reader: Reader,
    snapshot: list[dict[str, Any]],
    position: int,
    *,
    refresh: Callable[[], Reader | None],
    deadline: float | None,
) -> AsyncIterator[str]:
    """The event stream of one reader: its snapshot, then its changes, until the deadline.

    ``refresh`` re-authenticates the caller and recomputes what it may read (None: the token is
    no longer valid); it runs every RECHECK_S, and at once when a track carries a label newer
    than the reader. Heartbeats keep a fixed rhythm whatever passes through the queue, so their
    timing says nothing about tracks the reader does not receive.
    """
    loop = asyncio.get_running_loop()
    shown = {track["track_number"] for track in snapshot}
    yield event("snapshot", {"tracks": snapshot})  # no feed position: it counts every member's changes
    recheck = loop.time() + RECHECK_S
    beat = loop.time() + HEARTBEAT_S
    try:
        while deadline is None or loop.time() < deadline:
            now = loop.time()
            if now >= beat:
                yield ": heartbeat\n\n"
                beat += HEARTBEAT_S
            if now >= recheck:
                fresh = await run_in_threadpool(refresh)
                if fresh is None:
                    return  # token revoked or expired: the feed ends
                reader, recheck = fresh, now + RECHECK_S
            wake = min(beat, recheck) if deadline is None else min(beat, recheck, deadline)
            try:
                rows = await asyncio.wait_for(queue.get(), max(0.0, wake - loop.time()))
            except TimeoutError:
                continue
            if rows is None:
                return  # fell too far behind: the client reconnects and gets a fresh snapshot
            if any(not reader.is_current(row.label_id) for row in rows):
                fresh = await run_in_threadpool(refresh)
                if fresh is None:
                    return
                reader = fresh
            for row in rows:
                if row.seq <= position:
                    continue
                if not row.deleted and reader.may_read(row.label_id):
                    shown.add(row.track_number)
                    yield event("track", reader.view(row))
                elif row.track_number in shown:
                    shown.discard(row.track_number)
                    yield event("drop", {"track_number": row.track_number})
    finally:
        hub.unsubscribe(queue)
        with contextlib.suppress(Exception):
            queue.put_nowait(None)
