"""Keyed Bloom-filter encodings of person records (algorithm ``intelcell-bloom-v1``).

A member that may not hand its plaintext records to the cell encodes each record on its own
machine into *cryptographic long-term keys* (CLKs, Schnell, Bachteler and Reiher 2009): grams of
the record are hashed with a secret key into a bit array, and two encodings are compared by the
Dice coefficient of their bits. Without the key a filter's bits mean nothing; with it, similar
records still give similar filters, so hit/no-hit survives encoding.

An encoding is one 1024-bit filter per name of the record (at most `MAX_FILTERS`), concatenated.
Aliases get filters of their own rather than sharing one, so a record with many aliases never
saturates a filter, and two records compare by their best pair of names, as ``intelcell-ftf-v2``
does. Into each name's filter go:

- for every *strong* token (`intelcell.domain.names`: particles such as al-, bin, abu and titles
  are left out), the padded bigrams of its consonant skeleton ("_m", "mh", "hm", "md", "d_"),
  each set with ``K.skeleton`` bits, so Mohammed, Muhamad and محمد agree on most bits;
- the padded bigrams of its ASCII spelling with fewer bits (``K.spelling``), so spellings that
  share a skeleton still differ a little, and typos keep most of their bits;
- every birth date known to the day, with ``K.date`` bits, in every filter of the record.

Bigrams are taken per token, never across tokens, so word order does not matter. The weights
and `THRESHOLD` were chosen on synthetic FTF records and checked on FEBRL4 and the labelled
name pairs (``bench/bloom_eval.py``); rigour's name symbols and weak aliases (a lone kunya such
as "Abu Anas") were tried and left out: both raised false hits more than true ones.

Each gram is hashed with HMAC-SHA256 under a key derived from the linkage key, and its bit
positions are cut straight from the digest, independently per gram (as in "random hashing"),
rather than by the double hashing ``h1 + i*h2`` of the original CLKs, whose structure
Niedermeyer, Steinmetzer, Kroll and Schnell (2014) used to decode filters without the key.

The birth *year* also travels in clear beside the filter (`birth_year`): hit/no-hit needs "at
most one year apart", and a keyed hash of a hundred plausible years would hide nothing from a
key holder. docs/privacy-preserving-matching.md says precisely what is and is not protected.

Pure module: no I/O; numpy does the batch comparison (`dice_many`).
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from intelcell.domain.names import AnalysedName
from intelcell.domain.partial_date import PartialDate
from intelcell.domain.person import Profile

NAME = "intelcell-bloom-v1"
BITS = 1024  # bits per name filter (128 bytes)
FILTER_BYTES = BITS // 8
MAX_FILTERS = 8  # names per record; further aliases are dropped (a record lists its own names first)
#: Two records hit when their best pair of name filters has at least this Dice coefficient and
#: their birth years are compatible. Precision at 0.8 (bench/bloom_eval.py): 0.82 over all pairs
#: of synthetic FTF records across members, 0.96 on their labelled pairs, 0.98 on FEBRL4.
THRESHOLD = 0.8
YEAR_TOLERANCE = 1  # birth years further apart than this never hit
MIN_KEY_BYTES = 16


class Weights(NamedTuple):
    """Bits set per gram, by kind of gram: what a shared gram of that kind weighs in the Dice score."""

    skeleton: int = 15
    spelling: int = 5
    date: int = 20


K = Weights()
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


class EncodingError(ValueError):
    """A key, filter or record that cannot be encoded or compared; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def key_from_text(text: str) -> bytes:
    """The linkage key as bytes: the text (a key file's content, or the cell setting) without
    surrounding whitespace, UTF-8; EncodingError when shorter than MIN_KEY_BYTES."""
    key = text.strip().encode()
    if len(key) < MIN_KEY_BYTES:
        raise EncodingError(f"a linkage key needs at least {MIN_KEY_BYTES} bytes (64 hex digits recommended)")
    return key


def _subkey(key: bytes) -> bytes:
    # Domain separation: the linkage key could one day key something else too.
    if len(key) < MIN_KEY_BYTES:
        raise EncodingError(f"a linkage key needs at least {MIN_KEY_BYTES} bytes")
    return hmac.digest(key, NAME.encode() + b"/record", "sha256")


def _bigrams(text: str) -> list[str]:
    padded = f"_{text}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


def grams(name: AnalysedName, dates: Sequence[PartialDate] = (), k: Weights = K) -> dict[str, int]:
    """The typed grams of one name (and the record's birth dates), each with the bits it sets."""
    out: dict[str, int] = {}
    for token in name.strong:
        out.update(("s" + g, k.skeleton) for g in _bigrams(token.skeleton) if token.skeleton)
        out.update(("a" + g, k.spelling) for g in _bigrams(token.latin))
    out.update(("d" + d.text(), k.date) for d in dates if d.day is not None)
    return out


