"""The comparisons of algorithm ftf-v1, one function per piece of evidence.

Each function's name is a true statement about the pair when its value is high, and it returns
the value (0..1) with the one-line explanation an analyst reads beside the score.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from intelcell.domain.names import NameMatch, name_similarity
from intelcell.domain.partial_date import PartialDate
from intelcell.domain.person import Profile

Evidence = tuple[float, str]
WEAK_ALIAS_DISCOUNT = 0.9


def best_name_match(query: Profile, candidate: Profile) -> tuple[NameMatch, str, str]:
    """The most similar pair of names between two records (weak aliases discounted)."""
    best: tuple[NameMatch, str, str] = (NameMatch(0.0, (), ()), "", "")
    mine = [(n, False) for n in query.names] + [(n, True) for n in query.weak_names]
    theirs = [(n, False) for n in candidate.names] + [(n, True) for n in candidate.weak_names]
    for q, q_weak in mine:
        for c, c_weak in theirs:
            found = name_similarity(q, c)
            if q_weak or c_weak:
                found = NameMatch(found.score * WEAK_ALIAS_DISCOUNT, found.pairs, found.unmatched)
            if found.score > best[0].score:
                best = (found, q.text, c.text)
                if found.score >= 1.0:
                    return best  # nothing beats an exact pair
    return best


def name_similar(query: Profile, candidate: Profile) -> Evidence:
    """The names are alike across scripts and spellings."""
    found, q, c = best_name_match(query, candidate)
    if not found.pairs:
        return 0.0, "no name shares a part"
    agreed = ", ".join(a if a == b else f"{a}~{b}" for a, b, _ in found.pairs)
    missing = f"; unmatched: {', '.join(found.unmatched)}" if found.unmatched else ""
    return found.score, f"{q!r} vs {c!r}: {agreed}{missing}"


def birth_date_same_day(query: Profile, candidate: Profile) -> Evidence:
    """Both records give the same day of birth."""
    for a in query.birth_dates:
        for b in candidate.birth_dates:
            if a.day is not None and a == b:
                return 1.0, f"born {a.text()} in both"
    return 0.0, "no shared full birth date"


def birth_date_consistent(query: Profile, candidate: Profile) -> Evidence:
    """The birth dates agree as far as both are known (a year, or year and month)."""
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


def birth_date_clerical_slip(query: Profile, candidate: Profile) -> Evidence:
    """The birth dates differ only by a clerical slip: swapped day and month, one year, one digit."""
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


def birth_year_disjoint(query: Profile, candidate: Profile) -> Evidence:
    """The birth dates disagree; the value grows with the gap in years (full at ten)."""
    pairs = [(a, b) for a in query.birth_dates for b in candidate.birth_dates]
    if not pairs or any(a.agrees(b) or _slip(a, b) for a, b in pairs):
        return 0.0, "no conflicting birth dates" if not pairs else "birth dates agree"
    gap = min(abs(a.year - b.year) for a, b in pairs)
    if gap == 0:
        return 0.3, "same birth year but different month or day"
    value = min(gap, 10) / 10
    texts = " / ".join(sorted({a.text() for a, _ in pairs})), " / ".join(sorted({b.text() for _, b in pairs}))
    return value, f"born {texts[0]} vs {texts[1]}: {gap} year(s) apart"


def nationality_shared(query: Profile, candidate: Profile) -> Evidence:
    """The records share a nationality."""
    shared = query.countries & candidate.countries
    if shared:
        return 1.0, f"both list nationality {', '.join(sorted(shared))}"
    return 0.0, "no shared nationality"


def nationality_disjoint(query: Profile, candidate: Profile) -> Evidence:
    """Both records list nationalities and none is shared (weak: people hold several)."""
    if query.countries and candidate.countries and not query.countries & candidate.countries:
        return 1.0, f"nationality {', '.join(sorted(query.countries))} vs {', '.join(sorted(candidate.countries))}"
    return 0.0, "no conflicting nationality"


def gender_mismatch(query: Profile, candidate: Profile) -> Evidence:
    """The records give different genders."""
    if query.gender and candidate.gender and query.gender != candidate.gender:
        return 1.0, f"gender {query.gender} vs {candidate.gender}"
    return 0.0, "no conflicting gender"


def document_number_match(query: Profile, candidate: Profile) -> Evidence:
    """A passport or identity number is the same in both (or one typing slip apart)."""
    shared = query.documents & candidate.documents
    if shared:
        return 1.0, f"document number {min(shared)} in both"
    for a in query.documents:
        for b in candidate.documents:
            if min(len(a), len(b)) >= 6 and Levenshtein.distance(a, b) == 1:
                return 0.7, f"document numbers {a} and {b} differ by one character"
    return 0.0, "no shared document number"


def document_numbers_differ(query: Profile, candidate: Profile) -> Evidence:
    """Both records carry document numbers and none is shared or nearly so (weak: people renew)."""
    if not query.documents or not candidate.documents:
        return 0.0, "no documents to compare"
    if document_number_match(query, candidate)[0]:
        return 0.0, "a document number is shared"
    return 1.0, f"documents {', '.join(sorted(query.documents))} vs {', '.join(sorted(candidate.documents))}"


def place_overlap(query: Profile, candidate: Profile) -> Evidence:
    """Birth place or address words are shared."""
    if not query.places or not candidate.places:
        return 0.0, "no places to compare"
    shared = query.places & candidate.places
    value = len(shared) / min(len(query.places), len(candidate.places))
    if not shared:
        return 0.0, "places differ"
    return value, f"shared place words: {', '.join(sorted(shared)[:5])}"
