"""Property-based tests of the main forms: whatever text is posted, the portal answers
without a server error, either saves (a redirect) or refuses with a Persian message, and
never saves half of what it was sent.

Each example runs inside a savepoint that is rolled back, so examples do not see each
other's rows; the Gilan structure and the demo users come from ``conftest``.
"""

from __future__ import annotations

import datetime
import re
from contextlib import contextmanager

import jdatetime
import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from committees.models import AgendaItem, Meeting
from committees.services.meetings import meeting_create
from egov_portal.forms import JalaliDateField
from egov_portal.text.persian import contains_bidi_controls
from members.forms import PersonForm
from members.models import Agency, Person
from resolutions.models import (
    Classification,
    Priority,
    Resolution,
    ResolutionAgency,
    ResolutionKind,
)
from tests.meeting_helpers import held_meeting

HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree; failures print their example
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- what is typed ---------------------------------------------------------------------

BIDI_CONTROLS = [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
ZWNJ = "\u200c"
LATIN_DIGITS = "0123456789"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
WORDS = [
    "تالار",
    "استانداری",
    "گیلان",
    "رشت",
    "نایب‌رئیس",
    "می‌شود",
    "دولت الکترونیک",
    "سامانه",
    "علی",
    "رضایی",
    "Ali",
    "Room 4",
    "ي",  # Arabic yeh and kaf: stored as ی and ک
    "ك",
    "ـ",  # tatweel
]
ODD_CHARACTERS = ["\u200e", "\u200f", "\u061c", "\u200b", "\ufeff", "\t", "\n", "\r\n", "\x00"]

pieces = st.one_of(
    st.text(max_size=20),  # any Unicode text (Hypothesis leaves out lone surrogates)
    st.sampled_from(WORDS),
    st.sampled_from(BIDI_CONTROLS),
    st.sampled_from(ODD_CHARACTERS),
    st.just(ZWNJ),
    st.text(alphabet=LATIN_DIGITS + PERSIAN_DIGITS + ARABIC_DIGITS + " /-.", max_size=12),
)
short_texts = st.lists(pieces, max_size=8).map("".join)
# Long text by repetition: Hypothesis draws long strings slowly and calls that "too large".
long_texts = st.builds(
    lambda unit, length: (unit * (length // len(unit) + 1))[:length],
    st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=8)),
    st.integers(min_value=150, max_value=5000),
)
texts = st.one_of(short_texts, short_texts, long_texts)
names = st.one_of(st.sampled_from(WORDS[:10]), texts)


def _in_script(number: int, width: int, script: str) -> str:
    return f"{number:0{width}d}".translate(str.maketrans(LATIN_DIGITS, script))


scripts = st.sampled_from([LATIN_DIGITS, PERSIAN_DIGITS, ARABIC_DIGITS])
separators = st.sampled_from(["/", "-", ".", " ", ZWNJ, "\\", "／", "٫", "//", ""])
invisible_marks = st.sampled_from(["", "", "\u200e", "\u200f", "\u061c", *BIDI_CONTROLS])


@st.composite
def typed_dates(draw) -> tuple[str, tuple]:
    """A date as a person might type it, with the parts it was built from."""
    year = draw(st.one_of(st.integers(1190, 1510), st.sampled_from([0, 622, 1999, 2025, 9999])))
    month = draw(st.integers(0, 14))
    day = draw(st.integers(0, 33))
    first, second = draw(separators), draw(separators)
    spaced = draw(st.booleans())
    mark_before, mark_after = draw(invisible_marks), draw(invisible_marks)
    parts = [
        _in_script(year, 4, draw(scripts)),
        _in_script(month, draw(st.sampled_from([1, 2])), draw(scripts)),
        _in_script(day, draw(st.sampled_from([1, 2])), draw(scripts)),
    ]
    gap = " " if spaced else ""
    text = f"{mark_before}{parts[0]}{gap}{first}{gap}{parts[1]}{gap}{second}{gap}{parts[2]}{mark_after}"
    return text, (year, month, day, first, second)


KNOWN_DATES = [
    "1402/12/30",  # 1402 is a common year: no 30 Esfand
    "1404/13/01",
    "2025/01/01",
    "۱۴۰۳-۱۲-۳۰",  # 1403 is a leap year: valid
    "۱۴۰۳/۱۲/۳۰",
    "١٤٠٣/٠١/١٥",
    "1403-01/15",
    "1403.01.15",
    "1403/0/10",
    "1403/07/31",
    "1199/01/01",
    "0000/00/00",
    "14030/01/01",
    "\u202b۱۴۰۳/۰۱/۱۵\u202c",
    "",
]
date_inputs = st.one_of(
    st.sampled_from(KNOWN_DATES), typed_dates().map(lambda pair: pair[0]), short_texts
)


def _future_day(days: int) -> str:
    day = jdatetime.date.fromgregorian(date=timezone.localdate() + datetime.timedelta(days=days))
    return day.strftime("%Y/%m/%d").translate(str.maketrans(LATIN_DIGITS, PERSIAN_DIGITS))


# --- what is checked -----------------------------------------------------------------

ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufefc]")
# Errors, and the warning that asks to confirm an unusual date (a past day, a Friday …).
ERROR_BLOCK = re.compile(
    r'class="(?:invalid-feedback[^"]*|alert alert-danger|alert alert-warning)"[^>]*>(.*?)</div>',
    re.DOTALL,
)
MODELS = (Meeting, Resolution, ResolutionAgency, AgendaItem, Person)


