"""Issue 11's meeting rules walked through in headless Debian Chromium (Playwright): the
meeting edit form saves a stored meeting unchanged; wrong records are refused in Persian
with what was typed kept; a Friday or a second meeting on one day asks for confirmation
naming why; a draft is deleted after a confirmation page and consumes no ordinal; an
invitee checks himself in and the secretary confirms it; the attendee's «تأیید پیش‌نویس»
is not the chair's «تصویب صورتجلسه».

Each test asserts what the user sees and what the database holds. The one shortcut, as in
tests/test_browser_meetings.py, is moving a meeting's start to "now" in the database."""

from __future__ import annotations

import datetime
import re

import jdatetime
import pytest
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from committees.models import (
    AgendaItem,
    AttendanceStatus,
    Invitation,
    Meeting,
    MeetingState,
    MinutesReview,
)
from committees.services.meetings import agenda_item_add, meeting_create
from egov_portal.text.jalali import format_jalali_short
from egov_portal.text.persian import ordinal_fa, to_persian_digits
from resolutions.models import Resolution
from tests.meeting_helpers import held_meeting, in_review_meeting, scheduled_meeting, user
from tests.test_browser_meetings import expect_message, jalali_fa
from tests.test_edit_roundtrip import _awkward_meeting, _meeting_state

pytestmark = [pytest.mark.browser]

MEMBER = "فاطمه احمدی"  # the demo account "member"
EDUCATION = "اداره کل آموزش و پرورش"
MEETING_URL = re.compile(r"/meetings/(\d+)/$")


