"""Browser tests: a real intelcell server on loopback, driven by Playwright with Debian's Chromium.

Playwright never downloads a browser here: it launches the system ``chromium`` (Debian package,
installed by scripts/system-deps). Without it the tests skip, unless INTELCELL_REQUIRE_BROWSER=1
(CI), which makes a missing browser a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from intelcell.api.app import create_app
from intelcell.cell import Cell

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(cell: Cell) -> Iterator[str]:
    """The app on a loopback port, served by uvicorn in a thread; its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(cell=cell), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright (skips without it, unless INTELCELL_REQUIRE_BROWSER=1)."""
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("INTELCELL_REQUIRE_BROWSER") == "1":
            pytest.fail("INTELCELL_REQUIRE_BROWSER=1 but no chromium on PATH (scripts/system-deps installs it)")
        pytest.skip("no chromium on PATH: scripts/system-deps installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
