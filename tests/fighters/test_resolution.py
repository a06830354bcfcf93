"""Resolution: batch and incremental linkage, clusters that never join a rejected pair, decisions kept."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from intelcell.cell import Cell
from intelcell.demo.fighters import generate
from intelcell.domain.matching import ftf_v2
from intelcell.domain.person import blocking_keys
from intelcell.fighters import records, resolution
from intelcell.fighters.entities import validate
from intelcell.fighters.resolution import Edge, cluster_id, components
from intelcell.store.schema import person_clusters, person_links
from intelcell.store.users import User
from tests.fighters.builders import SECRET, person


def submit(cell: Cell, owner: User, label: str, *entities: dict[str, Any]) -> None:
    """Store ``entities`` for ``owner`` under ``label``, unlinked: each test runs resolution itself."""
    records.submit(cell, owner, list(entities), label, path="test", link=False)


def baghdadi(id: str, name: str, **props: Any) -> dict[str, Any]:
    """A record of the same man (or a look-alike) as one member writes him."""
    return person(id, name, **props)


#: b1-b2 0.985 and b1-b3 1.0 (auto), b2-b3 0.948 (suggested), x1 a look-alike born 24 years later.
B1 = baghdadi("b1", "Abu Bakr al-Baghdadi", birth_date="1971-07-28", nationality="iq", passportNumber=["A1234567"])
B2 = baghdadi("b2", "أبو بكر البغدادي", birth_date="1971-07-28", nationality="iq")
B3 = baghdadi("b3", "Abou Bakr Al Baghdadi", birth_date="1971", nationality="iq", passportNumber=["A1234567"])
X1 = baghdadi("x1", "Abu Bakr al-Baghdadi", birth_date="1995-02-01", nationality="tn")


def links(cell: Cell) -> dict[tuple[str, str], str]:
    """Every stored link's state by pair."""
    with cell.db.read() as conn:
        return {(r.a_id, r.b_id): r.state for r in conn.execute(select(person_links))}


def clusters(cell: Cell) -> dict[str, str]:
    """Every record's cluster id."""
    with cell.db.read() as conn:
        return {r.person_id: r.cluster for r in conn.execute(select(person_clusters))}


def together(found: dict[str, str], *ids: str) -> bool:
    return len({found[i] for i in ids}) == 1


@pytest.fixture
def baghdadis(cell: Cell, fra: User, irq: User) -> None:
    """FRA holds b1 and the look-alike x1, IRQ holds b2 and b3, all under one coalition label."""
    submit(cell, fra, SECRET, B1, X1)
    submit(cell, irq, SECRET, B2, B3)


# --- Components (pure) ---


def test_components_never_join_a_rejected_pair_through_other_links() -> None:
    edges = [Edge(0, 1, "auto", 0.99), Edge(1, 2, "auto", 0.97), Edge(0, 2, "rejected", 0.9)]
    roots, conflicts = components(3, edges)
    assert roots[0] == roots[1] != roots[2], "the weaker link of the chain is cut"
    assert conflicts == 1


def test_confirmed_links_are_applied_before_stronger_auto_links() -> None:
    edges = [Edge(1, 2, "auto", 0.99), Edge(0, 1, "confirmed", 0.6), Edge(0, 2, "rejected", 0.5)]
    roots, conflicts = components(3, edges)
    assert roots[0] == roots[1] != roots[2]
    assert conflicts == 1


def test_suggested_links_do_not_cluster() -> None:
    roots, _ = components(2, [Edge(0, 1, "suggested", 0.8)])
    assert roots[0] != roots[1]


def test_clustering_a_subset_of_the_graph_gives_what_the_whole_gives() -> None:
    rng = random.Random(4)
    ids = [f"R-{n:03d}" for n in range(60)]
    found = []
    for _ in range(150):
        a, b = sorted(rng.sample(ids, 2))
        state = rng.choice(["auto", "auto", "confirmed", "rejected"])
        found.append((a, b, state, round(rng.random(), 3)))
    whole, _ = resolution.clusters_of(ids, found)
    some = sorted({whole[i] for i in ids})[:5]
    part_ids = [i for i in ids if whole[i] in some]
    part, _ = resolution.clusters_of(part_ids, [link for link in found if link[0] in part_ids and link[1] in part_ids])
    assert part == {i: whole[i] for i in part_ids}


# --- Batch ---


