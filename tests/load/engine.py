"""The load-test engine: a real ``intelcell serve`` on loopback over the demo, and concurrent clients.

Shared by the CLI (bench/load_test.py, 50 clients for 5 minutes) and the short CI variant
(tests/load/test_load.py). Clients are asyncio tasks with one httpx connection each, in a closed
loop (the next request leaves when the previous answer has been read, no think time), so the
server runs as fast as it can and the latencies include its queueing. Three kinds of clients:

- TAXII pollers walk the coalition collection's objects and then its manifest, page by page
  through ``next``, as different demo users (so per-object filtering runs on every page);
- screeners send one person per ``/api/v1/match`` request, names in Latin, Arabic and Cyrillic
  script, half of them people the demo holds;
- feed subscribers hold ``/api/v1/airpicture/stream`` (the demo's live replay feeds it) for
  ``feed_seconds`` at a time, then reconnect, counting every event.

An error is any answer outside 2xx or any exception (timeouts included). The server's resident
memory is read from /proc/<pid>/status every ``sample_s`` seconds.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import math
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from intelcell.cell import open_cell
from intelcell.demo import persons, scenario
from intelcell.demo.fighters import generate
from intelcell.domain import names
from intelcell.settings import Settings
from tests.servers import free_port

TAXII_ACCEPT = "application/taxii+json;version=2.1"
#: Demo users the clients act as, round robin: different members, clearances and caveats.
USERS = ("usa.analyst", "fra.analyst", "deu.analyst", "tur.analyst", "irq.liaison", "jor.liaison")
KINDS = ("taxii_objects", "taxii_manifest", "screen", "feed_connect")
#: Names typed by hand in scripts the generator writes rarely (Cyrillic) or that no record holds.
EXTRA_NAMES = (
    ("Абу Умар аш-Шишани", "1986"),
    ("Магомед Абдурахманов", "1990"),
    ("Тархан Батирашвили", "1986-01-11"),
    ("أبو محمد العدناني", "1977"),
    ("Abdelkarim Abdessalam el-Khayat", "1984"),
    ("Jean-Michel Dupont", "1979-04-02"),
)
SERVER_START_S = 180  # serve loads rigour's name tables before it listens: tens of seconds on a busy machine


@dataclass(frozen=True)
class Config:
    """How many clients, for how long, and what counts as memory growth."""

    clients: int = 50
    seconds: float = 300.0
    warmup_fraction: float = 0.2  # RSS is compared from the end of this share of the run
    feed_seconds: int = 30  # a subscriber's stream ends after this long, and it reconnects
    page_limit: int = 100  # TAXII page size: the demo collection is a few pages long
    sample_s: float = 2.0  # RSS sampling period
    growth_fraction: float = 0.05  # allowed RSS growth after warm-up, as a share of the warm RSS ...
    growth_floor_mb: float = 16.0  # ... but never less than this (allocator and page-cache noise)
    timeout_s: float = 60.0  # a request slower than this is an error

    def roles(self) -> list[str]:
        """Each client's role: two fifths TAXII pollers, two fifths screeners, one fifth feed subscribers."""
        cycle = ("taxii", "screen", "taxii", "screen", "feed")
        return [cycle[i % len(cycle)] for i in range(self.clients)]


@dataclass
class Server:
    """A running ``intelcell serve`` process."""

    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path
    database_url: str

    def rss_kb(self) -> int | None:
        """The process's resident set size (VmRSS), or None once it has exited."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        return int(found.group(1)) if found else None

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's output (tracebacks of 5xx answers land there)."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# -- the server --------------------------------------------------------------------------------


def start_server(database_url: str, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """Start ``intelcell serve`` on ``port`` over ``database_url``, its output going to ``log_path``."""
    env = {**os.environ, "INTELCELL_DATABASE_URL": database_url, "INTELCELL_HOST": "127.0.0.1"}
    with log_path.open("wb") as log:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "intelcell", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


def wait_ready(server: Server, timeout_s: float = SERVER_START_S) -> None:
    """Wait until ``/healthz`` answers 200; raise with the server's output if it dies or never does."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"intelcell serve exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"intelcell serve did not answer within {timeout_s:.0f} s:\n{server.log_tail()}")


