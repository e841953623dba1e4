"""Tests for egov_portal.persian and the text/number template filters."""

import pytest
from django.template import Context, Template
from django.utils import translation

from egov_portal.text.persian import (
    ABJAD_LETTERS,
    BIDI_CONTROL_CHARS,
    abjad_label,
    contains_bidi_controls,
    normalize_for_search,
    normalize_text,
    number_to_words_fa,
    ordinal_fa,
    to_latin_digits,
    to_persian_digits,
)

ZWNJ = "\u200c"


def render(source: str, **context: object) -> str:
    return Template("{% load persian %}" + source).render(Context(context))


# --- digits -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1403, "۱۴۰۳"),
        ("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
        ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"),
        ("۱۲۳", "۱۲۳"),
        ("جلسه 6", "جلسه ۶"),
        (3.5, "۳.۵"),
        (None, ""),
        ("", ""),
    ],
)
def test_to_persian_digits_converts_latin_and_arabic(value, expected):
    assert to_persian_digits(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("abc 123", "abc 123"),
        ("مصوبه ۱۲-٣", "مصوبه 12-3"),
    ],
)
def test_to_latin_digits_converts_persian_and_arabic(text, expected):
    assert to_latin_digits(text) == expected


# --- normalisation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("علي", "علی"),
        ("مصطفى", "مصطفی"),
        ("كميته", "کمیته"),
        ("  کمیته   فنی  ", "کمیته فنی"),
        ("کمیـــته", "کمیته"),
        ("نایب" + ZWNJ + "رئیس", "نایب" + ZWNJ + "رئیس"),
        ("مدرسة", "مدرسة"),
        ("سطر اول\nسطر  دوم", "سطر اول\nسطر دوم"),
        ("\t", ""),
    ],
)
def test_normalize_text_fixes_arabic_letters_and_spaces(text, expected):
    assert normalize_text(text) == expected


@pytest.mark.parametrize(
    "variant",
    [
        "نایبرئیس",
        "نايب رئيس",
        "نایب" + ZWNJ + "رئیس",
        " نایب  رئیس ",
        "نایب\u200bرئیس",
        "نایب\u200dرئیس",
        "\ufeffنایب رئیس",
        "نايب\u200cرئيس",
    ],
)
def test_normalize_for_search_variants_equal(variant):
    assert normalize_for_search(variant) == normalize_for_search("نایب‌رئیس")
    assert normalize_for_search(variant) == "نایبرئیس"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("مُصَوَّبه", "مصوبه"),
        ("أحمد", "احمد"),
        ("إسلام", "اسلام"),
        ("مؤسسه", "موسسه"),
        ("جلسه ۱۲", "جلسه12"),
        ("جلسه ١٢", "جلسه 12"),
        ("Gilan E-Gov", "gilan e-gov"),
        ("كميتهٔ فنی", "کمیته فنی"),
    ],
)
def test_normalize_for_search_folds_variants(a, b):
    assert normalize_for_search(a) == normalize_for_search(b)


@pytest.mark.parametrize(("kept", "other"), [("آب", "اب"), ("رئیس", "رییس")])
def test_normalize_for_search_keeps_distinct_letters(kept, other):
    assert normalize_for_search(kept) != normalize_for_search(other)


def test_normalize_for_search_decomposed_madda_stays_alef_madda():
    assert normalize_for_search("\u0627\u0653ب") == normalize_for_search("آب")


# --- abjad ------------------------------------------------------------------------------


def test_abjad_letters_has_28_in_order():
    assert len(ABJAD_LETTERS) == 28
    assert ABJAD_LETTERS[:4] == ("الف", "ب", "ج", "د")
    assert ABJAD_LETTERS[-1] == "غ"


@pytest.mark.parametrize("n", range(1, 29))
def test_abjad_label_first_cycle_is_plain_letter(n):
    assert abjad_label(n) == ABJAD_LETTERS[n - 1]


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "الف"),
        (2, "ب"),
        (3, "ج"),
        (5, "ه"),
        (10, "ی"),
        (11, "ک"),
        (20, "ر"),
        (28, "غ"),
        (29, "الف۱"),
        (30, "ب۱"),
        (56, "غ۱"),
        (57, "الف۲"),
    ],
)
def test_abjad_label_known_values(n, expected):
    assert abjad_label(n) == expected


