"""The summary's label: the dominant label of what it counts, and the viewer's own national label when none exists."""

from __future__ import annotations

from intelcell.cell import Cell
from intelcell.oversight.summary import summary_label


def test_the_summary_label_is_the_dominant_label_of_what_it_counts(cell: Cell, make_user, label) -> None:  # type: ignore[no-untyped-def]
    viewer, _ = make_user("FRA", "NATO SECRET")
    counted = [label("NATO CONFIDENTIAL // REL TO COALITION // TLP:GREEN"), label("NATO SECRET // REL TO NATO")]
    assert summary_label(cell, viewer, counted).text() == "NATO SECRET // TLP:GREEN"
    assert summary_label(cell, viewer, []).text() == "NATO UNCLASSIFIED"


def test_labels_a_viewer_reads_only_as_originator_give_its_own_national_label(cell: Cell, make_user, label) -> None:  # type: ignore[no-untyped-def]
    viewer, _ = make_user("JOR", "NATO SECRET")
    # JOR reads both as their originator; together they are releasable to no nation at all.
    counted = [label("NATO CONFIDENTIAL // REL TO USA"), label("NATO SECRET // REL TO FRA // ORCON")]
    assert summary_label(cell, viewer, counted).text() == "JOR SECRET // ORCON"
