"""Synthetic foreign-terrorist-fighter (FTF) person records, as coalition members would hold them.

Each ground-truth person (an origin, names, a birth date, documents) is rendered once per member
that holds them, with that member's spelling habits (see `name_data`): Mohamed Benali in a French
file is Mohammed bin Ali in an American one, Muhammed in a Turkish one and محمد بن علي in an Iraqi
one. Records of the same person carry the same ``person`` number, which is the ground truth a
person-matching scorer is calibrated and evaluated against; ``labelled_pairs`` draws calibration
pairs from them. Pure and deterministic: all randomness comes from ``random.Random(seed)``.

Documented noise, per record: one-edit typos in about 10% of names; about 3% of dated records
carry a birth date off by a year or with day and month swapped; passport numbers are sometimes
spaced, dashed, lower-cased or mistyped.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from intelcell.demo import name_data as nd
from intelcell.demo.name_data import NameToken

DEFAULT_MEMBERS = ("FRA", "USA", "TUR", "IRQ", "JOR", "DEU", "GBR", "BEL", "NLD", "ESP", "ITA")
STATUSES = ("travelled", "returned", "detained", "deceased")
TYPO_SHARE = 0.10
DATE_NOISE_SHARE = 0.03
MAX_POSITIVES_PER_PERSON = 6
_WINDOW = 512  # records are shuffled within this window so one person's records are not adjacent


@dataclass(frozen=True, slots=True)
class Truth:
    """What is really true of the person behind a record: for evaluation, never for matching."""

    name: str  # canonical Latin name
    script_name: str | None  # canonical Arabic or Cyrillic name, where the name has one
    birth_date: str  # YYYY-MM-DD
    lookalike_of: int | None  # the person this one was made to resemble (a hard negative)


@dataclass(frozen=True, slots=True)
class SyntheticRecord:
    """One member's FollowTheMoney ``Person`` entity and the ground-truth person it describes."""

    entity: dict
    member: str
    person: int
    truth: Truth | None = None


# --- Origins: who the fighters are, and which names, places and documents they have ---

_M, _F = nd.ARAB_MALE, nd.ARAB_FEMALE


def _given(names: str) -> tuple[NameToken, ...]:
    """Arabic-origin given names by canonical key; ``+`` joins words of one name (Abd+al-Rahman)."""
    return tuple(_M[name.replace("+", " ")] for name in names.split())


_KUNYA_M = _given(
    "Muhammad Hamza Umar Talha Ubayda Yahya Musab Abdullah Qatada Anas Khalid Muadh Zubayr Suhayb Salman Bilal "
    "Usama Yusuf Ibrahim Ismail Mujahid Khattab Hudhayfa Ikrima Ali Hasan Jafar Layth Ayyub Idris Luqman Yasir "
    "Ammar Saad Walid Harun Dawud Sulayman Musa Isa Zakariya Ilyas Abd+al-Rahman Abd+al-Aziz Abd+al-Malik"
)
_KUNYA_F = _given("Muhammad Abdullah Hamza Usama Yusuf Khattab Umar Ibrahim Talha Sulayman")
_ADOPTED = _given("Abdullah Ibrahim Umar Yusuf Bilal Hamza Ismail Yahya Musa Idris")


def _tribal(names: str) -> tuple[NameToken, ...]:
    return tuple(nd.TRIBAL[n] for n in names.split())


def _nisbas(names: str) -> tuple[NameToken, ...]:
    return tuple(nd.NISBAS[n] for n in names.split())


def _values(tokens: dict[str, NameToken]) -> tuple[NameToken, ...]:
    return tuple(tokens.values())


_ARAB = (_values(_M), _values(_F))
_EGYPT_FAMILY = _given("Hasan Mahmud Ibrahim Mustafa Salih Said Ali Abd+al-Fattah")
_FAMILIES = {
    "iq": _tribal(
        "Tamimi Dulaymi Juburi Ubaydi Shammari Zubaydi Azzawi Janabi Karbuli Rawi Ani Hiti Samarrai "
        "Mashhadani Fahdawi Issawi Jumayli Husayni Hashimi Khatib Najjar Haddad"
    ),
    "sy": _tribal("Halabi Homsi Hamwi Ahmad Hamad Khalaf Khalil Husayni Hashimi Khatib Najjar Haddad Khayyat Attar"),
    "jo": _tribal("Khalayla Majali Zuabi Tamimi Khalil Khatib Najjar Haddad Husayni Hamad"),
    "sa": _tribal("Harbi Utaybi Qahtani Ghamdi Zahrani Shahri Mutayri Dawsari Anizi Shammari Tamimi"),
    "ly": _tribal("Warfalli Misrati Zintani Farjani Ubaydi Hashimi"),
    "ye": _tribal("Hadrami Yafii Adani Husayni Ahmad"),
    "lb": _tribal("Khatib Haddad Khayyat Attar Husayni Hamad Khalil"),
}
_CHECHEN = (_values(nd.CHECHEN_MALE), _values(nd.CHECHEN_FEMALE), _values(nd.CHECHEN_FAMILY))
_CENTRAL = (_values(nd.CENTRAL_ASIAN_MALE), _values(nd.CENTRAL_ASIAN_FEMALE), _values(nd.CENTRAL_ASIAN_FAMILY))
_TURKISH = (_values(nd.TURKISH_MALE), _values(nd.TURKISH_FEMALE), _values(nd.TURKISH_FAMILY))
_BALKAN = (_values(nd.BALKAN_MALE), _values(nd.BALKAN_FEMALE), _values(nd.BALKAN_FAMILY))
_EUROPEAN = {cc: tuple(_values(pool) for pool in pools) for cc, pools in nd.EUROPEAN.items()}
_MAGHREB = {cc: (*_ARAB, _values(tokens)) for cc, tokens in nd.MAGHREB_FAMILY.items()}