@pytest.mark.parametrize("n", [0, -1])
def test_abjad_label_below_one_raises(n):
    with pytest.raises(ValueError):
        abjad_label(n)


# --- bidi -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "char",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"],
)
def test_contains_bidi_controls_detects_each_control(char):
    assert char in BIDI_CONTROL_CHARS
    assert contains_bidi_controls(f"مصوبه {char}abc")


@pytest.mark.parametrize(
    "text", ["مصوبه شماره ۱۲", "", "a\u200eb", "a\u200fb", "نایب" + ZWNJ + "رئیس"]
)
def test_contains_bidi_controls_plain_text_false(text):
    assert not contains_bidi_controls(text)


def test_bidi_control_chars_has_nine_controls():
    assert len(BIDI_CONTROL_CHARS) == 9


# --- numbers and ordinals ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "صفر"),
        (1, "یک"),
        (10, "ده"),
        (15, "پانزده"),
        (18, "هجده"),
        (20, "بیست"),
        (21, "بیست و یک"),
        (100, "صد"),
        (105, "صد و پنج"),
        (200, "دویست"),
        (999, "نهصد و نود و نه"),
        (1000, "هزار"),
        (1001, "هزار و یک"),
        (2500, "دو هزار و پانصد"),
        (121_012, "صد و بیست و یک هزار و دوازده"),
        (999_999, "نهصد و نود و نه هزار و نهصد و نود و نه"),
    ],
)
def test_number_to_words_fa_known_values(n, expected):
    assert number_to_words_fa(n) == expected


@pytest.mark.parametrize("n", [-1, 1_000_000])
def test_number_to_words_fa_out_of_range_raises(n):
    with pytest.raises(ValueError):
        number_to_words_fa(n)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "اول"),
        (2, "دوم"),
        (3, "سوم"),
        (4, "چهارم"),
        (5, "پنجم"),
        (6, "ششم"),
        (7, "هفتم"),
        (8, "هشتم"),
        (9, "نهم"),
        (10, "دهم"),
        (11, "یازدهم"),
        (12, "دوازدهم"),
        (13, "سیزدهم"),
        (20, "بیستم"),
        (21, "بیست و یکم"),
        (23, "بیست و سوم"),
        (30, "سی" + ZWNJ + "ام"),
        (33, "سی و سوم"),
        (40, "چهلم"),
        (100, "صدم"),
        (101, "صد و یکم"),
        (130, "صد و سی" + ZWNJ + "ام"),
        (999, "نهصد و نود و نهم"),
        (1000, "هزارم"),
        (1_000_000, "۱۰۰۰۰۰۰ام"),
    ],
)
def test_ordinal_fa_known_values(n, expected):
    assert ordinal_fa(n) == expected


@pytest.mark.parametrize("n", [0, -3])
def test_ordinal_fa_below_one_raises(n):
    with pytest.raises(ValueError):
        ordinal_fa(n)


# --- template filters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "context", "expected"),
    [
        ("{{ v|fa_digits }}", {"v": 1403}, "۱۴۰۳"),
        ("{{ v|fa_digits }}", {"v": None}, ""),
        ("{{ v|abjad }}", {"v": 3}, "ج"),
        ("{{ v|abjad }}", {"v": 29}, "الف۱"),
        ("{{ v|abjad }}", {"v": None}, ""),
        ("{{ v|abjad }}", {"v": "x"}, ""),
        ("{{ v|ordinal_fa }}", {"v": 6}, "ششم"),
        ("{{ v|ordinal_fa }}", {"v": "۲۱"}, "بیست و یکم"),
        ("{{ v|ordinal_fa }}", {"v": None}, ""),
        ("{{ v|ordinal_fa }}", {"v": 0}, ""),
    ],
)
def test_filters_render_expected(template, context, expected):
    with translation.override("fa"):
        assert render(template, **context) == expected


def test_fa_digits_filter_english_keeps_latin_digits():
    with translation.override("en"):
        assert render("{{ v|fa_digits }}", v=1403) == "1403"


def test_fa_digits_filter_escapes_html():
    with translation.override("fa"):
        assert render("{{ v|fa_digits }}", v="<b>1</b>") == "&lt;b&gt;۱&lt;/b&gt;"
