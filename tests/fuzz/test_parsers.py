"""Fuzzing the parsers of outside input (issue 8, item 3): labels, STIX, FollowTheMoney, ASTERIX, CSV.

Each parser is fed pure random input and, more often, mutations of valid input (fields removed,
wrong types, huge strings, deep nesting, bad timestamps and ids, truncated or flipped bytes),
which reach far deeper into a parser than random bytes do. The property is always the same: the
input is parsed, or refused with the parser's documented error (or, for parsers that never raise,
reported as a skip with a reason); never another exception, never a hang. Where a parser stores
(STIX ingest, person records), a refused input leaves nothing stored.

Examples per test are the ``*_EXAMPLES`` constants (``TOTAL_INPUTS`` in all per run and database);
``INTELCELL_FUZZ=long`` runs ten times as many.
"""

from __future__ import annotations

import copy
import json
import os
import uuid
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from intelcell.airpicture import asterix, modes, plotcsv
from intelcell.airpicture.asterix import CAT021, CAT048, MAX_ERRORS, encode_cat062
from intelcell.airpicture.plotcsv import FormatError
from intelcell.cell import Cell
from intelcell.domain import marking
from intelcell.domain.airpicture.model import Plot
from intelcell.domain.label import TLP_LEVELS, Label, LabelError, from_json, parse, render
from intelcell.domain.portion import SelectorError, check_selector, parse_selector
from intelcell.exchange import ingest, validation
from intelcell.exchange.collections import Collection
from intelcell.fighters import entities, records
from intelcell.fighters.entities import EntityError
from intelcell.fighters.records import SubmitError
from intelcell.store import audit
from intelcell.store.schema import objects
from intelcell.store.users import User
from tests.airpicture.test_asterix import DAY, SENSORS, adsb_report, datablock, radar_report, track
from tests.fighters.builders import stored_counts
from tests.helpers import cell_data, coalition_collection, user
from tests.strategies import COMMUNITIES, MEMBERS, POLICIES, labels

SCALE = 10 if os.environ.get("INTELCELL_FUZZ") == "long" else 1

LABEL_TEXT_EXAMPLES = 600 * SCALE
LABEL_JSON_EXAMPLES = 300 * SCALE
MARKING_EXAMPLES = 300 * SCALE
SELECTOR_EXAMPLES = 400 * SCALE
STIX_CHECK_EXAMPLES = 300 * SCALE
INGEST_EXAMPLES = 300 * SCALE
ENTITY_EXAMPLES = 400 * SCALE
JSON_LINES_EXAMPLES = 200 * SCALE
PERSON_SUBMIT_EXAMPLES = 100 * SCALE
ASTERIX_RANDOM_EXAMPLES = 200 * SCALE
ASTERIX_MUTATED_EXAMPLES = 300 * SCALE
MODES_EXAMPLES = 200 * SCALE
PLOT_CSV_EXAMPLES = 400 * SCALE
PLOT_JSON_EXAMPLES = 300 * SCALE
TOTAL_INPUTS = sum(value for name, value in dict(globals()).items() if name.endswith("_EXAMPLES"))


def fuzz(examples: int) -> settings:
    """Hypothesis settings of one fuzz test: reproducible, and a slow input is a finding."""
    return settings(
        max_examples=examples,
        derandomize=True,  # the same inputs on every run: a failure is reproducible
        # Generous against a loaded machine, tight against a parser that goes superlinear.
        deadline=timedelta(seconds=5),
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- generic JSON and mutations ---------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()  # unbounded: beyond 64 bits too, as a Python client may send
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)

BAD_TIMESTAMPS = (
    "",
    "2026-11-20",
    "2026-13-45T09:00:00Z",
    "2026-11-20T25:61:61.000Z",
    "2026-11-20T09:00:00.000+01:00",
    "2026-11-20T09:00:00.0000000000000000000000001Z",
    "0000-00-00T00:00:00Z",
    "9999-12-31T23:59:60.999Z",
    "2026-11-20T09:00:00.000Z\n",
    "٢٠٢٦-١١-٢٠T09:00:00Z",
)


