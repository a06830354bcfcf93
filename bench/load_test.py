"""A bounded load test on loopback: a real `intelcell serve` over the demo, many concurrent clients.

TAXII pollers, screeners and air-picture feed subscribers run together in a closed loop against
one server process (issue 8, item 5). The script prints requests, throughput, p50 and p99
latency per kind, errors, feed events and the server's RSS after warm-up and at the end, and
exits 1 on any error or on memory growth over the threshold. The engine is tests/load/engine.py,
which the short CI variant (tests/load/test_load.py) shares.

    .venv/bin/python bench/load_test.py                          # 50 clients, 300 s (about 6 min)
    .venv/bin/python bench/load_test.py --clients 20 --seconds 60 --json
    .venv/bin/python bench/load_test.py --database-url postgresql://USER@HOST/EMPTY_DB
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.load.engine import Config, demo_server, report, run_load  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=Config.clients, help="concurrent clients (default 50)")
    parser.add_argument("--seconds", type=float, default=Config.seconds, help="length of the run (default 300)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON instead of text")
    parser.add_argument(
        "--database-url",
        help="an empty store to load the demo into (default: a fresh SQLite file in a temporary directory)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (store and server log)")
    args = parser.parse_args(argv)
    if args.clients < 5 or args.seconds < 5:
        parser.error("at least 5 clients (one of each role) and 5 seconds")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the load test; 0 when there was no error and no memory growth over the threshold."""
    args = parse_args(argv)
    config = Config(clients=args.clients, seconds=args.seconds)
    workdir = Path(tempfile.mkdtemp(prefix="intelcell-load-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'intelcell.db'}"
    print(f"loading the demo and starting intelcell serve (work dir {workdir})...", file=sys.stderr)
    with demo_server(database_url, workdir) as (server, tokens):
        print(f"running {config.clients} clients for {config.seconds:.0f} s against {server.base_url}", file=sys.stderr)
        summary = run_load(server, tokens, config)
        if summary["errors"]:
            print(f"server log tail:\n{server.log_tail()}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(report(summary))
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if summary["errors"] == 0 and summary["memory"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
