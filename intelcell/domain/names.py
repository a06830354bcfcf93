"""Person names across scripts and romanisations: cleaning, analysis into tokens, similarity.

One person is written "Abu Bakr al-Baghdadi", "Abou Bakr Al Baghdadi" and "أبو بكر البغدادي".
Three keys let such tokens meet:

- rigour's analysis (OpenSanctions): tokenisation, ASCII transliteration, metaphone, and *name
  symbols*: Wikidata ids of given names and the particles (ABU, BIN, UMM, SHEIKH...) it knows in
  every script, so "Usama" and "أسامة" share a symbol without any romanisation at all;
- a consonant *skeleton* (``skeleton``): Arabic script drops its short vowels and writes long ones
  as letters, and Latin romanisations differ mostly in vowels (Muhammad, Mohamed, Muhammed all
  give ``mhmd``; أسامة, Usama, Osama give ``sm``), so comparing consonant classes bridges both;
- string similarity of the transliterations, for typos.

The functions are pure; `analyse` is cached because the same names recur across records.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import icu
from normality import ascii_text
from rapidfuzz.distance import JaroWinkler, Levenshtein
from rigour.names import NameTypeTag, analyze_names, remove_person_prefixes

MAX_NAME_CHARS = 300
MAX_TOKENS = 12

#: rigour's particle and title symbols, and a few honorifics it does not tag: low-weight tokens.
PARTICLE_SYMBOLS = frozenset({"ABU", "BIN", "UMM", "ABDUL", "SHEIKH", "HAJI", "BINT", "AL", "EL", "OULD", "AG"})
WEAK_TOKENS = frozenset(
    {
        "al", "el", "ul", "ad", "ar", "as", "at", "az", "an", "ash", "bin", "ibn", "ben", "bint", "binti",
        "abu", "abou", "abo", "umm", "um", "ould", "ag", "sheikh", "shaykh", "sheik", "cheikh", "mullah",
        "mulla", "molla", "imam", "haji", "hajji", "hadji", "maulana",
        "mawlana",
    }
)  # fmt: skip
_TITLES = frozenset({"sheikh", "shaykh", "sheik", "cheikh", "mullah", "mulla", "imam"})

# Arabic (and Persian) letters to consonant classes; long vowels, hamza seats, ayn and
# ta marbuta vanish as their romanisations mostly do.
_ARABIC = {
    "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "x", "د": "d", "ذ": "d", "ر": "r", "ز": "z",
    "س": "s", "ش": "S", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "غ": "g", "ف": "f", "ق": "k", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h", "پ": "p", "چ": "S", "ژ": "j", "گ": "g", "ک": "k",
}  # fmt: skip
_ARABIC_SILENT = frozenset("اأإآءئؤىيوةعیٱ")
_LATIN_DIGRAPHS = (
    ("dsch", "j"), ("tsch", "S"), ("sch", "S"), ("sh", "S"), ("ch", "S"), ("kh", "x"), ("gh", "g"),
    ("th", "t"), ("dh", "d"), ("ph", "f"), ("dj", "j"), ("ck", "k"), ("q", "k"),
)  # fmt: skip
_SOFT_C = re.compile(r"c(?=[eiy])")  # French and Spanish c before e/i/y is s (Houcine = Husain)
_LATIN_VOWELS = re.compile(r"[aeiouyw']")
_ARTICLE = re.compile(r"^(?:al|el|ul|ol)(?=[^aeiou]{1}[a-z]{3,})")
# "Abd" + article + name in its many spellings (Abdul Rahman, Abderrahmane, Abd ar-Rahman, 'Abd al-Aziz,
# Abdullah) folds to "abd" + name, the form Arabic script gives once its article is dropped.
_ABD = re.compile(
    r"\babd(?:[\s-]*(?:a|e|u|ou|o)(?:l|r|s|d|t|z|n|sh)\b[\s-]*|(?:a|e|u|ou|o)(?:l|r|s|d|t|z|n)(?=[a-z]{3,})|[\s-]+)"
)
_NASAB = frozenset({"bin", "ibn", "ben", "bint", "binti", "ould"})


class NameError_(ValueError):
    """A name that cannot be analysed: ``reason`` says why, for the submitter."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def clean_name(text: str) -> str:
    """The name with invisible format characters removed and whitespace collapsed (NFC).

    Zero-width joiners and spaces, bidirectional overrides and similar ``Cf`` characters are
    stripped because they change no visible letter but would defeat matching and display.
    Raises `NameError_` for an over-long name or one with no letter at all.
    """
    if len(text) > MAX_NAME_CHARS * 4:
        raise NameError_(f"name longer than {MAX_NAME_CHARS} characters")
    visible = "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c) != "Cf")
    cleaned = " ".join(visible.split())
    if len(cleaned) > MAX_NAME_CHARS:
        raise NameError_(f"name longer than {MAX_NAME_CHARS} characters")
    if not any(unicodedata.category(c).startswith("L") for c in cleaned):
        raise NameError_("name has no letters")
    return cleaned