@dataclass(frozen=True, slots=True)
class _Origin:
    """Where a group of fighters comes from: naming system, name pools, nationality and documents."""

    weight: float
    system: str  # levant, gulf, egypt, maghreb, european, turkish, balkan, russian
    nationalities: tuple[str, ...]
    birth_country: str
    names: tuple[tuple[NameToken, ...], ...]  # male given, female given, family
    nisbas: tuple[NameToken, ...]
    passport_style: str  # how the person's own documents spell the name


def _origin(weight: float, system: str, nats: str, born: str, names: Any, nisbas: str, style: str) -> _Origin:
    return _Origin(weight, system, tuple(nats.split()), born, names, _nisbas(nisbas), style)


# Weights follow the broad shape of the foreign-fighter flows of 2013-2017 (Tunisia, Saudi Arabia,
# Jordan, Russia, Turkey and Western Europe large), plus the Iraqi and Syrian fighters.
_ORIGINS = (
    _origin(10, "levant", "iq", "iq", (*_ARAB, _FAMILIES["iq"]), "Iraqi Baghdadi Mosuli Iraqi", "en"),
    _origin(8, "levant", "sy", "sy", (*_ARAB, _FAMILIES["sy"]), "Suri Shami Halabi Suri", "en"),
    _origin(5, "levant", "jo", "jo", (*_ARAB, _FAMILIES["jo"]), "Urduni Urduni Shami", "en"),
    _origin(6, "gulf", "sa", "sa", (*_ARAB, _FAMILIES["sa"]), "Jazrawi Jazrawi Muhajir", "en"),
    _origin(1, "gulf", "ye", "ye", (*_ARAB, _FAMILIES["ye"]), "Yamani", "en"),
    _origin(3, "levant", "ly", "ly", (*_ARAB, _FAMILIES["ly"]), "Libi", "en"),
    _origin(1, "levant", "lb", "lb", (*_ARAB, _FAMILIES["lb"]), "Lubnani Shami", "fr"),
    _origin(3, "egypt", "eg", "eg", (*_ARAB, _EGYPT_FAMILY), "Masri", "fr"),
    _origin(8, "maghreb", "tn", "tn", _MAGHREB["tn"], "Tunisi Tunisi Muhajir", "fr"),
    _origin(5, "maghreb", "ma", "ma", _MAGHREB["ma"], "Maghribi", "fr"),
    _origin(2, "maghreb", "dz", "dz", _MAGHREB["dz"], "Jazairi", "fr"),
    _origin(3, "maghreb", "fr ma", "fr", _MAGHREB["ma"], "Faransi Faransi Maghribi", "fr"),
    _origin(2, "maghreb", "fr dz", "fr", _MAGHREB["dz"], "Faransi Faransi Jazairi", "fr"),
    _origin(1, "maghreb", "fr tn", "fr", _MAGHREB["tn"], "Faransi Tunisi", "fr"),
    _origin(3, "maghreb", "be ma", "be", _MAGHREB["ma"], "Baljiki Baljiki Maghribi", "fr"),
    _origin(2, "maghreb", "nl ma", "nl", _MAGHREB["ma"], "Hulandi Maghribi", "fr"),
    _origin(1, "maghreb", "es ma", "es", _MAGHREB["ma"], "Isbani Maghribi", "fr"),
    _origin(1, "maghreb", "it tn", "it", _MAGHREB["tn"], "Itali Tunisi", "fr"),
    _origin(2, "levant", "de lb", "de", (*_ARAB, _FAMILIES["lb"]), "Almani Almani Lubnani", "de"),
    _origin(1, "levant", "de sy", "sy", (*_ARAB, _FAMILIES["sy"]), "Almani Suri", "de"),
    _origin(2, "levant", "gb iq", "gb", (*_ARAB, _FAMILIES["iq"]), "Britani Britani Iraqi", "en"),
    _origin(1, "levant", "gb ly", "gb", (*_ARAB, _FAMILIES["ly"]), "Britani Libi", "en"),
    _origin(1, "gulf", "us ye", "us", (*_ARAB, _FAMILIES["ye"]), "Amriki Amriki Yamani", "en"),
    _origin(3, "european", "fr", "fr", _EUROPEAN["fr"], "Faransi", "fr"),
    _origin(2, "european", "de", "de", _EUROPEAN["de"], "Almani", "de"),
    _origin(2, "european", "gb", "gb", _EUROPEAN["gb"], "Britani", "en"),
    _origin(1, "european", "be", "be", _EUROPEAN["be"], "Baljiki", "fr"),
    _origin(1, "european", "nl", "nl", _EUROPEAN["nl"], "Hulandi", "de"),
    _origin(0.5, "european", "es", "es", _EUROPEAN["es"], "Isbani", "fr"),
    _origin(0.5, "european", "it", "it", _EUROPEAN["it"], "Itali", "fr"),
    _origin(1, "european", "us", "us", _EUROPEAN["us"], "Amriki", "en"),
    _origin(6, "turkish", "tr", "tr", _TURKISH, "Turki", "tr"),
    _origin(2, "turkish", "de tr", "de", _TURKISH, "Almani Turki", "de"),
    _origin(5, "russian", "ru", "ru", _CHECHEN, "Shishani", "en"),
    _origin(1, "russian", "ge", "ge", _CHECHEN, "Shishani", "en"),
    _origin(2, "russian", "ru", "ru", _CHECHEN, "Dagestani", "en"),
    _origin(2, "russian", "uz", "uz", _CENTRAL, "Uzbeki", "en"),
    _origin(2, "russian", "tj", "tj", _CENTRAL, "Tajiki", "en"),
    _origin(1, "russian", "kz", "kz", _CENTRAL, "Kazakhi", "en"),
    _origin(1, "russian", "kg", "kg", _CENTRAL, "Qirghizi", "en"),
    _origin(1.5, "balkan", "ba", "ba", _BALKAN, "Bosni", "en"),
    _origin(1.5, "balkan", "xk", "xk", _BALKAN, "Kosovi Albani", "en"),
    _origin(1, "balkan", "al", "al", _BALKAN, "Albani", "en"),
    _origin(0.5, "balkan", "mk", "mk", _BALKAN, "Albani Muhajir", "en"),
)
_ORIGIN_CUM = [sum(o.weight for o in _ORIGINS[: i + 1]) for i in range(len(_ORIGINS))]
_ARABIC_NAMED = frozenset({"levant", "gulf", "egypt", "maghreb"})


