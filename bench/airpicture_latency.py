"""Ingest-to-feed latency of the live air picture, through real `intelcell serve` processes.

A poster sends one plot per aircraft per second (ADS-B style, each with a Mode S address) to
``POST /api/v1/airpicture/plots``; a subscriber holds ``GET /api/v1/airpicture/stream`` open and
notes when each plot's track update arrives. Latency = arrival time - time the POST was sent.
Two layouts: the subscriber on the process that tracks, and on a second API process that shares
the database (fan-out across processes through the store). Target (issue 5): p95 under 50 ms.

    .venv/bin/python bench/airpicture_latency.py [--aircraft 200] [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from intelcell.airpicture import sensors
from intelcell.cell import open_cell
from intelcell.domain.airpicture.geo import LocalFrame
from intelcell.domain.airpicture.sensor import Sensor, SensorKind
from intelcell.domain.policy import parse_clearance
from intelcell.settings import Settings
from intelcell.store import tokens, users

ROOT = Path(__file__).resolve().parent.parent
FRAME = LocalFrame(36.0, 43.0)
TARGET_P95_MS = 50.0


def prepare(db_url: str) -> str:
    """Register an ADS-B receiver and return an analyst token of its member."""
    cell = open_cell(Settings.from_env(environ={}, database_url=db_url))
    now = cell.clock()
    with cell.db.write() as conn:
        admin, _ = users.upsert(
            conn,
            member="IRQ",
            name="bench.admin",
            clearance=parse_clearance("NATO SECRET"),
            role="admin",
            is_demo=False,
            now=now,
        )
        _, token = tokens.issue(conn, admin, now, 1)
    sensor = Sensor("irq-bench-adsb", "IRQ", SensorKind.ADSB, 36.0, 43.0, 400.0, 30.0)
    sensors.register_sensor(cell, admin, sensor, "NATO UNCLASSIFIED // REL TO COALITION")
    cell.db.dispose()
    return token


def serve(db_url: str, port: int, engine: bool) -> subprocess.Popen[bytes]:
    """Start `intelcell serve` on a port; ``engine`` False makes it a feed-only process."""
    env = {
        **os.environ,
        "INTELCELL_DATABASE_URL": db_url,
        "INTELCELL_AIRPICTURE_ENGINE": "true" if engine else "false",
        "INTELCELL_AIRPICTURE_DEMO_REPLAY": "false",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "intelcell", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"intelcell serve on port {port} did not start")


def run(
    post_port: int, feed_port: int, token: str, aircraft: int, seconds: int, t0: float, posts_per_second: int
) -> list[float]:
    """Post plots for ``seconds`` and return the latency (ms) of every plot seen on the feed.

    Each aircraft reports once a second; its plots go out in ``posts_per_second`` requests
    (10: a radar reporting sector by sector as it sweeps; 1: everything in one burst).
    """
    headers = {"Authorization": f"Bearer {token}"}
    sent: dict[float, float] = {}  # plot time -> wall time the POST started
    arrivals: dict[float, float] = {}
    stop = threading.Event()

    def subscribe() -> None:
        with httpx.stream(
            "GET",
            f"http://127.0.0.1:{feed_port}/api/v1/airpicture/stream?seconds={seconds + 10}",
            headers=headers,
            timeout=None,
        ) as response:
            kind = ""
            for line in response.iter_lines():
                if stop.is_set():
                    return
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind == "track":
                    data = json.loads(line[6:])
                    arrivals.setdefault(round(data["time"], 5), time.time())

    listener = threading.Thread(target=subscribe, daemon=True)
    listener.start()
    time.sleep(1.0)
    with httpx.Client(base_url=f"http://127.0.0.1:{post_port}", headers=headers, timeout=30) as client:
        for k in range(seconds * posts_per_second):
            tick = t0 + k / posts_per_second
            plots = []
            for a in range(k % posts_per_second, aircraft, posts_per_second):
                t = round(tick + a * 1e-5, 5)  # one time per plot: the feed event names it
                east, north = -150_000 + (a % 30) * 10_000 + 200.0 * (tick - t0), -150_000 + (a // 30) * 10_000
                lat, lon = FRAME.surface_to_wgs84(east, north)
                plots.append(
                    {
                        "time": t,
                        "sensor": "irq-bench-adsb",
                        "lat": float(lat),
                        "lon": float(lon),
                        "alt_m": 9000,
                        "sigma_m": 30,
                        "icao24": f"{0xA00000 + a:06x}",
                    }
                )
            started = time.time()
            for p in plots:
                sent[p["time"]] = started
            response = client.post("/api/v1/airpicture/plots", json={"plots": plots})
            response.raise_for_status()
            time.sleep(max(0.0, started + 1.0 / posts_per_second - time.time()))
    time.sleep(2.0)
    stop.set()
    # The first three seconds confirm the tracks (three plots each): count from then on.
    return [(arrivals[t] - sent[t]) * 1000 for t in sent if t in arrivals and t >= t0 + 3]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aircraft", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--posts-per-second", type=int, default=10, help="1: each second's plots in one burst")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/latency.db"
        token = prepare(db_url)
        tracker = serve(db_url, 8791, engine=True)
        feed_only = serve(db_url, 8792, engine=False)
        try:
            t0 = float(int(time.time()))
            rate = args.posts_per_second
            cpu0, wall0 = cpu_seconds(tracker.pid), time.time()
            same = run(8791, 8791, token, args.aircraft, args.seconds, t0, rate)
            cpu_share = (cpu_seconds(tracker.pid) - cpu0) / (time.time() - wall0)
            other = run(8791, 8792, token, args.aircraft, args.seconds, t0 + args.seconds + 60, rate)
        finally:
            for proc in (tracker, feed_only):
                proc.terminate()
                proc.wait(10)
    expected = args.aircraft * (args.seconds - 3)
    print(
        f"ingest-to-feed latency, {args.aircraft} aircraft at 1 plot/s for {args.seconds} s in "
        f"{args.posts_per_second} POSTs a second, SQLite, 2 cores (load {os.getloadavg()[0]:.2f})"
    )
    print(f"{'layout':44} {'plots seen':>11} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, values in (("subscriber on the tracking process", same), ("subscriber on a second API process", other)):
        if not values:
            print(f"{name:44} {'0':>11}")
            continue
        print(
            f"{name:44} {len(values):>5}/{expected:<5} {statistics.median(values):8.1f} {pct(values, 0.95):8.1f} "
            f"{pct(values, 0.99):8.1f} {max(values):8.1f}"
        )
    print(
        f"CPU of the tracking API process (ingest, tracker, store, feed to one subscriber): "
        f"{cpu_share:.2f} s per second ({cpu_share / 1:.0%} of one core)"
    )
    worst = max(pct(v, 0.95) for v in (same, other) if v)
    print(
        f"target p95 < {TARGET_P95_MS:.0f} ms: {'holds' if worst < TARGET_P95_MS else 'MISSES'} "
        f"(worst p95 {worst:.1f} ms)"
    )


if __name__ == "__main__":
    main()
