"""Failed authentications from one address are refused for a while (issue 8 item 4)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from intelcell.api.app import create_app
from intelcell.api.throttle import FailureThrottle
from intelcell.cell import Cell
from tests.helpers import bearer
from tests.web.test_pages import MakeUser, hidden_csrf


class Ticks:
    """A monotonic clock tests move by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_address_is_refused_after_the_limit_until_the_oldest_failure_leaves_the_window() -> None:
    ticks = Ticks()
    throttle = FailureThrottle(max_failures=3, window=60, clock=ticks)
    for _ in range(2):
        throttle.failed("10.0.0.1")
        ticks.now += 10
    assert throttle.retry_after("10.0.0.1") == 0
    throttle.failed("10.0.0.1")  # third failure at t=20 (the first was at t=0)
    assert throttle.retry_after("10.0.0.1") == 40
    assert throttle.retry_after("10.0.0.2") == 0  # other addresses are not affected
    ticks.now += 40
    assert throttle.retry_after("10.0.0.1") == 0


@given(st.lists(st.tuples(st.sampled_from("abc"), st.floats(min_value=0, max_value=100)), max_size=60))
@settings(max_examples=200)
def test_an_address_waits_exactly_while_it_has_the_limit_of_failures_in_the_window(
    events: list[tuple[str, float]],
) -> None:
    ticks = Ticks()
    throttle = FailureThrottle(max_failures=4, window=30, clock=ticks)
    times: dict[str, list[float]] = {}
    for address, step in events:
        ticks.now += step
        throttle.failed(address)
        times.setdefault(address, []).append(ticks.now)
        for other in "abc":
            recent = [t for t in times.get(other, []) if t > ticks.now - 30]
            wait = throttle.retry_after(other)
            assert (wait > 0) == (len(recent) >= 4)
            if wait:
                assert ticks.now + wait >= recent[-4] + 30 > ticks.now + wait - 1


def client_with(cell: Cell, throttle: FailureThrottle) -> TestClient:
    return TestClient(create_app(cell=cell, throttle=throttle), base_url="https://testserver")


def test_bearer_tokens_failing_too_often_get_429_even_with_a_good_token(cell: Cell, make_user: MakeUser) -> None:
    ticks = Ticks()
    client = client_with(cell, FailureThrottle(max_failures=5, window=60, clock=ticks))
    _user, token = make_user("TUR")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    for _ in range(5):
        assert client.get("/api/v1/me", headers=bearer("ic_guess")).status_code == 401
    refused = client.get("/api/v1/me", headers=bearer(token))
    assert refused.status_code == 429  # a right guess now is not confirmed either
    assert refused.json()["error"] == "too_many_failures"
    assert int(refused.headers["retry-after"]) == 60
    assert client.get("/api/v1/me").status_code == 401  # no token: not a guess, not throttled
    ticks.now += 61
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_sign_in_failing_too_often_is_refused_with_a_clear_message(cell: Cell, make_user: MakeUser) -> None:
    ticks = Ticks()
    client = client_with(cell, FailureThrottle(max_failures=3, window=60, clock=ticks))
    _user, token = make_user("TUR")
    csrf = hidden_csrf(client.get("/login").text)
    for _ in range(3):
        assert client.post("/login", data={"token": "ic_guess", "csrf": csrf}).status_code == 401
    refused = client.post("/login", data={"token": token, "csrf": csrf}, follow_redirects=False)
    assert refused.status_code == 429
    assert "Too many failed sign-ins from your address. Try again in 60 seconds." in refused.text
    assert "intelcell_session" not in refused.headers.get("set-cookie", "")
    ticks.now += 60
    assert client.post("/login", data={"token": token, "csrf": csrf}, follow_redirects=False).status_code == 303
