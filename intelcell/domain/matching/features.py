"""The comparisons of the ftf algorithms, one function per piece of evidence.

Each function's name is a true statement about the pair when its value is high, and it returns
the value (0..1) with the one-line explanation an analyst reads beside the score. Every function
takes a `Pair`: the two profiles, their best-matching names (found once, since name similarity
is most of a comparison's cost) and, when the caller knows them, how many stored records hold
each index key (``fighters/index.py``), so a common name can count for less than a rare one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from intelcell.domain.names import AnalysedName, NameMatch, Token, kunya_conflict, name_similarity
from intelcell.domain.partial_date import PartialDate
from intelcell.domain.person import Profile, key_skeletons, shared_name_keys

Evidence = tuple[float, str]
WEAK_ALIAS_DISCOUNT = 0.9
#: Records sharing the matched name parts at which `name_common` is worth its full weight.
COMMON_AT = 10_000


#: The name fields of a `Pair` whose names were not compared.
NO_NAMES: tuple[NameMatch, None, None] = (NameMatch(0.0, (), ()), None, None)


def best_name_match(query: Profile, candidate: Profile) -> tuple[NameMatch, AnalysedName | None, AnalysedName | None]:
    """The most similar pair of names between two records (weak aliases discounted)."""
    best: tuple[NameMatch, AnalysedName | None, AnalysedName | None] = NO_NAMES
    mine = [(n, False) for n in query.names] + [(n, True) for n in query.weak_names]
    theirs = [(n, False) for n in candidate.names] + [(n, True) for n in candidate.weak_names]
    for q, q_weak in mine:
        for c, c_weak in theirs:
            found = name_similarity(q, c)
            if q_weak or c_weak:
                found = NameMatch(found.score * WEAK_ALIAS_DISCOUNT, found.pairs, found.unmatched)
            if found.score > best[0].score:
                best = (found, q, c)
                if found.score >= 1.0:
                    return best  # nothing beats an exact pair
    return best


@dataclass(frozen=True, slots=True)
class Pair:
    """Two profiles being compared, with what several features need computed once."""

    query: Profile
    candidate: Profile
    name: NameMatch
    query_name: AnalysedName | None
    candidate_name: AnalysedName | None
    frequencies: Mapping[str, int] | None = None  # index key -> stored records holding it

    @classmethod
    def of(cls, query: Profile, candidate: Profile, frequencies: Mapping[str, int] | None = None) -> Pair:
        """The pair with its best-matching names found."""
        found, q, c = best_name_match(query, candidate)
        return cls(query, candidate, found, q, c, frequencies)


def name_similar(pair: Pair) -> Evidence:
    """The names are alike across scripts and spellings."""
    found, q, c = pair.name, pair.query_name, pair.candidate_name
    if not found.pairs or q is None or c is None:
        return 0.0, "no name shares a part"
    agreed = ", ".join(a if a == b else f"{a}~{b}" for a, b, _ in found.pairs)
    missing = f"; unmatched: {', '.join(found.unmatched)}" if found.unmatched else ""
    return found.score, f"{q.text!r} vs {c.text!r}: {agreed}{missing}"


def name_common(pair: Pair) -> Evidence:
    """Many stored records share the matched name parts, so the names alone say less (log scale).

    The count is that of the rarest index key naming all the query's matched parts (a pair of
    parts, or the one part), a bound on how many records hold them all. It is worth nothing for
    a name held by one record and its full weight at `COMMON_AT` records. Only parts the index
    keys on are counted (at most eight per name; see `person.key_skeletons`).
    """
    if pair.frequencies is None:
        return 0.0, "name frequencies not consulted"
    if pair.query_name is None or not pair.name.pairs:
        return 0.0, "no shared name parts"
    parts = _matched_query_tokens(pair.query_name, {a for a, _b, _sim in pair.name.pairs})
    indexed = set(key_skeletons(pair.query_name.tokens))
    skeletons = [skel for skel in key_skeletons(parts) if skel in indexed]
    if not skeletons:
        return 0.0, "no indexed name part is shared"
    held = min(pair.frequencies.get(key, 0) for key in shared_name_keys(skeletons))
    words = ", ".join(t.latin for t in parts if not t.weak)
    if held == 0:
        return 0.0, f"the name parts {words} are not counted as spelled here"
    value = min(1.0, math.log10(held) / math.log10(COMMON_AT)) if held > 1 else 0.0
    return value, f"{held:,} stored record(s) hold the name parts {words}"


def _matched_query_tokens(name: AnalysedName, matched: set[str]) -> list[Token]:
    """The query name's tokens behind the matched forms, a joined pair ("abubakr") giving back both."""
    out: list[Token] = []
    tokens = name.tokens
    for k, token in enumerate(tokens):
        joined_before = k > 0 and tokens[k - 1].latin + token.latin in matched
        joined_after = k + 1 < len(tokens) and token.latin + tokens[k + 1].latin in matched
        if token.latin in matched or joined_before or joined_after:
            out.append(token)
    return out


def kunyas_differ(pair: Pair) -> Evidence:
    """One name is a father's kunya (Abu X) and the other a mother's (Umm X) of the same child."""
    if pair.query_name is None or pair.candidate_name is None:
        return 0.0, "no names to compare"
    if kunya_conflict(pair.query_name, pair.candidate_name):
        return 1.0, f"{pair.query_name.text!r} and {pair.candidate_name.text!r}: father's and mother's kunya"
    return 0.0, "no conflicting kunya"


