"""A meeting's whole life in headless Chromium (Playwright, sync API), through the real UI.

The secretariat creates a meeting of the working group, builds its agenda and sends the
invitations; records attendance, writes the minutes and two resolutions and sends the
draft for review. A member who attended confirms it, the chair approves it, and the
governor's office downloads the PDF and checks the fingerprint on the public page.

Each user signs in through the login page in a browser context of their own. The only
shortcut is moving the meeting's start to "now" in the database, since attendance is
refused more than 12 hours before the start. Screenshots at desktop and phone widths go
to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urljoin, urlsplit

import jdatetime
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from committees.models import Meeting
from tests.browser_helpers import screenshot
from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser]


PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
GOVERNOR = "دکتر محمدرضا کریمی"
EXCUSED = "رضا موسوی"  # the mayor: excused; everyone else present
MEMBER = "فاطمه احمدی"  # the demo account "member" (finance), present
EDUCATION = "اداره کل آموزش و پرورش"
FIRST_ITEM = "گزارش پیشرفت درگاه خدمات الکترونیک استان"
SECOND_ITEM = "برنامه آموزش کارکنان دستگاه‌ها"
MISTAKEN_ITEM = "موضوع تکراری"
GUEST = "مهندس کامران فرهادی — دانشگاه گیلان"
MEETING_URL = re.compile(r"/meetings/(\d+)/$")
# The portal serves no /favicon.ico; Chromium asks for it on its own (not a page request)
# and logs the 404 to the console. That one is expected; any other error is not.
EXPECTED_CONSOLE = re.compile(r"status of 404 .*'url': 'http://[^/]+/favicon\.ico'")


class Traffic:
    """Every request of every page, responses with an error status, console errors."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.failures: list[str] = []
        self.console_errors: list[str] = []

    def on_request(self, request) -> None:
        self.requests.append(request.url)

    def on_response(self, response) -> None:
        if response.status >= 400:
            self.failures.append(f"{response.status} {response.request.method} {response.url}")

    def on_request_failed(self, request) -> None:
        self.failures.append(f"failed ({request.failure}) {request.url}")

    def on_console(self, message) -> None:
        if message.type == "error":
            line = f"{message.text} @ {message.location}"
            if not EXPECTED_CONSOLE.search(line):
                self.console_errors.append(line)

    def on_page_error(self, error) -> None:
        self.console_errors.append(f"uncaught: {error}")


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def new_page(browser, traffic):
    """A page in a fresh browser context (its own cookies), watched by ``traffic``."""
    contexts = []

    def make():
        context = browser.new_context(locale="fa-IR", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("request", traffic.on_request)
        page.on("response", traffic.on_response)
        page.on("requestfailed", traffic.on_request_failed)
        page.on("console", traffic.on_console)
        page.on("pageerror", traffic.on_page_error)
        return page

    yield make
    for context in contexts:
        context.close()


def jalali_fa(days_from_today: int) -> str:
    """The Jalali date ``days_from_today`` days from today (Tehran), in Persian digits."""
    day = timezone.localdate() + datetime.timedelta(days=days_from_today)
    return jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d").translate(PERSIAN_DIGITS)


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("نام کاربری").fill(username)
    page.get_by_label("گذرواژه").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ورود", exact=True).last.click()
    page.wait_for_url(base + "/me/")
    expect(page.get_by_test_id("home-title")).to_be_visible()


def expect_message(page, text: str) -> None:
    expect(page.locator("main > .alert", has_text=text)).to_be_visible()


def test_meeting_from_invitation_to_verified_minutes(gilan, live_server, new_page, traffic):
    base = live_server.url

    # 1. The secretary creates the meeting, builds the agenda and sends the invitations.
    page = new_page()
    sign_in(page, base, "secretary")
    page.goto(base + "/")
    page.get_by_role("link", name="اعضای کارگروه استانی").click()
    page.wait_for_url(re.compile(r"/bodies/\d+/$"))
    page.get_by_role("link", name="جلسات", exact=True).click()
    page.wait_for_url(re.compile(r"/bodies/\d+/meetings/$"))
    page.get_by_test_id("new-meeting").click()
    page.wait_for_url(re.compile(r"/meetings/new/$"))

    page.get_by_label("تاریخ جلسه").press_sequentially(jalali_fa(1))
    page.get_by_label("ساعت شروع").fill("10:00")
    page.get_by_label("ساعت پایان").fill("12:00")
    page.get_by_label("مکان").press_sequentially("تالار شهید رجایی استانداری")
    page.get_by_role("button", name="ذخیره").click()
    page.wait_for_load_state()
    if page.get_by_test_id("concerns").count():  # tomorrow is a Friday or a holiday
        page.get_by_label("با وجود این، ثبت شود").check()
        page.get_by_role("button", name="ذخیره").click()
    page.wait_for_url(MEETING_URL)
    meeting_url = page.url
    meeting_pk = int(MEETING_URL.search(urlsplit(meeting_url).path).group(1))
    expect(page.get_by_test_id("meeting-state")).to_have_text("پیش‌نویس")

    for title in (FIRST_ITEM, SECOND_ITEM):
        page.locator("summary", has_text="افزودن دستور جلسه").click()
        form = page.get_by_test_id("agenda-form")
        form.get_by_label("عنوان").fill(title)
        form.get_by_role("button", name="افزودن").click()
        expect_message(page, "دستور جلسه افزوده شد.")
    agenda = page.get_by_test_id("agenda").locator(":scope > li")
    expect(agenda).to_have_count(2)
    expect(agenda.nth(0)).to_contain_text(FIRST_ITEM)

    page.get_by_role("button", name=f"بالا بردن {SECOND_ITEM}").click()
    expect_message(page, "ترتیب دستور جلسه تغییر کرد.")
    expect(agenda.nth(0)).to_contain_text(f"۱. {SECOND_ITEM}")
    expect(agenda.nth(1)).to_contain_text(f"۲. {FIRST_ITEM}")

    # An item added by mistake: removing it asks first, and the meeting page offers to
    # bring it back; the secretary does, then removes it for good.
    page.locator("summary", has_text="افزودن دستور جلسه").click()
    form = page.get_by_test_id("agenda-form")
    form.get_by_label("عنوان").fill(MISTAKEN_ITEM)
    form.get_by_role("button", name="افزودن").click()
    expect(agenda).to_have_count(3)
    for attempt in range(2):
        page.get_by_role("link", name=f"حذف {MISTAKEN_ITEM}").click()
        expect(page.get_by_test_id("remove-name")).to_have_text(MISTAKEN_ITEM)
        page.get_by_test_id("confirm-remove").click()
        page.wait_for_url(meeting_url)
        expect(agenda).to_have_count(2)
        removed = page.get_by_test_id("removed-agenda")
        expect(removed).to_contain_text(f"دستور «{MISTAKEN_ITEM}» حذف شد")
        if attempt == 0:
            removed.get_by_role("button", name="بازگرداندن").click()
            expect_message(page, f"دستور «{MISTAKEN_ITEM}» بازگردانده شد.")
            expect(agenda).to_have_count(3)
            expect(agenda.nth(2)).to_contain_text(f"۳. {MISTAKEN_ITEM}")

    # Sending the invitations first lists who gets them; only the confirmation sends.
    page.get_by_test_id("schedule").click()
    recipients = page.get_by_test_id("recipients")
    expect(recipients).to_contain_text(GOVERNOR)
    expect(recipients).to_contain_text(MEMBER)
    expect(page.get_by_test_id("meeting-state")).to_have_count(0)
    screenshot(page, "schedule-preview", 375)
    page.get_by_test_id("confirm-schedule").click()
    expect_message(page, "دعوت‌نامه‌ها برای متصدیان جایگاه‌ها در تاریخ جلسه فرستاده شد.")
    expect(page.get_by_test_id("meeting-state")).to_have_text("دعوت‌شده")
    invitees = page.get_by_test_id("invitees")
    expect(invitees).to_contain_text(GOVERNOR)
    expect(invitees).to_contain_text(MEMBER)

    # 2. The meeting starts now (the one database shortcut); the secretary records
    # attendance, writes the minutes and the resolutions, and sends the draft for review.
    Meeting.objects.filter(pk=meeting_pk).update(starts_at=timezone.now())
    page.reload()
    page.get_by_test_id("attendance").click()
    page.wait_for_url(re.compile(r"/attendance/$"))
    expect(page.get_by_test_id("quorum")).to_be_visible()
    screenshot(page, "attendance", 1280)
    screenshot(page, "attendance", 375)

    attendance = page.get_by_test_id("attendance-form")
    rows = attendance.locator("tbody tr")
    expect(rows.filter(has_text=GOVERNOR)).to_have_count(1)
    for index in range(rows.count()):  # nobody is «حاضر» until marked
        rows.nth(index).locator("select").select_option(label="حاضر")
    rows.filter(has_text=EXCUSED).locator("select").select_option(label="غایب با عذر")
    attendance.get_by_label("مهمانان").fill(GUEST)
    attendance.get_by_role("button", name="ثبت حضور و غیاب").click()
    page.wait_for_url(meeting_url)
    expect_message(page, "حضور و غیاب ثبت شد؛ جلسه به حد نصاب رسید.")
    expect(page.get_by_test_id("meeting-state")).to_have_text("برگزارشده")
    expect(invitees.locator("li", has_text=EXCUSED)).to_contain_text("غایب با عذر")
    expect(invitees.locator("li", has_text=GOVERNOR)).to_contain_text("حاضر")
    expect(invitees).to_contain_text("مهندس کامران فرهادی")

    page.get_by_role("link", name="نوشتن مذاکرات صورتجلسه").click()
    page.wait_for_url(re.compile(r"/minutes/$"))
    page.get_by_label("مقدمه").fill("جلسه به ریاست استاندار و با حضور اکثریت اعضا برگزار شد.")
    page.get_by_label(f"مذاکرات درباره «{SECOND_ITEM}»").fill(
        "برنامه آموزشی سال آینده بررسی و به کمیته آموزش سپرده شد."
    )
    page.get_by_label(f"مذاکرات درباره «{FIRST_ITEM}»").fill(
        "گزارش پیشرفت درگاه ارائه و کمبود اتصال برخی دستگاه‌ها بررسی شد."
    )
    page.get_by_role("button", name="ذخیره صورتجلسه").click()
    page.wait_for_url(meeting_url)
    expect_message(page, "صورتجلسه ذخیره شد.")

    page.get_by_test_id("add-resolution").click()
    form = page.get_by_test_id("resolution-form")
    form.get_by_label("متن مصوبه").fill(
        "برنامه آموزش کارکنان در حوزه دولت الکترونیک تا پایان مهلت تدوین و اجرا شود."
    )
    form.get_by_label("دستور جلسه").select_option(label=SECOND_ITEM)
    # The agencies' list is a search field (Tom Select): type, then pick with Enter.
    form.get_by_role("combobox", name="دستگاه مسئول اجرا").fill(EDUCATION)
    expect(page.locator("#id_responsible-ts-dropdown .option.active")).to_have_text(EDUCATION)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    form.get_by_label("مهلت اجرا").press_sequentially(jalali_fa(60))
    form.get_by_role("button", name="ذخیره مصوبه").click()
    page.wait_for_url(meeting_url)
    expect_message(page, "مصوبه «الف» ثبت شد.")

    page.get_by_test_id("add-resolution").click()
    form = page.get_by_test_id("resolution-form")
    form.get_by_label("متن مصوبه").fill(
        "همه دستگاه‌ها خدمات پرمراجعه خود را در درگاه خدمات الکترونیک استان ارائه کنند."
    )
    form.get_by_label("همه دستگاه‌های اجرایی استان").check()
    form.get_by_role("button", name="ذخیره مصوبه").click()
    page.wait_for_url(meeting_url)
    expect_message(page, "مصوبه «ب» ثبت شد.")
    resolutions = page.get_by_test_id("resolutions").locator(":scope > li")
    expect(resolutions).to_have_count(2)
    expect(resolutions.nth(0)).to_contain_text("بند الف")
    expect(resolutions.nth(0)).to_contain_text(EDUCATION)
    expect(resolutions.nth(1)).to_contain_text("بند ب")
    expect(resolutions.nth(1)).to_contain_text("همه دستگاه‌های اجرایی استان")

    send = page.get_by_test_id("send-minutes")
    send.get_by_label("مهلت اظهارنظر (تاریخ)").press_sequentially(jalali_fa(2))
    send.get_by_label("ساعت").fill("23:00")
    send.get_by_role("button").click()
    page.wait_for_url(meeting_url)
    expect_message(page, "پیش‌نویس صورتجلسه برای بررسی حاضران فرستاده شد.")
    expect(page.get_by_test_id("meeting-state")).to_have_text("صورتجلسه در بررسی")

    # 3. A member who attended finds the draft on his page and confirms it.
    page = new_page()
    sign_in(page, base, "member")
    page.get_by_test_id("to-review").locator(f'a[href="/meetings/{meeting_pk}/"]').click()
    page.wait_for_url(meeting_url)
    review = page.get_by_test_id("review")
    review.get_by_label("تأیید پیش‌نویس", exact=True).check()
    review.get_by_role("button", name="ثبت نظر").click()
    page.wait_for_url(meeting_url)
    expect_message(page, "نظر شما درباره صورتجلسه ثبت شد.")
    expect(page.get_by_test_id("review")).to_contain_text("نظر شما درباره پیش‌نویس: تأیید پیش‌نویس")

    # 4. The chair approves the minutes; they get a fingerprint.
    page = new_page()
    sign_in(page, base, "chair")
    page.goto(meeting_url)
    approve = page.get_by_test_id("approve")
    expect(approve).to_contain_text("۱ نظر از حاضران رسیده است.")
    approve.locator("summary", has_text="تصویب صورتجلسه").click()
    page.get_by_test_id("approve-confirm").click()
    # The review deadline has not passed and not every attendee has answered: the chair
    # sees how many did and confirms.
    concerns = page.get_by_test_id("approval-concerns")
    expect(concerns).to_contain_text(re.compile(r"۱ از [۰-۹]+ پاسخ داده‌اند؛ مهلت ۱۴"))
    page.get_by_test_id("approve-anyway").click()
    page.wait_for_url(meeting_url)
    expect(page.get_by_test_id("meeting-state")).to_have_text("صورتجلسه تصویب‌شده")
    fingerprint = page.get_by_test_id("fingerprint")
    expect(fingerprint).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.get_by_test_id("approve")).to_have_count(0)

    # 5. The governor's office downloads the PDF and verifies the fingerprint.
    page = new_page()
    sign_in(page, base, "governor_office")
    page.goto(meeting_url)
    digest = page.get_by_test_id("fingerprint").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", digest), digest
    href = page.get_by_test_id("minutes-pdf").get_attribute("href")
    assert href == f"/meetings/{meeting_pk}/minutes.pdf"
    pdf = page.request.get(urljoin(page.url, href))
    assert pdf.status == 200
    assert pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.body().startswith(b"%PDF")

    screenshot(page, "meeting", 1280)
    screenshot(page, "meeting", 375)

    page.get_by_role("link", name="صفحه احراز اصالت").click()
    page.wait_for_url(base + f"/verify/{digest}/")
    verdict = page.get_by_test_id("verdict")
    expect(verdict.get_by_role("status")).to_have_text("این صورتجلسه معتبر است")
    expect(verdict).to_contain_text("الف، ب")
    screenshot(page, "verify", 1280)
    screenshot(page, "verify", 375)

    # 6. Nothing failed or logged an error, and nothing left the live server.
    assert traffic.console_errors == []
    assert traffic.failures == []
    server = urlsplit(base).netloc
    foreign = [
        url
        for url in traffic.requests
        if not url.startswith("data:") and urlsplit(url).netloc != server
    ]
    assert foreign == []
