"""Decoding speed of the air picture's ingest codecs: ASTERIX plots/s, Mode S messages/s.

Run from the repository root: ``.venv/bin/python bench/asterix_speed.py``. Messages are built
with the test suite's builders (libasterix's encoder for ASTERIX, encoders written from the
standard for Mode S), then decoded in one call each, timed on one core, best of three.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intelcell.airpicture import asterix, modes  # noqa: E402
from tests.airpicture.test_asterix import DAY, SENSORS, adsb_report, datablock, radar_report, track  # noqa: E402
from tests.airpicture.test_modes import SCHIPHOL, identification, identity_reply, position, squitter  # noqa: E402

VELOCITY_ME = int("8D485020994409940838175B284F"[8:22], 16)  # the 1090 MHz Riddle's TC19 frame


def best_of(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    """Shortest wall time of ``runs`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def asterix_feed(kind: str, plots: int, per_block: int, rng: random.Random) -> bytes:
    """``plots`` CAT048 or CAT021 reports of 200 aircraft, ``per_block`` records a datablock."""
    blocks = []
    for start in range(0, plots, per_block):
        records = []
        for n in range(start, min(start + per_block, plots)):
            if kind == "cat048":
                records.append(
                    radar_report(
                        tod=3_600.0 + n / 50,
                        rho_nm=rng.uniform(5, 200),
                        theta=rng.uniform(0, 360),
                        fl=rng.uniform(50, 400),
                        address=0x400000 + n % 200,
                        callsign=f"NATO{n % 200:03d}",
                    )
                )
            else:
                records.append(
                    adsb_report(
                        tod=3_600.0 + n / 50,
                        lat=rng.uniform(35, 38),
                        lon=rng.uniform(38, 46),
                        address=0x400000 + n % 200,
                        callsign=f"NATO{n % 200:03d}",
                    )
                )
        blocks.append(datablock(asterix.CAT048 if kind == "cat048" else asterix.CAT021, *records))
    return b"".join(blocks)


def modes_feed(aircraft: int, seconds: int, rng: random.Random) -> list[str]:
    """A receiver's lines: per aircraft and second two positions, a velocity, two identity replies, and
    an identification every five seconds (roughly the mix a ground receiver hears)."""
    state = [(0x400000 + a, rng.uniform(51.0, 53.5), rng.uniform(3.0, 6.5)) for a in range(aircraft)]
    lines = []
    for second in range(seconds):
        for index, (icao, lat, lon) in enumerate(state):
            t = 1_700_000_000.0 + second + index / aircraft
            lat, lon = lat + 0.001, lon + 0.0015
            state[index] = (icao, lat, lon)
            lines.append(f"{t:.3f},{position(icao, lat, lon, 33_000, odd=False)}")
            lines.append(f"{t + 0.5:.3f},{position(icao, lat, lon, 33_000, odd=True)}")
            lines.append(f"{t + 0.2:.3f},{squitter(icao, VELOCITY_ME)}")
            lines.append(f"{t + 0.3:.3f},{identity_reply(icao, '1000')}")
            lines.append(f"{t + 0.7:.3f},{identity_reply(icao, '1000')}")
            if second % 5 == 0:
                lines.append(f"{t + 0.9:.3f},{identification(icao, f'KLM{index:04d}')}")
    return lines


def main() -> None:
    """Print plots/s for CAT048, CAT021 and CAT062 and messages/s for Mode S."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", type=int, default=20_000, help="ASTERIX reports per category")
    parser.add_argument("--aircraft", type=int, default=300, help="aircraft heard by the Mode S receiver")
    parser.add_argument("--seconds", type=int, default=30, help="seconds of Mode S traffic")
    args = parser.parse_args()
    rng = random.Random(5)

    print(f"{'codec':<34}{'items':>9}{'seconds':>10}{'per second':>13}")
    for kind in ("cat048", "cat021"):
        data = asterix_feed(kind, args.plots, 100, rng)
        elapsed, result = best_of(3, lambda data=data: asterix.decode(data, SENSORS, day_start=DAY))
        assert isinstance(result, asterix.Decoded) and len(result.plots) == args.plots, result.errors[:3]
        print(f"{kind + ' decode (plots)':<34}{args.plots:>9}{elapsed:>10.3f}{args.plots / elapsed:>13,.0f}")

    tracks = [track(n % 65_535 + 1, lat=35 + rng.random(), lon=43 + rng.random()) for n in range(args.plots)]
    elapsed, data = best_of(3, lambda: asterix.encode_cat062(tracks, sac=7, sic=9, day_start=DAY))
    print(f"{'cat062 encode (tracks)':<34}{len(tracks):>9}{elapsed:>10.3f}{len(tracks) / elapsed:>13,.0f}")
    assert isinstance(data, bytes)
    elapsed, result = best_of(3, lambda: asterix.decode(data, SENSORS, day_start=DAY))
    assert isinstance(result, asterix.Decoded) and len(result.plots) == len(tracks)
    print(f"{'cat062 decode (plots)':<34}{len(tracks):>9}{elapsed:>10.3f}{len(tracks) / elapsed:>13,.0f}")

    lines = modes_feed(args.aircraft, args.seconds, rng)
    elapsed, result = best_of(3, lambda: modes.decode_lines(lines, SCHIPHOL))
    assert isinstance(result, asterix.Decoded) and not result.errors, result.errors[:3]
    print(f"{'mode s decode (messages)':<34}{len(lines):>9}{elapsed:>10.3f}{len(lines) / elapsed:>13,.0f}")
    print(f"{'  of which plots':<34}{len(result.plots):>9}{elapsed:>10.3f}{len(result.plots) / elapsed:>13,.0f}")


if __name__ == "__main__":
    main()
