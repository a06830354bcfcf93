"""The member registry: members, communities, and expansion of releasability lists.

Pure data interpretation: the YAML file is read by an adapter (``intelcell.datafiles``) and handed
here as plain mappings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from intelcell.domain.label import Vocabulary

MEMBER_KINDS = ("nation", "organisation")


class RegistryError(ValueError):
    """The registry data is inconsistent; the message names the defect."""


@dataclass(frozen=True)
class Member:
    """A nation (ISO 3166-1 alpha-3) or an organisation that takes part in the cell."""

    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class Community:
    """A named set of members; ``members`` is already expanded through ``includes``."""

    code: str
    name: str
    members: frozenset[str]


@dataclass(frozen=True)
class Registry:
    """Every member and community the cell knows, with set arithmetic over them."""

    members: Mapping[str, Member]
    communities: Mapping[str, Community]

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Registry:
        """Interpret the registry data file's content; raise RegistryError on a defect."""
        members = {}
        for code, entry in (data.get("members") or {}).items():
            kind = entry.get("kind")
            if kind not in MEMBER_KINDS:
                raise RegistryError(f"member {code}: kind must be one of {MEMBER_KINDS}")
            members[code] = Member(code=code, name=str(entry["name"]), kind=kind)
        raw = data.get("communities") or {}
        communities = {code: _expand_community(code, raw, members, ()) for code in raw}
        return cls(members=members, communities=communities)

    def vocabulary(self, restrictive: Iterable[str], handling: Iterable[str]) -> Vocabulary:
        """The label vocabulary this registry allows, with the given caveat lists."""
        return Vocabulary(
            members=frozenset(self.members),
            communities=frozenset(self.communities),
            restrictive_caveats=frozenset(restrictive),
            handling_caveats=frozenset(handling),
        )

    def expand(self, codes: Iterable[str]) -> frozenset[str]:
        """Expand community codes into member codes; member codes stand for themselves.

        A code that is both (``NATO``) means the community, as DESIGN.md says for REL TO; the
        NATO organisation is itself a member of that community.
        """
        out: set[str] = set()
        for code in codes:
            community = self.communities.get(code)
            out.update(community.members if community else (code,))
        return frozenset(out)

    def compress(self, members: frozenset[str]) -> frozenset[str]:
        """Express a member set with as few codes as possible: whole communities, then members.

        ``expand(compress(s)) == s`` for every set of member codes.
        """
        chosen: set[str] = set()
        covered: set[str] = set()
        by_size = sorted(self.communities.values(), key=lambda c: (-len(c.members), c.code))
        for community in by_size:
            if community.members <= members and not community.members <= covered:
                chosen.add(community.code)
                covered |= community.members
        return frozenset(chosen | (members - covered))

    def communities_of(self, code: str) -> list[str]:
        """Codes of the communities that contain a member, sorted."""
        return sorted(c.code for c in self.communities.values() if code in c.members)


def _expand_community(
    code: str, raw: Mapping[str, Any], members: Mapping[str, Member], path: tuple[str, ...]
) -> Community:
    if code in path:
        raise RegistryError(f"community {code} includes itself via {' -> '.join(path)}")
    entry = raw[code]
    out: set[str] = set()
    for member in entry.get("members") or []:
        if member not in members:
            raise RegistryError(f"community {code}: unknown member {member}")
        out.add(member)
    for included in entry.get("includes") or []:
        if included not in raw:
            raise RegistryError(f"community {code}: unknown included community {included}")
        out |= _expand_community(included, raw, members, (*path, code)).members
    return Community(code=code, name=str(entry.get("name", code)), members=frozenset(out))