def persian(text: object) -> bool:
    return bool(ARABIC_SCRIPT.search(str(text)))


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in before if after[name] != before[name]}


@contextmanager
def rolled_back():
    """Run one example in a savepoint and undo everything it wrote."""
    sid = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(sid)


def assert_refused_in_persian(response, before: dict[str, int]) -> None:
    """A 200 page with the form's Persian errors, and nothing saved."""
    assert response.status_code == 200
    form = response.context["form"]
    errors = [str(m) for messages in form.errors.values() for m in messages]
    # A date that needs confirming is refused with its reasons, not with an error.
    errors += [str(concern) for concern in getattr(form, "concerns", [])]
    assert errors, "a refused form must say why"
    assert all(persian(message) for message in errors), errors
    blocks = ERROR_BLOCK.findall(response.content.decode())
    assert any(persian(block) for block in blocks), blocks
    assert changed(before, row_counts()) == {}


def messages_of(response) -> list:
    return list(get_messages(response.wsgi_request))


# --- the meeting form ------------------------------------------------------------------

good_times = st.sampled_from(["09:30", "14:00", "8:05", "23:59"])
bad_times = st.one_of(st.sampled_from(["25:00", "9:60", "۰۹:۳۰", "٩:٣٠", "9.30", "-1:00"]), texts)


def _sometimes_odd(draw, post: dict, odd: dict) -> dict:
    """``post`` (acceptable) with some of its fields replaced by odd input."""
    for name in draw(st.sets(st.sampled_from(sorted(odd)), max_size=len(odd))):
        post[name] = draw(odd[name])
    return post


@st.composite
def meeting_posts(draw) -> dict[str, str]:
    post = {
        "day": draw(st.integers(1, 60).map(_future_day)),
        "start_time": draw(good_times),
        "end_time": "",
        "place": draw(st.sampled_from(["تالار شهید رجایی", "سالن ۲", "اتاق جلسات‌استانداری"])),
        "online_link": draw(st.sampled_from(["", "https://meet.example.ir/gilan"])),
    }
    if draw(st.booleans()):
        post["is_public"] = "on"
    odd = {
        "day": date_inputs,
        "start_time": st.one_of(good_times, bad_times),
        "end_time": st.one_of(good_times, bad_times),
        "place": names,
        "online_link": short_texts,
    }
    return _sometimes_odd(draw, post, odd)


@pytest.mark.django_db
@HYPOTHESIS
@given(post=meeting_posts())
@example(post={"day": "1402/12/30", "start_time": "09:30", "end_time": "", "place": "تالار"}).via(
    "30 Esfand of a common year"
)
@example(
    post={"day": "۱۴۰۳-۱۲-۳۰", "start_time": "09:30", "end_time": "08:00", "place": "تالار"}
).via("ends before it starts")
@example(post={"day": "2025/01/01", "start_time": "09:30", "end_time": "", "place": "x" * 5000})
def test_meeting_form_never_fails_and_never_half_saves(post, persona_client, working_group):
    client = persona_client("secretary")
    url = reverse("committees:meeting_create", args=[working_group.pk])
    with rolled_back():
        before = row_counts()
        response = client.post(url, post)
        assert response.status_code < 500
        event(f"status {response.status_code}")
        if response.status_code == 302:
            assert changed(before, row_counts()) == {"Meeting": 1}
            assert Meeting.objects.filter(body=working_group).latest("pk").state == "draft"
        else:
            assert_refused_in_persian(response, before)