@dataclass(frozen=True, slots=True)
class Token:
    """One part of a name, in the forms used to compare it."""

    latin: str  # ASCII transliteration, lower case
    skeleton: str  # consonant classes (see module docstring)
    symbols: frozenset[str]  # rigour name symbols (Wikidata ids, particle codes)
    weak: bool  # particle or title: carries little identity
    weight: float = field(init=False, compare=False, hash=False)  # its share of a name's identity

    def __post_init__(self) -> None:
        # Particles count a quarter, initials half: derived once, read in every comparison.
        object.__setattr__(self, "weight", 0.25 if self.weak else 0.5 if len(self.latin) == 1 else 1.0)

    def to_json(self) -> list[object]:
        """Compact JSON form, for storing analysed names."""
        return [self.latin, self.skeleton, sorted(self.symbols), int(self.weak)]

    @classmethod
    def from_json(cls, data: list[object]) -> Token:
        """The token stored by `to_json`."""
        latin, skeleton, symbols, weak = data
        return cls(str(latin), str(skeleton), frozenset(map(str, symbols)), bool(weak))  # type: ignore[call-overload]


#: Scripts written in syllables or morphemes, one character each, whose romanisation hides
#: differences: Han characters (高石 and 高市 are both "gao shi"), Hangul syllables, kana.
_SYLLABIC_SCRIPTS = (
    ("han", re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")),
    ("hangul", re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")),
    ("kana", re.compile(r"[\u3040-\u30ff]")),
)
_NAME_SEPARATORS = frozenset(" ·・.-‧")


@lru_cache(maxsize=1)
def _to_simplified() -> Any:
    """ICU's Traditional-Simplified transliterator (習近平 and 习近平 are one name)."""
    return icu.Transliterator.createInstance("Traditional-Simplified")


def syllables(text: str) -> str:
    """``text``'s characters, script-tagged, when all are of one syllabic script (Han in simplified form); else "".

    "高市 早苗" gives "han:高市早苗"; a Latin, Arabic or mixed-script name gives "".
    """
    chars = [c for c in text if c not in _NAME_SEPARATORS]
    if not chars:
        return ""
    for script, pattern in _SYLLABIC_SCRIPTS:
        if all(pattern.match(c) for c in chars):
            joined = "".join(chars)
            return f"{script}:{_to_simplified().transliterate(joined) if script == 'han' else joined}"
    return ""


def _same_script(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a.partition(":")[0] == b.partition(":")[0]


def _after_script(tagged: str) -> str:
    return tagged.partition(":")[2]


@dataclass(frozen=True, slots=True)
class AnalysedName:
    """A cleaned name, its tokens, and its characters when it is written in one syllabic script."""

    text: str
    tokens: tuple[Token, ...]
    strong_count: int = field(init=False, compare=False, hash=False)
    syllables: str = field(init=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "strong_count", sum(1 for t in self.tokens if not t.weak))
        object.__setattr__(self, "syllables", syllables(self.text))

    @property
    def strong(self) -> tuple[Token, ...]:
        """The tokens that carry identity (not particles or titles)."""
        return tuple(t for t in self.tokens if not t.weak)


def skeleton(latin: str) -> str:
    """The consonant skeleton of an ASCII-lowercase token: digraphs folded, vowels dropped."""
    s = latin.replace("x", "ks")  # before "kh" becomes the class x
    for digraph, sound in _LATIN_DIGRAPHS:
        s = s.replace(digraph, sound)
    s = _SOFT_C.sub("s", s).replace("c", "k")
    return _collapse(_LATIN_VOWELS.sub("", s))


def _arabic_skeleton(word: str) -> str:
    word = word[2:] if word.startswith("ال") and len(word) > 3 else word
    return _collapse("".join(_ARABIC.get(c, "") for c in word if c not in _ARABIC_SILENT))


def _collapse(s: str) -> str:
    out = s[:1]
    for c in s[1:]:
        if c != out[-1]:
            out += c
    s = out
    return s[:-1] if len(s) > 2 and s.endswith("h") else s


def _is_arabic(word: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in word)


def _latin_form(form: str) -> str:
    latin = ascii_text(form) or ""
    return re.sub(r"[^a-z0-9]", "", latin.lower())


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")


@lru_cache(maxsize=200_000)
def analyse(text: str) -> AnalysedName:
    """Analyse a cleaned name into comparable tokens (cached).

    Words run together in CamelCase ("VladimirPutin") are split first.
    """
    text = remove_person_prefixes(_CAMEL.sub(" ", text))
    folded = _ABD.sub("abd", (ascii_text(text) or "").lower()) if not _is_arabic(text) else text
    folded = folded.replace("عبد ال", "عبد").replace("عبدال", "عبد")
    found = analyze_names(NameTypeTag.PER, [folded], consolidate=False)
    name = next(iter(found), None)
    if name is None:
        return AnalysedName(text, ())
    symbols: list[set[str]] = [set() for _ in name.parts]
    particle = [False] * len(name.parts)
    for span in name.spans:
        category = str(span.symbol.category).rsplit(".", 1)[-1]
        for part in span.parts:
            symbols[part.index].add(str(span.symbol.id))
            if category == "SYMBOL" and str(span.symbol.id) in PARTICLE_SYMBOLS and len(span.parts) == 1:
                particle[part.index] = True
    tokens = []
    for part, syms, is_particle in zip(name.parts, symbols, particle, strict=True):
        latin = _latin_form(part.form)
        if not latin:
            continue
        arabic = _is_arabic(part.form)
        skel = _arabic_skeleton(part.form) if arabic else skeleton(_ARTICLE.sub("", latin))
        # Arabic script's particles are known by rigour's symbols; its transliterations would
        # collide with Latin titles ("عمر", Omar, transliterates to "mr").
        weak = is_particle or str(part.tag).endswith("STOP") or (not arabic and latin in WEAK_TOKENS)
        tokens.append(Token(latin, skel, frozenset(syms - PARTICLE_SYMBOLS) if not weak else frozenset(), weak))
    leading = [t for t in tokens[:-1] if t.latin in _TITLES]
    return AnalysedName(text, tuple(tokens[len(leading) :][:MAX_TOKENS]))


def warm() -> None:
    """Load rigour's name tables now (tens of seconds once per process) rather than on a first query."""
    analyze_names(NameTypeTag.PER, ["Abu Bakr al-Baghdadi"], consolidate=False)


@lru_cache(maxsize=500_000)
def token_similarity(a: Token, b: Token) -> float:
    """How alike two tokens are, 0..1: equal, a shared name symbol, one skeleton, or close spelling.

    Cached: screening meets the same common tokens (Muhammad, Ali, al-) in most candidates.
    """
    if a.latin == b.latin:
        return 1.0
    if a.symbols & b.symbols:
        return 0.95
    if a.skeleton == b.skeleton and (len(a.skeleton) >= 2 or (a.weak and b.weak and a.skeleton)):
        return 0.9
    if a.skeleton == b.skeleton and a.skeleton and len(a.latin) >= 4 and len(b.latin) >= 4:
        return 0.8  # one consonant left once vowels go (Issawi, العيساوي): weaker evidence
    if len(a.latin) == 1 or len(b.latin) == 1:
        return 0.9 if a.latin[0] == b.latin[0] else 0.0  # an initial
    # Jaro-Winkler alone forgives different endings (Castillo/Castro); averaging with
    # Levenshtein keeps one-letter slips (Mohammed/Mohamed) and refuses different suffixes.
    spelled = (
        JaroWinkler.normalized_similarity(a.latin, b.latin) + Levenshtein.normalized_similarity(a.latin, b.latin)
    ) / 2
    if spelled < 0.8:
        spelled = 0.0
    skel = 0.0
    if len(a.skeleton) >= 4 and len(b.skeleton) >= 4:
        skel = Levenshtein.normalized_similarity(a.skeleton, b.skeleton)
        skel = 0.85 * skel if skel >= 0.8 else 0.0
    return max(spelled, skel)


@dataclass(frozen=True, slots=True)
class NameMatch:
    """How two names compare: overall similarity and the token pairs that explain it."""

    score: float
    pairs: tuple[tuple[str, str, float], ...]
    unmatched: tuple[str, ...]


def name_similarity(a: AnalysedName, b: AnalysedName) -> NameMatch:
    """Similarity of two names, 0..1, independent of token order.

    Tokens are paired greedily, best first; particles count a quarter, initials half. The score is
    the matched share of the shorter name's weight blended with the longer's, so a dropped middle
    name costs less than a different given name; a one-token name is capped, being weak evidence
    alone. Pairing across "bin"/"ibn" (Salman bin Muhammad vs Muhammad bin Salman: father and
    son) halves the score.
    """
    left, right = _joined(a.tokens, b.tokens), _joined(b.tokens, a.tokens)
    if not left or not right:
        return NameMatch(0.0, (), ())
    scored = sorted(
        ((token_similarity(x, y), i, j) for i, x in enumerate(left) for j, y in enumerate(right)),
        reverse=True,
    )
    used_l: set[int] = set()
    used_r: set[int] = set()
    pairs = []
    pairs_at: list[tuple[int, int]] = []
    matched_l = matched_r = 0.0
    for sim, i, j in scored:
        if sim <= 0.0:
            break
        if i in used_l or j in used_r:
            continue
        used_l.add(i)
        used_r.add(j)
        pairs.append((left[i].latin, right[j].latin, round(sim, 3)))
        pairs_at.append((i, j))
        matched_l += sim * left[i].weight
        matched_r += sim * right[j].weight
    total_l = sum(t.weight for t in left)
    total_r = sum(t.weight for t in right)
    cover_l, cover_r = matched_l / total_l, matched_r / total_r
    if total_l == total_r:
        short, long_ = max(cover_l, cover_r), min(cover_l, cover_r)
    else:
        short, long_ = (cover_l, cover_r) if total_l < total_r else (cover_r, cover_l)
    score = 0.85 * short + 0.15 * long_
    if min(a.strong_count, b.strong_count) <= 1:
        # One name part is weak evidence; two one-part names (Hannibal, Hannibal) a little less so.
        score = min(score, 0.9 if max(a.strong_count, b.strong_count) == 1 else 0.8)
    if _crosses_nasab(left, right, pairs_at):
        score *= 0.5
    if a.syllables != b.syllables and _same_script(a.syllables, b.syllables):
        # Both in one syllabic script: the characters themselves must agree, since romanisation
        # merges homophones (高石早苗 / 高市早苗) and forgives one syllable in a short name (김종은 / 김정은).
        score *= Levenshtein.normalized_similarity(a.syllables, b.syllables, processor=_after_script) ** 2
    unmatched = tuple(t.latin for k, t in enumerate(left) if k not in used_l and not t.weak) + tuple(
        t.latin for k, t in enumerate(right) if k not in used_r and not t.weak
    )
    return NameMatch(round(score, 4), tuple(pairs), unmatched)


_FATHER_OF = frozenset({"abu", "abou", "abo", "abw", "ebu", "aboo"})
_MOTHER_OF = frozenset({"umm", "um", "oum", "om", "omm", "am"})  # "am": أم transliterated
_HONORIFICS = _TITLES | {"haji", "hajji", "hadji", "maulana", "mawlana"}


def _kunya_of(name: AnalysedName) -> tuple[str, Token] | None:
    """("father" or "mother", the child's name) when the name opens, after titles, with a kunya."""
    tokens = name.tokens
    start = 0
    while start < len(tokens) - 1 and tokens[start].latin in _HONORIFICS:
        start += 1
    if len(tokens) - start < 2:
        return None
    first, child = tokens[start].latin, tokens[start + 1]
    return ("father", child) if first in _FATHER_OF else ("mother", child) if first in _MOTHER_OF else None


def kunya_conflict(a: AnalysedName, b: AnalysedName) -> bool:
    """True when one name is "Abu X" and the other "Umm X" of the same child X: a father and a mother.

    Name similarity cannot see it, since kunya particles are weak tokens that carry no identity.
    """
    first, second = _kunya_of(a), _kunya_of(b)
    if first is None or second is None or first[0] == second[0]:
        return False
    return token_similarity(first[1], second[1]) >= 0.8


def _nasab_at(tokens: tuple[Token, ...]) -> int | None:
    found = [k for k, t in enumerate(tokens) if t.latin in _NASAB or (t.skeleton == "bn" and t.weak)]
    return found[0] if len(found) == 1 and 0 < found[0] < len(tokens) - 1 else None


def _crosses_nasab(a: tuple[Token, ...], b: tuple[Token, ...], pairs_at: list[tuple[int, int]]) -> bool:
    """True when a token before "bin" in one name is paired with one after "bin" in the other.

    Only for names with one "bin" between names on each side: a leading or trailing particle
    ("bin Salman Mohammed") is word-order noise, not a father/son relation.
    """
    at_a, at_b = _nasab_at(a), _nasab_at(b)
    if at_a is None or at_b is None:
        return False
    return any((i < at_a) != (j < at_b) for i, j in pairs_at if not a[i].weak)


def _joined(tokens: tuple[Token, ...], other: tuple[Token, ...]) -> tuple[Token, ...]:
    """``tokens`` with neighbours merged where the other name writes them as one word (Jan Daniel/JanDaniel)."""
    if len(tokens) < 2:
        return tokens
    longest = max(len(t.latin) for t in other)
    if longest < min(len(x.latin) + len(y.latin) for x, y in itertools.pairwise(tokens)):
        return tokens  # no word of the other name is long enough to be two of these joined
    whole = {t.latin for t in other}
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        if k + 1 < len(tokens) and (merged := tokens[k].latin + tokens[k + 1].latin) in whole:
            out.append(Token(merged, skeleton(merged), frozenset(), False))
            k += 2
        else:
            out.append(tokens[k])
            k += 1
    return tuple(out)
