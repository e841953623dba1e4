"""Persian text helpers: digits, normalisation, abjad labels, ordinals, bidi checks.

Pure functions with no Django dependency, so they can be used from models, forms,
templates and management commands alike.
"""

import re
import unicodedata

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "0123456789"

_TO_PERSIAN = str.maketrans(LATIN_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)
_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, LATIN_DIGITS * 2)

ZWNJ = "\u200c"
TATWEEL = "\u0640"

# Arabic letter forms mapped to their Persian counterparts (for storage).
_STORAGE_MAP = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", TATWEEL: None})
_HORIZONTAL_SPACE_RE = re.compile(r"[ \t\u00a0]+")

# Letter variants that mean the same letter to a Persian reader: folded in search keys and
# in the sort key alike (one table, so «ة», «ە», «ہ», «ۀ» and «ه» find and sort together).
LETTER_VARIANTS: dict[str, str] = {
    "ي": "ی",
    "ى": "ی",
    "ك": "ک",
    "ة": "ه",
    "ە": "ه",  # U+06D5 AE (Kurdish)
    "ہ": "ه",  # U+06C1 heh goal (Urdu)
    "ۀ": "ه",
    "أ": "ا",
    "إ": "ا",
    "ٱ": "ا",
    "ؤ": "و",
}
# Characters a reader does not see: zero-width joiners and spaces, and the bidi marks,
# embeddings and isolates (a query copied from a right-to-left page often carries U+200F).
INVISIBLE_CHARS: frozenset[str] = frozenset(
    {"\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff"}
    | {chr(c) for c in range(0x202A, 0x202F)}
    | {chr(c) for c in range(0x2066, 0x206A)}
)
# Search keys: the letters folded, everything invisible removed.
_SEARCH_MAP = str.maketrans({**LETTER_VARIANTS, **dict.fromkeys(INVISIBLE_CHARS)})
_DIACRITICS_RE = re.compile("[\u064b-\u065f\u0670]")
_WHITESPACE_RE = re.compile(r"\s+")

ABJAD_LETTERS: tuple[str, ...] = (
    "الف",
    "ب",
    "ج",
    "د",
    "ه",
    "و",
    "ز",
    "ح",
    "ط",
    "ی",
    "ک",
    "ل",
    "م",
    "ن",
    "س",
    "ع",
    "ف",
    "ص",
    "ق",
    "ر",
    "ش",
    "ت",
    "ث",
    "خ",
    "ذ",
    "ض",
    "ظ",
    "غ",
)

# Embedding (LRE, RLE), pop (PDF), override (LRO, RLO) and isolate (LRI, RLI, FSI, PDI)
# controls. The plain marks LRM/RLM (U+200E/U+200F) are harmless and deliberately allowed.
BIDI_CONTROL_CHARS: frozenset[str] = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)