def deep(depth: int, leaf: Any = "x") -> Any:
    """A value nested ``depth`` levels deep, alternating lists and objects."""
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


weird_values = st.one_of(
    json_values,
    st.sampled_from(BAD_TIMESTAMPS),
    st.integers(1, 1100).map(deep),
    st.sampled_from([1_000, 70_000, 1_100_000]).map(lambda n: "x" * n),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40),
    st.sampled_from(["\x00", "\ud800", "a\u202eb", " ", "--", "marking-definition--"]),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``value`` (dict keys and list indexes), the root first."""
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found.extend(_paths(inner, (*prefix, key)))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.extend(_paths(inner, (*prefix, index)))
    return found


def _replace(root: Any, path: tuple[Any, ...], new: Any) -> Any:
    """``root`` with the value at ``path`` replaced by ``new`` (in place below the root)."""
    if not path:
        return new
    parent = root
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return root


def _delete(root: Any, path: tuple[Any, ...]) -> Any:
    """``root`` without the value at ``path`` (the root itself is never deleted)."""
    if path:
        parent = root
        for step in path[:-1]:
            parent = parent[step]
        del parent[path[-1]]
    return root


@st.composite
def mutated(draw: st.DrawFn, base: Any, keys: tuple[str, ...] = ()) -> Any:
    """``base`` after one to three mutations: a value dropped, replaced, retyped or a key added.

    ``keys`` are property names worth adding (the parser's own), so additions hit real code paths.
    """
    value = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(value)))
        action = draw(st.sampled_from(("drop", "replace", "replace", "add")))
        if action == "drop":
            value = _delete(value, path)
        elif action == "replace":
            value = _replace(value, path, draw(weird_values))
        elif isinstance(value, dict):
            key = draw(st.sampled_from(keys) | st.text(max_size=10)) if keys else draw(st.text(max_size=10))
            value[key] = draw(weird_values)
    return value


def near(base: Any, keys: tuple[str, ...] = ()) -> st.SearchStrategy[Any]:
    """Mostly mutations of ``base``, sometimes ``base`` itself, sometimes any JSON."""
    return st.one_of(mutated(base, keys), mutated(base, keys), mutated(base, keys), st.just(base), json_values)


# --- labels -----------------------------------------------------------------------------------

VOCABULARY = cell_data().vocabulary
LABEL_WORDS = (
    *POLICIES,
    *MEMBERS,
    *COMMUNITIES,
    "UNCLASSIFIED",
    "RESTRICTED",
    "CONFIDENTIAL",
    "SECRET",
    "TOP SECRET",
    "COSMIC TOP SECRET",
    "REL TO",
    "REL",
    "TO",
    "TLP:",
    "TLP",
    *TLP_LEVELS,
    *sorted(VOCABULARY.restrictive_caveats),
    *sorted(VOCABULARY.handling_caveats),
    "//",
    "/",
    ",",
    ":",
    " ",
    "\t",
    "\n",
    "ß",
    "ı",
)


@st.composite
def label_texts(draw: st.DrawFn) -> str:
    """Random text, label words in random order, or a valid label's text with characters changed."""
    kind = draw(st.sampled_from(("random", "words", "mutated", "mutated")))
    if kind == "random":
        return draw(st.text(max_size=60))
    if kind == "words":
        words = draw(st.lists(st.sampled_from(LABEL_WORDS) | st.text(max_size=4), max_size=12))
        return draw(st.sampled_from((" ", "", " // ", ", "))).join(words)
    text = render(draw(labels()))
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 8)))
        text = text[:start] + draw(st.sampled_from(LABEL_WORDS) | st.text(max_size=3)) + text[end:]
    case = draw(st.sampled_from(("as is", "lower", "title")))
    return text.lower() if case == "lower" else text.title() if case == "title" else text


@given(text=label_texts() | json_scalars)
@example(text="NATO SECRET // REL TO")
@example(text="NATO SECRET // TLP: // TLP:RED")
@fuzz(LABEL_TEXT_EXAMPLES)
def test_label_text_parses_or_is_refused_with_a_label_error(text: Any) -> None:
    try:
        label = parse(text, VOCABULARY)
    except LabelError:
        return
    assert parse(render(label), VOCABULARY) == label  # what parses has a canonical text that parses back


