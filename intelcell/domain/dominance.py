"""The dominant label of combined information (DESIGN.md section 2).

When information is combined (an aggregate report, a fused track, a resolved person) the result
carries the highest classification, the intersection of releasability, the union of caveats and
the most restrictive TLP of its inputs.
"""

from __future__ import annotations

from collections.abc import Iterable

from intelcell.domain.label import NATO_POLICY, Label, scale
from intelcell.domain.policy import releasability
from intelcell.domain.registry import Registry


class NoCommonReleasability(ValueError):
    """The inputs share no member they may all be released to, so they cannot be combined."""


def dominant(labels: Iterable[Label], registry: Registry) -> Label:
    """Return the dominant label of ``labels``; raise NoCommonReleasability when none exists."""
    inputs = list(labels)
    if not inputs:
        raise ValueError("dominant() needs at least one label")
    common = frozenset.intersection(*(releasability(label, registry) for label in inputs))
    level = max(label.level for label in inputs)
    tlp = max(inputs, key=lambda label: label.tlp_rank).tlp
    restrictive = frozenset().union(*(label.restrictive_caveats for label in inputs))
    handling = frozenset().union(*(label.handling_caveats for label in inputs))
    policies = {label.policy for label in inputs}
    for policy in _policy_candidates(policies, common):
        releasable_to = _releasable_to(policy, common, registry)
        if releasable_to is not None:
            return Label(policy, scale(policy)[level], releasable_to, restrictive, handling, tlp)
    raise NoCommonReleasability(
        "the labels share no releasability that one label can express: "
        + "; ".join(sorted(label.text() for label in inputs))
    )


def _policy_candidates(policies: set[str], common: frozenset[str]) -> list[str]:
    # The inputs' own policy when they agree, else NATO (the cell's policy), else a member that
    # every input releases to: its national label then expresses exactly the common set.
    preferred = sorted(policies) if len(policies) == 1 else []
    ordered = [*preferred, NATO_POLICY, *sorted(common)]
    return [p for p in dict.fromkeys(ordered) if p in common]


def _releasable_to(policy: str, common: frozenset[str], registry: Registry) -> frozenset[str] | None:
    """REL TO codes whose releasability under ``policy`` is exactly ``common``, or None."""
    empty = Label(policy, scale(policy)[0])
    if releasability(empty, registry) == common:
        return frozenset()
    # Whole communities first; dropping the policy's owner helps when it would only stand alone.
    for codes in (registry.compress(common), registry.compress(common - {policy})):
        candidate = Label(policy, scale(policy)[0], codes)
        if codes and releasability(candidate, registry) == common:
            return codes
    return None
