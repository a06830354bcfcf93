"""The candidate index: keys of current versions only, counts that always equal a recount, and a
lookup that finds records by shared keys within its budget, through an index."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, select, text

from intelcell.cell import Cell
from intelcell.domain.person import blocking_keys, clean_properties, profile_of
from intelcell.fighters import index, records
from intelcell.store.schema import person_key_access_counts, person_key_counts, person_keys, persons
from intelcell.store.users import User
from tests.fighters.builders import SECRET, person


def keys_of(name: str, birth_date: str | None = None) -> set[str]:
    props = {"name": [name], **({"birthDate": [birth_date]} if birth_date else {})}
    return blocking_keys(profile_of(clean_properties(props)))


def stored_counts(conn: Connection) -> dict[str, int]:
    return {r.key: r.n for r in conn.execute(select(person_key_counts))}


def recount(conn: Connection) -> dict[str, int]:
    """Counts computed afresh from the keys of current versions."""
    query = select(person_keys.c.key).join(persons, persons.c.pk == person_keys.c.person_pk).where(persons.c.is_current)
    return dict(Counter(r.key for r in conn.execute(query)))


def stored_access_counts(conn: Connection) -> dict[tuple[str, int, str], int]:
    table = person_key_access_counts
    return {(r.key, r.label_id, r.member): r.n for r in conn.execute(select(table))}


def recount_access(conn: Connection) -> dict[tuple[str, int, str], int]:
    """Name-key counts per label and originator, computed afresh from current versions."""
    query = (
        select(person_keys.c.key, persons.c.label_id, persons.c.member)
        .join(persons, persons.c.pk == person_keys.c.person_pk)
        .where(persons.c.is_current)
    )
    return dict(Counter((r.key, r.label_id, r.member) for r in conn.execute(query) if r.key[:2] in ("s:", "p:")))


def test_a_new_version_replaces_its_predecessors_keys(cell: Cell, fra: User) -> None:
    [first] = records.submit(cell, fra, [person(name="Omar Hassan", birth_date="1971")], SECRET)
    [second] = records.submit(cell, fra, [person(name="Umar Khalid", birth_date="1980")], SECRET)
    with cell.db.read() as conn:
        by_pk = {(r.person_pk, r.key) for r in conn.execute(select(person_keys))}
        counts = stored_counts(conn)
    assert by_pk == {(second.pk, key) for key in keys_of("Umar Khalid", "1980")}
    assert all(pk != first.pk for pk, _key in by_pk)
    assert counts == dict.fromkeys(keys_of("Umar Khalid", "1980"), 1)  # Omar Hassan's keys counted no more


def test_counts_add_up_across_records_sharing_a_key(cell: Cell, fra: User, irq: User) -> None:
    records.submit(cell, fra, [person(id="a", name="Mohammed Rahim"), person(id="b", name="Muhammad Karim")], SECRET)
    records.submit(cell, irq, [person(id="a", name="Mohamed Salim")], SECRET)
    with cell.db.read() as conn:
        assert stored_counts(conn)["s:mhmd"] == 3
        assert stored_counts(conn) == recount(conn)


NAMES = ["Omar Hassan", "Umar Hasan", "Ali Hassan", "Mohammed Ali", "Abu Bakr al-Baghdadi", "أبو بكر البغدادي"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["FRA", "IRQ"]),
            st.sampled_from(["p1", "p2", "p3"]),
            st.sampled_from(NAMES),
            st.sampled_from([None, "1971", "1980-02"]),
            st.sampled_from([SECRET, "NATO RESTRICTED // REL TO COALITION"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_counts_always_equal_a_fresh_recount(
    cell: Cell, fra: User, irq: User, submissions: list[tuple[str, str, str, str | None, str]]
) -> None:
    by_member = {"FRA": fra, "IRQ": irq}
    for member, entity_id, name, born, label in submissions:
        records.submit(cell, by_member[member], [person(id=entity_id, name=name, birth_date=born)], label)
        with cell.db.read() as conn:
            assert stored_counts(conn) == recount(conn)
            assert all(n > 0 for n in stored_counts(conn).values())
            # A relabelled version moves its name keys to its new label's counts.
            assert stored_access_counts(conn) == recount_access(conn)
            assert all(n > 0 for n in stored_access_counts(conn).values())


def test_readable_counts_cover_only_records_the_viewer_may_read(cell: Cell, fra: User, irq: User) -> None:
    records.submit(cell, fra, [person(id=f"s{n}", name="Mohammed Rahim") for n in range(3)], "FRA SECRET")
    records.submit(cell, fra, [person(id="shared", name="Muhammad Rahim")], SECRET)
    keys = keys_of("Mohamed Rahim") | {"y:1971:rhm"}
    with cell.db.read() as conn:
        mine = index.readable_counts(conn, keys, cell.labels.readable(conn, fra.viewer, cell.registry), "FRA")
        theirs = index.readable_counts(conn, keys, cell.labels.readable(conn, irq.viewer, cell.registry), "IRQ")
        everyone = index.counts(conn, keys)
    assert mine == {"s:mhmd": 4, "s:rhm": 4, "p:mhmd|rhm": 4}  # only name keys are counted per label
    assert theirs == {"s:mhmd": 1, "s:rhm": 1, "p:mhmd|rhm": 1}
    assert everyone["p:mhmd|rhm"] == 4


def test_candidates_finds_a_record_by_a_shared_key_across_scripts(cell: Cell, fra: User, irq: User) -> None:
    [arabic] = records.submit(cell, irq, [person(name="أبو بكر البغدادي", birth_date="1971")], SECRET)
    records.submit(cell, fra, [person(id="other", name="Jean Dupont", birth_date="1971")], SECRET)
    with cell.db.read() as conn:
        found = index.candidates(conn, keys_of("Abou Bakr Al Baghdadi", "1971"))
    assert found == [arabic.pk]


def test_candidates_rank_records_by_keys_shared(cell: Cell, fra: User) -> None:
    [full, part] = records.submit(
        cell,
        fra,
        [person(id="full", name="Omar Hassan", birth_date="1971"), person(id="part", name="Omar Khalid")],
        SECRET,
    )
    with cell.db.read() as conn:
        assert index.candidates(conn, keys_of("Omar Hassan", "1971")) == [full.pk, part.pk]
        assert index.candidates(conn, keys_of("Omar Hassan", "1971"), limit=1) == [full.pk]


def test_candidates_take_only_the_rarest_keys_the_budget_affords(cell: Cell, fra: User) -> None:
    crowd = [person(id=f"m{n}", name=f"Mohammed {surname}") for n, surname in enumerate(["Rahim", "Karim", "Salim"])]
    [*_, rare] = records.submit(cell, fra, [*crowd, person(id="rare", name="Mohammed Zubaydi")], SECRET)
    query = keys_of("Mohammed Zubaydi") - {k for k in keys_of("Mohammed Zubaydi") if k.startswith("p:")}
    with cell.db.read() as conn:
        assert index.counts(conn, query) == {"s:mhmd": 4, "s:zbd": 1}
        assert index.candidates(conn, query, budget=1) == [rare.pk]  # s:mhmd (4) does not fit
        assert len(index.candidates(conn, query, budget=5)) == 4


def test_the_rarest_key_is_taken_even_beyond_the_budget() -> None:
    assert index.chosen_keys({"common": 50_000, "rarer": 30_000}, budget=20_000) == ["rarer"]
    assert index.chosen_keys({"a": 3, "b": 5, "c": 9}, budget=8) == ["a", "b"]
    assert index.chosen_keys({}, budget=8) == []


def test_unknown_keys_find_nothing(cell: Cell) -> None:
    with cell.db.read() as conn:
        assert index.candidates(conn, {"s:nothing"}) == []


def test_the_candidate_query_is_served_by_an_index(cell: Cell, fra: User) -> None:
    records.submit(cell, fra, [person()], SECRET)
    query = "SELECT person_pk, count(*) FROM person_keys WHERE key IN ('s:bkr', 's:bgd') GROUP BY person_pk"
    with cell.db.read() as conn:
        if conn.dialect.name == "sqlite":
            plan = " ".join(str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {query}")))
            assert "SEARCH person_keys USING" in plan and "INDEX" in plan
        else:
            conn.execute(text("SET LOCAL enable_seqscan = off"))  # tiny tables: ask whether an index could serve
            plan = " ".join(r[0] for r in conn.execute(text(f"EXPLAIN {query}")))
            assert "Index" in plan and "Seq Scan" not in plan


def test_reindexing_a_version_in_place_replaces_its_keys_and_counts(cell: Cell, fra: User) -> None:
    [made] = records.submit(cell, fra, [person()], SECRET)
    with cell.db.write() as conn:
        index.replace_keys(conn, made.pk, made.pk, {"x:extra"})
        assert stored_counts(conn) == {"x:extra": 1} == recount(conn)
        assert stored_access_counts(conn) == {} == recount_access(conn)