SAMPLE_LABEL = parse("NATO SECRET // REL TO COALITION, IRQ // ORCON // TLP:AMBER", VOCABULARY)


@given(data=near(SAMPLE_LABEL.to_json(), ("policy", "classification", "releasable_to", "caveats", "tlp")))
@fuzz(LABEL_JSON_EXAMPLES)
def test_structured_label_parses_or_is_refused_with_a_label_error(data: Any) -> None:
    try:
        label = from_json(data, VOCABULARY)
    except LabelError:
        return
    assert from_json(label.to_json(), VOCABULARY) == label


@st.composite
def markings(draw: st.DrawFn) -> Any:
    """A label's marking-definition, mutated (or not), or a TLP one, or anything."""
    label = draw(labels())
    base = draw(st.sampled_from((marking.marking_definition(label), marking.tlp_marking_definition("AMBER"))))
    return draw(near(base, ("extensions", "id", "name", "definition", "definition_type")))


@given(definition=markings())
@example(definition={"type": "marking-definition", "id": "marking-definition--x", "extensions": ["a"]})
@example(definition={"type": "marking-definition", "id": "marking-definition--x", "extensions": "text"})
@fuzz(MARKING_EXAMPLES)
def test_a_marking_definition_yields_a_label_or_a_label_error(definition: Any) -> None:
    if not isinstance(definition, dict):
        return  # callers only ever hand it objects (ingest checks first)
    try:
        label = marking.label_from_marking(definition, VOCABULARY)
    except LabelError:
        return
    assert definition["id"] == marking.marking_id(label)


SELECTOR_BASE = {
    "description": "text",
    "external_references": [{"url": "https://example.org", "source_name": "x"}],
    "aliases": ["a", "b"],
}
selectors = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["description", "external_references.[0].url", "aliases.[1]", "aliases.[2]", "[0]", "a..b"]),
    st.lists(
        st.sampled_from(["description", "aliases", "[0]", "[1]", "url", "[", "]", "", "[٣]", "[-1]"]), max_size=5
    ).map(".".join),
    st.integers(1, 5_000).map(lambda n: f"aliases.[{'9' * n}]"),
    json_scalars,
)


@given(selector=selectors, obj=near(SELECTOR_BASE))
@example(selector="aliases.[" + "9" * 5_000 + "]", obj=SELECTOR_BASE)
@example(selector=7, obj=SELECTOR_BASE)
@fuzz(SELECTOR_EXAMPLES)
def test_a_granular_marking_selector_names_a_value_or_is_refused(selector: Any, obj: Any) -> None:
    try:
        steps = parse_selector(selector)
    except SelectorError:
        return
    assert steps and isinstance(steps[0], str)
    if isinstance(obj, dict):
        try:
            check_selector(obj, selector)
        except SelectorError:
            return


# --- STIX -------------------------------------------------------------------------------------

CREATED = "2026-11-20T09:00:00.000Z"
STIX_KEYS = (
    "type",
    "id",
    "spec_version",
    "created",
    "modified",
    "name",
    "object_marking_refs",
    "granular_markings",
    "extensions",
    "external_references",
    "labels",
    "confidence",
    "lang",
    "revoked",
    "created_by_ref",
    "object_refs",
    "pattern",
    "valid_from",
)