def _places(spec: str) -> tuple[dict[str, str], ...]:
    """Birth places of a country: per style the spelling (en, fr, de, tr, ar, ru), English by default."""
    places = []
    for entry in spec.split(";"):
        parts = entry.split("/")
        places.append({s: parts[i] if i < len(parts) else parts[0] for i, s in enumerate(nd.STYLES)})
    return tuple(places)


_PLACES = {cc: _places(spec) for cc, spec in nd.PLACES.items()}

# Passport number shapes per issuing country: 9 digit, L letter, X letter or digit, others literal.
_PASSPORT_SHAPES = {
    "fr": "99LL99999", "be": "LL999999", "de": "CXXXXXXXX", "gb": "999999999", "us": "999999999",
    "nl": "LLXXXXXX9", "es": "LLL999999", "it": "LL9999999", "tr": "U99999999", "iq": "L9999999",
    "sy": "N999999999", "jo": "L999999", "sa": "L99999999", "ru": "99 9999999", "tn": "L999999",
    "ma": "LL9999999", "dz": "999999999", "eg": "L99999999", "": "L9999999",
}  # fmt: skip
_ID_SHAPES = {
    "": "9999999999",
    "fr": "999999999999",
    "tr": "99999999999",
    "be": "99.99.99-999.99",
    "es": "99999999L",
    "ru": "9999 999999",
}
_SHAPE_CHARS = {"L": "ABCDEFGHJKLMNPRSTUVWXYZ", "X": "0123456789CFGHJKLMNPRTVWXYZ"}

# --- Members' habits ---

