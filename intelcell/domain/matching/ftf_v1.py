"""Algorithm ``intelcell-ftf-v1``: a logistic combination of the features in `features`.

score = 1 / (1 + exp(-(BIAS + sum(weight * value)))). The weights were set by reasoning about the
evidence and then checked against synthetic labelled pairs (``bench/calibrate_ftf.py``, which
prints the precision reached at `THRESHOLD`); they are never fitted to the evaluation sets.
"""

from __future__ import annotations

import math

from intelcell.domain.matching import features as f
from intelcell.domain.matching.base import Comparison, Feature
from intelcell.domain.person import Profile

NAME = "intelcell-ftf-v1"
THRESHOLD = 0.7
BIAS = -8.0
WEIGHTS = (
    (f.name_similar, 10.0),
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


def compare(query: Profile, candidate: Profile, threshold: float = THRESHOLD) -> Comparison:
    """Score how likely two records describe the same person, with the evidence for it."""
    found = []
    z = BIAS
    for function, weight in WEIGHTS:
        value, why = function(query, candidate)
        z += weight * value
        found.append(Feature(function.__name__, value, weight, why))
    score = 1.0 / (1.0 + math.exp(-z))
    return Comparison(NAME, round(score, 4), score >= threshold, tuple(found))
