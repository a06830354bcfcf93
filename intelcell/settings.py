"""Settings, declared once: each has an ``INTELCELL_*`` variable, a default and a help line.

The README's configuration table and ``intelcell settings`` are generated from ``SETTINGS``.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Setting:
    """One setting's declaration."""

    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        """Its environment variable."""
        return "INTELCELL_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database_url",
        "sqlite:///./intelcell.db",
        "Store URL: sqlite:///PATH (embedded, the default) or postgresql://USER@HOST/DB.",
    ),
    Setting("registry_file", str(_DATA / "registry.yaml"), "Member registry: members and communities (YAML)."),
    Setting(
        "label_policy_file",
        str(_DATA / "label_policy.yaml"),
        "Label policy: the restrictive and handling caveats labels may carry (YAML).",
    ),
    Setting(
        "max_body_bytes",
        10 * 1024 * 1024,
        "Largest request body the API accepts, in bytes; larger ones get 413.",
    ),
    Setting(
        "max_object_bytes",
        1024 * 1024,
        "Largest single STIX object accepted; a larger one fails in the TAXII status resource.",
    ),
    Setting("max_envelope_objects", 10_000, "Most objects one TAXII envelope may carry; more gets 413."),
    Setting("max_page_size", 1000, "Most objects one TAXII page returns, whatever limit a client asks for."),
    Setting(
        "status_retention_hours",
        168,
        "How long TAXII status resources are kept (the specification asks for 24 hours at least).",
    ),
    Setting("token_days", 90, "Default lifetime of a new API token, in days."),
    Setting("session_minutes", 480, "Lifetime of a browser session, in minutes."),
    Setting("cookie_secure", True, "Mark session cookies Secure (browsers still send them to http://localhost)."),
    Setting("host", "127.0.0.1", "Address `intelcell serve` listens on."),
    Setting("port", 8000, "Port `intelcell serve` listens on."),
)


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one process."""

    database_url: str
    registry_file: str
    label_policy_file: str
    max_body_bytes: int
    max_object_bytes: int
    max_envelope_objects: int
    max_page_size: int
    status_retention_hours: int
    token_days: int
    session_minutes: int
    cookie_secure: bool
    host: str
    port: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``INTELCELL_*`` variables over the defaults, then ``overrides``."""
        environ = os.environ if environ is None else environ
        values = {}
        for setting in SETTINGS:
            raw = environ.get(setting.env)
            values[setting.name] = setting.default if raw is None else _coerce(setting, raw)
        values.update(overrides)
        return cls(**values)

    def __repr__(self) -> str:
        # The database URL may carry a password: never print it.
        url = re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", self.database_url)
        return f"Settings(database_url={url!r}, ...)"

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed."""
        return dataclasses.replace(self, **changes)


def _coerce(setting: Setting, raw: str) -> Any:
    default = setting.default
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{setting.env} must be true or false, not {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{setting.env} must be an integer, not {raw!r}") from None
    return raw