#: Spelling styles a member's services use, drawn uniformly (repeats weight them).
_MEMBER_STYLES = {
    "USA": ("en",), "GBR": ("en",), "FRA": ("fr",), "BEL": ("fr", "fr", "fr", "en"),
    "DEU": ("de", "de", "de", "en"), "NLD": ("fr", "fr", "de", "en", "en"), "ESP": ("fr", "en"),
    "ITA": ("fr", "en", "en"), "TUR": ("tr",), "IRQ": ("ar", "en"), "JOR": ("ar", "en", "en"),
}  # fmt: skip
_HOME_MEMBER = {
    "fr": "FRA", "be": "BEL", "de": "DEU", "gb": "GBR", "nl": "NLD", "es": "ESP", "it": "ITA",
    "us": "USA", "tr": "TUR", "iq": "IRQ", "jo": "JOR",
}  # fmt: skip
# Who else holds a fighter: transit (Turkey), the battlefield (Iraq, Jordan) and the big services.
_HOLDER_WEIGHT = {"TUR": 3, "IRQ": 3, "USA": 2, "JOR": 1.5, "FRA": 1, "DEU": 1, "GBR": 1, "BEL": 0.5, "NLD": 0.5}
_ABU = {"en": "Abu", "fr": "Abou", "de": "Abu", "tr": "Ebu", "ar": "أبو", "ru": "Абу"}
_UMM = {"en": "Umm", "fr": "Oum", "de": "Umm", "tr": "Ümmü", "ar": "أم", "ru": "Умм"}
_BIN = {
    "en": ("bin", "bin", "ibn"),
    "fr": ("ben",),
    "de": ("bin", "ibn"),
    "tr": ("bin",),
    "ar": ("بن",),
    "ru": ("бен",),
}
_BINT = {"en": ("bint",), "fr": ("bent", "bint"), "de": ("bint",), "tr": ("bint",), "ar": ("بنت",), "ru": ("бинт",)}
_HONORIFICS = (
    {"en": "Sheikh", "fr": "Cheikh", "de": "Scheich", "tr": "Şeyh", "ar": "الشيخ", "ru": "Шейх"},
    {"en": "Dr.", "fr": "Dr", "de": "Dr.", "tr": "Dr.", "ar": "الدكتور", "ru": "Д-р"},
    {"en": "Mullah", "fr": "Mollah", "de": "Mullah", "tr": "Molla", "ar": "الملا", "ru": "Мулла"},
    {"en": "Hajji", "fr": "Hadj", "de": "Hadschi", "tr": "Hacı", "ar": "الحاج", "ru": "Хаджи"},
    {"en": "Imam", "fr": "Imam", "de": "Imam", "tr": "İmam", "ar": "الإمام", "ru": "Имам"},
)
#: Particle habits of a record, drawn uniformly: mostly hyphenated, then spaced, dropped, joined.
_HABITS = (nd.HYPHEN,) * 9 + (nd.SPACE,) * 5 + (nd.DROPPED,) * 4 + (nd.JOINED,) * 2
#: Letters a hurried typist puts for another: vowel swaps, voicing pairs, neighbours.
_NEAR = dict(zip("aeiyouszkcmndtbprlfvgqjw", "eayiuozscknmtdpblrvfkkiv", strict=True))
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(slots=True)
class _Person:
    """A ground-truth fighter: the names and facts every member's record is rendered from."""

    ident: int
    origin: _Origin
    female: bool
    given: NameToken
    fathers: tuple[NameToken, ...]  # father, grandfather (Arabic nasab) or father (Russian patronymic)
    family: NameToken | None
    patronymic: NameToken | None
    kunya: NameToken | None
    nisba: NameToken
    adopted: NameToken | None  # a convert's Muslim name
    birth_date: str
    birth_place: dict[str, str]
    passport: str | None
    id_number: str | None
    status: str
    truth: Truth


def _compile(shape: str) -> tuple[tuple[str, int], ...]:
    """Runs of a document-number shape: (alphabet or literal, length)."""
    runs: list[tuple[str, int]] = []
    for c in shape:
        if runs and runs[-1][0] == c:
            runs[-1] = (c, runs[-1][1] + 1)
        else:
            runs.append((c, 1))
    return tuple(runs)


def _document(runs: tuple[tuple[str, int], ...], random: Callable[[], float]) -> str:
    """A document number of a compiled shape; a digit run costs one random draw."""
    out = []
    for c, n in runs:
        if c == "9":
            out.append(f"{int(random() * 10**n):0{n}d}")
        elif c in _SHAPE_CHARS:
            chars = _SHAPE_CHARS[c]
            out.extend(chars[int(random() * len(chars))] for _ in range(n))
        else:
            out.append(c * n)
    return "".join(out)


_PASSPORTS = {cc: _compile(shape) for cc, shape in _PASSPORT_SHAPES.items()}
_IDS = {cc: _compile(shape) for cc, shape in _ID_SHAPES.items()}


def _birth_date(random: Callable[[], float], year: int | None = None) -> str:
    """A birth date, years peaking around 1990 as among fighters of the 2010s."""
    if year is None:
        year = 1962 + int((random() + random() + random()) / 3 * 42)
    month = 1 + int(random() * 12)
    day = 1 + int(random() * _DAYS[month - 1])
    return f"{year:04d}-{month:02d}-{day:02d}"