def _jalali(day: datetime.date) -> str:
    """A Gregorian day as the form shows it: «۱۴۰۵/۰۹/۱۷»."""
    return to_persian_digits(jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d"))


def _retype(page, field, text: str) -> None:
    """Replace a date field's value as a user with a mouse does: click in it, select all,
    type. (Reaching it with Tab and typing over it is walked in
    tests/test_browser_forms.py.)"""
    field.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


def _detail_url(live_server, meeting) -> str:
    return live_server.url + reverse("committees:meeting_detail", args=[meeting.pk])


def _at(days: int, hour: int) -> datetime.datetime:
    """``days`` from today (Tehran) at ``hour``:00."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# --- 1. «ویرایش زمان و مکان» of a scheduled meeting, saved unchanged ----------------------


def test_meeting_edit_shows_the_jalali_date_and_saves_unchanged(
    gilan, working_group, live_server, page_as
):
    meeting = _awkward_meeting(working_group)  # scheduled, 09:05–11:15, a link, public
    before = _meeting_state(meeting)
    page = page_as("secretary")
    page.goto(_detail_url(live_server, meeting), wait_until="networkidle")
    page.get_by_role("link", name="ویرایش زمان و مکان").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/edit/$"))

    stored_day = timezone.localdate(meeting.starts_at)
    expect(page.get_by_label("تاریخ جلسه")).to_have_value(_jalali(stored_day))
    expect(page.get_by_label("ساعت شروع")).to_have_value("۰۹:۰۵")
    expect(page.get_by_label("ساعت پایان")).to_have_value("۱۱:۱۵")
    expect(page.get_by_label("مکان")).to_have_value("تالار شهید رجایی")

    page.get_by_role("button", name="ذخیره", exact=True).click()
    page.wait_for_url(_detail_url(live_server, meeting))
    expect_message(page, "جلسه به‌روز شد.")
    expect(page.get_by_text("سال را به تقویم شمسی وارد کنید")).to_have_count(0)
    assert _meeting_state(meeting) == before
    assert page.errors == []


# --- 2. wrong records refused in Persian, what was typed kept, nothing changed ------------


def test_meeting_ending_before_it_starts_is_refused_and_the_typing_kept(
    gilan, working_group, live_server, page_as
):
    meetings = Meeting.objects.count()
    page = page_as("secretary")
    page.goto(
        live_server.url + reverse("committees:meeting_create", args=[working_group.pk]),
        wait_until="networkidle",
    )
    day = jalali_fa(5)
    page.get_by_label("تاریخ جلسه").press_sequentially(day)
    page.get_by_label("ساعت شروع").fill("۱۲:۰۰")
    page.get_by_label("ساعت پایان").fill("۱۰:۰۰")
    page.get_by_label("مکان").fill("تالار شهید بهشتی")
    page.get_by_role("button", name="ذخیره", exact=True).click()
    page.wait_for_load_state()

    expect(page.get_by_text("ساعت پایان باید بعد از ساعت شروع باشد.")).to_be_visible()
    assert page.url.endswith(reverse("committees:meeting_create", args=[working_group.pk]))
    expect(page.get_by_label("تاریخ جلسه")).to_have_value(day)
    expect(page.get_by_label("ساعت شروع")).to_have_value("۱۲:۰۰")
    expect(page.get_by_label("ساعت پایان")).to_have_value("۱۰:۰۰")
    expect(page.get_by_label("مکان")).to_have_value("تالار شهید بهشتی")
    assert Meeting.objects.count() == meetings
    assert page.errors == []


def test_incomplete_assignment_and_early_deadline_are_refused_and_the_typing_kept(
    gilan, working_group, live_server, page_as
):
    meeting = held_meeting(working_group)
    text = "سامانه نوبت‌دهی برخط در همه دفاتر پیشخوان راه‌اندازی شود."
    page = page_as("secretary")
    page.goto(
        live_server.url + reverse("resolutions:resolution_add", args=[meeting.pk]),
        wait_until="networkidle",
    )
    form = page.get_by_test_id("resolution-form")
    form.get_by_label("متن مصوبه").fill(text)
    form.locator("#id_kind").select_option(label="تکلیف")
    form.get_by_label("یا مهلت به روز کاری پس از ابلاغ").fill("۱۰")
    form.get_by_role("button", name="ذخیره مصوبه").click()
    page.wait_for_load_state()

    # a) An assignment without a responsible agency.
    form = page.get_by_test_id("resolution-form")
    expect(form.get_by_text("تکلیف بی‌دستگاه مسئول ثبت نمی‌شود")).to_be_visible()
    expect(form.get_by_label("متن مصوبه")).to_have_value(text)
    expect(form.locator("#id_kind")).to_have_value("assignment")
    expect(form.get_by_label("یا مهلت به روز کاری پس از ابلاغ")).to_have_value("۱۰")
    assert not Resolution.all_objects.filter(meeting=meeting).exists()

    # b) With the agency, but a deadline before the meeting's date.
    form.get_by_role("combobox", name="دستگاه مسئول اجرا").fill(EDUCATION)
    expect(page.locator("#id_responsible-ts-dropdown .option.active")).to_have_text(EDUCATION)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    form.get_by_label("یا مهلت به روز کاری پس از ابلاغ").fill("")
    early = jalali_fa(-3)
    form.get_by_label("مهلت اجرا (تاریخ معین)").press_sequentially(early)
    form.get_by_label("متن مصوبه").focus()  # the date picker closes
    form.get_by_role("button", name="ذخیره مصوبه").click()
    page.wait_for_load_state()

    form = page.get_by_test_id("resolution-form")
    meeting_day = format_jalali_short(timezone.localdate(meeting.starts_at))
    expect(
        form.get_by_text(f"مهلت اجرا ({early}) پیش از تاریخ جلسه ({meeting_day}) است.")
    ).to_be_visible()
    expect(form.get_by_label("متن مصوبه")).to_have_value(text)
    expect(form.get_by_label("مهلت اجرا (تاریخ معین)")).to_have_value(early)
    chosen = page.locator("#id_responsible").evaluate(
        "select => Array.from(select.selectedOptions).map(o => o.text)"
    )
    assert chosen == [EDUCATION]
    assert not Resolution.all_objects.filter(meeting=meeting).exists()

    # Corrected, it is saved.
    _retype(page, form.get_by_label("مهلت اجرا (تاریخ معین)"), jalali_fa(30))
    form.get_by_label("متن مصوبه").focus()
    form.get_by_role("button", name="ذخیره مصوبه").click()
    page.wait_for_url(_detail_url(live_server, meeting))
    expect_message(page, "مصوبه «الف» ثبت شد.")
    resolution = Resolution.objects.get(meeting=meeting)
    assert resolution.text == text and resolution.kind == "assignment"
    assert [a.agency.name for a in resolution.addressees.all()] == [EDUCATION]
    assert page.errors == []


# --- 3. a confirmation that names its reason ----------------------------------------------


def test_meeting_on_a_friday_is_saved_only_after_confirming_the_named_reason(
    gilan, working_group, live_server, page_as
):
    today = timezone.localdate()
    friday = today + datetime.timedelta(days=(4 - today.weekday()) % 7 or 7)
    meetings = Meeting.objects.count()
    page = page_as("secretary")
    page.goto(
        live_server.url + reverse("committees:meeting_create", args=[working_group.pk]),
        wait_until="networkidle",
    )
    page.get_by_label("تاریخ جلسه").press_sequentially(_jalali(friday))
    page.get_by_label("ساعت شروع").fill("۱۰:۰۰")
    page.get_by_label("ساعت پایان").fill("۱۱:۳۰")
    page.get_by_label("مکان").fill("تالار استانداری")
    page.get_by_role("button", name="ذخیره", exact=True).click()
    page.wait_for_load_state()

    concerns = page.get_by_test_id("concerns")
    expect(concerns).to_contain_text("روز جلسه جمعه است.")
    expect(page.get_by_label("مکان")).to_have_value("تالار استانداری")
    expect(page.get_by_label("تاریخ جلسه")).to_have_value(_jalali(friday))
    assert Meeting.objects.count() == meetings  # nothing saved yet

    page.get_by_label("با وجود این، ثبت شود").check()
    page.get_by_role("button", name="ذخیره", exact=True).click()
    page.wait_for_url(MEETING_URL)
    expect_message(page, "جلسه به صورت پیش‌نویس ساخته شد؛ دستور جلسه را بیفزایید.")
    pk = int(MEETING_URL.search(page.url).group(1))
    meeting = Meeting.objects.get(pk=pk)
    start = timezone.localtime(meeting.starts_at)
    assert (start.date(), start.time()) == (friday, datetime.time(10))
    assert timezone.localtime(meeting.ends_at).time() == datetime.time(11, 30)
    assert meeting.place == "تالار استانداری" and meeting.state == MeetingState.DRAFT
    assert Meeting.objects.count() == meetings + 1
    assert page.errors == []


def test_moving_a_meeting_to_a_day_the_body_meets_names_the_other_meeting(
    gilan, working_group, live_server, page_as
):
    other = scheduled_meeting(working_group, days=12)
    other_day = timezone.localdate(other.starts_at)
    meeting = _awkward_meeting(working_group)
    before = _meeting_state(meeting)
    page = page_as("secretary")
    page.goto(
        live_server.url + reverse("committees:meeting_edit", args=[meeting.pk]),
        wait_until="networkidle",
    )
    _retype(page, page.get_by_label("تاریخ جلسه"), _jalali(other_day))
    page.get_by_label("مکان").focus()  # the date picker closes
    page.get_by_role("button", name="ذخیره", exact=True).click()
    page.wait_for_load_state()

    concerns = page.get_by_test_id("concerns")
    expect(concerns).to_contain_text(f"این رکن در همین روز جلسه دیگری دارد: {other.title}، ساعت")
    expect(page.get_by_label("تاریخ جلسه")).to_have_value(_jalali(other_day))
    assert _meeting_state(meeting) == before  # nothing changed yet

    page.get_by_label("با وجود این، ثبت شود").check()
    page.get_by_role("button", name="ذخیره", exact=True).click()
    page.wait_for_url(_detail_url(live_server, meeting))
    expect_message(page, "جلسه به‌روز شد.")
    meeting.refresh_from_db()
    start = timezone.localtime(meeting.starts_at)
    assert (start.date(), start.time()) == (other_day, datetime.time(9, 5))
    assert page.errors == []


# --- 4. a draft never scheduled is deleted and consumes no ordinal -------------------------


def test_draft_is_deleted_after_confirming_and_consumes_no_ordinal(
    gilan, working_group, live_server, page_as
):
    last = Meeting.objects.filter(body=working_group).aggregate(n=Max("number"))["n"] or 0
    draft = meeting_create(body=working_group, starts_at=_at(4, 10), place="تالار")
    agenda_item_add(meeting=draft, title="موضوعی که کنار گذاشته شد")
    later = meeting_create(body=working_group, starts_at=_at(6, 10), place="تالار")
    agenda_item_add(meeting=later, title="گزارش پیشرفت خدمات الکترونیک")
    title = draft.title

    page = page_as("secretary")
    page.goto(_detail_url(live_server, draft), wait_until="networkidle")
    page.get_by_test_id("meeting-delete").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/delete/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"حذف {title}")
    expect(page.get_by_text("هنوز دعوت‌نامه‌ای نداشته و شماره‌ای نگرفته است")).to_be_visible()
    assert Meeting.objects.filter(pk=draft.pk).exists()  # the page changes nothing

    page.get_by_test_id("confirm-delete").click()
    page.wait_for_url(live_server.url + reverse("committees:meeting_list", args=[working_group.pk]))
    expect_message(page, f"«{title}» حذف شد.")
    assert not Meeting.objects.filter(pk=draft.pk).exists()
    assert not AgendaItem.all_objects.filter(meeting_id=draft.pk).exists()

    # The next meeting scheduled takes the number the deleted draft would have had.
    page.goto(_detail_url(live_server, later), wait_until="networkidle")
    page.get_by_test_id("schedule").click()
    page.get_by_test_id("confirm-schedule").click()
    page.wait_for_url(_detail_url(live_server, later))
    expect(page.get_by_test_id("meeting-state")).to_have_text("دعوت‌شده")
    expect(page.get_by_test_id("meeting-title")).to_contain_text(f"جلسه {ordinal_fa(last + 1)}")
    later.refresh_from_db()
    assert later.number == last + 1
    assert page.errors == []


# --- 5. self check-in during the meeting's hours, confirmed by the secretary --------------


def test_member_checks_in_and_the_secretary_confirms_it(gilan, working_group, live_server, page_as):
    meeting = scheduled_meeting(working_group)
    url = _detail_url(live_server, meeting)
    member = page_as("member")
    member.goto(url, wait_until="networkidle")
    expect(member.get_by_test_id("rsvp")).to_be_visible()
    expect(member.get_by_test_id("check-in")).to_have_count(0)  # days before the meeting

    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    member.reload(wait_until="networkidle")
    member.get_by_test_id("check-in").get_by_role("button", name="اعلام حضور").click()
    member.wait_for_url(url)
    expect_message(member, "حضور شما اعلام شد؛ دبیرخانه آن را در حضور و غیاب ثبت می‌کند.")
    expect(member.get_by_test_id("checked-in")).to_contain_text("حضور شما ساعت")
    expect(member.get_by_test_id("check-in")).to_have_count(0)
    mine = Invitation.objects.get(meeting=meeting, person__user=user("member"))
    assert mine.checked_in_at is not None
    assert mine.attendance == ""  # only the secretariat records attendance
    assert meeting.invitations.exclude(pk=mine.pk).filter(checked_in_at__isnull=False).count() == 0

    secretary = page_as("secretary")
    secretary.goto(url, wait_until="networkidle")
    secretary.get_by_test_id("attendance").click()
    secretary.wait_for_url(re.compile(r"/attendance/$"))
    rows = secretary.get_by_test_id("attendance-form").locator("tbody tr")
    row = rows.filter(has_text=MEMBER)
    expect(row.get_by_test_id("checked-in")).to_contain_text("حضورش را ساعت")
    expect(row.locator("select")).to_have_value(AttendanceStatus.PRESENT)
    expect(rows.get_by_test_id("checked-in")).to_have_count(1)
    secretary.get_by_role("button", name="ثبت حضور و غیاب").click()
    secretary.wait_for_url(url)
    expect(secretary.locator("main > .alert", has_text="حضور و غیاب ثبت شد")).to_be_visible()
    expect(secretary.get_by_test_id("meeting-state")).to_have_text("برگزارشده")
    expect(secretary.get_by_test_id("invitees").locator("li", has_text=MEMBER)).to_contain_text(
        "حاضر"
    )
    mine.refresh_from_db()
    meeting.refresh_from_db()
    assert mine.attendance == AttendanceStatus.PRESENT
    assert meeting.state == MeetingState.HELD
    assert member.errors == [] and secretary.errors == []


# --- 6. distinct words: the attendee confirms the draft, the chair approves the minutes ---


def test_attendee_confirms_the_draft_and_the_chair_approves_the_minutes(
    gilan, working_group, live_server, page_as
):
    meeting = in_review_meeting(working_group)
    url = _detail_url(live_server, meeting)
    href = reverse("committees:meeting_detail", args=[meeting.pk])

    member = page_as("member")
    member.goto(url, wait_until="networkidle")
    review = member.get_by_test_id("review")
    expect(review.get_by_label("تأیید پیش‌نویس", exact=True)).to_be_visible()
    expect(member.get_by_test_id("approve")).to_have_count(0)
    expect(member.get_by_text("تصویب صورتجلسه", exact=True)).to_have_count(0)
    review.get_by_label("تأیید پیش‌نویس", exact=True).check()
    review.get_by_role("button", name="ثبت نظر").click()
    member.wait_for_url(url)
    expect_message(member, "نظر شما درباره صورتجلسه ثبت شد.")
    expect(member.get_by_test_id("review")).to_contain_text("نظر شما درباره پیش‌نویس: تأیید پیش‌نویس")
    assert MinutesReview.objects.get(minutes__meeting=meeting).decision == "confirmed"

    chair = page_as("chair")
    chair.goto(live_server.url + reverse("committees:home"), wait_until="networkidle")
    desk = chair.get_by_test_id("desk-approvals")
    expect(desk.get_by_role("heading")).to_have_text("صورتجلسه‌های منتظر تصویب شما")
    waiting = desk.locator("li", has=chair.locator(f'a[href="{href}"]'))
    expect(waiting).to_contain_text(meeting.title)
    expect(waiting).to_contain_text(re.compile(r"۱ از [۰-۹]+ حاضر پاسخ داده‌اند"))

    waiting.locator(f'a[href="{href}"]').click()
    chair.wait_for_url(url)
    approve = chair.get_by_test_id("approve")
    expect(approve.locator("summary")).to_have_text("تصویب صورتجلسه")
    # Where the chair attended too, his own answer to the draft keeps the attendee's word.
    expect(chair.get_by_test_id("review").get_by_text("تصویب", exact=False)).to_have_count(0)
    approve.locator("summary").click()
    chair.get_by_test_id("approve-confirm").click()
    chair.get_by_test_id("approve-anyway").click()  # not every attendee has answered
    chair.wait_for_url(url)
    expect(chair.get_by_test_id("meeting-state")).to_have_text("صورتجلسه تصویب‌شده")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.APPROVED
    assert meeting.minutes.approved_by == user("chair")

    chair.goto(live_server.url + reverse("committees:home"), wait_until="networkidle")
    desk = chair.get_by_test_id("desk-approvals")
    expect(desk).to_contain_text("صورتجلسه‌ای منتظر تصویب شما نیست.")
    expect(desk.locator(f'a[href="{href}"]')).to_have_count(0)
    assert member.errors == [] and chair.errors == []