_ONES = ("صفر", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه")
_TEENS = (
    "ده",
    "یازده",
    "دوازده",
    "سیزده",
    "چهارده",
    "پانزده",
    "شانزده",
    "هفده",
    "هجده",
    "نوزده",
)
_TENS = ("", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود")
_HUNDREDS = (
    "",
    "صد",
    "دویست",
    "سیصد",
    "چهارصد",
    "پانصد",
    "ششصد",
    "هفتصد",
    "هشتصد",
    "نهصد",
)


def to_persian_digits(value: object) -> str:
    """Return ``str(value)`` with Latin and Arabic-Indic digits as Persian digits."""
    if value is None:
        return ""
    return str(value).translate(_TO_PERSIAN)


def to_latin_digits(text: str) -> str:
    """Return ``text`` with Persian and Arabic-Indic digits as ASCII digits."""
    return str(text).translate(_TO_LATIN)


def normalize_text(text: str) -> str:
    """Normalise user input for storage.

    NFC composition; Arabic yeh (ي/ى) -> ی and kaf (ك) -> ک; tatweel removed; runs of
    spaces/tabs collapsed to one space (newlines kept); leading/trailing whitespace
    stripped. ZWNJ and ة are kept.
    """
    text = unicodedata.normalize("NFC", str(text)).translate(_STORAGE_MAP)
    return _HORIZONTAL_SPACE_RE.sub(" ", text).strip()


def normalize_for_search(text: str) -> str:
    """Build a search key so spelling variants compare equal.

    «نایبرئیس», «نايب رئيس» and «نایب‌رئیس» all give the same key. On top of
    :func:`normalize_text`:

    * ZWNJ, all whitespace, the other zero-width characters and the bidi marks
      (:data:`INVISIBLE_CHARS`) are removed, so joined, spaced and half-spaced compounds
      match, and a query copied with a right-to-left mark finds the same;
    * Arabic diacritics (U+064B–U+065F, U+0670) are removed;
    * :data:`LETTER_VARIANTS`: أ/إ/ٱ -> ا, ؤ -> و, and ة/ە/ہ/ۀ -> ه (the same table
      orders names);
    * آ and ئ are kept: they are distinct letters (ئ appears in every spelling of «رئیس»);
    * digits become ASCII and the text is casefolded (for Latin-script words).
    """
    text = normalize_text(text).translate(_SEARCH_MAP)
    text = _DIACRITICS_RE.sub("", text)
    text = _WHITESPACE_RE.sub("", text)
    return to_latin_digits(text).casefold()


def abjad_label(n: int) -> str:
    """Abjad label for item ``n``: 1 «الف», 3 «ج», 28 «غ», 29 «الف۱», 30 «ب۱», …"""
    if n < 1:
        raise ValueError("abjad_label() needs n >= 1")
    cycle, index = divmod(n - 1, len(ABJAD_LETTERS))
    letter = ABJAD_LETTERS[index]
    return letter + to_persian_digits(cycle) if cycle else letter


def contains_bidi_controls(text: str) -> bool:
    """True if ``text`` contains a bidi embedding, override or isolate control."""
    return any(ch in BIDI_CONTROL_CHARS for ch in str(text))


# Control characters (Unicode category Cc: C0, DEL and C1) and lone surrogates (Cs): never
# text a person typed. PostgreSQL refuses NUL in any string ("A string literal cannot
# contain NUL"), and a lone surrogate cannot be encoded for the database at all.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
LINE_CONTROLS = "\t\n\r"


def strip_control_chars(text: str, *, keep: str = LINE_CONTROLS) -> str:
    """``text`` without control characters and lone surrogates, except those in ``keep``
    (by default tab, line feed and carriage return, which text may hold)."""
    text = str(text)
    if not _CONTROL_RE.search(text):
        return text
    return _CONTROL_RE.sub(lambda match: match[0] if match[0] in keep else "", text)


def _words_below_1000(n: int) -> list[str]:
    parts: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        parts.append(_HUNDREDS[hundreds])
    if 10 <= rest < 20:
        parts.append(_TEENS[rest - 10])
    else:
        tens, ones = divmod(rest, 10)
        if tens:
            parts.append(_TENS[tens])
        if ones:
            parts.append(_ONES[ones])
    return parts


def number_to_words_fa(n: int) -> str:
    """Persian cardinal words for 0 <= n <= 999999, e.g. 121 «صد و بیست و یک»."""
    if not 0 <= n <= 999_999:
        raise ValueError("number_to_words_fa() supports 0..999999")
    if n == 0:
        return _ONES[0]
    thousands, rest = divmod(n, 1000)
    parts: list[str] = []
    if thousands:
        prefix = " و ".join(_words_below_1000(thousands)) if thousands > 1 else ""
        parts.append(f"{prefix} هزار".strip())
    parts.extend(_words_below_1000(rest))
    return " و ".join(parts)


def ordinal_fa(n: int) -> str:
    """Persian ordinal as in «جلسه ششم»: 1 «اول», 21 «بیست و یکم», 30 «سی‌ام».

    Words up to 999999; larger numbers fall back to Persian digits + «ام».
    """
    if n < 1:
        raise ValueError("ordinal_fa() needs n >= 1")
    if n == 1:
        return "اول"
    if n > 999_999:
        return to_persian_digits(n) + "ام"
    head, _, last = number_to_words_fa(n).rpartition(" ")
    if last == "سه":
        last = "سوم"
    elif last == "سی":
        last = "سی" + ZWNJ + "ام"
    else:
        last += "م"
    return f"{head} {last}" if head else last


# The Persian alphabet in dictionary order (hamza forms beside alef). Unicode puts the
# letters Persian adds to Arabic (پ چ ژ ک گ ی) after all the others, so code-point order
# files «کتابخانه» after «ورزش»; names are sorted with this key instead.
PERSIAN_ALPHABET = "آاأإءؤئبپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_ALPHABET_RANK = {letter: rank for rank, letter in enumerate(PERSIAN_ALPHABET)}
_SORT_MAP = str.maketrans(
    {**LETTER_VARIANTS, **dict.fromkeys(INVISIBLE_CHARS), TATWEEL: None, ZWNJ: " "}
)


def persian_sort_key(text: str) -> tuple[int, ...]:
    """A key that sorts Persian text in dictionary order: spaces (and ZWNJ) first, then
    digits by value, then the Persian letters in alphabet order, then anything else."""
    key = []
    for char in to_latin_digits(str(text)).translate(_SORT_MAP):
        if char.isspace():
            key.append(0)
        elif "0" <= char <= "9":
            key.append(1 + int(char))
        elif char in _ALPHABET_RANK:
            key.append(100 + _ALPHABET_RANK[char])
        elif unicodedata.category(char) == "Mn":  # short vowels and other marks: ignored
            continue
        else:
            key.append(1000 + ord(char))
    return tuple(key)
