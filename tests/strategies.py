"""Hypothesis strategies for labels, viewers and originators over the real registry."""

from __future__ import annotations

from hypothesis import strategies as st

from intelcell.domain.label import TLP_LEVELS, Label, scale
from intelcell.domain.policy import Clearance, Viewer
from tests.helpers import cell_data

# A handful of members and communities that overlap in interesting ways.
MEMBERS = ("FRA", "DEU", "USA", "TUR", "BEL", "IRQ", "JOR", "NATO", "EU", "AUS")
COMMUNITIES = ("NATO", "COALITION", "LEVANT")
POLICIES = ("NATO", "FRA", "USA", "IRQ", "JOR")


@st.composite
def labels(draw: st.DrawFn) -> Label:
    """Any valid label over the sample members."""
    vocabulary = cell_data().vocabulary
    policy = draw(st.sampled_from(POLICIES))
    level = draw(st.integers(0, 4))
    rel = draw(st.frozensets(st.sampled_from(MEMBERS + COMMUNITIES), max_size=4))
    restrictive = draw(st.frozensets(st.sampled_from(sorted(vocabulary.restrictive_caveats)), max_size=2))
    handling = draw(st.frozensets(st.sampled_from(sorted(vocabulary.handling_caveats)), max_size=1))
    tlp_choices = TLP_LEVELS if level == 0 else TLP_LEVELS[1:]
    tlp = draw(st.none() | st.sampled_from(tlp_choices))
    return Label(policy, scale(policy)[level], rel, restrictive, handling, tlp)


@st.composite
def viewers(draw: st.DrawFn) -> Viewer:
    """Any viewer of a sample member."""
    vocabulary = cell_data().vocabulary
    caveats = draw(st.frozensets(st.sampled_from(sorted(vocabulary.restrictive_caveats)), max_size=3))
    return Viewer(draw(st.sampled_from(MEMBERS)), Clearance(draw(st.integers(0, 4)), caveats))


originators = st.sampled_from(MEMBERS)