def _pick(seq: Sequence[Any], random: Callable[[], float]) -> Any:
    return seq[int(random() * len(seq))]


def _canonical(parts: Sequence[NameToken | None]) -> tuple[str, str | None]:
    """The canonical Latin and Arabic or Cyrillic name of a person from their name parts."""
    tokens = [t for t in parts if t is not None]
    scripts = [t.script for t in tokens if t.script]
    return " ".join([t.latin for t in tokens]), " ".join(scripts) if len(scripts) == len(tokens) else None


def _new_person(ident: int, rng: random.Random, lookalike_of: _Person | None) -> _Person:
    """A fighter drawn from the origins, or a different person made to resemble ``lookalike_of``."""
    r = rng.random
    if lookalike_of is None:
        origin = _ORIGINS[bisect(_ORIGIN_CUM, r() * _ORIGIN_CUM[-1])]
        female = r() < 0.1
        given = _pick(origin.names[1 if female else 0], r)
        family = _pick(origin.names[2], r)
        year = None
    else:
        # Same given and family name (or one letter different), different birth year and usually place.
        model = lookalike_of
        origin, female, given, family = model.origin, model.female, model.given, model.family
        if r() < 0.4:
            alternatives = [o for o in _ORIGINS if o.system == origin.system and o.names == origin.names]
            origin = _pick(alternatives, r)
        if family is not None and r() < 0.3:
            family = _shifted(family)
        gap = 2 + int(r() * 12)
        year = int(model.birth_date[:4]) + (gap if r() < 0.5 else -gap)
    system = origin.system
    fathers: tuple[NameToken, ...] = ()
    patronymic = None
    if system in ("levant", "gulf", "egypt", "maghreb"):
        fathers = (_pick(_ARAB[0], r), _pick(_ARAB[0], r))
    elif system == "russian":
        father = _pick(origin.names[0], r)
        fathers = (father,)
        patronymic = _patronymic(father, female)
    if system == "egypt":
        fathers = fathers[:1]  # Egyptian: given, father and a family name that is itself a given name
    if system == "russian" and female and lookalike_of is None and family is not None:
        family = _feminine(family)  # Магомадов: Магомадова
    if system in ("levant", "gulf") and lookalike_of is None and r() < 0.06:
        family = None  # known only by given name and nasab
    kunya = None
    if r() < (0.7 if female else 0.9):
        kunya = _pick(_KUNYA_F if female else _KUNYA_M, r)
    nisba = _pick(origin.nisbas, r)
    adopted = _pick(_ADOPTED, r) if system == "european" and not female and r() < 0.6 else None
    places = _PLACES[origin.birth_country]
    birth_place = _pick(places, r)
    if lookalike_of is not None and len(places) > 1:
        while birth_place is lookalike_of.birth_place:
            birth_place = _pick(places, r)
    nationality = origin.nationalities[0]
    passport = _document(_PASSPORTS.get(nationality, _PASSPORTS[""]), r) if r() < 0.55 else None
    id_number = _document(_IDS.get(nationality, _IDS[""]), r) if r() < 0.2 else None
    status = STATUSES[bisect((0.45, 0.65, 0.85), r())]
    birth_date = _birth_date(r, year)
    latin, script = _canonical((given, patronymic, family) if patronymic else (given, *fathers, family))
    truth = Truth(latin, script, birth_date, lookalike_of.ident if lookalike_of else None)
    return _Person(
        ident, origin, female, given, fathers, family, patronymic, kunya, nisba, adopted,
        birth_date, birth_place, passport, id_number, status, truth,
    )  # fmt: skip


_SHIFTED: dict[NameToken, NameToken] = {}
_PATRONYMICS: dict[tuple[str, bool], NameToken] = {}
_FEMININE: dict[NameToken, NameToken] = {}


def _shifted(token: NameToken) -> NameToken:
    """The cached one-letter-different twin of a name."""
    if token not in _SHIFTED:
        _SHIFTED[token] = nd.shifted(token)
    return _SHIFTED[token]


def _feminine(token: NameToken) -> NameToken:
    """The cached feminine form of a Cyrillic family name (Магомадов: Магомадова)."""
    if token not in _FEMININE:
        _FEMININE[token] = nd.cyrillic_token((token.script or token.key) + "а")
    return _FEMININE[token]


def _patronymic(father: NameToken, female: bool) -> NameToken:
    """The cached patronymic token (Ахмедович) of a Cyrillic father's name."""
    key = (father.script or father.key, female)
    if key not in _PATRONYMICS:
        _PATRONYMICS[key] = nd.cyrillic_token(nd.patronymic(key[0], female))
    return _PATRONYMICS[key]


