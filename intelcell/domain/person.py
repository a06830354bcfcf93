"""A person record's matchable form: analysed names, birth dates, nationalities, documents.

Records arrive as FollowTheMoney ``Person`` properties. `clean_properties` applies the documented
normalisation (invisible characters removed, NFC, whitespace collapsed) and refuses what cannot be
a person; `profile_of` analyses the result once, so screening and resolution never re-analyse;
`blocking_keys` lists the candidate-index keys under which the record can be found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from intelcell.domain.names import AnalysedName, NameError_, Token, analyse, clean_name
from intelcell.domain.partial_date import DateError, PartialDate, parse_date

#: Properties holding whole names; the parts properties are joined into one more name.
NAME_PROPS = ("name", "alias", "previousName")
WEAK_NAME_PROPS = ("weakAlias",)
PART_PROPS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
DOCUMENT_PROPS = ("passportNumber", "idNumber", "taxNumber", "socialSecurityNumber")
MAX_NAMES = 50
MAX_VALUE_CHARS = 20_000
_DOC = re.compile(r"[^0-9A-Z]")


class PersonError(ValueError):
    """A person record that cannot be accepted; ``reason`` is one line for the submitter."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Profile:
    """The analysed, matchable form of one person record."""

    names: tuple[AnalysedName, ...]
    weak_names: tuple[AnalysedName, ...] = ()
    birth_dates: tuple[PartialDate, ...] = ()
    countries: frozenset[str] = frozenset()
    gender: str | None = None
    documents: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, Any]:
        """JSON-safe form for storage."""
        out: dict[str, Any] = {"n": [[n.text, [t.to_json() for t in n.tokens]] for n in self.names]}
        if self.weak_names:
            out["w"] = [[n.text, [t.to_json() for t in n.tokens]] for n in self.weak_names]
        if self.birth_dates:
            out["b"] = [d.text() for d in self.birth_dates]
        if self.countries:
            out["c"] = sorted(self.countries)
        if self.gender:
            out["g"] = self.gender
        if self.documents:
            out["d"] = sorted(self.documents)
        if self.places:
            out["p"] = sorted(self.places)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Profile:
        """The profile stored by `to_json`."""

        def names(key: str) -> tuple[AnalysedName, ...]:
            stored = data.get(key, ())
            return tuple(AnalysedName(text, tuple(Token.from_json(t) for t in toks)) for text, toks in stored)

        return cls(
            names=names("n"),
            weak_names=names("w"),
            birth_dates=tuple(parse_date(d) for d in data.get("b", ())),
            countries=frozenset(data.get("c", ())),
            gender=data.get("g"),
            documents=frozenset(data.get("d", ())),
            places=frozenset(data.get("p", ())),
        )


def _clean_value(prop: str, value: str) -> str:
    if not isinstance(value, str):
        raise PersonError(f"{prop}: values must be strings")
    if len(value) > MAX_VALUE_CHARS:
        raise PersonError(f"{prop}: value longer than {MAX_VALUE_CHARS} characters")
    visible = "".join(c for c in unicodedata.normalize("NFC", value) if unicodedata.category(c) != "Cf")
    return " ".join(visible.split())


