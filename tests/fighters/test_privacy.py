"""Privacy-preserving matching: a member's keyed Bloom-filter encodings get hit/no-hit against the
other members' records and encodings, and nothing else; what is not discoverable is not there."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from intelcell.cell import Cell, open_cell
from intelcell.cli.main import cli
from intelcell.domain import bloom
from intelcell.fighters import privacy, records, screening
from intelcell.fighters.entities import validate
from intelcell.fighters.privacy import Answer, Encoding
from intelcell.fighters.records import SubmitError
from intelcell.settings import Settings
from intelcell.store import audit
from intelcell.store.schema import person_encodings, person_hits
from intelcell.store.users import User
from tests.fighters.builders import SECRET, person
from tests.helpers import user

KEY_TEXT = "0123456789abcdef" * 4
KEY = bloom.key_from_text(KEY_TEXT)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The cell holds the linkage key its members encode with."""
    return Settings.from_env(environ={}, database_url=database_url, linkage_key=KEY_TEXT)


@pytest.fixture
def deu(cell: Cell) -> User:
    """A German analyst cleared NATO SECRET."""
    return user(cell, "DEU", "dieter")


def encoding(
    ref: str = "q-1", name: str = "Abou Bakr Al Baghdadi", birth_date: str | None = "1971", **props: Any
) -> dict[str, Any]:
    """What a member submits: its record encoded on its own machine under the shared key."""
    entity = validate(person(id=ref, name=name, birth_date=birth_date, **props), "test")
    return Encoding.of(ref, entity.profile, KEY).to_json()


def held(cell: Cell, holder: User, **flags: Any) -> None:
    """``holder`` keeps a plaintext record of al-Baghdadi, born 1971."""
    records.submit(cell, holder, [person(id="ftf-1", birth_date="1971")], SECRET, **flags)


def ask(cell: Cell, asker: User, *encodings: dict[str, Any], **flags: Any) -> list[Answer]:
    return privacy.submit_encodings(cell, asker, list(encodings) or [encoding()], SECRET, **flags).answers


def counts(cell: Cell) -> tuple[int, int, int]:
    """(encodings, hits, audit entries) as stored."""
    with cell.db.read() as conn:
        return (
            conn.execute(select(func.count()).select_from(person_encodings)).scalar_one(),
            conn.execute(select(func.count()).select_from(person_hits)).scalar_one(),
            audit.count(conn),
        )


# --- Hit or no hit ------------------------------------------------------------------------------


def test_an_encoding_hits_another_members_plaintext_record(cell: Cell, fra: User, irq: User) -> None:
    held(cell, irq)
    assert ask(cell, fra) == [Answer("q-1", True, ())]


def test_a_different_person_is_no_hit(cell: Cell, fra: User, irq: User) -> None:
    held(cell, irq)
    assert ask(cell, fra, encoding(name="Osama bin Laden", birth_date="1957")) == [Answer("q-1", False, ())]


def test_birth_years_two_apart_are_no_hit(cell: Cell, fra: User, irq: User) -> None:
    held(cell, irq)
    assert ask(cell, fra, encoding(birth_date="1973")) == [Answer("q-1", False, ())]
    assert ask(cell, fra, encoding(birth_date="1972")) == [Answer("q-1", True, ())]


def test_the_holder_is_named_only_when_its_record_allows(cell: Cell, fra: User, irq: User, deu: User) -> None:
    held(cell, irq, disclose_holder=True)
    records.submit(cell, deu, [person(id="d-7", name="Abu Bakr al-Baghdadi")], SECRET)  # does not allow it
    assert ask(cell, fra) == [Answer("q-1", True, ("IRQ",))]


def test_a_record_that_is_not_discoverable_answers_like_no_record(cell: Cell, fra: User, irq: User) -> None:
    nothing = ask(cell, fra)
    held(cell, irq, discoverable=False)
    assert ask(cell, fra) == nothing == [Answer("q-1", False, ())]
    assert counts(cell)[1] == 0  # and its holder is told of no hit either


def test_a_members_own_records_never_hit(cell: Cell, fra: User) -> None:
    held(cell, fra)
    assert ask(cell, fra) == [Answer("q-1", False, ())]