def stop_server(server: Server) -> None:
    """Stop the server (SIGTERM, then SIGKILL after 15 s)."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@contextlib.contextmanager
def demo_server(database_url: str, workdir: Path) -> Iterator[tuple[Server, dict[str, str]]]:
    """The demo loaded into ``database_url`` (a migrated or empty store) and served; yields server and tokens.

    Loading the FTF records and starting the server both begin by loading rigour's name tables
    (tens of seconds each), so they overlap: the demo's users, collections, content, sensors
    and oversight data go in first (the server must find the sensors at start to run the live
    replay), this process loads its name tables while the server starts, and the 4,000 records
    are stored once the server answers. Storing them earlier would race the server's start-up
    recovery, which links records it finds unlinked. Unlike `intelcell demo`, the oversight
    figures therefore lack their screening hits, which these clients never read.
    """
    began = time.monotonic()
    cell = open_cell(Settings.from_env(environ={}, database_url=database_url))
    try:
        tokens = {issued.user.name: issued.token for issued in scenario.load(cell, persons_count=0)}
        port = free_port()
        log_path = workdir / "serve.log"
        server = Server(start_server(database_url, port, log_path), f"http://127.0.0.1:{port}", log_path, database_url)
        try:
            names.warm()
            wait_ready(server)
            _say(f"server answering after {time.monotonic() - began:.1f} s; storing the demo's FTF records")
            persons.load(cell)
            cell.db.dispose()
            _say(f"setup done after {time.monotonic() - began:.1f} s")
            yield server, tokens
        finally:
            stop_server(server)
    finally:
        cell.db.dispose()


def _say(text: str) -> None:
    """Progress on stderr (pytest shows it when a test fails)."""
    print(f"load test: {text}", file=sys.stderr, flush=True)


# -- what the clients send ---------------------------------------------------------------------


def screening_queries(count: int = 120) -> list[dict[str, Any]]:
    """Person queries: renderings of people the demo holds, people it does not, and hand-typed names."""
    held = list(generate(count, seed=persons.SEED, members=persons.MEMBERS))
    absent = list(generate(count // 2, seed=persons.SEED + 1, members=persons.MEMBERS))
    queries = []
    for record in [*held[::2], *absent[::2]]:
        props = record.entity["properties"]
        query: dict[str, list[str]] = {"name": props["name"][:1]}
        if props.get("birthDate"):
            query["birthDate"] = props["birthDate"][:1]
        queries.append(query)
    queries.extend({"name": [name], "birthDate": [born]} for name, born in EXTRA_NAMES)
    return queries


# -- measurements ------------------------------------------------------------------------------


@dataclass
class Stats:
    """Everything the clients and samplers observed."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    errors: Counter[str] = field(default_factory=Counter)
    feed_events: Counter[str] = field(default_factory=Counter)
    screened_with_matches: int = 0  # screening answers with a result or a hit: the index did real work
    rss: list[tuple[float, int]] = field(default_factory=list)  # (seconds since start, kB)
    loop_lag: list[float] = field(default_factory=list)

    def error(self, kind: str, what: str) -> None:
        """Count one failed request of ``kind``."""
        self.errors[f"{kind}: {what[:200]}"] += 1


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


