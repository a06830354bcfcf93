"""Reads the registry and label-policy data files (YAML) that administrators edit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from intelcell.domain.label import Vocabulary
from intelcell.domain.registry import Registry, RegistryError


class DataFileError(RuntimeError):
    """A data file is missing or malformed; the message names the file and the defect."""


@dataclass(frozen=True)
class CellData:
    """The registry and the label vocabulary built from the data files."""

    registry: Registry
    vocabulary: Vocabulary


def _load_yaml(path: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: expected a mapping at the top level")
    return data


def load(registry_file: str, label_policy_file: str) -> CellData:
    """Load and check both data files."""
    try:
        registry = Registry.from_mapping(_load_yaml(registry_file))
    except (RegistryError, KeyError, TypeError, AttributeError) as exc:
        raise DataFileError(f"{registry_file}: {exc}") from exc
    policy = _load_yaml(label_policy_file)
    restrictive = [str(c).upper() for c in policy.get("restrictive_caveats") or []]
    handling = [str(c).upper() for c in policy.get("handling_caveats") or []]
    clash = set(restrictive) & set(handling)
    if clash:
        raise DataFileError(f"{label_policy_file}: caveat(s) both restrictive and handling: {clash}")
    return CellData(registry, registry.vocabulary(restrictive, handling))