def test_a_record_made_undiscoverable_stops_hitting(cell: Cell, fra: User, irq: User) -> None:
    held(cell, irq)
    assert ask(cell, fra)[0].hit
    held(cell, irq, discoverable=False)  # a new version of the same record
    assert ask(cell, fra) == [Answer("q-1", False, ())]


def test_a_new_record_version_with_another_name_hits_by_its_new_name(cell: Cell, fra: User, irq: User) -> None:
    held(cell, irq)
    records.submit(cell, irq, [person(id="ftf-1", name="Osama bin Laden", birth_date="1957")], SECRET)
    assert ask(cell, fra) == [Answer("q-1", False, ())]
    assert ask(cell, fra, encoding(name="Usama bin Ladin", birth_date="1957"))[0].hit


def test_each_encoding_gets_its_own_answer_in_order(cell: Cell, fra: User, irq: User) -> None:
    held(cell, irq)
    answers = ask(cell, fra, encoding("a", "Osama bin Laden", "1957"), encoding("b"), encoding("c", birth_date=None))
    assert [(a.ref, a.hit) for a in answers] == [("a", False), ("b", True), ("c", True)]


# --- Encodings against encodings -------------------------------------------------------------------


def test_encodings_hit_other_members_encodings(cell: Cell, fra: User, deu: User) -> None:
    ask(cell, deu, encoding("d-1", "Abu Bakr al-Baghdadi"), disclose_holder=True)
    assert ask(cell, fra) == [Answer("q-1", True, ("DEU",))]
    with cell.db.read() as conn:
        [row] = conn.execute(select(person_hits)).all()
    assert (row.person_id, row.holder, row.querying_member) == ("DEU-d-1", "DEU", "FRA")


def test_an_undiscoverable_encoding_answers_like_none(cell: Cell, fra: User, deu: User) -> None:
    nothing = ask(cell, fra)
    ask(cell, deu, encoding("d-1", "Abu Bakr al-Baghdadi"), discoverable=False, disclose_holder=True)
    assert ask(cell, fra) == nothing


def test_without_a_linkage_key_encodings_meet_only_encodings(database_url: str, clock: Any) -> None:
    keyless = open_cell(Settings.from_env(environ={}, database_url=database_url), clock)
    try:
        fra, irq, deu = user(keyless, "FRA", "claire"), user(keyless, "IRQ", "karim"), user(keyless, "DEU", "dieter")
        held(keyless, irq)
        submitted = privacy.submit_encodings(keyless, fra, [encoding()], SECRET)
        assert submitted.compared_with == ("encodings",)
        assert submitted.answers == [Answer("q-1", False, ())]
        ask(keyless, deu, encoding("d-1"))
        assert ask(keyless, fra, encoding("q-2"))[0].hit
    finally:
        keyless.db.dispose()


def test_a_ref_submitted_again_replaces_the_earlier_encoding(cell: Cell, fra: User, deu: User) -> None:
    ask(cell, deu, encoding("d-1", "Abu Bakr al-Baghdadi"))
    ask(cell, deu, encoding("d-1", "Osama bin Laden", "1957"))
    with cell.db.read() as conn:
        assert conn.execute(select(person_encodings.c.id)).scalars().all() == ["DEU-d-1"]
    assert ask(cell, fra) == [Answer("q-1", False, ())]
    assert ask(cell, fra, encoding("q-2", "Usama bin Ladin", "1957"))[0].hit


def test_another_process_sees_new_and_replaced_rows(cell: Cell, clock: Any, irq: User, deu: User) -> None:
    # A second cell on the same store is another API process with its own filter cache.
    other = open_cell(cell.settings, clock)
    try:
        assert _screen(other, irq) == []  # its cache is now loaded (and screening writes nothing)
        ask(cell, deu, encoding("d-1", "Abu Bakr al-Baghdadi"))
        assert _screen(other, irq) == [None]
        ask(cell, deu, encoding("d-1", "Osama bin Laden", "1957"))  # replaces the newest row
        assert _screen(other, irq) == []
        assert _screen(other, irq, "Usama bin Ladin", "1957") == [None]
    finally:
        other.db.dispose()


# --- The holder learns of the hit ------------------------------------------------------------------