# --- the resolution form ---------------------------------------------------------------


@pytest.fixture
def held(working_group) -> Meeting:
    return held_meeting(working_group)


def _agency_values(agency_pks: list[int]):
    chosen = st.sampled_from(agency_pks).map(str)
    junk = st.one_of(st.sampled_from(["0", "-1", "99999999", "abc", "۱", ""]), short_texts)
    return st.lists(st.one_of(chosen, chosen, junk), max_size=4)


@pytest.mark.django_db
@HYPOTHESIS
@given(data=st.data())
def test_resolution_form_never_fails_and_never_half_saves(data, persona_client, held):
    client = persona_client("secretary")
    agency_pks = list(Agency.objects.filter(is_active=True).values_list("pk", flat=True)[:12])
    item_pks = [str(pk) for pk in held.agenda_items.values_list("pk", flat=True)]
    post = {
        "text": "سامانه یکپارچه نوبت‌دهی راه‌اندازی شود.",
        "kind": data.draw(st.sampled_from(["decision", "assignment"])),
        "agenda_item": data.draw(st.sampled_from(["", *item_pks])),
        "responsible": [str(data.draw(st.sampled_from(agency_pks)))],
        "collaborating": [],
        "deadline": data.draw(st.one_of(st.just(""), st.integers(10, 90).map(_future_day))),
        "deadline_working_days": "",
        "classification": data.draw(st.sampled_from(Classification.values)),
        "priority": data.draw(st.sampled_from(Priority.values)),
        "refer_to": "",
        "answers": "",
    }
    odd = {
        "text": texts,
        "kind": st.one_of(st.sampled_from(ResolutionKind.values), st.just(""), short_texts),
        "agenda_item": short_texts,
        "responsible": _agency_values(agency_pks),
        "collaborating": _agency_values(agency_pks),
        "deadline": date_inputs,
        "deadline_working_days": st.one_of(
            st.integers(-5, 400).map(str),
            st.sampled_from(["۱۰", "١٠", "10.5", "9" * 5000]),
            short_texts,
        ),
        "classification": st.one_of(st.just(""), short_texts),
        "priority": short_texts,
        "refer_to": short_texts,
        "answers": short_texts,
    }
    post = _sometimes_odd(data.draw, post, odd)
    if data.draw(st.booleans()):
        post["all_agencies"] = "on"
    url = reverse("resolutions:resolution_add", args=[held.pk])
    with rolled_back():
        before = row_counts()
        response = client.post(url, post)
        assert response.status_code < 500
        event(f"status {response.status_code}")
        if response.status_code == 302:
            resolution = held.resolutions.latest("pk")
            addressed = resolution.addressees.count()
            expected = {"Resolution": 1, **({"ResolutionAgency": addressed} if addressed else {})}
            assert changed(before, row_counts()) == expected
            posted = {int(pk) for pk in [*post["responsible"], *post["collaborating"]]}
            agencies = set(resolution.addressees.values_list("agency_id", flat=True))
            assert agencies == (set() if resolution.all_agencies else posted)
        else:
            assert_refused_in_persian(response, before)


# An agency id too large for a 64-bit integer: on SQLite the «responsible» and
# «collaborating» lists (ModelMultipleChoiceField, a ``pk__in`` query) raise OverflowError
# in the driver, a server error; PostgreSQL compares it and finds nothing. Django 5.0 made
# ``exact`` lookups safe from overflow (ticket #27397), not ``in``.
too_large_ids = st.integers(min_value=2**63, max_value=10**40).map(str)


