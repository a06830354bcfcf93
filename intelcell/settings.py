"""Settings, declared once: each has an ``INTELCELL_*`` variable, a default and a help line.

The README's configuration table and ``intelcell settings`` are generated from ``SETTINGS``.
"""

from __future__ import annotations

import dataclasses
import hmac
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
    Setting(
        "head_timeout_s",
        10,
        "Seconds a client has to send a request's head (`intelcell serve`); slower ones get 408 and are cut off.",
    ),
    Setting(
        "body_timeout_s",
        120,
        "Seconds a client has to send a request's body once its head has arrived; slower ones get 408.",
    ),
    Setting(
        "rate_per_user",
        200,
        "Requests a second one API user may send on average (bursts of four times as many); more get 429. 0: no limit.",
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
    Setting(
        "server_timing",
        False,
        "Add `Server-Timing: app;dur=<ms>` to every page of the browser UI (tests and measurements only: the "
        "time a page takes can depend on data the viewer may not read).",
    ),
    Setting("host", "127.0.0.1", "Address `intelcell serve` listens on."),
    Setting(
        "tls_certfile", None, "Server certificate (PEM): with INTELCELL_TLS_KEYFILE, `intelcell serve` speaks HTTPS."
    ),
    Setting("tls_keyfile", None, "Private key (PEM) of INTELCELL_TLS_CERTFILE."),
    Setting(
        "tls_client_ca",
        None,
        "CA certificates (PEM) that sign machine clients' certificates: set, clients may authenticate with a "
        "certificate registered by `intelcell cert add` instead of a token (mutual TLS).",
    ),
    Setting("port", 8000, "Port `intelcell serve` listens on."),
    Setting(
        "linkage_key",
        None,
        "Secret key of privacy-preserving matching (text, at least 16 bytes), shared with members out of "
        "band; unset, encodings are compared only with each other (docs/privacy-preserving-matching.md).",
    ),
    Setting(
        "webhook_hosts",
        None,
        "Hosts watchlist webhooks may be sent to, comma-separated (`nat.example`, or `*.fra.example` for its "
        "subdomains); unset, any host but this machine's own and link-local addresses.",
    ),
    Setting(
        "airpicture_engine",
        True,
        "`intelcell serve` runs the air-picture tracker when no other process holds its lease (one does at a time).",
    ),
    Setting("airpicture_poll_ms", 10, "How often the tracker looks for new plots and the feed for new tracks, in ms."),
    Setting(
        "airpicture_demo_replay",
        True,
        "When the demo is loaded, `intelcell serve` flies its sensors over recorded trajectories, live.",
    ),
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
    linkage_key: Secret | None = None
    airpicture_engine: bool = True
    airpicture_poll_ms: int = 10
    airpicture_demo_replay: bool = True
    server_timing: bool = False
    head_timeout_s: int = 10
    rate_per_user: int = 200
    body_timeout_s: int = 120
    tls_certfile: str | None = None
    tls_keyfile: str | None = None
    tls_client_ca: str | None = None
    webhook_hosts: str | None = None

    def __post_init__(self) -> None:
        # A linkage key read from the environment arrives as text: hide it at once.
        if isinstance(self.linkage_key, str):
            text = self.linkage_key.strip()
            if text and len(text.encode()) < 16:
                raise ValueError("INTELCELL_LINKAGE_KEY must be at least 16 bytes (64 hex digits recommended)")
            object.__setattr__(self, "linkage_key", Secret(text) if text else None)

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


class Secret:
    """A secret setting's value: prints as asterisks everywhere; `reveal` gives the value itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself, for the one place that uses it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(Secret)