class Run:
    """One load run against a server: the clients, the samplers, and what they recorded."""

    def __init__(self, server: Server, tokens: dict[str, str], config: Config) -> None:
        self.server = server
        self.tokens = tokens
        self.config = config
        self.stats = Stats()
        self.queries = screening_queries()
        self.collection_id = ""
        self.start = 0.0
        self.deadline = 0.0
        self.elapsed = 0.0

    def headers(self, index: int) -> dict[str, str]:
        """The Authorization header of client ``index``'s demo user."""
        return {"Authorization": f"Bearer {self.tokens[USERS[index % len(USERS)]]}"}

    def running(self) -> bool:
        """Whether the run's time is not yet up."""
        return time.monotonic() < self.deadline

    async def timed(self, kind: str, client: httpx.AsyncClient, method: str, url: str, **kw: Any) -> Any:
        """One request, timed from send to the last byte read; its JSON, or None on an error (counted)."""
        began = time.monotonic()
        try:
            response = await client.request(method, url, **kw)
        except httpx.HTTPError as exc:
            self.stats.error(kind, f"{type(exc).__name__}: {exc}")
            return None
        elapsed = time.monotonic() - began
        if not 200 <= response.status_code < 300:
            self.stats.error(kind, f"HTTP {response.status_code} {response.text[:120]}")
            return None
        self.stats.latencies[kind].append(elapsed)
        return response.json()

    async def walk(self, kind: str, client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> None:
        """Read every page of a TAXII endpoint through ``next``."""
        params: dict[str, Any] = {"limit": self.config.page_limit}
        while True:
            page = await self.timed(kind, client, "GET", path, params=params, headers=headers)
            if page is None or not page.get("more"):
                return
            params = {"limit": self.config.page_limit, "next": page["next"]}

    async def taxii_client(self, index: int) -> None:
        """Poll the coalition collection: all objects, then the manifest, again and again."""
        headers = {**self.headers(index), "Accept": TAXII_ACCEPT}
        base = f"/taxii2/cell/collections/{self.collection_id}"
        async with self.client() as client:
            while self.running():
                await self.walk("taxii_objects", client, f"{base}/objects/", headers)
                if self.running():
                    await self.walk("taxii_manifest", client, f"{base}/manifest/", headers)

    async def screen_client(self, index: int) -> None:
        """Screen one person per request, cycling through the queries from an offset of its own."""
        headers = self.headers(index)
        position = index * 7
        async with self.client() as client:
            while self.running():
                query = self.queries[position % len(self.queries)]
                position += 1
                body = {"queries": {"q": {"schema": "Person", "properties": query}}}
                answer = await self.timed("screen", client, "POST", "/api/v1/match", json=body, headers=headers)
                if answer is not None and (answer["responses"]["q"]["results"] or answer["responses"]["q"]["hits"]):
                    self.stats.screened_with_matches += 1

    async def feed_client(self, index: int) -> None:
        """Hold the air-picture stream ``feed_seconds`` at a time, reconnecting until the run ends."""
        headers = self.headers(index)
        async with self.client() as client:
            while (remaining := self.deadline - time.monotonic()) >= 1:
                seconds = max(1, min(self.config.feed_seconds, int(remaining)))
                try:
                    # The server ends the stream after ``seconds``; a stream that outlives that is an error.
                    await asyncio.wait_for(self.subscribe(client, headers, seconds), seconds + 15)
                except TimeoutError:
                    self.stats.error("feed_connect", f"stream of {seconds} s did not end")
                except httpx.HTTPError as exc:
                    self.stats.error("feed_connect", f"{type(exc).__name__}: {exc}")

    async def subscribe(self, client: httpx.AsyncClient, headers: dict[str, str], seconds: int) -> None:
        """One stream: time to its snapshot, then count its events until the server ends it."""
        began = time.monotonic()
        params = {"seconds": seconds}
        async with client.stream("GET", "/api/v1/airpicture/stream", params=params, headers=headers) as response:
            if response.status_code != 200:
                await response.aread()
                self.stats.error("feed_connect", f"HTTP {response.status_code} {response.text[:120]}")
                await asyncio.sleep(1)
                return
            async for line in response.aiter_lines():
                if not line.startswith("event:"):
                    continue
                kind = line.removeprefix("event:").strip()
                if kind == "snapshot":
                    self.stats.latencies["feed_connect"].append(time.monotonic() - began)
                self.stats.feed_events[kind] += 1

    def client(self) -> httpx.AsyncClient:
        """One client's own connection to the server (keep-alive)."""
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        timeout = httpx.Timeout(self.config.timeout_s, connect=10.0)
        return httpx.AsyncClient(base_url=self.server.base_url, limits=limits, timeout=timeout)

    async def sample_rss(self) -> None:
        """Record the server's RSS every ``sample_s`` while the run lasts, and once at its end."""
        while True:
            rss = self.server.rss_kb()
            if rss is not None:
                self.stats.rss.append((time.monotonic() - self.start, rss))
            if not self.running():
                return
            await asyncio.sleep(min(self.config.sample_s, max(0.0, self.deadline - time.monotonic())))

    async def sample_loop_lag(self) -> None:
        """How late this process's event loop wakes: large lags would inflate the measured latencies."""
        while self.running():
            planned = time.monotonic() + 0.1
            await asyncio.sleep(0.1)
            self.stats.loop_lag.append(max(0.0, time.monotonic() - planned))

    async def find_collection(self) -> str:
        """The id of the demo's coalition collection."""
        async with self.client() as client:
            response = await client.get(
                "/taxii2/cell/collections/", headers={**self.headers(0), "Accept": TAXII_ACCEPT}
            )
            response.raise_for_status()
            return next(c["id"] for c in response.json()["collections"] if c.get("alias") == "coalition")

    async def run(self) -> None:
        """Run every client and sampler until the deadline, then wait for their last requests."""
        self.collection_id = await self.find_collection()
        self.start = time.monotonic()
        self.deadline = self.start + self.config.seconds
        workers = {"taxii": self.taxii_client, "screen": self.screen_client, "feed": self.feed_client}
        tasks = [workers[role](i) for i, role in enumerate(self.config.roles())]
        await asyncio.gather(*tasks, self.sample_rss(), self.sample_loop_lag())
        self.elapsed = time.monotonic() - self.start


def run_load(server: Server, tokens: dict[str, str], config: Config) -> dict[str, Any]:
    """Run the load and return its summary (see ``summarise``)."""
    run = Run(server, tokens, config)
    cpu = time.process_time()
    # A loop of its own in a thread of its own: under pytest, Playwright's sync API may already
    # run an event loop in this thread, and asyncio.run refuses to nest.
    with concurrent.futures.ThreadPoolExecutor(1) as worker:
        worker.submit(asyncio.run, run.run()).result()
    return summarise(run, time.process_time() - cpu)


# -- the summary -------------------------------------------------------------------------------


def memory(stats: Stats, config: Config) -> dict[str, Any]:
    """RSS at the end of warm-up and at the end of the run, the growth and whether it is within the threshold."""
    if not stats.rss:
        return {"ok": False, "reason": "no RSS sample"}
    warm_at = config.warmup_fraction * config.seconds
    warm_t, warm_kb = next(((t, kb) for t, kb in stats.rss if t >= warm_at), stats.rss[-1])
    end_t, end_kb = stats.rss[-1]
    growth_mb = (end_kb - warm_kb) / 1024
    threshold_mb = max(config.growth_floor_mb, config.growth_fraction * warm_kb / 1024)
    return {
        "first_mb": round(stats.rss[0][1] / 1024, 1),
        "warm_at_s": round(warm_t, 1),
        "warm_mb": round(warm_kb / 1024, 1),
        "end_at_s": round(end_t, 1),
        "end_mb": round(end_kb / 1024, 1),
        "max_mb": round(max(kb for _, kb in stats.rss) / 1024, 1),
        "growth_mb": round(growth_mb, 1),
        "threshold_mb": round(threshold_mb, 1),
        "samples": [(round(t, 1), round(kb / 1024, 1)) for t, kb in stats.rss],
        "ok": growth_mb <= threshold_mb,
    }


def summarise(run: Run, client_cpu_s: float) -> dict[str, Any]:
    """The run's figures: per kind count, rate, p50, p99 and max latency; errors; feed events; memory."""
    stats, elapsed = run.stats, run.elapsed
    kinds = {}
    for kind, values in stats.latencies.items():
        kinds[kind] = {
            "requests": len(values),
            "per_s": round(len(values) / elapsed, 2),
            "p50_ms": round(percentile(values, 50) * 1000, 1),
            "p99_ms": round(percentile(values, 99) * 1000, 1),
            "max_ms": round(max(values, default=0.0) * 1000, 1),
        }
    requests = sum(k["requests"] for k in kinds.values())
    roles = Counter(run.config.roles())
    return {
        "clients": run.config.clients,
        "roles": dict(roles),
        "seconds": round(elapsed, 1),
        "store": run.server.database_url.split(":", 1)[0],
        "kinds": kinds,
        "requests": requests,
        "throughput_per_s": round(requests / elapsed, 2),
        "errors": sum(stats.errors.values()),
        "error_kinds": dict(stats.errors.most_common(20)),
        "feed_events": dict(stats.feed_events),
        "screened_with_matches": stats.screened_with_matches,
        "memory": memory(stats, run.config),
        "client_cpu_share": round(client_cpu_s / elapsed, 3),
        "loop_lag_p99_ms": round(percentile(stats.loop_lag, 99) * 1000, 1),
    }


def report(summary: dict[str, Any]) -> str:
    """The summary as a few lines of text."""
    roles = summary["roles"]
    lines = [
        f"intelcell load test: {summary['clients']} clients ({roles.get('taxii', 0)} TAXII pollers, "
        f"{roles.get('screen', 0)} screeners, {roles.get('feed', 0)} feed subscribers) for "
        f"{summary['seconds']} s on {summary['store']}, loopback",
        f"{'kind':<16}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}",
    ]
    for kind, k in summary["kinds"].items():
        lines.append(
            f"{kind:<16}{k['requests']:>10}{k['per_s']:>9.1f}{k['p50_ms']:>9.1f}{k['p99_ms']:>9.1f}{k['max_ms']:>9.1f}"
        )
    lines.append(f"{'all':<16}{summary['requests']:>10}{summary['throughput_per_s']:>9.1f}")
    lines.append(f"screening answers with a result or a hit: {summary['screened_with_matches']}")
    events = summary["feed_events"]
    lines.append(
        f"feed events received: {sum(events.values())} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(events.items())) or 'none'})"
    )
    mem = summary["memory"]
    if "warm_mb" in mem:
        lines.append(
            f"server RSS: {mem['first_mb']} MB at start, {mem['warm_mb']} MB after warm-up (t={mem['warm_at_s']} s), "
            f"{mem['end_mb']} MB at the end (t={mem['end_at_s']} s), max {mem['max_mb']} MB; growth "
            f"{mem['growth_mb']:+} MB, threshold {mem['threshold_mb']} MB: {'ok' if mem['ok'] else 'GROWTH'}"
        )
    else:
        lines.append(f"server RSS: {mem['reason']}")
    lines.append(
        f"client process: {summary['client_cpu_share'] * 100:.0f}% of one core, "
        f"event-loop lag p99 {summary['loop_lag_p99_ms']} ms"
    )
    lines.append(f"errors: {summary['errors']}")
    lines.extend(f"  {count} x {what}" for what, count in summary["error_kinds"].items())
    return "\n".join(lines)
