"""Reports from the composer: checked, published through ingest, versioned, previewed as others see them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from intelcell.domain.label import parse
from intelcell.domain.policy import Viewer, can_read, parse_clearance
from intelcell.exchange import collections, reading, reports
from intelcell.exchange.reports import Draft, DraftError
from intelcell.store import users
from intelcell.store.schema import objects
from tests.taxii.conftest import Taxii, sdo

COALITION_SECRET = "NATO SECRET // REL TO COALITION"


@pytest.fixture
def bed(taxii: Taxii, make_user) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Two linkable objects (one readable by the coalition, one by USA and GBR only) and four users."""
    open_actor = taxii.labelled(sdo(name="Open actor"), "NATO RESTRICTED // REL TO COALITION")
    narrow_actor = taxii.labelled(sdo(name="Narrow actor"), "NATO SECRET // REL TO GBR, USA")
    taxii.add([open_actor, narrow_actor], define=True)
    with taxii.cell.db.read() as conn:
        collection = collections.get(conn, taxii.cell, taxii.rw)
    return {
        "collection": collection,
        "open": open_actor["id"],
        "narrow": narrow_actor["id"],
        "usa": make_user("USA", "NATO SECRET", name="usa.author")[0],
        "usa_low": make_user("USA", "NATO RESTRICTED", name="usa.low")[0],
        "fra": make_user("FRA", "NATO SECRET", name="fra.reader")[0],
        "gbr": make_user("GBR", "NATO SECRET", name="gbr.reader")[0],
    }


def _draft(bed: dict[str, Any], **changes: Any) -> Draft:
    base: dict[str, Any] = {
        "title": "Cell in Raqqa",
        "body": "# Summary\n\nThe cell **moved** south.",
        "links": (bed["open"],),
        "label": COALITION_SECRET,
    }
    return Draft(**{**base, **changes})


def _count(taxii: Taxii) -> int:
    with taxii.cell.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(objects)).scalar_one())


def _latest(taxii: Taxii, user: Any, stix_id: str) -> Any:
    with taxii.cell.db.read() as conn:
        return reading.latest(taxii.cell, conn, user, stix_id)


def test_a_published_report_is_stix_read_by_exactly_its_labels_readers(taxii: Taxii, bed: dict[str, Any]) -> None:
    published = reports.publish(taxii.cell, bed["usa"], bed["collection"], _draft(bed), "test")
    shown = _latest(taxii, bed["fra"], published.id)
    assert shown is not None and shown.label == COALITION_SECRET
    assert shown.body["name"] == "Cell in Raqqa" and shown.body["object_refs"] == [bed["open"]]
    assert shown.body["created"] == shown.body["modified"] == published.modified
    assert _latest(taxii, bed["usa_low"], published.id) is None  # RESTRICTED clearance: a SECRET report is absent


def test_a_link_some_readers_may_not_read_is_hidden_from_them_with_its_id(taxii: Taxii, bed: dict[str, Any]) -> None:
    draft = _draft(bed, links=(bed["open"], bed["narrow"]))
    published = reports.publish(taxii.cell, bed["usa"], bed["collection"], draft, "test")
    fra, gbr = _latest(taxii, bed["fra"], published.id), _latest(taxii, bed["gbr"], published.id)
    assert gbr.body["object_refs"] == [bed["open"], bed["narrow"]]
    # As for every list with a hidden element, the reader gets no list rather than one with a gap.
    assert "object_refs" not in fra.body and bed["narrow"] not in str(fra.body)
    assert fra.body["name"] == "Cell in Raqqa"


def test_portion_labels_hide_the_chosen_fields_from_readers_below_them(taxii: Taxii, bed: dict[str, Any]) -> None:
    draft = _draft(bed, keywords=("raqqa",), portions={"description": "NATO SECRET // REL TO GBR, USA"})
    published = reports.publish(taxii.cell, bed["usa"], bed["collection"], draft, "test")
    assert "description" not in _latest(taxii, bed["fra"], published.id).body
    assert _latest(taxii, bed["fra"], published.id).body["labels"] == ["raqqa"]
    assert _latest(taxii, bed["gbr"], published.id).body["description"].startswith("# Summary")


