"""Portion labels: parts of an object under a stricter label than the object (STIX granular markings).

A reader who may not read a portion gets the object without it, never the value. Portions are
named by STIX 2.1 granular-marking selectors (``description``, ``external_references.[0].url``,
section 7.2.3.1 of the STIX 2.1 specification).
"""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Callable, Mapping
from typing import Any

from intelcell.domain.label import Label

#: A list index; at most 18 digits, which int() always takes (no list is longer anyway).
_INDEX = re.compile(r"^\[(\d{1,18})\]$")

Step = str | int


class SelectorError(ValueError):
    """A granular-marking selector that is malformed or names nothing in the object."""


def parse_selector(selector: str) -> list[Step]:
    """Split a STIX selector into property names and list indexes."""
    if not isinstance(selector, str):
        raise SelectorError(f"a selector must be a string, not {type(selector).__name__}")
    if not selector or selector.startswith(".") or selector.endswith("."):
        raise SelectorError(f"malformed selector '{selector}'")
    steps: list[Step] = []
    for part in selector.split("."):
        match = _INDEX.match(part)
        if match:
            steps.append(int(match.group(1)))
        elif part and "[" not in part and "]" not in part:
            steps.append(part)
        else:
            raise SelectorError(f"malformed selector '{selector}'")
    if isinstance(steps[0], int):
        raise SelectorError(f"selector '{selector}' must start with a property name")
    return steps


def check_selector(obj: Mapping[str, Any], selector: str) -> None:
    """Raise SelectorError unless ``selector`` names a value present in ``obj``."""
    node: Any = obj
    for step in parse_selector(selector):
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                raise SelectorError(f"selector '{selector}' names no value in the object")
        elif not isinstance(node, Mapping) or step not in node:
            raise SelectorError(f"selector '{selector}' names no value in the object")
        node = node[step]


def redact(obj: Mapping[str, Any], portions: Mapping[str, Label], may_read: Callable[[Label], bool]) -> dict[str, Any]:
    """Return a copy of ``obj`` without every portion whose label ``may_read`` refuses."""
    hidden = [parse_selector(s) for s, label in portions.items() if not may_read(label)]
    out = copy.deepcopy(dict(obj))
    # Delete deepest and highest list index first so earlier deletions don't shift later ones.
    for steps in sorted(hidden, key=_deletion_order, reverse=True):
        _delete(out, steps)
    return out


def withhold(obj: Mapping[str, Any], hidden: set[str]) -> dict[str, Any]:
    """``obj`` as served to a reader who may not read the ``hidden`` selectors.

    A hidden list element hides its whole list, so no remaining selector is shifted onto the wrong
    element and no gap betrays that something was there; selectors that name a removed property
    go with it, the markings of the portions still there stay.
    """
    if not hidden:
        return dict(obj)
    roots = {selector.split(".[", 1)[0] for selector in hidden}
    body = redact(obj, dict.fromkeys(roots), lambda _label: False)  # type: ignore[arg-type]

    def removed(selector: str) -> bool:
        return any(selector == root or selector.startswith((root + ".", root + ".[")) for root in roots)

    # Selector by selector: a marking that also names a visible portion must keep naming it, or
    # that portion would travel on (TAXII, federation) under the object's weaker label.
    granular = []
    for group in body.get("granular_markings", []):
        kept = [s for s in group.get("selectors", []) if not removed(s)]
        if kept:
            granular.append({**group, "selectors": kept})
    if granular:
        body["granular_markings"] = granular
    else:
        body.pop("granular_markings", None)
    return body


def _deletion_order(steps: list[Step]) -> tuple[Any, ...]:
    return tuple((1, s) if isinstance(s, int) else (0, s) for s in steps)


def _delete(node: Any, steps: list[Step]) -> None:
    for step in steps[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return  # already removed with an enclosing portion
    last = steps[-1]
    with contextlib.suppress(KeyError, IndexError, TypeError):
        del node[last]