def clean_properties(properties: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Properties with invisible characters removed, NFC and whitespace collapsed; empties dropped.

    Names are cleaned by `clean_name`; a record must keep at least one name.
    """
    out: dict[str, list[str]] = {}
    for prop, values in properties.items():
        if isinstance(values, str) or not isinstance(values, Sequence):
            raise PersonError(f"{prop}: expected a list of strings")
        cleaned = []
        for value in values:
            text = _clean_value(prop, value)
            if prop in NAME_PROPS + WEAK_NAME_PROPS + PART_PROPS:
                try:
                    text = clean_name(text)
                except NameError_ as exc:
                    raise PersonError(f"{prop}: {exc.reason}: {text[:40]!r}") from None
            if text and text not in cleaned:
                cleaned.append(text)
        if cleaned:
            out[prop] = cleaned
    if not any(out.get(p) for p in NAME_PROPS + PART_PROPS):
        raise PersonError("a person needs a name (name, alias or firstName/lastName)")
    return out


def _analysed(texts: Sequence[str]) -> tuple[AnalysedName, ...]:
    seen, out = set(), []
    for text in texts[:MAX_NAMES]:
        name = analyse(text)
        key = tuple(t.latin for t in name.tokens)
        if name.tokens and key not in seen:
            seen.add(key)
            out.append(name)
    return tuple(out)


def profile_of(properties: Mapping[str, Sequence[str]]) -> Profile:
    """Analyse cleaned properties (see `clean_properties`) into a profile; `PersonError` if unusable."""
    texts = [v for p in NAME_PROPS for v in properties.get(p, ())]
    parts = [properties[p][0] for p in PART_PROPS if properties.get(p)]
    if parts:
        texts.append(" ".join(parts))
    names = _analysed(texts)
    if not names:
        raise PersonError("no name has a letter that can be compared")
    dates = []
    for value in properties.get("birthDate", ()):
        try:
            dates.append(parse_date(value))
        except DateError as exc:
            raise PersonError(f"birthDate: {exc}") from None
    countries = {c.lower() for p in ("nationality", "citizenship", "country") for c in properties.get(p, ())}
    genders = properties.get("gender", ())
    documents = {d for p in DOCUMENT_PROPS for v in properties.get(p, ()) if len(d := _DOC.sub("", v.upper())) >= 4}
    places = {
        w for p in ("birthPlace", "address") for v in properties.get(p, ()) for w in re.findall(r"\w{3,}", v.lower())
    }
    return Profile(
        names=names,
        weak_names=_analysed(properties.get("weakAlias", ())),
        birth_dates=tuple(sorted(set(dates), key=PartialDate.text)),
        countries=frozenset(countries),
        gender=genders[0].lower() if genders else None,
        documents=frozenset(documents),
        places=frozenset(places),
    )


def blocking_keys(profile: Profile) -> set[str]:
    """Candidate-index keys: token skeletons and pairs of them, birth year with skeleton, full birth date, documents."""
    keys: set[str] = set()
    years = {d.year for d in profile.birth_dates}
    for name in profile.names + profile.weak_names:
        skeletons = key_skeletons(name.tokens)
        keys.update(name_keys(skeletons))
        keys.update(f"y:{year}:{skel}"[:64] for year in years for skel in skeletons)
    keys.update(f"d:{doc}"[:64] for doc in profile.documents)
    # A full birth date is selective alone (a day of some eighty years' births), and finds
    # records whose every name part was mistyped.
    keys.update(f"b:{d.text()}" for d in profile.birth_dates if d.day is not None)
    return keys


def key_skeletons(tokens: Sequence[Token]) -> list[str]:
    """The skeletons of ``tokens`` that the index keys on: strong, two consonants or more, at most eight."""
    return sorted({t.skeleton for t in tokens if not t.weak and len(t.skeleton) >= 2})[:8]


#: The prefixes of the keys `name_keys` makes (name parts alone, and pairs of them).
NAME_KEY_PREFIXES = ("s:", "p:")


def name_keys(skeletons: Sequence[str]) -> list[str]:
    """Index keys of a name's key skeletons: each skeleton alone, and each pair of them."""
    return [f"s:{skel}"[:64] for skel in skeletons] + [f"p:{a}|{b}"[:64] for a, b in combinations(skeletons, 2)]


def shared_name_keys(skeletons: Sequence[str]) -> list[str]:
    """The most specific index keys naming all of ``skeletons``: their pairs, or the one skeleton alone.

    How many records hold such a key bounds how many records share those name parts (a pair key
    is held by every record with both parts), which is what `features.name_common` weighs.
    """
    if len(skeletons) == 1:
        return [f"s:{skeletons[0]}"[:64]]
    return [f"p:{a}|{b}"[:64] for a, b in combinations(sorted(skeletons), 2)]