REFUSALS = [
    ({"label": "NATO COSMIC TOP SECRET"}, "label", "above what you may assign"),
    ({"label": "NATO SECRET // MADEUP"}, "label", ""),
    ({"portions": {"description": "NATO COSMIC TOP SECRET"}}, "portion:description", "above"),
    ({"portions": {"name": "NATO SECRET"}}, "portions", "name"),
    ({"title": "   "}, "title", "title"),
    ({"title": "x" * 301}, "title", "longer"),
    ({"links": ()}, "links", "at least one"),
    ({"links": ("not-an-id",)}, "links", "Not a STIX id"),
    ({"links": ("threat-actor--00000000-0000-4000-8000-000000000000",)}, "links", "No object you may link"),
    ({"report_types": ("gossip",)}, "report_types", "report type"),
    ({"sources": ("javascript:alert(1)",)}, "sources", "http(s)"),
]


@pytest.mark.parametrize(("changes", "field", "words"), REFUSALS)
def test_a_refused_draft_names_its_field_and_stores_nothing(
    taxii: Taxii, bed: dict[str, Any], changes: dict[str, Any], field: str, words: str
) -> None:
    before = _count(taxii)
    with pytest.raises(DraftError) as refused:
        reports.publish(taxii.cell, bed["usa"], bed["collection"], _draft(bed, **changes), "test")
    assert field in refused.value.errors and words in refused.value.errors[field]
    assert _count(taxii) == before


def test_linking_an_unreadable_object_is_refused_like_linking_a_missing_one(taxii: Taxii, bed: dict[str, Any]) -> None:
    missing = "threat-actor--00000000-0000-4000-8000-000000000000"
    answers = []
    for target in (bed["narrow"], missing):
        with pytest.raises(DraftError) as refused:
            reports.publish(taxii.cell, bed["fra"], bed["collection"], _draft(bed, links=(target,)), "test")
        answers.append(refused.value.errors["links"].replace(target, "ID"))
    assert answers[0] == answers[1]


def test_a_new_version_keeps_id_and_created_and_carries_its_change_note(taxii: Taxii, bed: dict[str, Any]) -> None:
    first = reports.publish(taxii.cell, bed["usa"], bed["collection"], _draft(bed), "test")
    taxii.cell.clock.advance(minutes=5)  # type: ignore[attr-defined]
    second = reports.revise(
        taxii.cell, bed["usa"], first.id, _draft(bed, title="Cell left Raqqa", change_note="Moved south"), "test"
    )
    assert second.id == first.id and second.modified > first.modified
    shown = _latest(taxii, bed["fra"], first.id)
    assert shown.body["name"] == "Cell left Raqqa" and shown.body["created"] == first.modified
    with taxii.cell.db.read() as conn:
        versions = reading.readable_versions(taxii.cell, conn, bed["fra"], first.id)
        notes = [r for r in reading.referring(taxii.cell, conn, bed["fra"], first.id) if r.version.type == "note"]
    assert len(versions) == 2
    assert [(n.body["content"], n.body["created"]) for n in notes] == [("Moved south", second.modified)]


def test_a_new_version_needs_a_change_note(taxii: Taxii, bed: dict[str, Any]) -> None:
    first = reports.publish(taxii.cell, bed["usa"], bed["collection"], _draft(bed), "test")
    with pytest.raises(DraftError) as refused:
        reports.revise(taxii.cell, bed["usa"], first.id, _draft(bed, title="Changed"), "test")
    assert "change_note" in refused.value.errors


def test_only_the_submitter_may_revise_and_every_other_reader_gets_the_same_answer(
    taxii: Taxii, bed: dict[str, Any], make_user
) -> None:  # type: ignore[no-untyped-def]
    draft = _draft(bed, label="NATO RESTRICTED // REL TO COALITION", portions={"description": COALITION_SECRET})
    first = reports.publish(taxii.cell, bed["usa"], bed["collection"], draft, "test")
    colleague, _token = make_user("USA", "NATO SECRET", name="usa.colleague")
    answers = []
    with taxii.cell.db.read() as conn:
        assert reports.editable(taxii.cell, conn, bed["usa"], first.id).version.stix_id == first.id
        # Another member; a colleague who sees it whole; a colleague a portion is hidden from.
        for user in (bed["fra"], colleague, bed["usa_low"]):
            with pytest.raises(reports.NotEditable) as refused:
                reports.editable(taxii.cell, conn, user, first.id)
            answers.append((refused.value.missing, str(refused.value)))
        with pytest.raises(reports.NotEditable) as nobody:
            reports.editable(taxii.cell, conn, bed["fra"], "report--00000000-0000-4000-8000-000000000000")
    assert answers == [(False, reports.REVISE_RULE)] * 3  # never says a part is above the reader
    assert nobody.value.missing


