"""Labelled name pairs: intelcell-ftf-v2 beside nomenklatura's logic-v2 on the same pairs.

Reads ``cases.csv`` (826 pairs from nomenklatura's ``contrib/name_bench``, see its README) and
scores every pair with both matchers, from the raw name strings:

- **ours**: ``profile_of(clean_properties({"name": [name]}))`` for each side, then
  ``ftf_v2.compare``. Organisation rows are scored the same way (ours is a person matcher; the
  figures for them are reported, not hidden). A name that ``clean_properties`` refuses
  (``PersonError``) counts as "no match" and is counted.
- **logic-v2**: ``LogicV2.compare`` on two FollowTheMoney entities of the row's schema holding only
  the ``name`` property, each with a fresh unique id (logic-v2 caches name analysis by entity id),
  with ``LogicV2.default_config()``. This is how nomenklatura's own name bench runs it.

Both are judged at threshold 0.7. Three blocks are printed: all pairs, Person pairs only, and pairs
where either name has a letter outside the Latin script. The best-F1 threshold of each matcher is
printed for information only: it is tuned on the test set itself and is not a result.

    .venv/bin/python bench/names_eval.py [--csv PATH] [--errors]
"""

from __future__ import annotations

import argparse
import csv
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

from followthemoney import ValueEntity, model
from nomenklatura.matching import LogicV2

from intelcell.domain.matching import ftf_v2
from intelcell.domain.names import analyse
from intelcell.domain.person import PersonError, clean_properties, profile_of

DEFAULT_CSV = Path("/work/shared/data/name-pairs/cases.csv")
THRESHOLD = 0.7


@dataclass
class Case:
    group: str
    schema: str
    name1: str
    name2: str
    is_match: bool
    category: str
    ours: float = 0.0
    theirs: float = 0.0
    error: str | None = None
    explanation: list[str] = field(default_factory=list)


def scripts_of(text: str) -> set[str]:
    """The Unicode scripts (first word of the character name) of the letters in ``text``."""
    return {unicodedata.name(ch, "UNKNOWN ?").split()[0] for ch in text if ch.isalpha()}


def non_latin(case: Case) -> bool:
    return bool(scripts_of(case.name1 + case.name2) - {"LATIN"})


def load(path: Path) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Case(
                group=row["case_group"],
                schema=row["schema"],
                name1=row["name1"],
                name2=row["name2"],
                is_match=row["is_match"].strip().lower() == "true",
                category=row.get("category", ""),
            )
            for row in csv.DictReader(fh)
        ]


def score_ours(case: Case) -> None:
    try:
        a = profile_of(clean_properties({"name": [case.name1]}))
        b = profile_of(clean_properties({"name": [case.name2]}))
    except PersonError as exc:
        case.ours, case.error = 0.0, exc.reason
        case.explanation = [f"PersonError: {exc.reason}"]
        return
    comparison = ftf_v2.compare(a, b)
    case.ours = comparison.score
    case.explanation = [f.explanation for f in comparison.features if f.value]


_LV2_CONFIG = LogicV2.default_config()


def entity(schema: str, name: str) -> ValueEntity:
    proxy = ValueEntity(model.get(schema), {"id": uuid4().hex})
    proxy.add("name", name)
    return proxy


def score_theirs(case: Case) -> None:
    result = LogicV2.compare(entity(case.schema, case.name1), entity(case.schema, case.name2), _LV2_CONFIG)
    case.theirs = float(result.score)


@dataclass
class Metrics:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def metrics(labels: list[bool], scores: list[float], threshold: float) -> Metrics:
    tp = fp = fn = tn = 0
    for label, score in zip(labels, scores, strict=True):
        predicted = score >= threshold
        if predicted and label:
            tp += 1
        elif predicted:
            fp += 1
        elif label:
            fn += 1
        else:
            tn += 1
    return Metrics(tp, fp, fn, tn)


def best_threshold(labels: list[bool], scores: list[float]) -> tuple[float, Metrics]:
    """The threshold (on a 0.01 grid) with the highest F1: tuned on the test set, informational."""
    best = (THRESHOLD, metrics(labels, scores, THRESHOLD))
    for step in range(1, 100):
        t = step / 100
        m = metrics(labels, scores, t)
        if m.f1 > best[1].f1:
            best = (t, m)
    return best