def test_batch_links_spellings_and_scripts_and_keeps_the_lookalike_apart(cell: Cell, baghdadis: None) -> None:
    summary = resolution.resolve(cell)
    assert links(cell) == {
        ("FRA-b1", "IRQ-b2"): "auto",
        ("FRA-b1", "IRQ-b3"): "auto",
        ("IRQ-b2", "IRQ-b3"): "suggested",
    }
    found = clusters(cell)
    assert together(found, "FRA-b1", "IRQ-b2", "IRQ-b3")
    assert found["FRA-x1"] != found["FRA-b1"]
    assert found["FRA-b1"] == cluster_id("FRA-b1"), "named after the smallest record id"
    assert found["FRA-x1"] == cluster_id("FRA-x1"), "singletons are clusters too"
    assert (summary.records, summary.auto, summary.suggested, summary.clusters) == (4, 2, 1, 2)


def test_batch_stores_the_algorithm_and_the_evidence_of_each_link(cell: Cell, baghdadis: None) -> None:
    resolution.resolve(cell)
    with cell.db.read() as conn:
        row = conn.execute(
            select(person_links).where(person_links.c.a_id == "FRA-b1", person_links.c.b_id == "IRQ-b3")
        ).one()
    assert row.algorithm == ftf_v2.NAME
    evidence = {f["name"]: f for f in resolution.features_of(row.features)}
    assert evidence["document_number_match"]["explanation"] == "document number A1234567 in both"
    assert "bakr" in evidence["name_similar"]["explanation"]


def test_rejected_pair_stays_apart_and_confirmed_pair_stays_linked_after_a_batch(
    cell: Cell, baghdadis: None, fra: User
) -> None:
    from intelcell.fighters import review

    resolution.resolve(cell)
    review.decide(cell, fra, "FRA-b1", "IRQ-b2", "reject", path="test")
    review.decide(cell, fra, "IRQ-b2", "IRQ-b3", "confirm", path="test")
    summary = resolution.resolve(cell)
    assert links(cell)[("FRA-b1", "IRQ-b2")] == "rejected"
    assert links(cell)[("IRQ-b2", "IRQ-b3")] == "confirmed"
    found = clusters(cell)
    assert together(found, "IRQ-b2", "IRQ-b3"), "the confirmed pair"
    assert found["FRA-b1"] != found["IRQ-b2"], "b1-b3 (auto) would join b1 to b2: the rejection wins"
    assert summary.decisions == 2 and summary.conflicts == 1


def test_batch_with_two_workers_gives_the_same_links_and_clusters(cell: Cell, baghdadis: None) -> None:
    resolution.resolve(cell)
    one = links(cell), clusters(cell)
    resolution.resolve(cell, workers=2)
    assert (links(cell), clusters(cell)) == one


def test_batch_reports_progress(cell: Cell, baghdadis: None) -> None:
    seen: list[tuple[str, int, int]] = []

    class Bar(resolution.Progress):
        def __init__(self, total: int, desc: str, unit: str) -> None:
            self.desc, self.total, self.done = desc, total, 0

        def update(self, n: int = 1) -> None:
            self.done += n

        def close(self) -> None:
            seen.append((self.desc, self.total, self.done))

    resolution.resolve(cell, progress=Bar)
    assert [desc for desc, _t, _d in seen] == ["read", "keys", "scoring", "links"]
    assert all(total == done for _desc, total, done in seen)


def test_candidate_pairs_skip_keys_held_by_more_records_than_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    nodes = np.array([0, 1, 2, 0, 1], dtype=np.int64)
    hashes = np.array([7, 7, 7, 9, 9], dtype=np.int64)  # key 7 held by 3 records, key 9 by 2
    assert resolution.candidate_pairs(3, nodes, hashes).tolist() == [[0, 1], [0, 2], [1, 2]]
    monkeypatch.setattr(resolution, "MAX_BLOCK", 2)
    assert resolution.candidate_pairs(3, nodes, hashes).tolist() == [[0, 1]]


def test_candidate_pairs_keep_the_records_sharing_most_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolution, "TOP_K", 1)
    # 0 and 1 share keys 1 and 2, 2 and 3 share keys 1 and 3: key 1 alone pairs nobody.
    nodes = np.array([0, 1, 2, 3, 0, 1, 2, 3], dtype=np.int64)
    hashes = np.array([1, 1, 1, 1, 2, 2, 3, 3], dtype=np.int64)
    assert resolution.candidate_pairs(4, nodes, hashes).tolist() == [[0, 1], [2, 3]]


def test_the_score_bound_never_drops_a_pair_that_would_be_suggested() -> None:
    profiles = [validate(r.entity, "t").profile for r in generate(400, 3)]
    by_key: dict[str, list[int]] = {}
    for n, profile in enumerate(profiles):
        for key in blocking_keys(profile):
            by_key.setdefault(key, []).append(n)
    pairs = {(a, b) for held in by_key.values() for a in held for b in held if a < b}
    checked = 0
    for a, b in sorted(pairs):
        if not resolution.may_suggest(profiles[a], profiles[b]):
            checked += 1
            assert ftf_v2.compare(profiles[a], profiles[b]).score < resolution.SUGGEST
    assert checked > 50