def test_a_report_with_portions_the_composer_cannot_carry_is_not_revised_here(
    taxii: Taxii, bed: dict[str, Any]
) -> None:
    secret = taxii.labelled({}, "NATO SECRET // REL TO USA")["object_marking_refs"][0]
    report = taxii.labelled(
        sdo(
            "report",
            name="From TAXII",
            object_refs=[bed["open"]],
            external_references=[
                {"source_name": "a", "url": "https://a.example/"},
                {"source_name": "b", "url": "https://b.example/"},
            ],
            granular_markings=[{"marking_ref": secret, "selectors": ["external_references.[1]"]}],
        ),
        COALITION_SECRET,
    )
    taxii.add([report], define=True)
    with taxii.cell.db.read() as conn:
        submitted_by = conn.execute(select(objects.c.submitted_by).where(objects.c.stix_id == report["id"])).scalar()
        submitter = users.get(conn, submitted_by)
        assert submitter is not None
        with pytest.raises(reports.NotEditable):  # the hidden source would be published at the report's label
            reports.editable(taxii.cell, conn, submitter, report["id"])


def test_a_link_is_labelled_with_what_naming_it_in_the_report_reveals(taxii: Taxii, bed: dict[str, Any]) -> None:
    with taxii.cell.db.read() as conn:
        checked = reports.check(taxii.cell, conn, bed["usa"], _draft(bed, links=(bed["open"], bed["narrow"])))
    # The open actor is RESTRICTED for the coalition; naming it in a SECRET report is SECRET.
    assert checked.link_labels[bed["open"]] == checked.label
    assert checked.link_labels[bed["narrow"]].text() == "NATO SECRET // REL TO GBR, USA"


def test_a_draft_in_html_is_stored_as_text_not_markup(taxii: Taxii, bed: dict[str, Any]) -> None:
    body = '<script>alert("x")</script>\n\n[click](javascript:alert(1)) **unclosed'
    published = reports.publish(taxii.cell, bed["usa"], bed["collection"], _draft(bed, body=body), "test")
    assert _latest(taxii, bed["fra"], published.id).body["description"] == body  # stored verbatim; rendering escapes


MEMBERS = ("USA", "FRA", "GBR", "IRQ", "TUR", "NATO", "AUS")
LABELS = (
    "NATO RESTRICTED // REL TO COALITION",
    COALITION_SECRET,
    "NATO SECRET // REL TO GBR, USA",
    "NATO CONFIDENTIAL",
    "NATO SECRET // REL TO AUS, GBR, USA",
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    member=st.sampled_from(MEMBERS),
    clearance=st.sampled_from(("NATO RESTRICTED", "NATO CONFIDENTIAL", "NATO SECRET")),
    label=st.sampled_from(LABELS),
    portion=st.sampled_from(("", *LABELS)),
)
def test_the_preview_is_what_a_user_of_that_member_is_then_served(
    taxii: Taxii, bed: dict[str, Any], make_user, member: str, clearance: str, label: str, portion: str
) -> None:  # type: ignore[no-untyped-def]
    draft = _draft(bed, label=label, links=(bed["open"], bed["narrow"]), portions={"description": portion})
    with taxii.cell.db.read() as conn:
        checked = reports.check(taxii.cell, conn, bed["usa"], draft)
    envelope = reports.envelope(checked, reports.new_id(), "2026-11-28T09:00:00.000Z", "2026-11-28T09:00:00.000Z")
    report_id = envelope[-1]["id"]
    viewer = Viewer(member, parse_clearance(clearance))
    previewed = reports.preview(envelope, "USA", viewer, taxii.cell)
    taxii.add(envelope)
    reader, _token = make_user(member, clearance, name=f"{member.lower()}.{clearance[5:].lower()}")
    served = _latest(taxii, reader, report_id)
    assert (previewed is None) == (served is None)
    if served is not None:
        assert previewed == served.body
        # And by the rule itself, not only by the shared code: the body is there iff its label allows.
        body_label = parse(portion or label, taxii.cell.vocabulary)
        assert ("description" in served.body) == can_read(viewer, body_label, "USA", taxii.cell.registry)
        if "description" in served.body and portion:
            marked = {s for g in served.body["granular_markings"] for s in g["selectors"]}
            assert "description" in marked  # a shown portion keeps its own label on the way out