def print_block(title: str, cases: list[Case]) -> None:
    labels = [c.is_match for c in cases]
    positives = sum(labels)
    errors = sum(1 for c in cases if c.error)
    print(f"\n== {title}: {len(cases)} pairs ({positives} matches, {len(cases) - positives} non-matches)")
    if errors:
        print(f"   ours refused {errors} name(s) with PersonError (counted as no match)")
    rows = []
    for label, scores in (("ours ftf-v2", [c.ours for c in cases]), ("logic-v2", [c.theirs for c in cases])):
        m = metrics(labels, scores, THRESHOLD)
        t, bm = best_threshold(labels, scores)
        rows.append((label, m, t, bm))
    print(f"   {'@0.70':<12} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4}  {'P':>6} {'R':>6} {'F1':>6}")
    for label, m, _, _ in rows:
        print(
            f"   {label:<12} {m.tp:>4} {m.fp:>4} {m.fn:>4} {m.tn:>4}  {m.precision:>6.3f} {m.recall:>6.3f} {m.f1:>6.3f}"
        )
    ours_f1, theirs_f1 = rows[0][1].f1, rows[1][1].f1
    ratio = f"{ours_f1 / theirs_f1:.3f}" if theirs_f1 else "n/a"
    print(f"   F1 ratio ours/logic-v2 at 0.70: {ratio}  (difference {ours_f1 - theirs_f1:+.3f})")
    print("   best-F1 threshold, TUNED ON THIS TEST SET (informational only, not a result):")
    for label, _, t, bm in rows:
        print(f"     {label:<12} t={t:.2f}  P {bm.precision:.3f}  R {bm.recall:.3f}  F1 {bm.f1:.3f}")


def print_errors(cases: list[Case]) -> None:
    fps = sorted((c for c in cases if not c.is_match and c.ours >= THRESHOLD), key=lambda c: -c.ours)
    fns = sorted((c for c in cases if c.is_match and c.ours < THRESHOLD), key=lambda c: c.ours)
    for title, rows in (("false positives", fps), ("false negatives", fns)):
        print(f"\n== ours: {len(rows)} {title} (score ours / logic-v2; group, schema, category)")
        for c in rows:
            where = ", ".join(x for x in (c.group, c.schema, c.category) if x)
            print(f"  {c.ours:.3f} / {c.theirs:.3f}  {c.name1!r} vs {c.name2!r}  [{where}]")
            for line in c.explanation:
                print(f"      - {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="labelled pairs (cases.csv)")
    parser.add_argument("--errors", action="store_true", help="list our false positives and negatives")
    args = parser.parse_args(argv)

    cases = load(args.csv)
    # Cold caches for a fair timing: our name analysis is lru-cached, and cases.csv repeats names.
    analyse.cache_clear()
    score_theirs(Case("warm-up", "Person", "Ali Hassan", "Ali Hasan", True, ""))  # import-time work
    t_ours = t_theirs = 0.0
    for case in cases:
        t0 = time.perf_counter()
        score_ours(case)
        t1 = time.perf_counter()
        score_theirs(case)
        t2 = time.perf_counter()
        t_ours += t1 - t0
        t_theirs += t2 - t1

    print(f"Labelled name pairs: {args.csv} ({len(cases)} pairs), threshold {THRESHOLD} for both matchers")
    print(f"ours: {ftf_v2.NAME} (name property only); reference: nomenklatura logic-v2, default config")
    print_block("All pairs (organisation rows scored by ours as person names)", cases)
    print_block("Person pairs only", [c for c in cases if c.schema == "Person"])
    nl = [c for c in cases if non_latin(c)]
    arabic = sum(1 for c in nl if "ARABIC" in scripts_of(c.name1 + c.name2))
    print_block(f"Pairs with non-Latin script (of which {arabic} with Arabic script)", nl)
    n = len(cases)
    print("\n== Time per pair (raw strings to score, one cold pass; both single-threaded)")
    print(f"   ours ftf-v2 {1000 * t_ours / n:.3f} ms   (clean + analyse both names + compare)")
    print(f"   logic-v2    {1000 * t_theirs / n:.3f} ms   (build two entities + compare)")
    if args.errors:
        print_errors(cases)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