@pytest.mark.django_db
@HYPOTHESIS
@given(agency_id=too_large_ids, field=st.sampled_from(["responsible", "collaborating"]))
@example(agency_id=str(2**63), field="responsible").via("found by the resolution property")
def test_resolution_form_refuses_an_agency_id_too_large_for_the_database(
    agency_id, field, persona_client, held
):
    client = persona_client("secretary")
    post = {"text": "سامانه راه‌اندازی شود.", "kind": "decision", field: [agency_id]}
    url = reverse("resolutions:resolution_add", args=[held.pk])
    with rolled_back():
        before = row_counts()
        response = client.post(url, post)
        assert_refused_in_persian(response, before)
        assert field in response.context["form"].errors


# --- the person form -------------------------------------------------------------------

codes = st.one_of(
    st.just(""),
    st.sampled_from(["0084575948", "۰۰۸۴۵۷۵۹۴۸", "٠٠٨٤٥٧٥٩٤٨", "008-457594-8", "1111111111"]),
    st.text(alphabet=LATIN_DIGITS + PERSIAN_DIGITS + ARABIC_DIGITS + " -", max_size=14),
    short_texts,
)
mobiles = st.one_of(
    st.just(""),
    st.sampled_from(["09121234567", "۰۹۱۲۱۲۳۴۵۶۷", "+98 912 123 4567", "0912-123-4567"]),
    short_texts,
)


@st.composite
def person_posts(draw) -> dict[str, str]:
    post = {
        "first_name": draw(st.sampled_from(["علی", "زهرا", "محمدرضا", "Ali"])),
        "last_name": draw(st.sampled_from(["رضایی", "نیک‌نام", "كاظمي"])),
        "title": "",
        "national_code": "",
        "mobile": "",
        "email": "",
        "agency": "",
        "user": "",
    }
    odd = {
        "first_name": names,
        "last_name": names,
        "title": st.one_of(st.sampled_from(["دکتر", "مهندس"]), texts),
        "national_code": codes,
        "mobile": mobiles,
        "email": st.one_of(st.just("ali@gilan.ir"), short_texts),
        "agency": st.sampled_from(["1", "0", "abc", "9" * 30, "۱"]),
        "user": st.sampled_from(["1", "0", "abc", "9" * 30]),
    }
    return _sometimes_odd(draw, post, odd)


def _person(**fields) -> dict[str, str]:
    blank = dict.fromkeys(["title", "national_code", "mobile", "email", "agency", "user"], "")
    return {"first_name": "علی", "last_name": "رضایی", **blank, **fields}


@pytest.mark.django_db
@HYPOTHESIS
@given(post=person_posts())
@example(post=_person(first_name="علی\u202e")).via("a name with a right-to-left override")
@example(post=_person(last_name="\u2067رضایی\u2069")).via("a name wrapped in isolates")
@example(post=_person(national_code="۰۰۸۴۵۷۵۹۴۸", mobile="۰۹۱۲۱۲۳۴۵۶۷")).via("Persian digits")
def test_person_form_refuses_bidi_names_and_never_half_saves(post):
    with rolled_back():
        before = row_counts()
        form = PersonForm(data=post)
        valid = form.is_valid()
        event("saved" if valid else "refused")
        if valid:
            person = form.save()
            assert changed(before, row_counts()) == {"Person": 1}
            assert not contains_bidi_controls(person.first_name + person.last_name)
        else:
            errors = [str(m) for messages in form.errors.values() for m in messages]
            assert errors and all(persian(message) for message in errors), errors
            assert changed(before, row_counts()) == {}
        for name in ("first_name", "last_name"):
            if contains_bidi_controls(post[name]):
                assert name in form.errors


# --- the agenda item form --------------------------------------------------------------


@pytest.fixture
def draft(working_group) -> Meeting:
    return meeting_create(
        body=working_group,
        starts_at=timezone.now() + datetime.timedelta(days=5),
        place="تالار استانداری",
    )


