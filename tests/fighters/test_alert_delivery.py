"""Webhook delivery of watchlist alerts: signed, disclosed as the webhook's user sees, crash-safe, retried."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.fighters import alert_delivery, watchlists, webhooks
from intelcell.fighters.webhooks import WebhookError
from intelcell.store.schema import persons, watchlist_alerts, watchlist_deliveries
from intelcell.store.users import User
from tests.conftest import FakeClock
from tests.fighters.builders import person
from tests.fighters.watching import OMAR, SHARED, fra, store, tur
from tests.web.test_pages import MakeUser

__all__ = ["fra", "tur"]


class Receiver:
    """A national system behind httpx.MockTransport: answers from a script, keeps what it was sent."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.received: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request)
        return httpx.Response(self.statuses.pop(0) if self.statuses else 200)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def bodies(self) -> list[dict[str, Any]]:
        return [orjson.loads(r.content) for r in self.received]


def deliveries(cell: Cell) -> list[Any]:
    with cell.db.read() as conn:
        return list(conn.execute(select(watchlist_deliveries).order_by(watchlist_deliveries.c.created_at)))


def test_each_alert_is_posted_signed_with_what_the_webhook_user_may_see(cell: Cell, fra: User, tur: User) -> None:
    watchlists.add(cell, fra, OMAR)
    _hook, secret = webhooks.register(cell, fra, "https://fra.example/alerts")
    store(cell, tur, person(id="t1", name="Omer Hadad", birth_date="1987"), SHARED)
    store(cell, tur, person(id="t2", name="Omer Haddad", birth_date="1987"), "TUR SECRET", disclose_holder=True)
    receiver = Receiver()
    assert alert_delivery.deliver_due(cell, receiver.client()) == 2
    assert {r.url.host for r in receiver.received} == {"fra.example"}
    for request in receiver.received:
        headers = request.headers
        assert alert_delivery.verify(
            secret, headers["X-Intelcell-Timestamp"], request.content, headers["X-Intelcell-Signature"]
        )
        assert not alert_delivery.verify(
            secret, headers["X-Intelcell-Timestamp"], request.content + b" ", headers["X-Intelcell-Signature"]
        )
        assert not alert_delivery.verify(
            "whsec_other", headers["X-Intelcell-Timestamp"], request.content, headers["X-Intelcell-Signature"]
        )
    with cell.db.read() as conn:
        page = {a.ref: a.to_json() for a in watchlists.alerts(cell, conn, fra)}
    sent = {b["alert"]["id"]: b["alert"] for b in receiver.bodies()}
    assert sent == page  # exactly what the alert page shows the webhook's user
    hit = next(a for a in sent.values() if a["kind"] == "hit")
    assert "TUR-t2" not in str(hit) and "Omer" not in str(hit) and hit["hit"]["holder"] == "TUR"
    assert [d.state for d in deliveries(cell)] == ["delivered", "delivered"]
    assert alert_delivery.deliver_due(cell, receiver.client()) == 0  # delivered once


def test_a_less_cleared_webhook_user_is_sent_only_the_hit_and_nothing_for_an_undiscoverable_record(
    cell: Cell, fra: User, tur: User, make_user: MakeUser
) -> None:
    junior = make_user("FRA", "NATO RESTRICTED", name="fra.junior")[0]
    watchlists.add(cell, fra, OMAR)
    webhooks.register(cell, junior, "http://fra.example/hook")
    store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987"), "NATO SECRET // REL TO FRA")
    store(cell, tur, person(id="t2", name="Omar Haddad", birth_date="1987"), "TUR SECRET", discoverable=False)
    receiver = Receiver()
    alert_delivery.deliver_due(cell, receiver.client())
    [body] = receiver.bodies()
    assert body["alert"]["kind"] == "hit" and "TUR-t1" not in str(body) and "Omar" in body["alert"]["entry"]["caption"]
    assert sorted(d.state for d in deliveries(cell)) == ["delivered", "withheld"]


