"""Name tables for synthetic fighter records, and how each member's services spell them.

Every name is a `NameToken`: a canonical Latin key, the canonical Arabic or Cyrillic string where
the name has one, and per spelling style the forms a record may carry. Styles are the habits of
the services that write the records: ``en`` (English-speaking: Mohammed, Abdul Qadir, al-),
``fr`` (French and Maghrebi: Mohamed, Abdelkader, Oussama, el-), ``de`` (German: Mohammad,
Hischam, rarely asch-), ``tr`` (Turkish: Muhammed, Abdülkadir, Üsame, el-), ``ar`` (Arabic script)
and ``ru`` (Russian-style Cyrillic, for names of the former Soviet Union).

Forms are computed once at import, so rendering a record is only a few tuple look-ups. A
particle token (al-Baghdadi) has four habits: hyphen, space, joined and dropped
(al-Baghdadi, Al Baghdadi, Albaghdadi, Baghdadi). Table entries may override the spelling rules
per style; the first spelling of a list is the most common one and is weighted double.
The tables hold common names only; records combine them at random and describe no real person.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

STYLES = ("en", "fr", "de", "tr", "ar", "ru")
LATIN_STYLES = ("en", "fr", "de", "tr")
HYPHEN, SPACE, JOINED, DROPPED = range(4)
#: Letters after which the Arabic article assimilates (al-Shishani is said ash-Shishani).
_SUN = ("th", "sh", "dh", "t", "d", "r", "z", "s", "n")

Forms = tuple[tuple[str, ...], ...]  # indexed by habit


@dataclass(frozen=True, slots=True, eq=False)
class NameToken:
    """One name (given, family, nisba) with its spellings per style and particle habit."""

    key: str
    script: str | None
    forms: dict[str, Forms]

    @property
    def latin(self) -> str:
        """The canonical Latin spelling: English style, hyphenated particle."""
        return self.forms["en"][HYPHEN][0]


# --- Spelling rules for Arabic-origin names (canonical: simple English-like transliteration) ---


def _en(word: str) -> list[str]:
    """English habits: the canonical form, Osama for Usama, ai for ay."""
    out = [word]
    if word.startswith("U"):
        out.append("O" + word[1:])
    if "ay" in word:
        out.append(word.replace("ay", "ai"))
    return out


def _fr(word: str) -> list[str]:
    """French habits: ou for u and w, ch for sh, k for q, dj or j for j, ss between vowels, -ine."""
    w = word.lower().replace("sh", "ch").replace("dh", "d").replace("q", "k").replace("u", "ou")
    w = re.sub(r"w(?=[aeiou])", "ou", w)
    w = re.sub(r"(?<=[aeiou])s(?=[aeiou])", "ss", w)
    w = re.sub(r"([^aeiou])in$", r"\1ine", w)
    out = [w.replace("j", "dj").capitalize()]
    if "j" in w:
        out.append(w.capitalize())
    return out


def _de(word: str) -> list[str]:
    """German habits: sch for sh always; ch for kh, dsch for j and j for y in the older style."""
    light = word.replace("sh", "sch").replace("Sh", "Sch")
    heavy = light.lower().replace("kh", "ch").replace("j", "dsch").replace("y", "j")
    heavy = re.sub(r"(?<=[aeiou])s(?=[aeiou])", "ss", heavy).capitalize()
    return [light] if heavy == light else [light, heavy]


def _tr(word: str) -> list[str]:
    """Turkish habits: ş, c for j, h for kh, k for q, v for w, a final voiced stop unvoiced."""
    w = word.lower()
    for a, b in (("sh", "ş"), ("kh", "h"), ("gh", "ğ"), ("th", "s"), ("dh", "z"), ("j", "c"), ("q", "k"), ("w", "v")):
        w = w.replace(a, b)
    w = re.sub(r"d$", "t", re.sub(r"b$", "p", w))
    return [_tr_capitalize(w)]


def _tr_capitalize(word: str) -> str:
    """Capitalise as Turkish does: i becomes İ."""
    return ("İ" + word[1:]) if word.startswith("i") else word[:1].upper() + word[1:]


_RULES = {"en": _en, "fr": _fr, "de": _de, "tr": _tr}


def _spell(canonical: str, style: str) -> list[str]:
    """Spell a canonical Arabic-origin name (one word, ``Abd al-X`` or ``X al-Din``) in a style."""
    rule = _RULES[style]
    if canonical.startswith("Abd al-"):
        x = canonical[7:]
        spelt = rule(x)[0]
        low = spelt.lower()
        sun = x.lower().startswith(_SUN)
        c = low[0]
        return {
            "en": [f"Abdul {spelt}", f"Abdul{low}", f"Abd al-{spelt}"] + ([f"Abdu{c}{low}"] if sun else []),
            "fr": ([f"Abde{c}{low}"] if sun else [f"Abdel{low}"]) + [f"Abd el-{spelt}", f"Abdel {spelt}"],
            "de": [f"Abdul {spelt}", f"Abd al-{spelt}", f"Abdul{low}"],
            "tr": [f"Abdu{c}{low}"] if sun else [f"Abdül{low}", f"Abdul{low}"],
        }[style]
    if canonical.endswith(" al-Din"):
        x = rule(canonical[:-7])[0]
        return {
            "en": [f"{x} al-Din", f"{x}uddin", f"{x} ad-Din"],
            "fr": [f"{x}eddine", f"{x} Eddine"],
            "de": [f"{x} ad-Din", f"{x}eddin"],
            "tr": [f"{x}ettin"],
        }[style]
    return rule(canonical)


def _weighted(spellings: list[str]) -> tuple[str, ...]:
    """The first (most common) spelling counts double; duplicates removed, order kept."""
    unique = list(dict.fromkeys(s for s in spellings if s))
    return (unique[0], *unique)


def _plain(by_style: dict[str, list[str]]) -> dict[str, Forms]:
    """Forms of a token without particle: every habit spells it the same."""
    forms = {style: _weighted(s) for style, s in by_style.items()}
    full = {style: forms.get(style) or forms["en"] for style in STYLES}
    return {style: (f, f, f, f) for style, f in full.items()}


def _parse_overrides(parts: list[str]) -> dict[str, list[str]]:
    """``en=A,B`` segments of a table line."""
    out = {}
    for part in parts:
        style, _, values = part.strip().partition("=")
        out[style] = [v.strip() for v in values.split(",")]
    return out


def _lines(table: str) -> list[str]:
    """Table lines; a line starting with ``|`` continues the previous one."""
    lines: list[str] = []
    for line in table.strip().splitlines():
        if line.lstrip().startswith("|"):
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    return lines


def arabic_tokens(table: str) -> dict[str, NameToken]:
    """Tokens of Arabic-origin given names from lines ``Canonical / Arabic | style=A,B | ...``."""
    tokens = {}
    for line in _lines(table):
        head, *rest = line.split("|")
        canonical, script = (s.strip() for s in head.split("/"))
        overrides = _parse_overrides(rest)
        by_style = {s: overrides.get(s) or _spell(canonical, s) for s in LATIN_STYLES}
        by_style["ar"] = [script]
        tokens[canonical] = NameToken(canonical, script, _plain(by_style))
    return tokens


# Articles per style; the first is weighted double. Arabic script keeps its article in the stem.
_ARTICLES = {"en": ("al",), "fr": ("el", "el", "al"), "de": ("al",), "tr": ("el",)}


def _assimilated(article: str, spelt: str) -> str:
    """``ash-Shishani``: the article's l takes the sound of a sun letter (Arabic grammar)."""
    low = spelt.lower()
    lead = next((p for p in ("sch", "sh", "ch", "th", "dh", "ş") if low.startswith(p)), low[:1])
    return f"{article[0]}{lead}-{spelt}"