def stix_bases(object_id: uuid.UUID, label: Label) -> list[dict[str, Any]]:
    """Valid STIX 2.1 objects of several kinds, the first ones carrying ``label``."""
    definition = marking.marking_definition(label)
    common = {"spec_version": "2.1", "created": CREATED, "modified": CREATED}
    actor = {**common, "type": "threat-actor", "id": f"threat-actor--{object_id}", "name": "Actor"}
    return [
        definition,
        {**actor, "object_marking_refs": [definition["id"], marking.TLP_IDS["AMBER"]]},
        {
            **actor,
            "description": "secret part",
            "aliases": ["one", "two"],
            "granular_markings": [{"marking_ref": definition["id"], "selectors": ["description", "aliases.[1]"]}],
        },
        {
            **common,
            "type": "indicator",
            "id": f"indicator--{object_id}",
            "pattern": "[ipv4-addr:value = '203.0.113.7']",
            "pattern_type": "stix",
            "valid_from": CREATED,
        },
        {
            **common,
            "type": "report",
            "id": f"report--{object_id}",
            "name": "Report",
            "published": CREATED,
            "object_refs": [f"threat-actor--{object_id}"],
        },
        {
            **common,
            "type": "relationship",
            "id": f"relationship--{object_id}",
            "relationship_type": "uses",
            "source_ref": f"threat-actor--{object_id}",
            "target_ref": f"malware--{object_id}",
        },
        {"type": "ipv4-addr", "spec_version": "2.1", "id": f"ipv4-addr--{object_id}", "value": "203.0.113.7"},
        {
            **common,
            "type": "x-cell-note",
            "id": f"x-cell-note--{object_id}",
            "extensions": {f"extension-definition--{object_id}": {"extension_type": "new-sdo"}},
        },
        marking.tlp_marking_definition("RED"),
    ]


@st.composite
def stix_objects(draw: st.DrawFn) -> Any:
    """A valid STIX object, a mutation of one, or any JSON."""
    bases = stix_bases(draw(st.uuids(version=4)), draw(labels()))
    return draw(near(draw(st.sampled_from(bases)), STIX_KEYS))


@st.composite
def envelopes(draw: st.DrawFn) -> list[Any]:
    """One to four objects near valid ones, mostly after the definition of the label they carry."""
    bases = stix_bases(draw(st.uuids(version=4)), draw(labels()))
    items = draw(st.lists(st.sampled_from(bases[1:]).flatmap(lambda b: near(b, STIX_KEYS)), min_size=1, max_size=4))
    if draw(st.integers(0, 3)):
        items.insert(0, draw(near(bases[0], STIX_KEYS) | st.just(bases[0])))
    return items


LONG_TYPE = "x-" + "a" * 200  # a valid custom type, longer than the store's columns


@given(obj=stix_objects())
@example(
    obj={
        **stix_bases(uuid.UUID(int=1, version=4), SAMPLE_LABEL)[7],
        "type": LONG_TYPE,
        "id": f"{LONG_TYPE}--{uuid.UUID(int=1, version=4)}",
    }
)
@example(obj={**stix_bases(uuid.UUID(int=1, version=4), SAMPLE_LABEL)[0], "extensions": "text"})
@fuzz(STIX_CHECK_EXAMPLES)
def test_stix_validation_answers_an_id_or_a_reason(obj: Any) -> None:
    result = validation.check(obj, 1024 * 1024)
    if isinstance(obj, dict) and obj.get("type") == LONG_TYPE:
        assert isinstance(result, str) and "more than the store holds" in result
    if isinstance(result, tuple):
        assert result == (obj["id"], obj["type"])
    else:
        assert isinstance(result, str) and result


@pytest.fixture
def submitter(cell: Cell) -> User:
    """A US analyst cleared for everything, so most labels are the submitter's to assign."""
    caveats = tuple(sorted(cell.vocabulary.restrictive_caveats))
    return user(cell, "USA", "usa.fuzz", "NATO COSMIC TOP SECRET", caveats)


def _stored(cell: Cell) -> tuple[int, int]:
    """(stored object versions, audit entries)."""
    with cell.db.read() as conn:
        return conn.execute(select(func.count()).select_from(objects)).scalar_one(), audit.count(conn)


@pytest.fixture
def collection(cell: Cell) -> Collection:
    """One collection COALITION reads and writes, shared by all examples of a test."""
    return coalition_collection(cell)  # type: ignore[no-any-return]


