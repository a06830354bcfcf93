"""Audit-chain arithmetic: any edit, deletion or reordering is found at its first entry."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from intelcell.domain.audit_chain import GENESIS, ChainEntry, digest, verify


def chain(n: int) -> list[ChainEntry]:
    entries, prev = [], GENESIS
    for seq in range(1, n + 1):
        fields = {"seq_note": seq, "user": f"u{seq}"}
        h = digest(prev, fields)
        entries.append(ChainEntry(seq, fields, prev, h))
        prev = h
    return entries


def head(entries: list[ChainEntry]) -> tuple[int, str] | None:
    return (entries[-1].seq, entries[-1].hash) if entries else None


@given(st.integers(0, 12))
def test_an_untouched_chain_verifies(n: int) -> None:
    entries = chain(n)
    assert verify(entries, head(entries)) is None


@given(st.integers(2, 12).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n))))
def test_an_edited_entry_is_named(case: tuple[int, int]) -> None:
    n, target = case
    entries = chain(n)
    original = entries[target - 1]
    entries[target - 1] = dataclasses.replace(original, fields={**original.fields, "user": "mallory"})
    broken = verify(entries, head(chain(n)))
    assert broken is not None and broken.seq == target and "edited" in broken.reason


@given(st.integers(2, 12).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n - 1))))
def test_a_deleted_entry_is_named(case: tuple[int, int]) -> None:
    n, target = case
    entries = chain(n)
    full_head = head(entries)
    del entries[target - 1]
    broken = verify(entries, full_head)
    assert broken is not None and broken.seq == target + 1


@given(st.integers(3, 12).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n - 1))))
def test_swapped_entries_are_named(case: tuple[int, int]) -> None:
    n, i = case
    entries = chain(n)
    full_head = head(entries)
    entries[i - 1], entries[i] = entries[i], entries[i - 1]
    broken = verify(entries, full_head)
    assert broken is not None and broken.seq == i + 1


def test_deleting_the_newest_entries_is_caught_by_the_head() -> None:
    entries = chain(5)
    broken = verify(entries[:3], head(entries))
    assert broken is not None and broken.seq == 4 and "deleted" in broken.reason


def test_a_recomputed_newest_entry_is_caught_by_the_head() -> None:
    entries = chain(3)
    forged_fields = {"seq_note": 3, "user": "mallory"}
    forged = ChainEntry(3, forged_fields, entries[1].hash, digest(entries[1].hash, forged_fields))
    broken = verify([*entries[:2], forged], head(entries))
    assert broken is not None and broken.seq == 3
