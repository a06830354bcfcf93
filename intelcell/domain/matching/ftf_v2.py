"""Algorithm ``intelcell-ftf-v2``: a logistic combination of the features in `features`.

score = 1 / (1 + exp(-(BIAS + sum(weight * value)))). The weights were set by reasoning about the
evidence and then checked against synthetic labelled pairs (``bench/calibrate_ftf.py``, which
prints the precision reached at `THRESHOLD`); they are never fitted to the evaluation sets.

v2 differs from v1 in two pieces of evidence. ``name_common``: when the caller passes the store's
key counts, a name many records share counts for less (at 1,000,000 records a bare "Burak Gül"
or "Abu Yasir al-Mosuli" matched a namesake at 0.92 under v1). ``kunyas_differ``: "Abu Usama"
and "Umm Usama" are a father and a mother. Without key counts, v2 scores as v1 did, apart from
the kunya rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from intelcell.domain.matching import features as f
from intelcell.domain.matching.base import Comparison, Feature
from intelcell.domain.person import Profile

NAME = "intelcell-ftf-v2"
THRESHOLD = 0.7
BIAS = -8.0
WEIGHTS = (
    (f.name_similar, 10.0),
    (f.name_common, -4.0),
    (f.kunyas_differ, -4.0),
    (f.birth_date_same_day, 2.5),
    (f.birth_date_consistent, 1.2),
    (f.birth_date_clerical_slip, 0.5),
    (f.birth_year_disjoint, -5.0),
    (f.nationality_shared, 0.4),
    (f.nationality_disjoint, -0.6),
    (f.gender_mismatch, -4.0),
    (f.document_number_match, 6.0),
    (f.document_numbers_differ, -1.0),
    (f.place_overlap, 1.5),
)
#: The features computed from the names: bounded separately when names are not yet compared.
NAME_FEATURES = frozenset({f.name_similar, f.name_common, f.kunyas_differ})


def compare(
    query: Profile,
    candidate: Profile,
    threshold: float = THRESHOLD,
    frequencies: Mapping[str, int] | None = None,
) -> Comparison:
    """Score how likely two records describe the same person, with the evidence for it.

    ``frequencies`` (index key to the number of stored records holding it) lets a common name
    count for less. Whatever a caller is shown may depend only on records it may read: screening
    passes `index.readable_counts` for readable candidates and nothing for the rest; resolution,
    whose links serve every viewer, passes nothing. Never pass `index.counts` here.
    """
    pair = f.Pair.of(query, candidate, frequencies)
    found = []
    z = BIAS
    for function, weight in WEIGHTS:
        value, why = function(pair)
        z += weight * value
        found.append(Feature(function.__name__, value, weight, why))
    score = 1.0 / (1.0 + math.exp(-z))
    return Comparison(NAME, round(score, 4), score >= threshold, tuple(found))