@given(envelope=envelopes())
@fuzz(INGEST_EXAMPLES)
def test_ingest_stores_exactly_what_it_reports_stored(
    cell: Cell, submitter: User, collection: Collection, envelope: list[Any]
) -> None:
    rows, entries = _stored(cell)
    status = ingest.store(cell, submitter, collection, envelope, "fuzz")
    new = [s for s in status.get("successes", []) if "message" not in s]
    event(f"stored {len(new)} of {len(envelope)}")
    after_rows, after_entries = _stored(cell)
    assert after_rows - rows == len(new)  # a refused object leaves nothing stored
    assert after_entries - entries == (1 if new else 0)
    assert status["failure_count"] + status["success_count"] <= len(envelope)
    assert all(isinstance(f["message"], str) and isinstance(f["version"], str) for f in status.get("failures", []))
    json.dumps(status)  # the status resource is JSON as stored


def test_ingest_refuses_an_object_whose_id_is_not_a_string(cell: Cell, submitter: User, collection: Collection) -> None:
    rows = _stored(cell)
    status = ingest.store(cell, submitter, collection, [{"type": "threat-actor", "id": {"not": "a string"}}], "fuzz")
    assert status["failure_count"] == 1 and _stored(cell) == rows


def test_ingest_stores_a_string_with_a_nul_character(cell: Cell, submitter: User, collection: Collection) -> None:
    obj = {**stix_bases(uuid.UUID(int=2, version=4), SAMPLE_LABEL)[3], "description": "before\x00after"}
    status = ingest.store(cell, submitter, collection, [obj], "fuzz")
    assert status["success_count"] == 1


@pytest.mark.parametrize("version", [["2026-11-20T09:00:00.000Z"], True, 7, {"a": 1}])
def test_ingest_refuses_an_object_whose_version_is_not_a_string(
    cell: Cell, submitter: User, collection: Collection, version: Any
) -> None:
    obj = {**stix_bases(uuid.UUID(int=1), SAMPLE_LABEL)[3], "modified": version}
    rows = _stored(cell)
    status = ingest.store(cell, submitter, collection, [obj], "fuzz")
    assert status["failure_count"] == 1 and status["failures"][0]["version"] == "" and _stored(cell) == rows


# --- FollowTheMoney ---------------------------------------------------------------------------

PERSON = {
    "id": "ftf-1",
    "schema": "Person",
    "properties": {
        "name": ["Abu Bakr al-Baghdadi"],
        "alias": ["أبو بكر البغدادي"],
        "birthDate": ["1971-07"],
        "nationality": ["iq"],
        "gender": ["male"],
        "status": ["travelled"],
        "notes": ["seen in Mosul"],
    },
    "caption": "Abu Bakr",
    "datasets": ["x"],
}
PERSON_KEYS = ("id", "schema", "properties", "caption", "intelcell", "target", "referents")


@pytest.fixture(scope="module")
def warm_names() -> None:
    """Load the name analysis data once, outside any example's deadline (it takes seconds)."""
    entities.validate(PERSON, "warm-up")


@given(obj=near(PERSON, PERSON_KEYS))
@fuzz(ENTITY_EXAMPLES)
def test_a_person_entity_is_cleaned_or_refused_with_an_entity_error(warm_names: None, obj: Any) -> None:
    try:
        entity = entities.validate(obj, "entities[0]")
    except EntityError as exc:
        assert exc.reason.startswith("entities[0]")  # every refusal names the entity
        return
    assert entity.entity_id == obj["id"]
    assert entities.validate(entity.body(entity.entity_id), "again").properties == entity.properties


@st.composite
def json_line_files(draw: st.DrawFn) -> list[bytes]:
    """Lines of a FollowTheMoney JSON lines file: entities, mutated ones, broken bytes."""
    lines = []
    for obj in draw(st.lists(near(PERSON, PERSON_KEYS), max_size=3)):
        line = json.dumps(obj, default=str).encode()
        if draw(st.booleans()):
            start = draw(st.integers(0, len(line)))
            line = line[:start] + draw(st.binary(max_size=4)) + line[start + draw(st.integers(0, 4)) :]
        lines.append(line + b"\n")
    return lines + draw(st.lists(st.binary(max_size=30), max_size=2))


