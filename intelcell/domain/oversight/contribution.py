"""Contribution kinds, their units and how a figure is validated and combined.

Manual kinds are reported by members with provenance (AWACS, air-to-air refuelling, training);
computed kinds are derived from the cell's own data (``intelcell/oversight/computed.py``) and
can never be entered by hand, so a figure always says where it comes from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


class ContributionError(ValueError):
    """A contribution figure that is not valid; the message is the reason for the user."""


@dataclass(frozen=True)
class Kind:
    """A measure of contribution: its code, unit, whether it is entered or computed, how it aggregates."""

    code: str
    title: str
    unit: str
    manual: bool
    integral: bool = False
    #: "sum" adds across members and months; "median" does not add (a response time).
    combine: str = "sum"
    #: Whether more is better (a target is a floor) or less is (a target is a ceiling).
    higher_is_better: bool = True


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("awacs_flight_hours", "AWACS flight hours", "hours", manual=True),
        Kind("awacs_missions", "AWACS missions", "missions", manual=True, integral=True),
        Kind("awacs_time_on_station_hours", "AWACS time on station", "hours", manual=True),
        Kind("aar_sorties", "Air-to-air refuelling sorties", "sorties", manual=True, integral=True),
        Kind("aar_fuel_offloaded_t", "Fuel offloaded", "tonnes", manual=True),
        Kind("trainees_trained", "Trainees trained", "people", manual=True, integral=True),
        Kind("objects_shared", "Intelligence objects shared", "objects", manual=False, integral=True),
        Kind("rfis_answered", "RFIs answered", "RFIs", manual=False, integral=True),
        Kind(
            "rfi_median_response_hours",
            "Median RFI response time",
            "hours",
            manual=False,
            combine="median",
            higher_is_better=False,
        ),
        Kind("ftf_records", "FTF records contributed", "records", manual=False, integral=True),
        Kind("screening_hits", "Screening hits provided", "hits", manual=False, integral=True),
        Kind("air_picture_hours", "Air-picture hours provided", "hours", manual=False, integral=True),
    )
}
MANUAL_KINDS = tuple(code for code, k in KINDS.items() if k.manual)
COMPUTED_KINDS = tuple(code for code, k in KINDS.items() if not k.manual)
#: An upper bound that catches typing slips (hours in seconds) without limiting real use.
MAX_VALUE = 10_000_000


def kind(code: str) -> Kind:
    """The kind with this code; raise ContributionError naming the known ones."""
    try:
        return KINDS[code]
    except KeyError:
        raise ContributionError(f"unknown measure '{code}': expected one of {', '.join(KINDS)}") from None


def manual_value(code: str, value: float) -> float:
    """Validate a manually entered figure of kind ``code``; raise ContributionError."""
    k = kind(code)
    if not k.manual:
        raise ContributionError(f"'{code}' is computed from the cell's data and cannot be entered by hand")
    return check_value(k, value, "value")


def check_value(k: Kind, value: float, what: str) -> float:
    """A finite, non-negative figure within bounds, whole when the unit is counted; raise ContributionError."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ContributionError(f"{what} must be a finite number of {k.unit}")
    if value < 0:
        raise ContributionError(f"{what} must not be negative: {value:g} {k.unit} of {k.title.lower()}")
    if value > MAX_VALUE:
        raise ContributionError(f"{what} {value:g} is implausibly large for {k.title.lower()}")
    if k.integral and value != int(value):
        raise ContributionError(f"{what} must be a whole number of {k.unit}")
    return float(value)
