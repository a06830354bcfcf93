"""``create_app``: the one composition root of the HTTP API and the browser UI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from intelcell import __version__
from intelcell.airpicture.feed import FeedHub
from intelcell.api import errors
from intelcell.api.auth import BearerAuth
from intelcell.api.headers import SecurityHeaders
from intelcell.api.limits import RequestLimits
from intelcell.api.ratelimit import RequestRate
from intelcell.api.routes import airpicture as airpicture_routes
from intelcell.api.routes import audit, health, labels, me, members, objects, rfis, search
from intelcell.api.routes import encodings as encodings_routes
from intelcell.api.routes import match as match_routes
from intelcell.api.routes import oversight as oversight_routes
from intelcell.api.routes import persons as persons_routes
from intelcell.api.routes import resolution as resolution_routes
from intelcell.api.routes import screenings as screenings_routes
from intelcell.api.routes import subscriptions as subscriptions_routes
from intelcell.api.routes import watchlist as watchlist_routes
from intelcell.api.throttle import FailureThrottle
from intelcell.cell import Cell, open_cell
from intelcell.clock import Clock, system_clock
from intelcell.fighters.alert_delivery import DeliveryWorker
from intelcell.settings import Settings
from intelcell.taxii import media as taxii_media
from intelcell.taxii import routes as taxii_routes
from intelcell.web import render, ui


def create_app(
    settings: Settings | None = None,
    clock: Clock = system_clock,
    cell: Cell | None = None,
    throttle: FailureThrottle | None = None,
) -> FastAPI:
    """Build the ASGI app for ``settings`` (default: from the environment).

    Tests pass their own settings and clock, or an already opened cell, and may pass the
    throttle of failed authentications (one per app otherwise; intelcell.api.throttle).
    """
    cell = cell or open_cell(settings or Settings.from_env(), clock)
    hub = FeedHub(cell)  # one feed poller per process (intelcell.airpicture.feed)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        delivery = DeliveryWorker(cell)  # watchlist webhooks (intelcell.fighters.alert_delivery)
        delivery.start()
        yield
        delivery.stop()
        await hub.close()  # its last read finishes before the store's connections are closed

    app = FastAPI(
        lifespan=lifespan,
        title="intelcell",
        version=__version__,
        description=("Coalition terrorism intelligence cell: labelled exchange, screening, air picture, oversight."),
    )
    app.state.cell = cell
    app.state.auth_throttle = throttle = throttle or FailureThrottle()
    app.state.airpicture_hub = hub
    errors.install(app)
    render.install(app)  # the UI's sign-in redirects and explained refusals
    taxii_media.install(app)
    for module in (health, labels, members, me, objects, audit, search, rfis):
        app.include_router(module.router)
    app.include_router(encodings_routes.router)  # before persons: /persons/encoded is not a record id
    app.include_router(persons_routes.router)
    app.include_router(match_routes.router)
    app.include_router(resolution_routes.router)
    app.include_router(watchlist_routes.router)
    app.include_router(screenings_routes.router)
    app.include_router(subscriptions_routes.router)
    app.include_router(airpicture_routes.router)
    app.include_router(oversight_routes.router)
    app.include_router(taxii_routes.router)
    # The browser UI: its pages check their own sessions (intelcell.web.render.session_of).
    for module in ui.MODULES:
        app.include_router(module.router)
    # Added last runs first: the headers, authentication, then the request limits, then the routes.
    app.add_middleware(RequestLimits, max_bytes=cell.settings.max_body_bytes, timeout_s=cell.settings.body_timeout_s)
    per_user = cell.settings.rate_per_user
    app.add_middleware(BearerAuth, cell=cell, throttle=throttle, rate=RequestRate(per_user, 4 * per_user))
    app.add_middleware(SecurityHeaders)  # outermost: refusals by the middlewares get the headers too
    return app