def _typo(text: str, random: Callable[[], float]) -> str:
    """One edit (deletion, transposition, doubling or a near letter), never on the first letter."""
    n = len(text)
    if n < 4:
        return text
    i = 1 + int(random() * (n - 2))
    kind = random()
    if kind < 0.3:
        return text[:i] + text[i + 1 :]
    if kind < 0.55:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    near = _NEAR.get(text[i])
    if kind < 0.75 or near is None:
        return text[:i] + text[i] + text[i:]
    return text[:i] + near + text[i + 1 :]


def _date(true_date: str, random: Callable[[], float]) -> str | None:
    """The birth date as a record gives it: full, year and month, year, or absent; rarely wrong."""
    r = random()
    if r < 0.5:
        date = true_date
    elif r < 0.65:
        date = true_date[:7]
    elif r < 0.9:
        date = true_date[:4]
    else:
        return None
    if random() < DATE_NOISE_SHARE:
        month, day = int(true_date[5:7]), int(true_date[8:10])
        if len(date) == 10 and day <= 12 and day != month:
            return f"{date[:4]}-{day:02d}-{month:02d}"  # day and month swapped (US versus European order)
        year = int(date[:4]) + (1 if random() < 0.5 else -1)
        return f"{year:04d}{date[4:]}"
    return date


def _passport(number: str, random: Callable[[], float]) -> str:
    """A passport number as typed into a record: usually exact, sometimes spaced, dashed or mistyped."""
    r = random()
    if r < 0.86:
        return number
    compact = number.replace(" ", "")
    if r < 0.91:
        return f"{compact[:4]} {compact[4:]}"
    if r < 0.94:
        return f"{compact[:2]}-{compact[2:]}"
    if r < 0.96:
        return compact.lower()
    i = 1 + int(random() * (len(compact) - 1))
    digit = "0123456789"[(int(compact[i]) + 1) % 10] if compact[i].isdigit() else "0"
    return compact[:i] + digit + compact[i + 1 :]


def _kunya(person: _Person, style: str, habit: int, random: Callable[[], float]) -> tuple[str, str]:
    """The kunya alone (Abu Hamza) and with the nisba (Abu Hamza al-Tunisi) in a style."""
    if style == "ru" or (style == "ar" and person.kunya is None and person.given.script is None):
        style = "en"  # Russian notices romanise Arabic noms de guerre; a Latin name stays Latin
    kunya = person.kunya or person.given
    prefix = (_UMM if person.female else _ABU)[style] if person.kunya else ""
    alone = f"{prefix} {_pick(kunya.forms[style][nd.HYPHEN], random)}".strip()
    nisba = _pick(person.nisba.forms[style][habit or nd.HYPHEN], random)
    return alone, f"{alone} {nisba}"


def _style(person: _Person, member: str, random: Callable[[], float]) -> str:
    """The spelling style of one record: the member's habit, the person's passport, or a script."""
    style = _pick(_MEMBER_STYLES.get(member, ("en",)), random)
    system = person.origin.system
    if style != "ar" and random() < 0.04 and system in _ARABIC_NAMED:
        style = "ar"  # a captured Arabic-language document, whoever holds it
    if style != "ar" and random() < 0.5:
        style = person.origin.passport_style  # copied from the person's own documents
    if system == "russian" and random() < 0.2:
        style = "ru"  # a Russian notice or document
    return style


def _record(person: _Person, member: str, random: Callable[[], float]) -> dict:
    """One member's FollowTheMoney ``Person`` entity of a person (the id is set on emission)."""
    style = _style(person, member, random)
    habit = _pick(_HABITS, random)
    props: dict[str, list[str]] = {}
    if random() < 0.05 or (style == "ar" and person.origin.system not in _ARABIC_NAMED):
        alone, full = _kunya(person, style, habit, random)  # known only by the nom de guerre
        props["name"], props["weakAlias"] = [full], [alone]
    else:
        _name(person, style, habit, random, props)
    _facts(person, style, random, props)
    return {"id": "", "schema": "Person", "properties": props}


