"""The action plan: items with an owner, targets that name a measure, a status and a deadline.

"We will adopt an action plan to enhance NATO's contributions" (issue 6): each item says who owns
it, what it should achieve in measurable terms (targets over contribution kinds), by when, and
where it stands; evidence links point at what shows progress (URLs or STIX ids).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from intelcell.domain.oversight.contribution import ContributionError, check_value, kind

#: Lifecycle, in the order a dashboard lists them.
STATUSES = ("planned", "in_progress", "at_risk", "achieved", "cancelled")
CLOSED = frozenset({"achieved", "cancelled"})
MAX_TITLE = 200
MAX_TEXT = 4000
MAX_TARGETS = 20
MAX_EVIDENCE = 50
_EVIDENCE = re.compile(r"^(https?://\S{1,2000}|[a-z][a-z0-9-]{0,62}--[0-9a-f-]{36})$")


class PlanError(ValueError):
    """An action-plan item that is not valid; the message is the reason for the user."""


class UnknownMember(PlanError):
    """A target names a member the registry does not know."""


@dataclass(frozen=True)
class Target:
    """What an item should achieve: ``value`` of a measure, for one member or (None) all together."""

    measure: str
    value: float
    member: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The target as the API shows it."""
        return {"measure": self.measure, "value": self.value, "member": self.member}


def target(data: Mapping[str, Any], members: Iterable[str]) -> Target:
    """A validated target from its JSON form; raise PlanError (a target must name a measure)."""
    if not isinstance(data, Mapping):
        raise PlanError("a target is an object with a measure and a value")
    measure = data.get("measure")
    if not isinstance(measure, str) or not measure.strip():
        raise PlanError("a target must name a measure (one of the contribution kinds)")
    unknown = set(data) - {"measure", "value", "member"}
    if unknown:
        raise PlanError(f"a target has no field {sorted(unknown)[0]!r}")
    try:
        k = kind(measure.strip())
        value = check_value(k, data.get("value"), f"target for {k.code}")  # type: ignore[arg-type]
    except ContributionError as exc:
        raise PlanError(str(exc)) from None
    member = data.get("member")
    if member is not None and (not isinstance(member, str) or member not in set(members)):
        raise UnknownMember(f"target names an unknown member {member!r}")
    return Target(k.code, value, member)


def status(text: str) -> str:
    """A validated status; raise PlanError naming the allowed ones."""
    if text not in STATUSES:
        raise PlanError(f"status must be one of {', '.join(STATUSES)}")
    return text


def evidence(links: Iterable[str]) -> tuple[str, ...]:
    """Validated evidence links (http(s) URLs or STIX ids), duplicates dropped; raise PlanError."""
    out = []
    for link in links:
        if not isinstance(link, str) or not _EVIDENCE.match(link):
            raise PlanError(f"evidence {str(link)[:80]!r} is neither an http(s) URL nor a STIX id")
        out.append(link)
    if len(out) > MAX_EVIDENCE:
        raise PlanError(f"at most {MAX_EVIDENCE} evidence links")
    return tuple(dict.fromkeys(out))


def overdue(item_status: str, deadline: date | None, today: date) -> bool:
    """An item is overdue when its deadline has passed and it is neither achieved nor cancelled."""
    return deadline is not None and today > deadline and item_status not in CLOSED


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The names of the fields whose values differ, sorted: the summary line of a history entry."""
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