@given(lines=json_line_files())
@example(lines=[b'{"id": "a", "schema": "Person", "properties": {}}\n', b"\xff\xfe\n"])
@fuzz(JSON_LINES_EXAMPLES)
def test_a_json_lines_file_is_read_whole_or_refused_with_an_entity_error(warm_names: None, lines: list[bytes]) -> None:
    try:
        valid = entities.validate_all(entities.json_lines(lines))
    except EntityError as exc:
        assert exc.reason.startswith("line ")
        return
    assert len({e.entity_id for e in valid}) == len(valid)


LABEL_CHOICES = ("NATO SECRET // REL TO COALITION", "NATO SECRET", "FRA SECRET", "NATO SECRET // BOGUS", "", "x")


def _numbered(batch: list[Any]) -> list[Any]:
    """The batch with the sample's id made unique per entity, so a batch is not refused for that alone."""
    return [
        {**e, "id": f"ftf-{n}"} if isinstance(e, dict) and e.get("id") == "ftf-1" else e for n, e in enumerate(batch)
    ]


@given(
    batch=st.lists(st.just(PERSON) | near(PERSON, PERSON_KEYS), min_size=1, max_size=3).map(_numbered),
    label_text=st.just(LABEL_CHOICES[0]) | st.sampled_from(LABEL_CHOICES) | label_texts(),
)
@fuzz(PERSON_SUBMIT_EXAMPLES)
def test_a_refused_person_submission_stores_nothing(
    warm_names: None, cell: Cell, submitter: User, batch: list[Any], label_text: str
) -> None:
    before = stored_counts(cell)
    try:
        stored = records.submit(cell, submitter, batch, label_text, path="fuzz")
    except SubmitError as exc:
        assert exc.kind in ("invalid_entity", "invalid_label", "label_not_permitted")
        assert stored_counts(cell) == before  # refused whole: no record, key, count or audit entry
        event(f"refused: {exc.kind}")
        return
    event("stored")
    assert len(stored) == len(batch)


# --- ASTERIX and Mode S -----------------------------------------------------------------------

VALID_ASTERIX = [
    datablock(CAT048, radar_report(address=0x4B1814, callsign="THY6A"), radar_report(validated=False)),
    datablock(CAT021, adsb_report(), adsb_report(hires=True, height_ft=30_000.0)),
    encode_cat062(
        [track(1), track(2, deleted=True), track(3, mode3a=None, icao24=None, callsign=None)],
        sac=7,
        sic=9,
        day_start=DAY,
    ),
]


@st.composite
def asterix_bytes(draw: st.DrawFn) -> bytes:
    """Valid datablocks with bytes flipped, inserted, cut, or their length field changed."""
    data = bytearray(b"".join(draw(st.lists(st.sampled_from(VALID_ASTERIX), min_size=1, max_size=3))))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(("flip", "flip", "insert", "cut", "length", "category")))
        at = draw(st.integers(0, len(data) - 1)) if data else 0
        if action == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "cut":
            del data[at : at + draw(st.integers(1, 16))]
        elif action == "length" and len(data) >= 3:
            data[1:3] = draw(st.integers(0, 0xFFFF)).to_bytes(2, "big")
        elif action == "category" and data:
            data[0] = draw(st.sampled_from((21, 48, 62, 34, 0, 255)))
    return bytes(data)


def _check_decoded(decoded: asterix.Decoded) -> None:
    """What decoding promises: plots are plots, every skip is explained, no decoding bug was hit."""
    assert decoded.counts["internal_error"] == 0, decoded.errors
    event(f"{min(len(decoded.plots), 2)} plots, {min(decoded.skipped, 2)} skips")
    assert all(isinstance(p, Plot) for p in decoded.plots)
    assert len(decoded.errors) == min(decoded.skipped, MAX_ERRORS + 1)


@given(data=st.binary(max_size=400), now=st.none() | st.floats(allow_nan=True))
@fuzz(ASTERIX_RANDOM_EXAMPLES)
def test_random_bytes_decode_to_explained_skips(data: bytes, now: float | None) -> None:
    _check_decoded(asterix.decode(data, SENSORS, day_start=DAY, now=now))


@given(data=asterix_bytes())
@fuzz(ASTERIX_MUTATED_EXAMPLES)
def test_mutated_asterix_decodes_to_plots_or_explained_skips(data: bytes) -> None:
    _check_decoded(asterix.decode(data, SENSORS, day_start=DAY))