@pytest.mark.django_db
@HYPOTHESIS
@given(
    title=st.one_of(st.sampled_from(["پنجره واحد خدمات"]), names),
    description=st.one_of(st.just(""), texts),
    presenter=st.one_of(st.just(""), names),
)
@example(title="", description="", presenter="").via("no title")
@example(title="ا" * 301, description="", presenter="").via("a title one letter too long")
def test_agenda_item_form_never_fails_and_never_half_saves(
    title, description, presenter, persona_client, draft
):
    client = persona_client("secretary")
    url = reverse("committees:agenda_item_add", args=[draft.pk])
    post = {"title": title, "description": description, "presenter": presenter}
    with rolled_back():
        before = row_counts()
        response = client.post(url, post)
        # The agenda form lives on the meeting page: the answer is always a redirect
        # back to it, with the outcome as a message.
        assert response.status_code == 302
        levels = [m.level for m in messages_of(response)]
        event("saved" if AgendaItem.objects.count() > before["AgendaItem"] else "refused")
        if changed(before, row_counts()) == {"AgendaItem": 1}:
            assert levels == [message_levels.SUCCESS]
        else:
            assert changed(before, row_counts()) == {}
            refusals = [m for m in messages_of(response) if m.level == message_levels.ERROR]
            assert refusals and all(persian(m) for m in refusals), refusals


# --- text fields whose model refuses bidi controls -------------------------------------
# Meeting.place and AgendaItem.title carry ``validate_no_bidi_controls`` in the model, but
# the forms (PersianCharField) and the services (objects.create) never run it. These two
# tests state the expectation and fail until the forms or services refuse such text.


@pytest.mark.django_db
@HYPOTHESIS
@given(control=st.sampled_from(BIDI_CONTROLS), place=st.sampled_from(WORDS[:5]))
@example(control="\u202e", place="تالار").via("a right-to-left override in the place")
def test_meeting_place_with_bidi_controls_is_refused(control, place, persona_client, working_group):
    client = persona_client("secretary")
    url = reverse("committees:meeting_create", args=[working_group.pk])
    post = {"day": _future_day(5), "start_time": "09:30", "place": f"{place}{control}ی"}
    with rolled_back():
        before = row_counts()
        response = client.post(url, post)
        assert_refused_in_persian(response, before)
        assert "place" in response.context["form"].errors


@pytest.mark.django_db
@HYPOTHESIS
@given(control=st.sampled_from(BIDI_CONTROLS), title=st.sampled_from(WORDS[:5]))
@example(control="\u2067", title="عنوان").via("a right-to-left isolate in the title")
def test_agenda_title_with_bidi_controls_is_refused(control, title, persona_client, draft):
    client = persona_client("secretary")
    url = reverse("committees:agenda_item_add", args=[draft.pk])
    with rolled_back():
        before = row_counts()
        response = client.post(url, {"title": f"{title}{control}x"})
        assert changed(before, row_counts()) == {}
        assert any(m.level == message_levels.ERROR for m in messages_of(response))


# --- the Jalali date field -------------------------------------------------------------

INVISIBLE_MARKS = {"", "\u200e", "\u200f", "\u061c", *BIDI_CONTROLS}


def _real_jalali(year: int, month: int, day: int) -> bool:
    try:
        jdatetime.date(year, month, day)
    except ValueError:
        return False
    return True


@HYPOTHESIS
@given(typed=typed_dates())
@example(typed=("1402/12/30", (1402, 12, 30, "/", "/")))
@example(typed=("1404/13/01", (1404, 13, 1, "/", "/")))
@example(typed=("2025/01/01", (2025, 1, 1, "/", "/")))
@example(typed=("۱۴۰۳-۱۲-۳۰", (1403, 12, 30, "-", "-")))
@example(typed=("۱۴۰۳/۱۲-۳۰", (1403, 12, 30, "/", "-")))
def test_jalali_date_field_accepts_exactly_the_real_dates(typed):
    text, (year, month, day, first, second) = typed
    field = JalaliDateField()
    well_formed = first == second and first in {"/", "-"}
    expected = well_formed and 1200 <= year <= 1500 and _real_jalali(year, month, day)
    try:
        value = field.clean(text)
    except ValidationError as error:
        assert not expected, (text, error.messages)
        assert error.messages and all(persian(m) for m in error.messages), error.messages
    else:
        assert expected, (text, value)
        assert value == jdatetime.date(year, month, day)


@HYPOTHESIS
@given(text=st.one_of(date_inputs, texts))
def test_jalali_date_field_answers_any_text_with_a_date_or_a_persian_error(text):
    field = JalaliDateField(required=False)
    try:
        value = field.clean(text)
    except ValidationError as error:
        assert error.messages and all(persian(m) for m in error.messages), error.messages
    else:
        assert value is None or isinstance(value, jdatetime.date)