def test_the_holder_sees_that_a_query_hit_its_record(cell: Cell, fra: User, irq: User, clock: Any) -> None:
    held(cell, irq)
    ask(cell, fra)
    with cell.db.read() as conn:
        [row] = conn.execute(select(person_hits)).all()
    assert (row.person_id, row.holder, row.querying_member, row.querying_user_id) == ("IRQ-ftf-1", "IRQ", "FRA", fra.id)
    assert row.algorithm == bloom.NAME == "intelcell-bloom-v1"
    assert row.score >= bloom.THRESHOLD and len(row.ref) == 32
    assert row.created_at == clock.now


def test_the_submission_is_audited_with_the_encodings_it_stored(cell: Cell, fra: User, irq: User) -> None:
    held(cell, irq)
    ask(cell, fra, encoding("a"), encoding("b", "Osama bin Laden"))
    with cell.db.read() as conn:
        [entry] = [e.fields for e in audit.entries_for_object(conn, "FRA-a")]
    assert (entry["action"], entry["operation"], entry["member"]) == ("write", "person.encoded", "FRA")
    assert (entry["object_ids"], entry["labels"]) == (["FRA-a", "FRA-b"], [SECRET])
    assert entry["detail"] == {"encodings": 2, "hits": 1, "discoverable": True, "disclose_holder": False}


# --- Refusals store nothing ------------------------------------------------------------------------


def _bad(**change: Any) -> dict[str, Any]:
    return {**encoding(), **change}


BAD = [
    ("not base64", [_bad(name_filter="not*base64")], "not valid base64"),
    ("short filter", [_bad(name_filter="AAAA")], "filters of 128 bytes"),
    ("nine filters", [_bad(name_filter=base64.b64encode(b"\x01" * 9 * 128).decode())], "1 to 8"),
    ("empty filter", [_bad(name_filter=base64.b64encode(bytes(128)).decode())], "empty filter"),
    ("bad ref", [_bad(ref="../etc")], "ref must be"),
    ("bad year", [_bad(birth_year=1492)], "birth_year"),
    ("year as text", [_bad(birth_year="1971")], "birth_year"),
    ("unknown key", [_bad(name="Abu Bakr")], "unknown key"),
    ("repeated ref", [encoding("x"), encoding("x")], "repeats"),
    ("not an object", ["abc"], "must be an object"),
    ("none", [], "no encodings"),
]


@pytest.mark.parametrize(("items", "words"), [(items, words) for _id, items, words in BAD], ids=[b[0] for b in BAD])
def test_a_malformed_encoding_refuses_the_whole_submission(cell: Cell, fra: User, items: list[Any], words: str) -> None:
    before = counts(cell)
    with pytest.raises(SubmitError, match=words) as refused:
        privacy.submit_encodings(cell, fra, [encoding("fine"), *items] if items else [], SECRET)
    assert refused.value.kind == "invalid_encoding"
    assert counts(cell) == before


def test_more_than_the_limit_is_refused(cell: Cell, fra: User) -> None:
    one = encoding()
    many = [{**one, "ref": f"r{n}"} for n in range(privacy.MAX_ENCODINGS + 1)]
    with pytest.raises(SubmitError) as refused:
        privacy.submit_encodings(cell, fra, many, SECRET)
    assert refused.value.kind == "too_many"
    assert counts(cell)[0] == 0


@pytest.mark.parametrize(
    ("label", "kind"), [("NATO SECRETISH", "invalid_label"), ("NATO COSMIC TOP SECRET", "label_not_permitted")]
)
def test_a_refused_label_stores_nothing(cell: Cell, fra: User, label: str, kind: str) -> None:
    before = counts(cell)
    with pytest.raises(SubmitError) as refused:
        privacy.submit_encodings(cell, fra, [encoding()], label)
    assert refused.value.kind == kind
    assert counts(cell) == before


# --- The plaintext screening path against members' encodings -----------------------------------------


def _screen(cell: Cell, asker: User, name: str = "Abu Bakr al-Baghdadi", birth_date: str = "1971") -> list[str | None]:
    profile = validate(person(id="query", name=name, birth_date=birth_date), "query").profile
    with cell.db.read() as conn:
        return [hit.holder for hit in privacy.encoded_hits(cell, conn, profile, asker)]