def birth_date_same_day(pair: Pair) -> Evidence:
    """Both records give the same day of birth."""
    query, candidate = pair.query, pair.candidate
    for a in query.birth_dates:
        for b in candidate.birth_dates:
            if a.day is not None and a == b:
                return 1.0, f"born {a.text()} in both"
    return 0.0, "no shared full birth date"


def birth_date_consistent(pair: Pair) -> Evidence:
    """The birth dates agree as far as both are known (a year, or year and month)."""
    query, candidate = pair.query, pair.candidate
    for a in query.birth_dates:
        for b in candidate.birth_dates:
            if a.agrees(b) and not (a.day is not None and a == b):
                return 1.0, f"birth dates {a.text()} and {b.text()} agree as far as both are known"
    return 0.0, "no partially agreeing birth dates"


def _slip(a: PartialDate, b: PartialDate) -> str | None:
    """Why two disagreeing dates may still be one date written wrongly, if they may."""
    if a.swapped(b):
        return "a swapped day and month"
    if abs(a.year - b.year) == 1 and ((a.month, a.day) == (b.month, b.day) or a.month is None or b.month is None):
        return "one year"
    if a.slipped(b):
        return "one mistyped or transposed digit"
    return None


def birth_date_clerical_slip(pair: Pair) -> Evidence:
    """The birth dates differ only by a clerical slip: swapped day and month, one year, one digit."""
    query, candidate = pair.query, pair.candidate
    pairs = [(a, b) for a in query.birth_dates for b in candidate.birth_dates]
    if any(a.agrees(b) for a, b in pairs):
        return 0.0, "birth dates agree"
    for a, b in pairs:
        why = _slip(a, b)
        if why:
            # A mistyped year digit is as likely another person ten years apart: half the weight.
            value = 0.5 if why.endswith("digit") and a.year != b.year else 1.0
            return value, f"{a.text()} and {b.text()} differ by {why}"
    return 0.0, "no near-miss birth dates"


def birth_year_disjoint(pair: Pair) -> Evidence:
    """The birth dates disagree; the value grows with the gap in years (full at ten)."""
    query, candidate = pair.query, pair.candidate
    pairs = [(a, b) for a in query.birth_dates for b in candidate.birth_dates]
    if not pairs or any(a.agrees(b) or _slip(a, b) for a, b in pairs):
        return 0.0, "no conflicting birth dates" if not pairs else "birth dates agree"
    gap = min(abs(a.year - b.year) for a, b in pairs)
    if gap == 0:
        return 0.3, "same birth year but different month or day"
    value = min(gap, 10) / 10
    texts = " / ".join(sorted({a.text() for a, _ in pairs})), " / ".join(sorted({b.text() for _, b in pairs}))
    return value, f"born {texts[0]} vs {texts[1]}: {gap} year(s) apart"


def nationality_shared(pair: Pair) -> Evidence:
    """The records share a nationality."""
    query, candidate = pair.query, pair.candidate
    shared = query.countries & candidate.countries
    if shared:
        return 1.0, f"both list nationality {', '.join(sorted(shared))}"
    return 0.0, "no shared nationality"


def nationality_disjoint(pair: Pair) -> Evidence:
    """Both records list nationalities and none is shared (weak: people hold several)."""
    query, candidate = pair.query, pair.candidate
    if query.countries and candidate.countries and not query.countries & candidate.countries:
        return 1.0, f"nationality {', '.join(sorted(query.countries))} vs {', '.join(sorted(candidate.countries))}"
    return 0.0, "no conflicting nationality"


def gender_mismatch(pair: Pair) -> Evidence:
    """The records give different genders."""
    query, candidate = pair.query, pair.candidate
    if query.gender and candidate.gender and query.gender != candidate.gender:
        return 1.0, f"gender {query.gender} vs {candidate.gender}"
    return 0.0, "no conflicting gender"


def document_number_match(pair: Pair) -> Evidence:
    """A passport or identity number is the same in both (or one typing slip apart)."""
    query, candidate = pair.query, pair.candidate
    shared = query.documents & candidate.documents
    if shared:
        return 1.0, f"document number {min(shared)} in both"
    for a in query.documents:
        for b in candidate.documents:
            if min(len(a), len(b)) >= 6 and Levenshtein.distance(a, b) == 1:
                return 0.7, f"document numbers {a} and {b} differ by one character"
    return 0.0, "no shared document number"


def document_numbers_differ(pair: Pair) -> Evidence:
    """Both records carry document numbers and none is shared or nearly so (weak: people renew)."""
    query, candidate = pair.query, pair.candidate
    if not query.documents or not candidate.documents:
        return 0.0, "no documents to compare"
    if document_number_match(pair)[0]:
        return 0.0, "a document number is shared"
    return 1.0, f"documents {', '.join(sorted(query.documents))} vs {', '.join(sorted(candidate.documents))}"


def place_overlap(pair: Pair) -> Evidence:
    """Birth place or address words are shared."""
    query, candidate = pair.query, pair.candidate
    if not query.places or not candidate.places:
        return 0.0, "no places to compare"
    shared = query.places & candidate.places
    value = len(shared) / min(len(query.places), len(candidate.places))
    if not shared:
        return 0.0, "places differ"
    return value, f"shared place words: {', '.join(sorted(shared)[:5])}"