MODES_LINES = (
    "1717200000.0,8d4b1814582f3f0f1d2f1a1b2c3d",
    "1717200000.5,*8D40621D58C382D690C8AC2863A7;",
    "1717200001.0,8D40621D58C386435CC412692AD6",
    "1717200002.0,28001c1f3b2f1a",
)


@st.composite
def modes_lines(draw: st.DrawFn) -> list[str]:
    """Mode S lines: valid-looking ones with characters changed, and random text."""
    lines = []
    for line in draw(st.lists(st.sampled_from(MODES_LINES), max_size=4)):
        at = draw(st.integers(0, len(line)))
        lines.append(line[:at] + draw(st.text(alphabet="0123456789abcdefABCDEF,.*;-e ", max_size=3)) + line[at + 1 :])
    return lines + draw(st.lists(st.text(max_size=40), max_size=2))


@given(lines=modes_lines())
@fuzz(MODES_EXAMPLES)
def test_mode_s_lines_decode_to_plots_or_explained_skips(lines: list[str]) -> None:
    _check_decoded(modes.decode_lines(lines, SENSORS[1]))


# --- plot CSV and JSON ------------------------------------------------------------------------

PLOT_ROW = {
    "time": "1717203600.5",
    "sensor": "radar-erbil",
    "lat": "36.5",
    "lon": "44.1",
    "alt_m": "9000",
    "sigma_m": "150",
    "mode3a": "1234",
    "icao24": "4B1814",
    "callsign": "thy6a",
}
CELLS = ("", " ", "nan", "inf", "-1", "1e400", "1e-400", "0x10", "1_000", "٣", '"', '"a,b"', "a\nb", "\x00", "7777")


@st.composite
def plot_csv_lines(draw: st.DrawFn) -> list[str]:
    """CSV lines: a (sometimes damaged) header, then rows of valid, odd or missing cells."""
    columns = list(draw(st.permutations(list(PLOT_ROW))))
    if draw(st.booleans()):
        del columns[draw(st.integers(0, len(columns) - 1))]
    header = ",".join(columns)
    lines = [draw(st.sampled_from((header, header.upper(), " " + header.replace(",", " , "))))]
    for _ in range(draw(st.integers(0, 4))):
        cells = [draw(st.sampled_from((PLOT_ROW[c], PLOT_ROW[c], *CELLS)) | st.text(max_size=8)) for c in columns]
        extra = draw(st.sampled_from(([], [], [""], ["x" * 140_000])))
        lines.append(",".join(cells + extra))
    if draw(st.integers(0, 9)) == 0:
        lines.append('"' + "x" * 140_000)  # a field beyond the csv module's default limit
    return lines


@given(lines=plot_csv_lines() | st.text(max_size=200).map(str.splitlines))
@example(lines=[",".join(PLOT_ROW), ",".join(PLOT_ROW.values()) + ",x" * 2 + "," + "x" * 140_000])
@example(lines=["x" * 140_000])
@fuzz(PLOT_CSV_EXAMPLES)
def test_plot_csv_reads_plots_and_explained_rows_or_a_format_error(lines: list[str]) -> None:
    try:
        parsed = plotcsv.read_plots_csv(lines)
    except FormatError as exc:
        assert str(exc)
        return
    assert all(isinstance(p, Plot) for p in parsed.plots)
    assert all(e.startswith("line ") for e in parsed.errors)


JSON_PLOT = {**{k: v for k, v in PLOT_ROW.items()}, "time": 1717203600.5, "lat": 36.5, "iff_mode5": True}


@given(items=st.lists(near(JSON_PLOT, (*plotcsv.PLOT_COLUMNS, *plotcsv.OPTIONAL_PLOT_COLUMNS)), max_size=4))
@fuzz(PLOT_JSON_EXAMPLES)
def test_json_plots_read_plots_and_explained_refusals(items: list[Any]) -> None:
    parsed = plotcsv.read_plots_json(items)
    assert len(parsed.plots) + len(parsed.errors) == len(items)
    assert all(isinstance(p, Plot) for p in parsed.plots)
