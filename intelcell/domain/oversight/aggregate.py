"""Aggregation of figures: sums over members and months, medians of response times, gaps to targets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from intelcell.domain.oversight.contribution import Kind


def median(values: Iterable[float]) -> float | None:
    """The median of ``values`` (mean of the middle two for an even count); None when there are none."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def total(values: Iterable[float]) -> float:
    """The sum of ``values``, exact for whole numbers (figures are counts and hours)."""
    return float(sum(values))


def combine(k: Kind, per_member: Mapping[str, float | None], samples: Iterable[float] = ()) -> float | None:
    """One figure for several members: a sum, or for a median kind the median of the pooled samples.

    A median of medians is not a median, so median kinds are combined from their samples.
    """
    if k.combine == "median":
        return median(samples)
    present = [v for v in per_member.values() if v is not None]
    return total(present) if present else 0.0


def gap(k: Kind, target: float, actual: float | None) -> float:
    """How far ``actual`` falls short of ``target`` (0 when met); for a ceiling, how far above it is."""
    if actual is None:
        # Nothing measured: a floor is wholly unmet; a ceiling cannot be judged and is not a gap.
        return target if k.higher_is_better else 0.0
    shortfall = target - actual if k.higher_is_better else actual - target
    return max(0.0, shortfall)
