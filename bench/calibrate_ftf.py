"""Calibrate intelcell-ftf-v2's bias on synthetic labelled pairs, never on the evaluation sets.

Scores the labelled pairs of `intelcell.demo.fighters` (true renderings of one person by several
members, look-alikes and random pairs), then prints precision and recall at the algorithm's
threshold for shifts of the bias, and the precision the shipped bias reaches on a held-out seed.
Run: .venv/bin/python bench/calibrate_ftf.py [--records 6000]
"""

from __future__ import annotations

import argparse
import math

from intelcell.demo.fighters import generate, labelled_pairs
from intelcell.domain.matching import ftf_v2
from intelcell.domain.person import clean_properties, profile_of


def log_odds(seed: int, records: int) -> list[tuple[float, bool]]:
    """(log-odds of the shipped algorithm, same person) for the labelled pairs of one seed."""
    rows = []
    pairs = labelled_pairs(list(generate(records, seed=seed)), seed=seed)
    for a, b, same in pairs:
        score = ftf_v2.compare(
            profile_of(clean_properties(a["properties"])), profile_of(clean_properties(b["properties"]))
        ).score
        score = min(max(score, 1e-9), 1 - 1e-9)
        rows.append((math.log(score / (1 - score)), same))
    return rows


def figures(rows: list[tuple[float, bool]], shift: float) -> tuple[float, float, float]:
    """Precision, recall and F1 at the threshold with the bias moved by ``shift``."""
    cut = math.log(ftf_v2.THRESHOLD / (1 - ftf_v2.THRESHOLD))
    tp = sum(1 for z, same in rows if same and z + shift >= cut)
    fp = sum(1 for z, same in rows if not same and z + shift >= cut)
    fn = sum(1 for _z, same in rows if same) - tp
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    """Print the calibration table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=6000)
    args = parser.parse_args()
    fit = log_odds(11, args.records)
    print(f"calibration seed 11: {len(fit)} pairs ({sum(s for _, s in fit)} same person)")
    print(" bias shift   precision  recall   F1")
    for shift in (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5):
        p, r, f1 = figures(fit, shift)
        print(f"  {shift:+5.1f}      {p:7.4f}  {r:7.4f}  {f1:6.4f}")
    held = log_odds(23, args.records)
    p, r, f1 = figures(held, 0.0)
    print(f"held-out seed 23, shipped bias {ftf_v2.BIAS}, threshold {ftf_v2.THRESHOLD}:")
    print(f"  precision {p:.4f} recall {r:.4f} F1 {f1:.4f}")


if __name__ == "__main__":
    main()