def test_a_failing_store_leaves_neither_alert_nor_delivery_and_a_stored_one_leaves_both(
    cell: Cell, fra: User, tur: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    watchlists.add(cell, fra, OMAR)
    webhooks.register(cell, fra, "https://fra.example/alerts")
    real = webhooks.enqueue

    def enqueue_then_crash(*args: Any) -> int:
        real(*args)
        raise RuntimeError("disk full")

    monkeypatch.setattr(webhooks, "enqueue", enqueue_then_crash)
    with pytest.raises(RuntimeError, match="disk full"):
        store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987"), SHARED)
    with cell.db.read() as conn:
        counted = [conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (persons, watchlist_alerts)]
    assert counted == [0, 0] and deliveries(cell) == []
    monkeypatch.setattr(webhooks, "enqueue", real)
    store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987"), SHARED)
    with cell.db.read() as conn:
        refs = list(conn.execute(select(watchlist_alerts.c.ref)).scalars())
    assert [d.alert_ref for d in deliveries(cell)] == refs and len(refs) == 1


def test_a_refused_delivery_is_retried_with_growing_waits_then_delivered(
    cell: Cell, clock: FakeClock, fra: User, tur: User
) -> None:
    watchlists.add(cell, fra, OMAR)
    webhooks.register(cell, fra, "https://fra.example/alerts")
    store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987"), SHARED)
    receiver = Receiver(503, 500)
    alert_delivery.deliver_due(cell, receiver.client())
    [row] = deliveries(cell)
    assert (row.state, row.attempts, row.last_error) == ("pending", 1, "HTTP 503")
    assert alert_delivery.deliver_due(cell, receiver.client()) == 0  # not due before its backoff
    clock.advance(seconds=30)
    alert_delivery.deliver_due(cell, receiver.client())
    [row] = deliveries(cell)
    assert (row.attempts, row.next_attempt_at) == (2, clock.now + alert_delivery.backoff(2))
    clock.advance(seconds=60)
    alert_delivery.deliver_due(cell, receiver.client())
    [row] = deliveries(cell)
    assert (row.state, row.attempts, row.last_error) == ("delivered", 3, None)
    ids = {r.headers["X-Intelcell-Delivery"] for r in receiver.received}
    assert ids == {row.id} and len(receiver.received) == 3  # the same id each time: receivers deduplicate


def test_an_unreachable_system_fails_the_delivery_after_the_last_attempt(
    cell: Cell, clock: FakeClock, fra: User, tur: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alert_delivery, "ATTEMPTS", 2)
    watchlists.add(cell, fra, OMAR)
    webhooks.register(cell, fra, "https://fra.example/alerts")
    store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987"), SHARED)

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(unreachable))
    alert_delivery.deliver_due(cell, client)
    clock.advance(hours=1)
    alert_delivery.deliver_due(cell, client)
    [row] = deliveries(cell)
    assert (row.state, row.attempts) == ("failed", 2) and "connection refused" in row.last_error


def test_the_worker_thread_sends_without_storing_waiting_for_it(cell: Cell, fra: User, tur: User) -> None:
    watchlists.add(cell, fra, OMAR)
    webhooks.register(cell, fra, "https://fra.example/alerts")
    receiver = Receiver()
    worker = alert_delivery.DeliveryWorker(cell, httpx.MockTransport(receiver), poll_s=0.02)
    worker.start()
    try:
        store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987"), SHARED)
        deadline = time.monotonic() + 5
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        worker.stop()
    assert [b["alert"]["record"]["id"] for b in receiver.bodies()] == ["TUR-t1"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://fra.example/alerts", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("https:///alerts", "names no host"),
        ("https://user:pw@fra.example/", "no user name or password"),
        ("https://fra.example/a b", "no spaces"),
        ("", "enter the URL"),
        ("http://127.0.0.1:8000/admin", "not to this server's own"),
        ("http://localhost/", "not to this server's own"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]/", "not to this server's own"),
    ],
)
def test_a_webhook_that_is_not_an_http_url_is_refused_and_nothing_is_stored(
    cell: Cell, fra: User, url: str, reason: str
) -> None:
    with pytest.raises(WebhookError, match=reason):
        webhooks.register(cell, fra, url)
    with cell.db.read() as conn:
        assert webhooks.listed(conn, fra) == []


def test_a_removed_webhook_drops_its_pending_deliveries_and_another_member_cannot_remove_it(
    cell: Cell, fra: User, tur: User
) -> None:
    watchlists.add(cell, fra, OMAR)
    hook, _secret = webhooks.register(cell, fra, "https://fra.example/alerts")
    store(cell, tur, person(id="t1", name="Omar Haddad", birth_date="1987"), SHARED)
    assert webhooks.remove(cell, tur, hook.id) is False and webhooks.remove(cell, tur, "0" * 32) is False
    assert webhooks.remove(cell, fra, hook.id) is True
    receiver = Receiver()
    assert alert_delivery.deliver_due(cell, receiver.client()) == 0 and receiver.received == []
    assert [d.state for d in deliveries(cell)] == ["failed"]


def test_an_administrators_host_list_is_the_only_place_webhooks_go(cell: Cell, fra: User) -> None:
    narrowed = replace(cell, settings=cell.settings.replace(webhook_hosts="hooks.fra.example, *.gouv.example"))
    for url in ("https://hooks.fra.example/a", "https://siem.dgsi.gouv.example/alerts"):
        webhooks.register(narrowed, fra, url)
    for url in ("https://fra.example/alerts", "https://gouv.example.attacker.example/"):
        with pytest.raises(WebhookError, match=r"allows webhooks to hooks\.fra\.example"):
            webhooks.register(narrowed, fra, url)
    with cell.db.read() as conn:
        assert sorted(h.url for h in webhooks.listed(conn, fra)) == [
            "https://hooks.fra.example/a",
            "https://siem.dgsi.gouv.example/alerts",
        ]
