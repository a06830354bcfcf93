"""Requests per user: past its rate, a user gets 429 with Retry-After until its bucket refills."""

from __future__ import annotations

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from intelcell.api.app import create_app
from intelcell.api.ratelimit import RequestRate
from intelcell.cell import Cell, open_cell
from intelcell.settings import Settings
from tests.api.test_throttle import Ticks
from tests.conftest import FakeClock
from tests.helpers import bearer
from tests.web.test_pages import MakeUser


def test_a_burst_is_allowed_then_refused_until_the_bucket_refills() -> None:
    ticks = Ticks()
    rate = RequestRate(rate=2, burst=4, clock=ticks)
    assert [rate.retry_after(7) for _ in range(5)] == [0, 0, 0, 0, 1]
    assert rate.retry_after(8) == 0  # another user has its own bucket
    ticks.now += 0.5  # one request's worth at 2 a second
    assert rate.retry_after(7) == 0
    assert rate.retry_after(7) == 1


def test_a_rate_of_zero_is_no_limit() -> None:
    rate = RequestRate(rate=0, burst=0)
    assert all(rate.retry_after(1) == 0 for _ in range(10_000))


@given(st.lists(st.floats(min_value=0, max_value=5), max_size=80))
def test_allowed_requests_never_exceed_the_burst_plus_the_rate_times_the_time(gaps: list[float]) -> None:
    ticks = Ticks()
    rate = RequestRate(rate=3, burst=5, clock=ticks)
    allowed = 0
    for gap in gaps:
        ticks.now += gap
        allowed += rate.retry_after(1) == 0
    assert allowed <= 5 + 3 * sum(gaps) + 1e-9


def test_the_api_answers_429_with_retry_after_past_the_rate(
    settings: Settings, clock: FakeClock, make_user: MakeUser
) -> None:
    slow = open_cell(settings.replace(rate_per_user=1), clock)  # bursts of 4
    _user, token = make_user("FRA")
    try:
        with TestClient(create_app(cell=slow), base_url="https://testserver") as client:
            answers = [client.get("/api/v1/me", headers=bearer(token)) for _ in range(6)]
    finally:
        slow.db.dispose()
    assert [a.status_code for a in answers][:4] == [200] * 4
    refused = answers[-1]
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
    assert refused.json()["error"] == "too_many_requests"


def test_the_default_rate_lets_a_busy_client_through(cell: Cell, client: TestClient, make_user: MakeUser) -> None:
    _user, token = make_user("FRA")
    assert all(client.get("/api/v1/me", headers=bearer(token)).status_code == 200 for _ in range(300))