def article_tokens(table: str) -> dict[str, NameToken]:
    """Tokens with the Arabic article (nisbas, tribal family names): ``Stem / الاسم | overrides``."""
    tokens = {}
    for line in _lines(table):
        head, *rest = line.split("|")
        stem, script = (s.strip() for s in head.split("/"))
        overrides = _parse_overrides(rest)
        sun = stem.lower().startswith(_SUN)
        forms: dict[str, Forms] = {}
        for style in LATIN_STYLES:
            stems = _weighted(overrides.get(style) or _spell(stem, style))
            hyphen, space, joined = [], [], []
            for article in _ARTICLES[style]:
                hyphen += [f"{article}-{s}" for s in stems]
                space += [f"{article.capitalize()} {s}" for s in stems]
                joined += [f"{article.capitalize()}{s.lower()}" for s in stems]
            hyphen.append(f"{_ARTICLES[style][0].capitalize()}-{stems[0]}")
            if sun:
                hyphen.append(_assimilated(_ARTICLES[style][0], stems[0]))
            forms[style] = (tuple(hyphen), tuple(space), tuple(joined), stems)
        arabic = (script,)
        forms["ar"] = (arabic, arabic, arabic, arabic)
        forms["ru"] = forms["en"]
        tokens[stem] = NameToken(stem, script, forms)
    return tokens


def civil_tokens(table: str) -> dict[str, NameToken]:
    """Maghrebi family names as civil registers write them in Latin (Ben Salem, El Idrissi).

    Passports fix these spellings, so every Latin style copies them; only the particle varies.
    """
    tokens = {}
    for line in table.strip().splitlines():
        latin, script = (s.strip() for s in line.split("/"))
        particle, _, rest = latin.partition(" ")
        latin_forms: Forms
        if rest and particle in ("Ben", "El", "Ait"):
            joined = particle + rest.lower()
            dropped = rest if particle == "El" else latin  # "Ben" and "Ait" are part of the name
            latin_forms = ((latin, f"{particle}-{rest}"), (latin,), (joined,), (dropped,))
        else:
            latin_forms = ((latin,),) * 4
        arabic = (script,)
        forms: dict[str, Forms] = {s: latin_forms for s in STYLES}
        forms["ar"] = (arabic,) * 4
        tokens[latin] = NameToken(latin, script, forms)
    return tokens


# --- Latin-native names (European converts, Turkish, Balkan) ---


def fold(text: str) -> str:
    """ASCII spelling of a Latin name as foreign systems without diacritics store it."""
    text = text.replace("ß", "ss").replace("ı", "i").replace("đ", "dj").replace("Đ", "Dj")
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text) if ord(c) < 0x300))


