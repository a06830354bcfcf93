"""CSV person records: the mapping guessed from a header, mapping rules, and encodings refused rather than guessed."""

from __future__ import annotations

import pytest

from intelcell.fighters import csv_records
from intelcell.fighters.csv_records import MappingError
from intelcell.fighters.uploads import UploadError, likely_encoding


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["Full Name", "name_ar", "AKA", "Date of birth", "Passport No"],
            ["name", "name", "alias", "birthDate", "passportNumber"],
        ),
        (["id", "firstName", "SURNAME", "Kunya", "sex"], ["id", "firstName", "lastName", "alias", "gender"]),
        (["first name", "Given name"], ["firstName", ""]),  # firstName once: the second is left to the user
    ],
)
def test_the_mapping_is_guessed_from_property_names_and_common_headers(header: list[str], expected: list[str]) -> None:
    assert csv_records.guess(header) == expected


def test_a_cell_with_several_values_gives_several_and_rows_without_an_id_get_a_stable_one() -> None:
    data = b"name,alias\nOmar Haddad,Abu Omar; Abu Hafs\nAli Hassan,\n"
    first = csv_records.check(data, "utf-8", ["name", "alias"])
    again = csv_records.check(data, "utf-8", ["name", "alias"])
    assert first.valid[0].properties["alias"] == ["Abu Omar", "Abu Hafs"]
    assert [e.entity_id for e in first.valid] == [e.entity_id for e in again.valid]
    assert first.valid[0].entity_id != first.valid[1].entity_id and first.valid[1].entity_id.endswith("-3")


def test_a_repeated_id_refuses_every_row_holding_it() -> None:
    data = b"id,name\nx,Omar\ny,Ali\nx,Omer\n"
    report = csv_records.check(data, "utf-8", ["id", "name"])
    assert [e.entity_id for e in report.valid] == ["y"]
    assert [p.line for p in report.problems] == [4] and "the id is also on row 2" in report.problems[0].reason


def test_every_mapping_error_is_named_at_once() -> None:
    table = csv_records.read(b"a,b,c\n1,2,3\n")
    with pytest.raises(MappingError) as caught:
        csv_records.check_mapping(table, ["gender", "gender", "favouriteColour"])
    assert len(caught.value.reasons) == 3


@pytest.mark.parametrize(
    ("text", "encoding", "likely"),
    [("عمر حداد، علي حسن", "cp1256", "Windows-1256"), ("Gérard Müller, François", "latin-1", "Latin-1")],
)
def test_the_likely_encoding_of_a_file_that_is_not_utf8(text: str, encoding: str, likely: str) -> None:
    assert likely_encoding(text.encode(encoding)).startswith(likely)


def test_a_header_without_rows_and_an_unknown_encoding_are_refused() -> None:
    with pytest.raises(UploadError, match="no rows"):
        csv_records.read(b"name,alias\n\n")
    with pytest.raises(UploadError, match="Unknown encoding"):
        csv_records.read(b"name\nx\n", "koi8-r")
