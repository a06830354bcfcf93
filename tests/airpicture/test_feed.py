"""The feed hub: one poller per process, whatever the concurrency of first subscribers."""

from __future__ import annotations

import asyncio

from intelcell.airpicture.feed import FeedHub
from intelcell.cell import Cell


def test_two_first_subscribers_at_once_start_one_poller(cell: Cell):
    async def scenario() -> tuple[int, bool]:
        hub = FeedHub(cell)
        started = []
        original = hub._poll

        async def counting() -> None:
            started.append(1)
            await original()

        hub._poll = counting  # type: ignore[method-assign]
        first, second = await asyncio.gather(hub.subscribe(), hub.subscribe())
        await hub.close()
        return len(started), first is not second

    count, distinct = asyncio.run(scenario())
    assert count == 1 and distinct