def _german_fold(text: str) -> str:
    """Umlauts written out (Öztürk as Oeztuerk), as German systems without umlauts do."""
    for a, b in (("ö", "oe"), ("ü", "ue"), ("ä", "ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("Ä", "Ae")):
        text = text.replace(a, b)
    return fold(text)


def latin_tokens(words: str, native_style: str) -> dict[str, NameToken]:
    """Tokens of Latin-script names: native spelling at home, often folded to ASCII abroad."""
    tokens = {}
    for word in words.split():
        word = word.replace("_", " ")  # "van_den_Berg" is one name
        folded = fold(word)
        by_style = {s: [folded, word] for s in LATIN_STYLES}
        by_style[native_style] = [word]
        if word != folded:
            by_style["de"] = [word, _german_fold(word), folded]
        tokens[word] = NameToken(word, None, _plain(by_style))
    return tokens


# --- Cyrillic-native names (Chechen, Dagestani, Central Asian) ---

_CYR = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_CYR_LATIN = {
    "en": "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya",
    "fr": "a b v g d e io j z i ï k l m n o p r s t ou f kh ts tch ch chtch - y - e iou ia",
    "de": "a b w g d e jo sch s i i k l m n o p r s t u f ch z tsch sch schtsch - y - e ju ja",
    "tr": "a b v g d e yo j z i y k l m n o p r s t u f h ts ç ş şç - ı - e yu ya",
}
_CYR_TABLES = {s: dict(zip(_CYR, t.replace("-", "").split(" "), strict=True)) for s, t in _CYR_LATIN.items()}


def transliterate(cyrillic: str, style: str) -> str:
    """Russian-style romanisation of a Cyrillic name in a style (en: BGN-like, de: Duden-like)."""
    table = _CYR_TABLES[style]
    vowels = "аеёиоуыэюя"
    out: list[str] = []
    prev = ""
    for i, ch in enumerate(cyrillic):
        low = ch.lower()
        latin = table.get(low, ch)
        after_vowel = not prev or prev in "аеёиоуыэюяъь-"
        if low == "е" and after_vowel and style != "fr":
            latin = "je" if style == "de" else "ye"
        elif low == "с" and style == "de" and prev and prev in vowels and cyrillic[i + 1 : i + 2] in tuple(vowels):
            latin = "ss"  # German doubles s between vowels to keep it voiceless
        elif low == "ж" and prev == "д" and style == "tr":
            latin = "C" if out.pop().isupper() else "c"  # Turkish writes дж as c
        out.append(latin.capitalize() if ch != low else latin)
        prev = low
    return "".join(out)


def cyrillic_tokens(words: str) -> dict[str, NameToken]:
    """Tokens of Cyrillic names with per-style romanisations (Магомадов: Magomadov, Magomadow)."""
    tokens = {}
    for word in words.split():
        tokens[word] = cyrillic_token(word)
    return tokens


def cyrillic_token(word: str) -> NameToken:
    """One Cyrillic name as a token; the canonical key is its English romanisation."""
    en = transliterate(word, "en")
    alt = en.replace("ye", "e") if "ye" in en[1:] else en
    by_style = {
        "en": [en, alt],
        "fr": [transliterate(word, "fr"), en],
        "de": [transliterate(word, "de"), en],
        "tr": [transliterate(word, "tr"), en],
        "ru": [word],
    }
    return NameToken(en, word, _plain(by_style))


def patronymic(father: str, female: bool) -> str:
    """Russian patronymic of a Cyrillic given name (Ахмед: Ахмедович, Иса: Исаевич)."""
    if father.endswith("а"):
        stem, suffix = father[:-1] + "а", ("евна" if female else "евич")
    elif father.endswith(("й", "ь")):
        stem, suffix = father[:-1], ("евна" if female else "евич")
    else:
        stem, suffix = father, ("овна" if female else "ович")
    return stem + suffix


def shifted(token: NameToken) -> NameToken:
    """A one-letter-different name (al-Jaburi, al-Jabari): a vowel moved in every spelling."""

    def shift(text: str) -> str:
        for i in range(len(text) - 2, 0, -1):
            for vowels in ("aiu", "اوي", "аиоуе"):
                j = vowels.find(text[i])
                if j >= 0:
                    return text[:i] + vowels[(j + 1) % len(vowels)] + text[i + 1 :]
        return text + text[-1]

    forms = {s: tuple(tuple(shift(x) for x in habit) for habit in f) for s, f in token.forms.items()}
    return NameToken(shift(token.key), shift(token.script) if token.script else None, forms)


# --- Tables ---

ARAB_MALE = arabic_tokens("""
Muhammad / محمد | en=Mohammed,Muhammad,Mohammad,Mohamed | fr=Mohamed,Mohammed,Mohamad | de=Mohammad,Mohammed,Muhammad
    | tr=Muhammed,Mehmet
Ahmad / أحمد | en=Ahmed,Ahmad | fr=Ahmed | de=Ahmad,Ahmed | tr=Ahmet,Ahmed
Mahmud / محمود | en=Mahmoud,Mahmud | fr=Mahmoud | de=Mahmud,Mahmoud | tr=Mahmut
Mustafa / مصطفى | en=Mustafa,Mostafa | fr=Mustapha,Moustafa,Mostafa | de=Mustafa | tr=Mustafa
Ali / علي | en=Ali | fr=Ali | de=Ali | tr=Ali
Umar / عمر | en=Omar,Umar | fr=Omar | de=Omar,Umar | tr=Ömer
Uthman / عثمان | en=Othman,Uthman,Osman | fr=Othmane,Otmane | de=Uthman,Osman | tr=Osman
Khalid / خالد | en=Khalid,Khaled | fr=Khaled,Khalid | de=Khalid,Chalid | tr=Halit,Halid
Walid / وليد | en=Walid,Waleed | fr=Walid,Oualid | tr=Velit,Velid
Ibrahim / إبراهيم | fr=Ibrahim,Brahim | tr=İbrahim
Ismail / إسماعيل | en=Ismail,Ismael | fr=Ismaïl,Ismail,Smail | tr=İsmail
Ishaq / إسحاق | en=Ishaq,Ishak | fr=Ishak,Ishaq | de=Ishak | tr=İshak
Yaqub / يعقوب | en=Yaqub,Yacoub | fr=Yacoub,Yakoub | de=Jakub,Yaqub | tr=Yakup
Yusuf / يوسف | en=Yusuf,Yousef,Yousuf | fr=Youssef,Youssouf | de=Yusuf,Jussuf | tr=Yusuf
Musa / موسى | en=Musa,Moussa | fr=Moussa | tr=Musa
Isa / عيسى | en=Isa,Issa | fr=Issa | tr=İsa
Harun / هارون | en=Harun,Haroon | fr=Haroun | tr=Harun
Dawud / داود | en=Dawud,Daoud,Dawood | fr=Daoud | tr=Davut
Sulayman / سليمان | en=Sulaiman,Suleiman,Sulayman | fr=Slimane,Souleymane,Soulaimane | de=Suleiman,Sulaiman
    | tr=Süleyman
Yahya / يحيى | fr=Yahia,Yahya | de=Yahya,Jahja | tr=Yahya
Zakariya / زكريا | en=Zakaria,Zakariya | fr=Zakaria,Zakariya | de=Zakaria | tr=Zekeriya
Ilyas / إلياس | en=Ilyas,Elias | fr=Ilyes,Ilyas,Elyes | de=Ilyas | tr=İlyas
Yunus / يونس | en=Yunus,Younis | fr=Younes,Younous | de=Yunus,Junus | tr=Yunus
Idris / إدريس | fr=Idriss,Driss | tr=İdris
Ayyub / أيوب | en=Ayyub,Ayoub | fr=Ayoub,Ayyoub | de=Ayyub,Ajjub | tr=Eyüp,Eyyüp
Shuayb / شعيب | en=Shuaib,Shoaib | fr=Chouaib,Chouaïb | de=Schuaib | tr=Şuayp
Salih / صالح | en=Salih,Saleh | fr=Salah,Saleh | tr=Salih
Hamza / حمزة | en=Hamza,Hamzah | fr=Hamza | de=Hamza | tr=Hamza
Usama / أسامة | en=Usama,Osama | fr=Oussama,Ousama | de=Usama | tr=Üsame
Bilal / بلال | fr=Bilal,Bilel | tr=Bilal
Anas / أنس | fr=Anas,Anass | tr=Enes
Talha / طلحة | en=Talha,Talhah | fr=Talha | de=Talha | tr=Talha
Zubayr / زبير | en=Zubair,Zubayr | fr=Zoubeir,Zoubair | tr=Zübeyr
Muadh / معاذ | en=Muadh,Moaz,Muath | fr=Mouad,Mouadh | de=Muadh,Muas | tr=Muaz
Musab / مصعب | en=Musab,Mosab | fr=Moussab,Mosab | tr=Musab
Ammar / عمار | tr=Ammar
Yasir / ياسر | en=Yasir,Yasser | fr=Yasser,Yassir | de=Yasir,Jasir | tr=Yasir
Suhayb / صهيب | en=Suhaib,Suhayb,Sohaib | fr=Souhaib,Souhayb | tr=Süheyb
Salman / سلمان | fr=Salmane,Salman | tr=Selman
Hudhayfa / حذيفة | en=Hudhaifa,Huthaifa,Hudhayfa | fr=Houdaifa,Houdhaifa | de=Hudhaifa | tr=Huzeyfe
Ikrima / عكرمة | en=Ikrima,Ekrima | fr=Ikrima,Ikrimah | tr=İkrime
Qatada / قتادة | en=Qatada,Qatadah | fr=Katada,Qatada | tr=Katade
Ubayda / عبيدة | en=Ubaida,Obaida,Ubayda | fr=Oubaida,Obeida | de=Ubaida | tr=Ubeyde
Hasan / حسن | en=Hassan,Hasan | fr=Hassan,Hacen | de=Hasan,Hassan | tr=Hasan
Husayn / حسين | en=Hussein,Husain,Hussain | fr=Houcine,Hussein,Hocine | de=Hussein,Husain | tr=Hüseyin
Jafar / جعفر | en=Jafar,Jaafar | fr=Djafar,Jaafar | de=Dschafar,Jafar | tr=Cafer
Abbas / عباس | tr=Abbas
Tariq / طارق | en=Tariq,Tarek | fr=Tarik,Tarek | de=Tarik,Tariq | tr=Tarık
Ziyad / زياد | en=Ziad,Ziyad | fr=Ziad | de=Ziad | tr=Ziyad
Said / سعيد | en=Said,Saeed | fr=Saïd,Said | de=Said | tr=Sait,Said
Saad / سعد | en=Saad | fr=Saad | de=Saad | tr=Sad,Saad
Faysal / فيصل | en=Faisal,Faysal | fr=Fayçal,Faycal,Fayssal | de=Faisal | tr=Faysal
Fahd / فهد | en=Fahd,Fahad | tr=Fahd
Majid / ماجد | en=Majid,Majed | fr=Madjid,Majid | de=Madschid,Majid | tr=Mecit
Adil / عادل | en=Adil,Adel | fr=Adel,Adil | tr=Adil
Imad / عماد | en=Imad,Emad | fr=Imad,Imed | tr=İmad
Rida / رضا | en=Rida,Reda,Ridha | fr=Reda,Ridha | de=Rida | tr=Rıza
Amin / أمين | en=Amin,Ameen | fr=Amine | tr=Emin
Ayman / أيمن | en=Ayman,Aiman | fr=Aymane,Aymen | de=Aiman,Ayman | tr=Eymen
Anwar / أنور | en=Anwar | fr=Anouar,Anwar | tr=Enver
Bashir / بشير | en=Bashir,Basheer | fr=Bachir,Béchir | de=Baschir | tr=Beşir
Nadhir / نذير | en=Nadhir,Nazir | fr=Nadir,Nadhir | de=Nadir | tr=Nezir
Hisham / هشام | en=Hisham,Hesham | fr=Hicham,Hichem | de=Hischam | tr=Hişam
Jamal / جمال | en=Jamal,Gamal | fr=Djamel,Jamal,Jamel | de=Dschamal,Jamal | tr=Cemal
Kamal / كمال | fr=Kamel,Kamal | tr=Kemal
Nabil / نبيل | en=Nabil,Nabeel | fr=Nabil | tr=Nebil
Rashid / رشيد | en=Rashid,Rasheed | fr=Rachid,Rached | de=Raschid | tr=Reşit,Raşit
Farid / فريد | en=Farid,Fareed | fr=Farid | tr=Ferit
Karim / كريم | en=Karim,Kareem | fr=Karim | tr=Kerim
Murad / مراد | en=Murad,Mourad | fr=Mourad | tr=Murat
Nasir / ناصر | en=Nasser,Nasir | fr=Nacer,Nasser,Naceur | de=Nasser,Nasir | tr=Nasır
Mansur / منصور | en=Mansour,Mansur | fr=Mansour | tr=Mansur
Jabir / جابر | en=Jabir,Jaber | fr=Djaber,Jaber | de=Dschabir,Jabir | tr=Cabir
Qasim / قاسم | en=Qasim,Kassem,Qassim | fr=Kacem,Kassem,Kassim | de=Kasim | tr=Kasım
Hamid / حامد | en=Hamid,Hamed | fr=Hamid,Hamed | tr=Hamit
Hamad / حمد | tr=Hamad
Rami / رامي | tr=Rami
Samir / سمير | en=Samir,Sameer | fr=Samir | tr=Semir
Sami / سامي | tr=Sami
Ghassan / غسان | tr=Gassan
Marwan / مروان | fr=Marouane,Marwane,Marwan | tr=Mervan
Sufyan / سفيان | en=Sufyan,Sofian | fr=Soufiane,Sofiane | de=Sufyan,Sufjan | tr=Süfyan
Ridwan / رضوان | en=Ridwan,Radwan | fr=Redouane,Ridouane | tr=Rıdvan
Imran / عمران | en=Imran,Omran | fr=Imrane,Imran | tr=İmran
Adnan / عدنان | fr=Adnane,Adnan | tr=Adnan
Yasin / ياسين | en=Yassin,Yasin,Yaseen | fr=Yassine,Yacine | de=Yasin,Jassin | tr=Yasin
Haytham / هيثم | en=Haitham,Haytham | fr=Haythem,Haytem | de=Haitham | tr=Heysem
Wasim / وسيم | en=Wasim,Waseem | fr=Wassim | tr=Vasim
Nizar / نزار | tr=Nizar
Firas / فراس | fr=Firas,Firass | tr=Firas
Luqman / لقمان | en=Luqman,Lokman | fr=Lokmane,Luqman | tr=Lokman
Munir / منير | en=Munir,Mounir | fr=Mounir | tr=Münir
Mukhtar / مختار | en=Mukhtar,Mokhtar | fr=Mokhtar | de=Muchtar,Mukhtar | tr=Muhtar
Layth / ليث | en=Laith,Layth | fr=Laith,Leith | tr=Leys
Habib / حبيب | tr=Habip
Mujahid / مجاهد | en=Mujahid | fr=Moudjahid,Moujahid | de=Mudschahid,Mujahid | tr=Mücahit
Khattab / خطاب | fr=Khattab | de=Chattab,Khattab | tr=Hattab
Abdullah / عبد الله | en=Abdullah,Abdallah | fr=Abdallah,Abdellah,Abdullah | de=Abdullah | tr=Abdullah
Abd al-Rahman / عبد الرحمن | fr=Abderrahmane,Abderrahman,Abdel Rahman | tr=Abdurrahman
Abd al-Qadir / عبد القادر | fr=Abdelkader,Abdelkadir,Abd el-Kader | tr=Abdülkadir,Abdulkadir
Abd al-Aziz / عبد العزيز | tr=Abdülaziz,Abdulaziz
Abd al-Karim / عبد الكريم | fr=Abdelkrim,Abdelkarim | tr=Abdülkerim
Abd al-Hamid / عبد الحميد | tr=Abdülhamit,Abdulhamid
Abd al-Malik / عبد الملك | fr=Abdelmalek,Abdelmalik | tr=Abdülmelik
Abd al-Salam / عبد السلام | fr=Abdessalam,Abdeslam,Abdel Salam | tr=Abdüsselam
Abd al-Razzaq / عبد الرزاق | en=Abdul Razzaq,Abdulrazzaq,Abd al-Razzaq | fr=Abderrazak,Abderrazzak | tr=Abdürrezzak
Abd al-Latif / عبد اللطيف | fr=Abdellatif,Abdelatif | tr=Abdüllatif
Abd al-Majid / عبد المجيد | fr=Abdelmadjid,Abdelmajid | tr=Abdülmecit
Abd al-Wahhab / عبد الوهاب | fr=Abdelouahab,Abdelwahab | tr=Abdülvahap
Abd al-Ghani / عبد الغني | tr=Abdülgani
Abd al-Rahim / عبد الرحيم | fr=Abderrahim,Abderahim | tr=Abdurrahim
Abd al-Hakim / عبد الحكيم | tr=Abdülhakim
Abd al-Basit / عبد الباسط | fr=Abdelbasset,Abdelbassit | tr=Abdülbasit
Abd al-Nasir / عبد الناصر | en=Abdul Nasser,Abdulnasser,Abd al-Nasir | fr=Abdennacer,Abdennasser,Abdel Nasser
    | tr=Abdünnasır
Abd al-Jabbar / عبد الجبار | tr=Abdülcabbar
Abd al-Fattah / عبد الفتاح | tr=Abdülfettah
Abd al-Ilah / عبد الإله | en=Abdul Ilah,Abdulilah | fr=Abdelilah,Abdelillah | tr=Abdulilah
Nur al-Din / نور الدين | en=Nur al-Din,Nuruddin,Nureddin,Noor al-Din | fr=Noureddine,Nour Eddine,Nourredine
    | tr=Nurettin,Nureddin
Salah al-Din / صلاح الدين | en=Salah al-Din,Salahuddin,Salah ad-Din | fr=Salaheddine,Salah Eddine | tr=Selahattin
Izz al-Din / عز الدين | en=Izz al-Din,Izzuddin,Ezzedine | fr=Ezzedine,Azzedine,Izzeddine | tr=İzzettin
Nasr al-Din / نصر الدين | fr=Nasreddine,Nasr Eddine | tr=Nasrettin
Sayf al-Din / سيف الدين | en=Saif al-Din,Saifuddin,Sayf al-Din | fr=Seifeddine,Saifeddine | tr=Seyfettin
Khayr al-Din / خير الدين | en=Khair al-Din,Khairuddin | fr=Kheireddine,Khaireddine | tr=Hayrettin
Badr al-Din / بدر الدين | fr=Badreddine,Badr Eddine | tr=Bedrettin
Shams al-Din / شمس الدين | fr=Chamseddine,Chemseddine | tr=Şemsettin
Ala al-Din / علاء الدين | en=Ala al-Din,Alaa al-Din,Alauddin | fr=Alaeddine,Alaa Eddine | tr=Alaattin
Jamal al-Din / جمال الدين | fr=Djamel Eddine,Djameleddine | tr=Cemalettin
""")

ARAB_FEMALE = arabic_tokens("""
Fatima / فاطمة | en=Fatima,Fatimah | fr=Fatima,Fatma | de=Fatima | tr=Fatma
Aisha / عائشة | en=Aisha,Ayesha | fr=Aïcha,Aicha | de=Aischa,Aisha | tr=Ayşe
Khadija / خديجة | en=Khadija,Khadijah | fr=Khadija,Khadidja | de=Chadidscha,Khadija | tr=Hatice
Maryam / مريم | en=Maryam,Mariam | fr=Meryem,Myriam,Maryam | de=Maryam,Mariam | tr=Meryem
Zaynab / زينب | en=Zainab,Zaynab | fr=Zineb,Zaynab | de=Zainab | tr=Zeynep
Asma / أسماء | en=Asma,Asmaa | fr=Asmaa,Asma | tr=Esma
Sumayya / سمية | en=Sumaya,Sumayyah | fr=Soumaya,Soumia | de=Sumaya | tr=Sümeyye
Safiyya / صفية | en=Safiya,Safiyyah | fr=Safia,Safiya | tr=Safiye
Hafsa / حفصة | en=Hafsa,Hafsah | fr=Hafsa | tr=Hafsa
Amina / أمينة | en=Amina,Aminah | fr=Amina | tr=Emine
Nur / نور | en=Nur,Noor | fr=Nour | tr=Nur
Sara / سارة | en=Sara,Sarah | fr=Sara,Sarah | tr=Sare
Hajar / هاجر | en=Hajar,Hagar | fr=Hajar,Hadjer | de=Hadschar,Hajar | tr=Hacer
Layla / ليلى | en=Layla,Leila | fr=Leïla,Leila | de=Leila,Laila | tr=Leyla
Salma / سلمى | fr=Salma | tr=Selma
Ruqayya / رقية | en=Ruqaya,Ruqayyah | fr=Roukaya,Rokaya | tr=Rukiye
Siham / سهام | fr=Siham | tr=Siham
Nadia / نادية | en=Nadia,Nadiya | fr=Nadia | tr=Nadiye
Karima / كريمة | tr=Kerime
Samira / سميرة | en=Samira,Sameera | tr=Semire
Yasmin / ياسمين | en=Yasmin,Yasmeen | fr=Yasmine,Yasmina | de=Yasmin,Jasmin | tr=Yasemin
Halima / حليمة | tr=Halime
Iman / إيمان | en=Iman,Eman | fr=Imane,Imen | tr=İman
Huda / هدى | en=Huda,Hoda | fr=Houda | tr=Hüda
""")

#: Tribal and family names with the article, of Iraq, Syria, Jordan, the Gulf, Libya and Yemen.
TRIBAL = article_tokens("""
Tamimi / التميمي
Dulaymi / الدليمي | en=Dulaimi,Dulaymi | fr=Doulaimi,Dulaimi | de=Dulaimi | tr=Duleymi
Juburi / الجبوري | en=Jubouri,Juburi,Jabouri | fr=Joubouri,Jabouri | de=Juburi,Dschuburi | tr=Cuburi
Ubaydi / العبيدي | en=Obaidi,Ubaidi | fr=Obeidi,Oubaidi | de=Ubaidi | tr=Ubeydi
Shammari / الشمري | en=Shammari,Shamari | fr=Chammari | de=Schammari | tr=Şemmari
Zubaydi / الزبيدي | en=Zubaidi,Zubaydi | fr=Zoubaidi,Zoubeidi | de=Zubaidi | tr=Zübeydi
Anizi / العنزي | en=Anizi,Anazi,Enezi | fr=Anizi,Enezi | tr=Enezi
Harbi / الحربي
Utaybi / العتيبي | en=Otaibi,Utaybi,Otaiby | fr=Otaibi,Outaybi | de=Otaibi | tr=Uteybi
Qahtani / القحطاني | en=Qahtani,Kahtani | fr=Kahtani,Qahtani | de=Qahtani | tr=Kahtani
Ghamdi / الغامدي | tr=Gamdi
Zahrani / الزهراني
Shahri / الشهري | de=Schahri | tr=Şehri
Mutayri / المطيري | en=Mutairi,Mutayri | fr=Moutairi | de=Mutairi | tr=Muteyri
Dawsari / الدوسري | fr=Daoussari,Dawsari | tr=Devseri
Husayni / الحسيني | en=Husseini,Husaini | fr=Husseini,Houssaini | de=Husseini | tr=Hüseyni
Hashimi / الهاشمي | de=Haschimi | tr=Haşimi
Khatib / الخطيب | de=Chatib,Khatib | tr=Hatip
Najjar / النجار | fr=Najjar,Naddjar | de=Nadschar,Najjar | tr=Neccar
Haddad / الحداد | tr=Haddat
Khayyat / الخياط | en=Khayyat,Khayat | fr=Khayat | de=Chajjat,Khayyat | tr=Hayyat
Attar / العطار | tr=Attar
Azzawi / العزاوي | fr=Azzaoui,Azzawi | tr=Azzavi
Janabi / الجنابي | tr=Cenabi
Karbuli / الكربولي | tr=Kerbuli
Rawi / الراوي | fr=Raoui,Rawi | tr=Ravi
Ani / العاني
Hiti / الهيتي
Samarrai / السامرائي | en=Samarrai,Samarraie | fr=Samarrai | tr=Samarrai
Mashhadani / المشهداني | de=Maschhadani | tr=Meşhedani
Fahdawi / الفهداوي | fr=Fahdaoui | tr=Fahdavi
Issawi / العيساوي | fr=Issaoui | tr=İssavi
Jumayli / الجميلي | en=Jumaili,Jumayli,Jemaili | fr=Joumaili | de=Dschumaili,Jumaili | tr=Cümeyli
Halabi / الحلبي | tr=Halebi
Homsi / الحمصي | tr=Humusi
Hamwi / الحموي | fr=Hamoui,Hamwi | tr=Hamevi
Ahmad / الأحمد | en=Ahmad | fr=Ahmad | tr=Ahmed
Hamad / الحمد | tr=Hamed
Khalaf / الخلف | de=Chalaf,Khalaf | tr=Halef
Khalil / الخليل | de=Chalil,Khalil | tr=Halil
Khalayla / الخلايلة | en=Khalayleh,Khalaylah | fr=Khalaileh | de=Chalaile,Khalayleh | tr=Halayle
Majali / المجالي | tr=Mecali
Zuabi / الزعبي | en=Zoubi,Zuabi | fr=Zoubi | tr=Zuabi
Warfalli / الورفلي | fr=Ouarfalli,Warfalli | tr=Verfelli
Misrati / المصراتي | tr=Misrati
Zintani / الزنتاني | tr=Zintani
Farjani / الفرجاني | fr=Ferjani,Farjani | tr=Fercani
Hadrami / الحضرمي | tr=Hadrami
Yafii / اليافعي | en=Yafii,Yafai | fr=Yafei | tr=Yafii
Adani / العدني
""")

#: Nisbas (origin names) as fighters' noms de guerre use them, with the article.
NISBAS = article_tokens("""
Baghdadi / البغدادي | de=Bagdadi,Baghdadi | tr=Bağdadi
Mosuli / الموصلي | fr=Moussouli,Mosuli | tr=Musuli
Iraqi / العراقي | fr=Iraki,Iraqi | tr=Iraki
Suri / السوري | fr=Souri | tr=Suri
Shami / الشامي | fr=Chami | de=Schami | tr=Şami
Halabi / الحلبي | tr=Halebi
Urduni / الأردني | en=Urduni,Ordoni | fr=Ordoni,Urduni | tr=Ürdüni
Jazrawi / الجزراوي | en=Jazrawi,Jazrawy | fr=Djazraoui,Jazraoui | de=Dschasrawi,Jazrawi | tr=Cezravi
Yamani / اليمني | en=Yemeni,Yamani | fr=Yamani | tr=Yemeni
Kuwaiti / الكويتي | tr=Kuveyti
Tunisi / التونسي | en=Tunisi,Tounsi | fr=Tounsi,Tunisi | tr=Tunusi
Maghribi / المغربي | fr=Maghribi,Maghrebi | tr=Mağribi
Jazairi / الجزائري | en=Jazairi,Jazaery | fr=Djazairi,Jazairi | de=Dschasairi,Jazairi | tr=Cezairi
Libi / الليبي | tr=Libi
Masri / المصري | tr=Mısri
Lubnani / اللبناني | fr=Loubnani | tr=Lübnani
Filastini / الفلسطيني | fr=Falastini,Filastini | tr=Filistini
Faransi / الفرنسي | en=Faransi,Firansi | fr=Faransi,Fransi | tr=Fransi
Almani / الألماني | tr=Almani
Britani / البريطاني | en=Britani,Baritani | tr=Britani
Baljiki / البلجيكي | en=Baljiki,Belgiki | fr=Beljiki,Belgiki | de=Beldschiki,Belgiki | tr=Belçiki
Hulandi / الهولندي | en=Hulandi,Hollandi | fr=Hollandi,Houlandi | tr=Hollandi
Amriki / الأمريكي | en=Amriki,Amreeki | tr=Amriki
Isbani / الإسباني | en=Isbani,Espani | fr=Isbani,Espani | tr=İsbani
Itali / الإيطالي | en=Itali,Italy | tr=İtalyani
Turki / التركي | tr=Türki
Shishani / الشيشاني | fr=Chichani,Shishani | de=Schischani,Shishani | tr=Şişani
Dagestani / الداغستاني | en=Dagestani,Daghestani | de=Dagestani | tr=Dağıstani
Uzbeki / الأوزبكي | fr=Ouzbeki | tr=Özbeki
Tajiki / الطاجيكي | fr=Tadjiki | de=Tadschiki | tr=Taciki
Kazakhi / الكازاخي | de=Kasachi | tr=Kazaki
Qirghizi / القرغيزي | en=Kirghizi,Qirghizi | fr=Kirghizi | de=Kirgisi | tr=Kırgızi
Bosni / البوسني | tr=Bosnavi
Kosovi / الكوسوفي | tr=Kosovi
Albani / الألباني | tr=Arnavuti
Ansari / الأنصاري | tr=Ensari
Muhajir / المهاجر | fr=Mouhajir,Mouhajer | de=Muhadschir,Muhajir | tr=Muhacir
""")

MAGHREB_FAMILY = {
    "tn": civil_tokens("""
Trabelsi / الطرابلسي
Jaziri / الجزيري
Hammami / الحمامي
Gharbi / الغربي
Mejri / الماجري
Chaabani / الشعباني
Ayari / العياري
Riahi / الرياحي
Dridi / الدريدي
Jlassi / الجلاصي
Khemiri / الخميري
Mabrouk / مبروك
Zouari / الزواري
Ouertani / الورتاني
Belhaj / بلحاج
Rezgui / الرزقي
Chebbi / الشابي
Hamdi / الحمدي
Ben Salem / بن سالم
Ben Ali / بن علي
Ben Amor / بن عمر
Ben Youssef / بن يوسف
Ben Hassine / بن حسين
"""),
    "ma": civil_tokens("""
El Idrissi / الإدريسي
Alaoui / العلوي
Bennani / بناني
Tazi / التازي
El Amrani / العمراني
Berrada / برادة
Chraibi / الشرايبي
Ouazzani / الوزاني
Bakkali / البقالي
El Khattabi / الخطابي
Azzouzi / العزوزي
Aarab / أعراب
Achahbar / أشهبار
Boukhari / البخاري
Hamdaoui / الحمداوي
Bouchikhi / بوشيخي
El Ouali / الوالي
Ziani / الزياني
Benjelloun / بنجلون
Lahlou / لحلو
El Fassi / الفاسي
Tahiri / الطاهري
Amghar / أمغار
El Hajji / الحاجي
Ait Ali / آيت علي
Ait Ahmed / آيت أحمد
Boutaleb / بوطالب
Mansouri / المنصوري
Bouyahia / بويحيى
"""),
    "dz": civil_tokens("""
Benkhaled / بن خالد
Belkacem / بلقاسم
Boumediene / بومدين
Bensaid / بن سعيد
Kaci / قاسي
Saadi / السعدي
Belaid / بلعيد
Cherif / الشريف
Mebarki / مباركي
Hadjadj / حجاج
Bouzid / بوزيد
Haddadi / حدادي
Rahmani / رحماني
Benaissa / بن عيسى
Zerrouki / زروقي
Medjahed / مجاهد
Hamidi / حميدي
Larbi / العربي
"""),
}

CHECHEN_MALE = cyrillic_tokens("""
Руслан Магомед Шамиль Аслан Джохар Умар Ахмед Хасан Ислам Тимур Зелимхан Апти Иса Саид Мовсар
Алихан Бислан Салман Рустам Арби Хамзат Рамзан Адам Ибрагим Муса Юсуп Лечи Ильяс Мансур Шамхан
Ваха Хусейн Абубакар Магомедали Рашид Зияудин Гаджимурад Курбан Абдулла Мурад
""")
CHECHEN_FEMALE = cyrillic_tokens("Хава Зарема Мадина Аминат Петимат Малика Зайнап Лейла Седа Патимат Хадижат")
CHECHEN_FAMILY = cyrillic_tokens("""
Магомадов Ахмадов Исраилов Саидов Эльмурзаев Гакаев Муцаев Дадаев Хасанов Абдулаев Мусаев
Муртазалиев Тагиров Вахаев Хаджиев Исмаилов Юсупов Алиев Гаджиев Магомедов Умаров Бисултанов
Межидов Хатуев Джабраилов Айдамиров Батукаев Эдилов Сулейманов Ибрагимов Ахмедов Абдурахманов
""")
CENTRAL_ASIAN_MALE = cyrillic_tokens("""
Жасур Шерзод Бахтиёр Улугбек Фаррух Дилшод Рустам Тимур Азиз Нодир Сардор Отабек Бобур Жамшид
Акмал Шухрат Равшан Фарход Хуршид Санжар Мухаммадали Абдулазиз Даврон Икром Ерлан Нурлан Азамат
""")
CENTRAL_ASIAN_FEMALE = cyrillic_tokens("Дилноза Гулнора Нигора Зарина Мадина Шахноза Феруза Айгерим")
CENTRAL_ASIAN_FAMILY = cyrillic_tokens("""
Абдуллаев Юлдашев Рахимов Султанов Назаров Турсунов Мирзаев Хамидов Холматов Эргашев Усманов
Исмоилов Рахмонов Норматов Файзуллаев Каримов Сафаров Шарипов Тошматов Джураев Кодиров Бегалиев
Омаров Жумабаев Сатыбалдиев
""")

TURKISH_MALE = latin_tokens(
    """
Mehmet Ahmet Mustafa Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat Ömer Ramazan Halil
Süleyman Abdullah Mahmut Recep Emre Burak Fatih Serkan Volkan Onur Furkan Enes Yasin Oğuz Kadir
Hakan Cengiz Erdem Tolga Uğur Musa Halis İlhami Abdulkadir Şükrü
""",
    "tr",
)
TURKISH_FEMALE = latin_tokens("Ayşe Fatma Emine Hatice Zeynep Elif Merve Büşra Kübra Rabia", "tr")
TURKISH_FAMILY = latin_tokens(
    """
Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan
Çetin Kara Koç Kurt Özkan Şimşek Polat Korkmaz Güneş Aksoy Tekin Bulut Keskin Ünal Turan Gül
Yavuz Durmuş Akbulut Bayram Ekinci Gündoğdu
""",
    "tr",
)

BALKAN_MALE = latin_tokens(
    """
Adnan Amir Armin Edin Emir Haris Jasmin Kenan Mirza Nermin Senad Samir Tarik Elvis Mirsad
Arben Besnik Driton Fatos Valon Ilir Agron Blerim Lavdrim Flamur Visar Bujar Genc Ridvan
""",
    "en",
)
BALKAN_FEMALE = latin_tokens("Amra Lejla Selma Emina Aida Arta Drita Vjosa Valbona", "en")
BALKAN_FAMILY = latin_tokens(
    """
Hodžić Begić Delić Hadžić Hasanović Mehmedović Omerović Salihović Husić Mujić Alić Jusić Kandić
Krasniqi Gashi Berisha Morina Hoxha Shala Bytyqi Kelmendi Hyseni Rexhepi Zeqiri Ibrahimi Sejdiu
""",
    "en",
)

#: Given names (male, female) and family names of European converts, by nationality.
EUROPEAN = {
    "fr": (
        latin_tokens(
            "Jean Pierre Nicolas Thomas Julien Maxime Kévin Romain Jérémy Quentin Anthony Jonathan Mickaël "
            "Sébastien Fabien Jean-Michel Jean-Baptiste Pierre-Antoine Loïc Florian Cédric Grégory",
            "fr",
        ),
        latin_tokens("Émilie Marine Laura Camille Sophie Mélanie Sabrina Amandine Élodie Jennifer", "fr"),
        latin_tokens(
            "Dupont Martin Bernard Dubois Durand Leroy Moreau Laurent Lefèvre Roux Fournier Girard Bonnet "
            "Lambert Fontaine Rousseau Mercier Blanc Guérin Boyer Garnier Chevalier Legrand Gauthier "
            "Perrin Robin Clément Morin Roussel Mathieu Masson Marchand Duval Denis Dumont Lemaire Brun",
            "fr",
        ),
    ),
    "de": (
        latin_tokens(
            "Lukas Jonas Florian Tobias Dennis Marcel Sven Kevin Christian Daniel Philipp Sebastian Jan "
            "Nils Andreas Benjamin Dominik Jörg Björn",
            "de",
        ),
        latin_tokens("Sarah Laura Lisa Julia Jennifer Nadine Sandra Jasmin", "de"),
        latin_tokens(
            "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
            "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hartmann Lange "
            "Schmitt Werner Krause Meier Lehmann Weiß Köhler",
            "de",
        ),
    ),
    "gb": (
        latin_tokens(
            "James Thomas Daniel Jack Ryan Luke Liam Jordan Aaron Richard Michael Steven Craig Jamie Lee Mark",
            "en",
        ),
        latin_tokens("Samantha Emma Sally Hannah Rachel Victoria Kimberley", "en"),
        latin_tokens(
            "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker "
            "White Roberts Green Hall Wood Jackson Clarke Harris Lewis Hughes Edwards",
            "en",
        ),
    ),
    "us": (
        latin_tokens("Michael John Christopher Joshua Matthew Tyler Brandon Justin Zachary Jason Eric", "en"),
        latin_tokens("Ashley Jessica Amanda Brittany Megan", "en"),
        latin_tokens("Johnson Miller Davis Anderson Jackson Moore Thomas Martin Lee Harris Clark Lewis", "en"),
    ),
    "be": (
        latin_tokens("Jeroen Sander Bram Joris Pieter Wouter Thijs Dirk Koen Stijn Bart Michaël", "de"),
        latin_tokens("Lotte Sofie Eline Annelies", "de"),
        latin_tokens(
            "Peeters Maes Jacobs Mertens Willems Claes Goossens Wouters De_Smet Vermeulen Janssens Dubois",
            "de",
        ),
    ),
    "nl": (
        latin_tokens("Jeroen Sander Bram Joris Pieter Wouter Thijs Dirk Koen Stijn Bart Rick", "de"),
        latin_tokens("Lotte Sanne Fleur Anouk", "de"),
        latin_tokens(
            "de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Visser Smit Meijer de_Boer Mulder "
            "de_Groot Bos Vos Peters Hendriks Dekker",
            "de",
        ),
    ),
    "es": (
        latin_tokens("Javier Daniel David Alejandro Pablo Sergio Adrián Rubén Iván Jesús", "fr"),
        latin_tokens("Lucía María Paula Nerea", "fr"),
        latin_tokens(
            "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Ruiz Jiménez Moreno",
            "fr",
        ),
    ),
    "it": (
        latin_tokens("Giuseppe Marco Luca Andrea Alessandro Francesco Matteo Giovanni Davide", "fr"),
        latin_tokens("Giulia Francesca Chiara Valentina", "fr"),
        latin_tokens("Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo", "fr"),
    ),
}

#: Birth places by country; ``/`` separates spellings (en, fr, de, tr, ar, ru) where they differ.
PLACES = {
    "iq": (
        "Baghdad/Bagdad/Bagdad/Bağdat/بغداد;Mosul/Mossoul/Mossul/Musul/الموصل;"
        "Fallujah/Falloujah/Falludscha/Felluce/الفلوجة;Ramadi/Ramadi/Ramadi/Ramadi/الرمادي;"
        "Tikrit/Tikrit/Tikrit/Tikrit/تكريت;Kirkuk/Kirkouk/Kirkuk/Kerkük/كركوك;"
        "Samarra/Samarra/Samarra/Samarra/سامراء;Basra/Bassora/Basra/Basra/البصرة"
    ),
    "sy": (
        "Aleppo/Alep/Aleppo/Halep/حلب;Homs/Homs/Homs/Humus/حمص;Damascus/Damas/Damaskus/Şam/دمشق;"
        "Deir ez-Zor/Deir ez-Zor/Deir ez-Zor/Deyrizor/دير الزور;Raqqa/Raqqa/Rakka/Rakka/الرقة;"
        "Idlib/Idleb/Idlib/İdlib/إدلب"
    ),
    "jo": (
        "Zarqa/Zarqa/Zarqa/Zerka/الزرقاء;Amman/Amman/Amman/Amman/عمان;Irbid/Irbid/Irbid/İrbid/إربد;"
        "Maan/Maan/Maan/Maan/معان;Salt/Salt/Salt/Salt/السلط"
    ),
    "sa": (
        "Riyadh/Riyad/Riad/Riyad/الرياض;Jeddah/Djeddah/Dschidda/Cidde/جدة;"
        "Buraydah/Buraydah/Buraida/Bureyde/بريدة;Mecca/La Mecque/Mekka/Mekke/مكة;"
        "Dammam/Dammam/Dammam/Dammam/الدمام"
    ),
    "tn": (
        "Tunis/Tunis/Tunis/Tunus/تونس;Ben Guerdane/Ben Gardane/Ben Guerdane/Bin Kirdan/بن قردان;"
        "Bizerte/Bizerte/Biserta/Bizerte/بنزرت;Sousse/Sousse/Sousse/Susa/سوسة;"
        "Kasserine/Kasserine/Kasserine/Kasserin/القصرين"
    ),
    "ma": (
        "Casablanca/Casablanca/Casablanca/Kazablanka/الدار البيضاء;Tangier/Tanger/Tanger/Tanca/طنجة;"
        "Tetouan/Tétouan/Tetouan/Tetuan/تطوان;Fez/Fès/Fès/Fes/فاس;Nador/Nador/Nador/Nador/الناظور"
    ),
    "dz": (
        "Algiers/Alger/Algier/Cezayir/الجزائر;Oran/Oran/Oran/Vahran/وهران;"
        "Constantine/Constantine/Constantine/Kostantine/قسنطينة"
    ),
    "ly": (
        "Derna/Derna/Darna/Derne/درنة;Benghazi/Benghazi/Bengasi/Bingazi/بنغازي;"
        "Tripoli/Tripoli/Tripolis/Trablus/طرابلس;Sirte/Syrte/Sirte/Sirte/سرت"
    ),
    "eg": (
        "Cairo/Le Caire/Kairo/Kahire/القاهرة;"
        "Alexandria/Alexandrie/Alexandria/İskenderiye/الإسكندرية;Giza/Gizeh/Gizeh/Gize/الجيزة"
    ),
    "lb": ("Tripoli/Tripoli/Tripoli/Trablus/طرابلس;Sidon/Saïda/Sidon/Sayda/صيدا;Beirut/Beyrouth/Beirut/Beyrut/بيروت"),
    "ye": "Sanaa/Sanaa/Sanaa/Sana/صنعاء;Aden/Aden/Aden/Aden/عدن;Taiz/Taëz/Taizz/Taiz/تعز",
    "fr": "Paris;Lunel;Toulouse;Nice;Marseille;Lyon;Strasbourg;Roubaix;Trappes;Sevran;Grenoble",
    "be": (
        "Brussels/Bruxelles/Brüssel/Brüksel;Molenbeek-Saint-Jean;Antwerp/Anvers/Antwerpen/Anvers;"
        "Vilvoorde;Verviers;Liège"
    ),
    "de": (
        "Berlin;Hamburg/Hambourg/Hamburg/Hamburg;Dinslaken;Bonn;Solingen;"
        "Frankfurt am Main/Francfort;Wuppertal;Hildesheim"
    ),
    "gb": "London/Londres/London/Londra;Birmingham;Portsmouth;Cardiff;Manchester;Luton",
    "nl": "Amsterdam;The Hague/La Haye/Den Haag/Lahey;Rotterdam;Delft;Utrecht;Arnhem",
    "es": "Ceuta;Melilla;Barcelona/Barcelone/Barcelona/Barselona;Madrid",
    "it": ("Milan/Milan/Mailand/Milano;Rome/Rome/Rom/Roma;Turin/Turin/Turin/Torino;Bologna/Bologne/Bologna/Bologna"),
    "us": "Minneapolis;Houston;Chicago;New York;Columbus",
    "tr": (
        "Istanbul/Istanbul/Istanbul/İstanbul;Adıyaman/Adiyaman/Adiyaman/Adıyaman;Gaziantep;Konya;"
        "Ankara;Şanlıurfa/Sanliurfa"
    ),
    "ru": (
        "Grozny/Grozny/Grosny/Grozni/غروزني/Грозный;"
        "Gudermes/Goudermes/Gudermes/Gudermes/غوديرميس/Гудермес;"
        "Urus-Martan/Ourous-Martan/Urus-Martan/Urus-Martan/أوروس مارتان/Урус-Мартан;"
        "Makhachkala/Makhatchkala/Machatschkala/Mahaçkale/محج قلعة/Махачкала;"
        "Khasavyurt/Khassaviourt/Chassawjurt/Hasavyurt/خاسافيورت/Хасавюрт"
    ),
    "ge": "Duisi;Jokolo;Birkiani",
    "uz": (
        "Tashkent/Tachkent/Taschkent/Taşkent/طشقند/Ташкент;"
        "Namangan/Namangan/Namangan/Namangan/نمنغان/Наманган;"
        "Andijan/Andijan/Andischan/Andican/أنديجان/Андижан;"
        "Fergana/Ferghana/Fergana/Fergana/فرغانة/Фергана"
    ),
    "tj": ("Dushanbe/Douchanbé/Duschanbe/Duşanbe/دوشنبه/Душанбе;Khujand/Khodjent/Chudschand/Hucend/خجند/Худжанд"),
    "kz": "Almaty/Almaty/Almaty/Almatı/ألماتي/Алматы;Aktobe/Aktioubé/Aqtöbe/Aktöbe/أكتوبي/Актобе",
    "kg": "Osh/Och/Osch/Oş/أوش/Ош;Bishkek/Bichkek/Bischkek/Bişkek/بيشكيك/Бишкек",
    "ba": "Sarajevo/Sarajevo/Sarajevo/Saraybosna;Zenica;Tuzla;Bihać/Bihac",
    "xk": "Pristina/Pristina/Priština/Priştine;Gjilan;Kaçanik/Kacanik;Mitrovica",
    "al": "Tirana/Tirana/Tirana/Tiran;Pogradec;Elbasan",
    "mk": "Skopje/Skopje/Skopje/Üsküp;Tetovo/Tetovo/Tetovo/Kalkandelen;Kumanovo",
}
