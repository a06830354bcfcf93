"""The short variant of the load test: 20 clients for 12 seconds against a real `intelcell serve`.

bench/load_test.py runs the long one (50 clients, 5 minutes) with the same engine. Most of this
test's time is setup: loading the demo (4,000 FTF records) and the server's name tables.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.load.engine import Config, demo_server, report, run_load

CONFIG = Config(clients=20, seconds=12, warmup_fraction=0.25)


@pytest.mark.slow
def test_twenty_clients_for_twelve_seconds_without_errors_or_memory_growth(database_url: str, tmp_path: Path) -> None:
    with demo_server(database_url, tmp_path) as (server, tokens):
        summary = run_load(server, tokens, CONFIG)
        log = server.log_tail()
    shown = f"{report(summary)}\nserver log tail:\n{log}"
    print(report(summary))  # the figures, for `pytest -s` or `-rP`
    assert summary["errors"] == 0, shown
    kinds = summary["kinds"]
    for kind in ("taxii_objects", "taxii_manifest", "screen"):
        assert kinds[kind]["requests"] >= 50, shown
    # Screening found records (the FTF records were stored into the running server) ...
    assert summary["screened_with_matches"] >= kinds["screen"]["requests"] // 4, shown
    # ... and every subscriber got its snapshot, and the demo's live replay reached them as track events.
    assert kinds["feed_connect"]["requests"] >= summary["roles"]["feed"], shown
    assert summary["feed_events"].get("track", 0) >= 20, shown
    assert summary["memory"]["ok"], shown
