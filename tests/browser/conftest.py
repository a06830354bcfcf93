"""Browser tests: a real intelcell server on loopback, driven by Playwright with Debian's Chromium.

Playwright never downloads a browser here: it launches the system ``chromium`` (Debian package,
installed by scripts/system-deps). Without it the tests skip, unless INTELCELL_REQUIRE_BROWSER=1
(CI), which makes a missing browser a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from intelcell.api.app import create_app
from intelcell.cell import Cell
from tests.servers import free_port, serving

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def live_server(cell: Cell) -> Iterator[str]:
    """The app on a loopback port, served by uvicorn in a thread; its base URL."""
    port = free_port()
    with serving(uvicorn.Config(create_app(cell=cell), host="127.0.0.1", port=port, log_level="warning")):
        yield f"http://127.0.0.1:{port}"


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