@lru_cache(maxsize=262_144)
def _positions(subkey: bytes, gram: str, bits: int, k: int) -> tuple[int, ...]:
    # 16 positions per digest, each a 16-bit slice modulo bits (even for powers of two such as
    # the default). Cached: bigrams recur in every record.
    digests = b"".join(
        hmac.digest(subkey, counter.to_bytes(1, "big") + gram.encode(), "sha256") for counter in range(-(-k // 16))
    )
    return tuple(int(v) % bits for v in np.frombuffer(digests, dtype=">u2")[:k])


def _filter(found: dict[str, int], subkey: bytes, bits: int) -> bytes:
    array = np.zeros(bits, dtype=np.uint8)
    array[[p for gram, k in found.items() for p in _positions(subkey, gram, bits, k)]] = 1
    return np.packbits(array).tobytes()


def _check_bits(bits: int) -> None:
    if bits <= 0 or bits % 64 or bits > 65_536:
        raise EncodingError("a filter's length in bits must be a multiple of 64 up to 65,536")


def encode(record: Profile | Sequence[AnalysedName], key: bytes, bits: int = BITS, k: Weights = K) -> bytes:
    """The encoding of a record: one filter per distinct name, concatenated (at most MAX_FILTERS).

    Names of two or more strong tokens are encoded; a name of one strong token ("Mohammed") only
    when the record has no fuller name, because alone it would hit everyone so called. Raises
    EncodingError for a short key or a record with no strong token at all.
    """
    _check_bits(bits)
    names = record.names if isinstance(record, Profile) else tuple(record)
    dates = record.birth_dates if isinstance(record, Profile) else ()
    subkey = _subkey(key)
    chosen = [n for n in names if len(n.strong) >= 2] or [n for n in names if n.strong]
    filters: list[bytes] = []
    seen: set[frozenset[str]] = set()
    for name in chosen:
        found = grams(name, dates, k)
        if frozenset(found) not in seen:
            seen.add(frozenset(found))
            filters.append(_filter(found, subkey, bits))
        if len(filters) == MAX_FILTERS:
            break
    if not filters:
        raise EncodingError("the record has no name part that can be encoded")
    return b"".join(filters)


def birth_year(record: Profile) -> int | None:
    """The year sent in clear beside the filter: the middle of the record's birth years when they
    span at most two years (so YEAR_TOLERANCE covers them all), else None (no year check)."""
    years = sorted({d.year for d in record.birth_dates})
    if not years or years[-1] - years[0] > 2 * YEAR_TOLERANCE:
        return None
    return (years[0] + years[-1]) // 2


def split(encoding: bytes, bits: int = BITS) -> list[bytes]:
    """The name filters of an encoding; EncodingError unless it is 1 to MAX_FILTERS whole filters."""
    size = bits // 8
    if not encoding or len(encoding) % size or len(encoding) // size > MAX_FILTERS:
        raise EncodingError(f"an encoding is 1 to {MAX_FILTERS} filters of {size} bytes, not {len(encoding)} bytes")
    return [encoding[i : i + size] for i in range(0, len(encoding), size)]


def popcount(data: bytes) -> int:
    """How many bits are set."""
    return int(_POPCOUNT[np.frombuffer(data, dtype=np.uint8)].sum(dtype=np.int64))


def dice(a: bytes, b: bytes) -> float:
    """The Dice coefficient of two equal-length filters, 2|a∧b| / (|a| + |b|); 0 when both are empty."""
    if len(a) != len(b):
        raise EncodingError("filters of different lengths cannot be compared")
    total = popcount(a) + popcount(b)
    if total == 0:
        return 0.0
    x, y = np.frombuffer(a, dtype=np.uint8), np.frombuffer(b, dtype=np.uint8)
    return 2.0 * int(_POPCOUNT[x & y].sum(dtype=np.int64)) / total


def similarity(a: bytes, b: bytes, bits: int = BITS) -> float:
    """How alike two record encodings are: the best Dice coefficient over their pairs of names."""
    return max(dice(x, y) for x in split(a, bits) for y in split(b, bits))


def years_compatible(a: int | None, b: int | None) -> bool:
    """The birth years are at most YEAR_TOLERANCE apart, or one of them is unknown."""
    return a is None or b is None or abs(a - b) <= YEAR_TOLERANCE


def is_hit(score: float, year_a: int | None, year_b: int | None) -> bool:
    """The rule of a hit: similarity at least THRESHOLD and compatible birth years."""
    return score >= THRESHOLD and years_compatible(year_a, year_b)


def as_matrix(filters: Sequence[bytes], bits: int = BITS) -> np.ndarray:
    """Filters as rows of a ``(n, bits // 64)`` uint64 matrix, the form `dice_many` scans."""
    _check_bits(bits)
    words = bits // 64
    if not filters:
        return np.zeros((0, words), dtype=np.uint64)
    return np.frombuffer(b"".join(filters), dtype=np.uint64).reshape(len(filters), words).copy()


def row_counts(matrix: np.ndarray) -> np.ndarray:
    """Set bits per row of a filter matrix (pass to `dice_many` to skip recounting them)."""
    return np.bitwise_count(matrix).sum(axis=1, dtype=np.int32)


_BLOCK = 8192  # rows per step, so the temporaries stay in cache


def dice_many(query: bytes, filters: np.ndarray, counts: np.ndarray | None = None) -> np.ndarray:
    """The Dice coefficient of one filter against every row of an `as_matrix` matrix (float32)."""
    if filters.ndim != 2 or len(query) != filters.shape[1] * 8:
        raise EncodingError("the query filter and the matrix rows differ in length")
    q = np.frombuffer(query, dtype=np.uint64)
    q_count = int(np.bitwise_count(q).sum())
    if counts is None:
        counts = row_counts(filters)
    out = np.empty(filters.shape[0], dtype=np.float32)
    for start in range(0, filters.shape[0], _BLOCK):
        stop = start + _BLOCK
        shared = np.bitwise_count(filters[start:stop] & q).sum(axis=1, dtype=np.int32)
        # Two empty filters share nothing: 0 / max(0, 1) is 0, never a division by zero.
        out[start:stop] = (2 * shared) / np.maximum(counts[start:stop] + q_count, 1)
    return out
