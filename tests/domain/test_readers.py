"""The picker's "who can read" agrees with the access rule, for every label, originator and viewer."""

from __future__ import annotations

import re

from hypothesis import given

from intelcell.domain.label import NATO_LEVELS, parse
from intelcell.domain.policy import Viewer, can_read
from intelcell.domain.readers import readers_of
from tests.helpers import cell_data
from tests.strategies import labels, originators, viewers


@given(label=labels(), originator=originators, viewer=viewers())
def test_the_readers_are_exactly_the_viewers_can_read_admits(label, originator: str, viewer: Viewer) -> None:  # type: ignore[no-untyped-def]
    registry = cell_data().registry
    readers = readers_of(label, originator, registry)
    described = (
        viewer.member in readers.members
        and viewer.clearance.text() in _levels_from(readers.clearance)
        and readers.caveats <= viewer.clearance.caveats
    )
    assert described == can_read(viewer, label, originator, registry)


def _levels_from(clearance: str) -> list[str]:
    """The clearance texts at or above ``clearance`` (the sentence's "or higher")."""
    levels = [f"NATO {level}" for level in NATO_LEVELS]
    return levels[levels.index(clearance) :]


@given(label=labels(), originator=originators)
def test_the_sentence_names_every_reader_member_and_no_other(label, originator: str) -> None:  # type: ignore[no-untyped-def]
    registry = cell_data().registry
    readers = readers_of(label, originator, registry)
    sentence = readers.sentence(registry)
    who = sentence.split(", cleared ")[0].removeprefix("Readable by users of ")
    codes = set(re.findall(r"\b[A-Z]{2,}\b", who))
    named_communities = set(re.findall(r"\b([A-Z]{2,}) \(\d+ members\)", who))
    covered = registry.expand(named_communities) | (codes - named_communities)
    assert covered == readers.members
    assert readers.clearance in sentence
    assert all(c in sentence for c in readers.caveats)
    assert ("ORCON" in sentence) == ("ORCON" in label.handling_caveats)


def test_examples_read_as_an_officer_would_say_them() -> None:
    data = cell_data()

    def say(text: str, originator: str) -> str:
        return readers_of(parse(text, data.vocabulary), originator, data.registry).sentence(data.registry)

    assert say("FRA CONFIDENTIAL // REL TO BEL, DEU", "FRA") == (
        "Readable by users of BEL, DEU and FRA, cleared NATO CONFIDENTIAL or higher."
    )
    assert say("FRA SECRET", "FRA") == "Readable by users of FRA only, cleared NATO SECRET or higher."
    assert say("NATO SECRET // REL TO COALITION // ORCON", "IRQ").startswith(
        f"Readable by users of COALITION ({len(data.registry.communities['COALITION'].members)} members), cleared"
    )
    assert "only IRQ may share it further" in say("NATO SECRET // REL TO COALITION // ORCON", "IRQ")
    assert say("NATO RESTRICTED // REL TO LEVANT // SIGINT, HUMINT // TLP:RED", "JOR").endswith(
        "holding HUMINT and SIGINT. TLP:RED: for the named readers only; not to be passed on."
    )