# --- Incremental ---


def test_incremental_links_a_new_record_as_the_batch_would(cell: Cell, fra: User, irq: User) -> None:
    submit(cell, fra, SECRET, B1, X1)
    resolution.resolve(cell)
    submit(cell, irq, SECRET, B2, B3)
    update = resolution.resolve_records(cell, None, ["IRQ-b2", "IRQ-b3"])
    assert update.records == 2 and update.links == 3
    incremental = links(cell), clusters(cell)
    resolution.resolve(cell)
    assert (links(cell), clusters(cell)) == incremental


def test_incremental_respects_decisions_and_rescores_a_changed_record(cell: Cell, fra: User, irq: User) -> None:
    from intelcell.fighters import review

    submit(cell, fra, SECRET, B1)
    submit(cell, irq, SECRET, B2, B3)
    resolution.resolve(cell)
    review.decide(cell, fra, "FRA-b1", "IRQ-b2", "reject", path="test")
    # IRQ learns b3 was someone else entirely: the new version no longer resembles b1.
    submit(cell, irq, SECRET, person("b3", "Omar Hassan", birth_date="1990"))
    resolution.resolve_records(cell, None, ["IRQ-b3"])
    assert links(cell) == {("FRA-b1", "IRQ-b2"): "rejected"}
    found = clusters(cell)
    assert len({found["FRA-b1"], found["IRQ-b2"], found["IRQ-b3"]}) == 3


def test_submitted_records_are_linked_as_they_are_stored(cell: Cell, fra: User, irq: User) -> None:
    records.submit(cell, fra, [B1, X1], SECRET, path="test")
    records.submit(cell, irq, [B2, B3], SECRET, path="test")
    incremental = links(cell), clusters(cell)
    assert together(incremental[1], "FRA-b1", "IRQ-b2", "IRQ-b3")
    resolution.resolve(cell)
    assert (links(cell), clusters(cell)) == incremental


def test_link_scores_ignore_how_many_records_share_the_name(cell: Cell, fra: User, irq: User) -> None:
    # A link serves every viewer, so its score may not depend on third records' names.
    a, b = person("a", "Burak Gül", nationality="tr"), person("b", "Burak Gul", nationality="tr")
    submit(cell, fra, SECRET, a)
    submit(cell, irq, SECRET, b)
    resolution.resolve(cell)
    alone = {pair: row for pair, row in links_with_scores(cell).items()}
    submit(
        cell,
        fra,
        "FRA SECRET",
        *[person(f"n{k}", "Burak Gül", nationality="tr", birthDate=["1950"]) for k in range(40)],
    )
    resolution.resolve(cell)
    assert links_with_scores(cell)[("FRA-a", "IRQ-b")] == alone[("FRA-a", "IRQ-b")]
    resolution.resolve_records(cell, None, ["FRA-a"])
    assert links_with_scores(cell)[("FRA-a", "IRQ-b")] == alone[("FRA-a", "IRQ-b")]


def links_with_scores(cell: Cell) -> dict[tuple[str, str], tuple[str, float, str]]:
    """Every stored link's state, score and evidence by pair."""
    with cell.db.read() as conn:
        return {(r.a_id, r.b_id): (r.state, r.score, r.features) for r in conn.execute(select(person_links))}


def test_unresolved_lists_records_no_run_has_clustered(cell: Cell, fra: User) -> None:
    submit(cell, fra, SECRET, B1)
    resolution.resolve(cell)
    submit(cell, fra, SECRET, X1)
    with cell.db.read() as conn:
        assert resolution.unresolved(conn) == ["FRA-x1"]


def test_cli_resolve_prints_a_summary_and_incremental_links_new_records(cell: Cell, fra: User, irq: User) -> None:
    from click.testing import CliRunner

    from intelcell.cli.resolve import resolve

    env = {"INTELCELL_DATABASE_URL": cell.settings.database_url}
    submit(cell, fra, SECRET, B1, X1)
    done = CliRunner().invoke(resolve, ["--workers", "1", "--quiet"], env=env)
    assert done.exit_code == 0, done.output
    assert "records: 2" in done.output and "pairs scored:" in done.output
    submit(cell, irq, SECRET, B2)
    more = CliRunner().invoke(resolve, ["--incremental"], env=env)
    assert more.exit_code == 0, more.output
    assert "records: 1" in more.output
    assert together(clusters(cell), "FRA-b1", "IRQ-b2")