def _name(person: _Person, style: str, habit: int, random: Callable[[], float], props: dict[str, list[str]]) -> None:
    """Fill ``name`` and, sometimes, its parts, title and aliases as the record's style writes them."""
    system = person.origin.system
    given = _pick(person.given.forms[style][habit], random)
    family = _pick(person.family.forms[style][habit], random) if person.family else ""
    if random() < TYPO_SHARE:
        if family and random() < 0.5:
            family = _typo(family, random)
        else:
            given = _typo(given, random)
    middles = []
    father = ""
    if person.fathers and system != "russian":
        r = random()
        keep = (0 if r < 0.85 else 1) if system == "maghreb" else (0 if r < 0.25 else 1 if r < 0.6 else 2)
        particles = _BINT[style] if person.female else _BIN[style]
        for i, token in enumerate(person.fathers[:keep]):
            spelt = _pick(token.forms[style][habit], random)
            father = father or spelt
            nasab = system in ("gulf", "maghreb") or random() < 0.1  # "bin" is Gulf and Maghrebi usage
            middles.append(f"{_pick(particles if i == 0 else _BIN[style], random)} {spelt}" if nasab else spelt)
    elif person.patronymic is not None and random() < (0.7 if style == "ru" else 0.2):
        father = _pick(person.patronymic.forms[style][habit], random)
        middles.append(father)
    latin = style not in ("ar", "ru")
    r = random()
    if latin and r < 0.03:
        initials = " ".join(f"{w[0]}." for w in given.replace("-", " ").split())
        name = " ".join(filter(None, (initials, *(m.split()[-1][0] + "." for m in middles), family)))
    elif family and (r < 0.15 or (style == "ru" and r < 0.6)):
        # Family name first: upper-cased in French and Russian files, "Family, Given" in English ones.
        if style == "ar":
            first = family
        elif style in ("fr", "ru") or random() < 0.3:
            first = family.upper()
        else:
            first = family + ","
        name = " ".join((first, given, *middles))
    else:
        name = " ".join(filter(None, (given, *middles, family)))
    if not person.female and random() < 0.02:
        honorific = _pick(_HONORIFICS, random)[style]
        name = f"{honorific} {name}"
        props["title"] = [honorific]
    props["name"] = [name]
    if random() < 0.4:
        props["firstName"] = [given]
        if family:
            props["lastName"] = [family]
        if father:
            props["fatherName"] = [father]
    alias, weak = _aliases(person, style, habit, name, family, random)
    if alias:
        props["alias"] = alias
    if weak:
        props["weakAlias"] = weak


def _aliases(
    person: _Person, style: str, habit: int, name: str, family: str, random: Callable[[], float]
) -> tuple[list[str], list[str]]:
    """Aliases (kunya with nisba, a convert's Muslim name, other spellings) and weak aliases (kunya)."""
    alias: list[str] = []
    weak: list[str] = []
    latin = style not in ("ar", "ru")
    r = random()
    if person.kunya is not None and r < 0.35:
        alone, full = _kunya(person, style, habit, random)
        if r < 0.2:
            alias.append(full)
        if r > 0.12:
            weak.append(alone)  # a bare kunya is a low-quality alias (UN list practice)
    if person.adopted is not None and family and random() < 0.3:
        alias.append(f"{_pick(person.adopted.forms[style][nd.HYPHEN], random)} {family}")
    if latin and person.truth.script_name and person.origin.system in _ARABIC_NAMED and random() < 0.05:
        alias.append(person.truth.script_name)
    if latin and person.family and random() < 0.08:
        other = _pick(nd.LATIN_STYLES, random)
        spelt = f"{_pick(person.given.forms[other][0], random)} {_pick(person.family.forms[other][0], random)}"
        if spelt != name:
            alias.append(spelt)
    return alias, weak


def _facts(person: _Person, style: str, random: Callable[[], float], props: dict[str, list[str]]) -> None:
    """Fill the record's birth date, place, nationality, gender, documents and status, each sometimes."""
    date = _date(person.birth_date, random)
    if date:
        props["birthDate"] = [date]
    if random() < 0.55:
        props["birthPlace"] = [person.birth_place[style]]
    nationalities = person.origin.nationalities
    r = random()
    if r < 0.85:
        # Dual nationals: both nationalities in about 40% of records, else one of them.
        both = len(nationalities) == 1 or r < 0.35
        props["nationality"] = list(nationalities) if both else [nationalities[0 if r < 0.7 else 1]]
    if random() < 0.75:
        props["gender"] = ["female" if person.female else "male"]
    if person.passport and random() < 0.55:
        props["passportNumber"] = [_passport(person.passport, random)]
    if person.id_number and random() < 0.5:
        props["idNumber"] = [person.id_number]
    if random() < 0.9:
        props["status"] = [person.status if random() < 0.85 else "travelled"]  # older records lag behind


class _Holders:
    """Weighted choice of the members that hold a person's records."""

    def __init__(self, members: Sequence[str]) -> None:
        self.members = tuple(members)
        weights = [_HOLDER_WEIGHT.get(m, 1.0) for m in self.members]
        self.cum = [sum(weights[: i + 1]) for i in range(len(weights))]

    def draw(self, person: _Person, count: int, random: Callable[[], float]) -> list[str]:
        """``count`` distinct members; a fighter's home member first when it takes part."""
        chosen: list[str] = []
        home = _HOME_MEMBER.get(person.origin.nationalities[0])
        if home in self.members and random() < 0.85:
            chosen.append(home)
        count = min(count, len(self.members))
        while len(chosen) < count:
            member = self.members[bisect(self.cum, random() * self.cum[-1])]
            if member not in chosen:
                chosen.append(member)
        return chosen