def test_plaintext_screening_hits_other_members_encodings(cell: Cell, fra: User, irq: User) -> None:
    ask(cell, fra, encoding("f-1"))
    assert _screen(cell, irq) == [None]
    assert _screen(cell, irq, "Osama bin Laden") == []
    assert _screen(cell, fra) == []  # its own


def test_plaintext_screening_names_the_holder_only_when_allowed(cell: Cell, fra: User, irq: User) -> None:
    ask(cell, fra, encoding("f-1"), disclose_holder=True)
    assert _screen(cell, irq) == ["FRA"]


def test_plaintext_screening_ignores_undiscoverable_encodings(cell: Cell, fra: User, irq: User) -> None:
    ask(cell, fra, encoding("f-1"), discoverable=False)
    assert _screen(cell, irq) == []


def test_plaintext_screening_hits_become_the_holders_hit_rows(cell: Cell, fra: User, irq: User) -> None:
    ask(cell, fra, encoding("f-1"))
    profile = validate(person(id="query", birth_date="1971"), "query").profile
    with cell.db.read() as conn:
        hits = privacy.encoded_hits(cell, conn, profile, irq)
    with cell.db.write() as conn:
        privacy.record_hits(conn, hits, irq, cell.clock())
    with cell.db.read() as conn:
        [row] = conn.execute(select(person_hits)).all()
    assert (row.person_id, row.holder, row.querying_member, row.ref) == ("FRA-f-1", "FRA", "IRQ", hits[0].ref)


# --- Members encode on their own machine with the CLI ----------------------------------------------


def test_members_encode_with_the_cli_and_submit_only_the_output(
    cell: Cell, fra: User, irq: User, tmp_path: Path
) -> None:
    held(cell, irq)
    (tmp_path / "linkage.key").write_text(KEY_TEXT + "\n")
    plain = tmp_path / "records.jsonl"
    plain.write_text(
        "\n".join(
            json.dumps(e) for e in [person("q-1", "Abou Bakr Al Baghdadi", "1971"), person("q-2", "Osama bin Laden")]
        )
    )
    out = tmp_path / "encoded.jsonl"
    result = CliRunner().invoke(
        cli, ["persons", "encode", str(plain), "--key-file", str(tmp_path / "linkage.key"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [sorted(line) for line in lines] == [["birth_year", "name_filter", "ref"]] * 2
    assert "Baghdadi" not in out.read_text() and "1971-" not in out.read_text()
    assert [a.hit for a in privacy.submit_encodings(cell, fra, lines, SECRET).answers] == [True, False]


@pytest.mark.parametrize(
    ("content", "key", "words"),
    [
        ('{"id": "x", "schema": "Person", "properties": {"name": ["Abu Bakr"]}}\nnot json', KEY_TEXT, "line 2"),
        ('{"id": "x", "schema": "Person", "properties": {"name": ["Abu"]}}', KEY_TEXT, "record 'x'"),
        ('{"id": "x", "schema": "Person", "properties": {"name": ["Abu Bakr"]}}', "short", "at least 16 bytes"),
        ("", KEY_TEXT, "no records"),
    ],
)
def test_the_cli_refuses_bad_input_and_writes_nothing(tmp_path: Path, content: str, key: str, words: str) -> None:
    (tmp_path / "k").write_text(key)
    (tmp_path / "in.jsonl").write_text(content)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        cli, ["persons", "encode", str(tmp_path / "in.jsonl"), "--key-file", str(tmp_path / "k"), "--out", str(out)]
    )
    assert result.exit_code == 2 and words in result.output
    assert not out.exists()


def test_screening_reports_encoded_hits_and_tells_their_holder(cell: Cell, fra: User, irq: User) -> None:
    ask(cell, fra, encoding("f-1"), disclose_holder=True)
    profile = screening.query_profile({"name": ["Abu Bakr al-Baghdadi"], "birthDate": ["1971"]})
    found = screening.screen(cell, irq, {"q": profile})["q"]
    assert found.results == [] and [h.holder for h in found.hits] == ["FRA"]
    with cell.db.read() as conn:
        rows = conn.execute(select(person_hits)).all()
    assert [(r.holder, r.querying_member, r.ref) for r in rows] == [("FRA", "IRQ", found.hits[0].ref)]
