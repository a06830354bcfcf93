"""What every matching algorithm returns: a calibrated score and the features that explain it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Feature:
    """One piece of evidence about a pair: its value, its weight in the score and why it holds."""

    name: str
    value: float
    weight: float
    explanation: str

    @property
    def contribution(self) -> float:
        """What this feature adds to the score's log-odds."""
        return self.value * self.weight

    def to_json(self) -> dict[str, Any]:
        """The feature as the API shows it."""
        return {
            "name": self.name,
            "value": round(self.value, 4),
            "weight": self.weight,
            "contribution": round(self.contribution, 4),
            "explanation": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """A scored pair: ``score`` is a probability-like 0..1, ``match`` is score >= threshold."""

    algorithm: str
    score: float
    match: bool
    features: tuple[Feature, ...]

    def feature_values(self) -> dict[str, float]:
        """Feature name to value, the shape yente's ``features`` field has."""
        return {f.name: round(f.value, 4) for f in self.features}