def generate(
    count: int,
    seed: int = 7,
    members: Sequence[str] = DEFAULT_MEMBERS,
    shared_fraction: float = 0.3,
    lookalike_fraction: float = 0.1,
) -> Iterator[SyntheticRecord]:
    """Yield ``count`` synthetic FTF records of persons held by one or (``shared_fraction``) 2-4 members."""
    if count < 0 or not members or not 0 <= shared_fraction <= 1 or not 0 <= lookalike_fraction <= 1:
        raise ValueError("count must be >= 0, members non-empty and fractions within [0, 1]")
    rng = random.Random(seed)
    r = rng.random
    holders = _Holders(members)
    serials = dict.fromkeys(members, 0)
    recent: list[_Person] = []  # resemblance models for look-alikes, bounded for million-record runs
    window: list[SyntheticRecord] = []
    made = ident = 0
    lowered = {m: m.lower() for m in members}
    while made < count or window:
        if made < count:
            model = _pick(recent, r) if recent and r() < lookalike_fraction else None
            model = model if model and model.family else None  # a look-alike shares a family name
            person = _new_person(ident, rng, model)
            ident += 1
            if len(recent) < 1024:
                recent.append(person)
            else:
                recent[int(r() * 1024)] = person
            n = 2 + (r() < 0.35) + (r() < 0.1) if r() < shared_fraction else 1
            for member in holders.draw(person, n, r)[: count - made]:
                window.append(SyntheticRecord(_record(person, member, r), member, person.ident, person.truth))
                made += 1
        # Emit at random from the window (kept at _WINDOW until the end); ids follow emission order.
        while len(window) >= _WINDOW or (window and made >= count):
            i = int(r() * len(window))
            window[i], window[-1] = window[-1], window[i]
            record = window.pop()
            serials[record.member] += 1
            record.entity["id"] = f"ftf-{lowered[record.member]}-{serials[record.member]}"
            yield record


def _name_tokens(entity: dict) -> set[str]:
    """Folded words of an entity's name (its aliases' when the name has none), without particles."""
    props = entity["properties"]
    for prop in ("name", "alias", "weakAlias"):
        words = set()
        for value in props.get(prop, ()):
            for word in nd.fold(value).lower().replace("-", " ").replace(",", " ").split():
                if len(word) > 3 and word not in _PARTICLES:
                    words.add(word)
        if words:
            return words
    return set()


_PARTICLES = frozenset(("abou", "abdul", "abdel", "bint", "sheikh", "cheikh", "mullah", "hajji"))


def labelled_pairs(
    records: Sequence[SyntheticRecord], seed: int = 7, negatives_per_positive: int = 3
) -> list[tuple[dict, dict, bool]]:
    """Calibration pairs ``(entity_a, entity_b, same_person)``: true pairs, hard and random negatives."""
    rng = random.Random(seed)
    r = rng.random
    by_person: dict[int, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        by_person[record.person].append(i)
    positives: list[tuple[int, int]] = []
    for indices in by_person.values():
        candidates = list(combinations(indices, 2))
        if len(candidates) > MAX_POSITIVES_PER_PERSON:
            candidates = rng.sample(candidates, MAX_POSITIVES_PER_PERSON)
        positives += candidates
    # Hard negatives: deliberate look-alikes first, then records sharing a name word.
    lookalikes: dict[int, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        model = record.truth.lookalike_of if record.truth else None
        if model is not None and model in by_person:
            lookalikes[model].append(i)
            lookalikes[record.person].extend(by_person[model])
    by_word: dict[str, list[int]] = defaultdict(list)
    words = [sorted(_name_tokens(record.entity)) for record in records]
    for i, record_words in enumerate(words):
        for word in record_words:
            by_word[word].append(i)

    def other(anchor: int, candidates: Sequence[int]) -> int | None:
        for _ in range(8):
            j = _pick(candidates, r)
            if records[j].person != records[anchor].person:
                return j
        return None

    seen = {(min(a, b), max(a, b)) for a, b in positives}
    pairs = [(records[a].entity, records[b].entity, True) for a, b in positives]
    everyone = range(len(records))
    for a, b in positives:
        for k in range(negatives_per_positive):
            anchor = (a, b)[k % 2]
            j = None
            if k % 3 != 2:  # two hard negatives for each random one
                if lookalikes.get(records[anchor].person) and r() < 0.7:
                    j = other(anchor, lookalikes[records[anchor].person])
                if j is None and words[anchor]:
                    j = other(anchor, by_word[_pick(words[anchor], r)])
            j = other(anchor, everyone) if j is None else j
            if j is None or (min(anchor, j), max(anchor, j)) in seen:
                continue
            seen.add((min(anchor, j), max(anchor, j)))
            pairs.append((records[anchor].entity, records[j].entity, False))
    rng.shuffle(pairs)
    return pairs
