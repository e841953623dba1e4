"""A directive's follow-up in headless Chromium (Playwright, sync API), through the real UI.

The working group approves a meeting whose two resolutions are addressed to «اداره کل آموزش
و پرورش» (the one database shortcut: the approval issues the directives). The agency's IT
manager finds them in his inbox, acknowledges the first (a double click records one
receipt), reports 50 % with an evidence file and then completion; he acknowledges the
second one on a 375 px phone screen. The secretary verifies the first and the dashboard's
verified count grows by one; its colours follow the documented rule. Another agency's IT
manager never sees either directive: its page, letter and evidence are 404 for him.

Each user signs in through the login page in a browser context of their own. Screenshots
go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import jdatetime
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from committees.models import Body, BodyKind
from egov_portal.text.persian import to_persian_digits
from resolutions.models import Directive, DirectiveEvent, DirectiveState
from resolutions.selectors.dashboard import AMBER_ON_TIME_BELOW, RED_ON_TIME_BELOW
from tests.browser_helpers import SCREENSHOTS, screenshot
from tests.conftest import DEMO_PASSWORD
from tests.directive_helpers import approved_with, education

pytestmark = [pytest.mark.browser]


EDUCATION = "اداره کل آموزش و پرورش"
FIRST_TEXT = (
    "سامانه ثبت‌نام الکترونیک مدارس استان تا پایان مهلت به درگاه یکپارچه متصل شود (آزمون مرورگر)."
)
SECOND_TEXT = (
    "پرونده الکترونیک کارکنان آموزش و پرورش در مرکز داده استان نگهداری شود (آزمون مرورگر)."
)
NARRATIVE_HALF = "نیمی از مدارس به درگاه متصل شدند؛ صورت‌جلسه آزمون پیوست است."
NARRATIVE_DONE = "همه مدارس استان به درگاه یکپارچه متصل شدند."
EVIDENCE_NAME = "گزارش-اتصال.pdf"
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# Columns of a dashboard figures row after the agency name (figure_cells.html).
DASH_COLUMNS = (
    "total",
    "waiting",
    "acknowledged",
    "in_progress",
    "reported_done",
    "verified",
    "overdue",
    "on_time",
)
PERSIAN_TO_ASCII = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
# The portal links favicon.svg; should Chromium still ask for /favicon.ico, the 404 it
# logs is not a page error.
FAVICON = re.compile(r"/favicon\.ico")


class Traffic:
    """Every request of every page, responses with an error status, console errors.

    ``expect_404(url)`` declares a URL whose 404 (and the console line Chromium logs for
    it) is the point of the step; everything else must succeed."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.failures: list[str] = []
        self.console_errors: list[str] = []
        self.expected_404: set[str] = set()
        self.seen_404: set[str] = set()

    def expect_404(self, url: str) -> None:
        self.expected_404.add(url)

    def watch(self, page) -> None:
        page.on("request", self.on_request)
        page.on("response", self.on_response)
        page.on("requestfailed", self.on_request_failed)
        page.on("console", self.on_console)
        page.on("pageerror", self.on_page_error)

    def on_request(self, request) -> None:
        self.requests.append(request.url)

    def on_response(self, response) -> None:
        if response.status == 404 and response.url in self.expected_404:
            self.seen_404.add(response.url)
        elif response.status >= 400 and not FAVICON.search(response.url):
            self.failures.append(f"{response.status} {response.request.method} {response.url}")

    def on_request_failed(self, request) -> None:
        self.failures.append(f"failed ({request.failure}) {request.method} {request.url}")

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if "status of 404" in message.text and (url in self.expected_404 or FAVICON.search(url)):
            return
        self.console_errors.append(f"{message.text} @ {message.location}")

    def on_page_error(self, error) -> None:
        self.console_errors.append(f"uncaught: {error}")


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def new_page(browser, traffic):
    """A page in a fresh browser context (its own cookies), ``width`` px wide, watched by
    ``traffic`` (and so is every other tab opened in that context)."""
    contexts = []

    def make(width: int = 1280):
        context = browser.new_context(
            locale="fa-IR",
            viewport={"width": width, "height": 900},
            is_mobile=width < 500,
            has_touch=width < 500,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        context.on("page", traffic.watch)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("نام کاربری").fill(username)
    page.get_by_label("گذرواژه").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ورود", exact=True).last.click()
    page.wait_for_url(base + "/me/")
    expect(page.get_by_test_id("home-title")).to_be_visible()


def open_from_nav(page, base: str, name: str, url_name: str) -> None:
    """The header nav's link ``name`` (behind the menu button on a narrow screen)."""
    nav = page.get_by_role("navigation", name="پیمایش اصلی")
    link = nav.get_by_role("link", name=name, exact=True)
    toggler = nav.get_by_role("button", name="نمایش فهرست")
    if toggler.is_visible():
        toggler.click()
        expect(link).to_be_visible()
    link.click()
    page.wait_for_url(base + reverse(url_name))


def open_inbox(page, base: str) -> None:
    open_from_nav(page, base, "ابلاغ‌ها", "resolutions:inbox")
    expect(page.get_by_role("heading", name="صندوق ابلاغ‌ها")).to_be_visible()


def open_dashboard(page, base: str) -> None:
    open_from_nav(page, base, "داشبورد", "resolutions:dashboard")
    expect(page.get_by_role("heading", name="داشبورد پیگیری مصوبات")).to_be_visible()


def inbox_row(page, letter_fa: str):
    return page.get_by_test_id("inbox-row").filter(
        has=page.get_by_test_id("directive-link").filter(has_text=re.compile(f"^{letter_fa}$"))
    )


def submit(page, button, url: str) -> None:
    """Click a form's button and wait for the page it redirects to."""
    with page.expect_navigation(url=url):
        button.click()


def expect_message(page, text: str | re.Pattern) -> None:
    expect(page.locator("main > .alert", has_text=text).first).to_be_visible()


def acknowledged_message(letter_number: str) -> re.Pattern:
    """«رسید ابلاغ N ثبت شد.»: the view puts the letter number in Latin digits while the rest
    of the page shows it in Persian digits; either is accepted here (reported)."""
    either = (
        "(?:" + re.escape(letter_number) + "|" + re.escape(to_persian_digits(letter_number)) + ")"
    )
    return re.compile(f"رسید ابلاغ {either} ثبت شد.")


def history_states(page) -> list[str]:
    return page.get_by_test_id("history").locator(".directive-state").all_inner_texts()


def jalali_today() -> str:
    """Today (Tehran) as the dashboard's period fields take it, in Persian digits."""
    day = jdatetime.date.fromgregorian(date=timezone.localdate())
    return to_persian_digits(day.strftime("%Y/%m/%d"))


def number(text: str) -> int | None:
    """A figure of the dashboard (Persian digits, maybe with ٪) as an int; None for «—»."""
    digits = re.sub(r"[^0-9]", "", text.translate(PERSIAN_TO_ASCII))
    return int(digits) if digits else None


def dashboard_row(page, name: str) -> tuple[dict[str, int | None], str]:
    """The figures of ``name``'s row in the «به تفکیک دستگاه» table, and its RAG class."""
    table = page.locator("section[aria-labelledby='agencies-title'] table")
    row = table.locator("tbody tr").filter(
        has=page.locator("th", has_text=re.compile(f"^{re.escape(name)}$"))
    )
    expect(row).to_have_count(1)
    cells = row.locator("td").all_inner_texts()
    assert len(cells) == len(DASH_COLUMNS) + 1, cells
    figures = {key: number(text) for key, text in zip(DASH_COLUMNS, cells, strict=False)}
    rag = row.locator(".rag").get_attribute("class")
    colour = re.search(r"rag-(red|amber|green)", rag or "")
    assert colour, rag
    return figures, colour.group(1)


def documented_rag(figures: dict[str, int | None]) -> str:
    """The rule of ``resolutions/selectors/dashboard.py`` on what the row shows. The
    «receipt waiting more than 7 days» part cannot be read from the row; every directive
    of this test database was issued today, so it plays no part here."""
    rate = None if figures["on_time"] is None else figures["on_time"] / 100
    if figures["overdue"] or (rate is not None and rate < RED_ON_TIME_BELOW):
        return "red"
    if rate is not None and rate < AMBER_ON_TIME_BELOW:
        return "amber"
    return "green"


def summary_verified(page) -> int:
    """The «تأییدشده» card of the dashboard's summary."""
    card = page.locator(".dash-summary .card").filter(
        has=page.locator("dt", has_text=re.compile("^تأییدشده$"))
    )
    value = number(card.locator("dd").inner_text())
    assert value is not None
    return value


def test_directive_from_inbox_to_verified_on_the_dashboard(
    gilan, live_server, new_page, traffic, tmp_path
):
    base = live_server.url

    # 1. Setup (database shortcut): an approved working-group meeting whose two
    # resolutions are addressed to Education; the approval issues the directives.
    group = Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")
    meeting = approved_with(
        group,
        {"responsible": [education()], "text": FIRST_TEXT, "deadline_working_days": 15},
        {"responsible": [education()], "text": SECOND_TEXT, "deadline_working_days": 15},
    )
    first = Directive.objects.get(resolution__meeting=meeting, resolution__text=FIRST_TEXT)
    second = Directive.objects.get(resolution__meeting=meeting, resolution__text=SECOND_TEXT)
    assert first.state == second.state == DirectiveState.ISSUED
    first_letter = to_persian_digits(first.letter_number)
    second_letter = to_persian_digits(second.letter_number)
    first_url = base + reverse("resolutions:directive_detail", args=[first.pk])
    second_url = base + reverse("resolutions:directive_detail", args=[second.pk])
    evidence_file = tmp_path / EVIDENCE_NAME
    evidence_file.write_bytes(MINIMAL_PDF)

    # 2. Education's IT manager acknowledges the first directive (a double click), reports
    # 50 % with an evidence file, then completion.
    page = new_page()
    sign_in(page, base, "itmanager")
    open_inbox(page, base)
    row = inbox_row(page, first_letter)
    expect(row).to_have_count(1)
    expect(row).to_have_class(re.compile(r"\bdirective-row-unacknowledged\b"))
    expect(row.get_by_test_id("directive-state")).to_have_text("ابلاغ‌شده")
    expect(row).to_contain_text(EDUCATION)
    expect(row).to_contain_text("۱۵ روز کاری پس از ابلاغ")
    expect(inbox_row(page, second_letter)).to_have_class(
        re.compile(r"\bdirective-row-unacknowledged\b")
    )
    # Unacknowledged directives come first: none after them is still «ابلاغ‌شده».
    states = page.get_by_test_id("inbox-row").get_by_test_id("directive-state").all_inner_texts()
    issued = [i for i, s in enumerate(states) if s == "ابلاغ‌شده"]
    assert issued == list(range(len(issued))), states
    row.get_by_test_id("directive-link").click()
    page.wait_for_url(first_url)
    expect(page.get_by_test_id("directive-title")).to_contain_text(first_letter)
    expect(page.get_by_test_id("resolution-text")).to_have_text(FIRST_TEXT)
    expect(page.get_by_test_id("directive-state")).to_have_text("ابلاغ‌شده")

    # A second tab on the same page, still showing «اعلام رسید»: a retry from a stale page.
    stale = page.context.new_page()
    stale.goto(first_url)
    expect(stale.get_by_test_id("acknowledge")).to_be_visible()

    acknowledge_url = base + reverse("resolutions:directive_acknowledge", args=[first.pk])
    with page.expect_navigation(url=first_url):
        page.get_by_test_id("acknowledge").dblclick()
    page.wait_for_load_state("networkidle")
    expect_message(page, acknowledged_message(first.letter_number))
    expect(page.get_by_test_id("directive-state")).to_have_text("رسید شده")
    expect(page.get_by_test_id("acknowledge")).to_have_count(0)
    assert history_states(page).count("رسید شده") == 1, history_states(page)
    # Chromium folds the double click's two submissions into one navigation; the stale tab
    # sends the second request for real, and still one receipt is recorded.
    submit(stale, stale.get_by_test_id("acknowledge"), first_url)
    expect(stale.get_by_test_id("directive-state")).to_have_text("رسید شده")
    assert traffic.requests.count(acknowledge_url) >= 2, traffic.requests
    stale.close()
    page.reload()
    assert history_states(page).count("رسید شده") == 1, history_states(page)
    assert (
        DirectiveEvent.objects.filter(directive=first, state=DirectiveState.ACKNOWLEDGED).count()
        == 1
    )

    report = page.get_by_test_id("report-form")
    report.get_by_label("درصد پیشرفت").fill("50")
    report.get_by_label("شرح اقدامات").fill(NARRATIVE_HALF)
    report.get_by_label("مستندات").set_input_files(evidence_file)
    submit(page, report.get_by_role("button", name="ثبت گزارش"), first_url)
    expect_message(page, "گزارش پیشرفت ثبت شد.")
    expect(page.get_by_test_id("directive-state")).to_have_text("در حال اجرا")
    expect(page.get_by_test_id("directive-letter").get_by_role("progressbar")).to_have_attribute(
        "aria-valuenow", "50"
    )
    expect(page.get_by_test_id("directive-letter").get_by_role("progressbar")).to_have_text("۵۰٪")
    reports = page.get_by_test_id("reports").locator(":scope > li")
    expect(reports).to_have_count(1)
    expect(reports.first).to_contain_text("۵۰٪")
    expect(reports.first).to_contain_text(NARRATIVE_HALF)
    evidence_link = page.get_by_test_id("evidence-link")
    expect(evidence_link).to_have_count(1)
    expect(evidence_link).to_have_text(EVIDENCE_NAME)
    evidence_url = urljoin(page.url, evidence_link.get_attribute("href"))
    download = page.request.get(evidence_url)
    assert download.status == 200
    assert download.body() == MINIMAL_PDF
    letter_url = base + reverse("resolutions:directive_letter", args=[first.pk])
    letter = page.request.get(letter_url)
    assert letter.status == 200
    assert letter.headers["content-type"].startswith("application/pdf")

    report = page.get_by_test_id("report-form")
    report.get_by_label("درصد پیشرفت").fill("100")
    report.get_by_label("شرح اقدامات").fill(NARRATIVE_DONE)
    report.get_by_label("گزارش انجام: کار به‌طور کامل انجام شد (۱۰۰ درصد)").check()
    submit(page, report.get_by_role("button", name="ثبت گزارش"), first_url)
    expect_message(page, "گزارش انجام ثبت شد و برای تأیید به دبیرخانه رفت.")
    expect(page.get_by_test_id("directive-state")).to_have_text("گزارش انجام")
    expect(page.get_by_test_id("report-form")).to_have_count(0)
    expect(reports).to_have_count(2)
    expect(reports.first).to_contain_text("۱۰۰٪")
    expect(reports.first).to_contain_text(NARRATIVE_DONE)
    assert history_states(page) == ["ابلاغ‌شده", "رسید شده", "در حال اجرا", "گزارش انجام"]
    screenshot(page, "directive", 1280)
    screenshot(page, "directive", 375)

    # ... and, on a phone (375 px), finds the second directive and acknowledges it.
    phone = new_page(375)
    sign_in(phone, base, "itmanager")
    open_inbox(phone, base)
    row = inbox_row(phone, second_letter)
    expect(row.get_by_test_id("directive-state")).to_have_text("ابلاغ‌شده")
    link = row.get_by_test_id("directive-link")
    link.scroll_into_view_if_needed()
    expect(link).to_be_in_viewport()
    phone.screenshot(path=str(SCREENSHOTS / "inbox-375.png"), full_page=True)
    link.click()
    phone.wait_for_url(second_url)
    acknowledge = phone.get_by_test_id("acknowledge")
    acknowledge.scroll_into_view_if_needed()
    expect(acknowledge).to_be_in_viewport()
    submit(phone, acknowledge, second_url)
    expect_message(phone, acknowledged_message(second.letter_number))
    expect(phone.get_by_test_id("directive-state")).to_have_text("رسید شده")
    assert history_states(phone).count("رسید شده") == 1
    # The page fits the phone: nothing wider than the viewport but the inbox table, which
    # scrolls inside its own box.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    open_inbox(phone, base)
    expect(inbox_row(phone, second_letter).get_by_test_id("directive-state")).to_have_text(
        "رسید شده"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    # 3-4. The secretary reads the dashboard, verifies the directive from the inbox, and
    # the dashboard's verified figures grow by one.
    page = new_page()
    sign_in(page, base, "secretary")
    open_dashboard(page, base)
    before, _colour = dashboard_row(page, EDUCATION)
    total_verified_before = summary_verified(page)
    assert before["reported_done"] >= 1, before

    open_inbox(page, base)
    filters = page.get_by_test_id("inbox-filters")
    filters.get_by_label("وضعیت").select_option(label="گزارش انجام")
    filters.get_by_label("دستگاه").select_option(label=EDUCATION)
    filters.get_by_role("button", name="نمایش").click()
    page.wait_for_url(re.compile(r"/directives/\?"))
    row = inbox_row(page, first_letter)
    expect(row).to_have_count(1)
    row.get_by_test_id("directive-link").click()
    page.wait_for_url(first_url)
    actions = page.get_by_test_id("secretariat-actions")
    expect(page.get_by_test_id("verify-confirm")).to_be_hidden()
    actions.locator("summary", has_text="تأیید انجام").click()
    submit(page, page.get_by_test_id("verify-confirm"), first_url)
    expect_message(page, "انجام ابلاغ تأیید شد.")
    expect(page.get_by_test_id("directive-state")).to_have_text("تأییدشده")
    expect(page.get_by_test_id("directive-letter")).to_contain_text("تأیید انجام")
    expect(page.get_by_test_id("directive-letter")).to_contain_text("سمیه رحیمی")
    expect(page.get_by_test_id("secretariat-actions")).to_have_count(0)
    assert history_states(page)[-1] == "تأییدشده"

    open_dashboard(page, base)
    after, colour = dashboard_row(page, EDUCATION)
    assert after["verified"] == before["verified"] + 1, (before, after)
    assert after["reported_done"] == before["reported_done"] - 1, (before, after)
    assert after["total"] == before["total"], (before, after)
    assert summary_verified(page) == total_verified_before + 1
    # The demo data gives Education an overdue directive: by the documented rule the row is
    # red whatever this test did.
    assert colour == documented_rag(after), (after, colour)
    assert after["overdue"] >= 1 and colour == "red", (after, colour)
    screenshot(page, "dashboard", 1280)

    # Narrowed (with the form, as a user would) to Education's verified directives issued
    # today, the new meeting's period: nothing is overdue and every one was verified on
    # time, so the row is green, and the new directive is counted.
    form = page.locator("form.filter-form")
    form.get_by_label("دستگاه", exact=True).select_option(label=EDUCATION)
    form.get_by_label("وضعیت", exact=True).select_option(label="تأییدشده")
    form.get_by_label("ابلاغ از تاریخ").press_sequentially(jalali_today())
    form.get_by_label("تا تاریخ").press_sequentially(jalali_today())
    form.get_by_role("button", name="اعمال").click()
    page.wait_for_url(re.compile(r"/dashboard/\?"))
    verified, colour = dashboard_row(page, EDUCATION)
    assert verified["total"] == verified["verified"] == after["verified"], verified
    assert verified["overdue"] == 0 and verified["on_time"] == 100, verified
    assert colour == documented_rag(verified) == "green", (verified, colour)

    # 5. Water's IT manager: not in his inbox, and every URL of the directive is a 404.
    page = new_page()
    sign_in(page, base, "itmanager2")
    open_inbox(page, base)
    expect(page.get_by_test_id("inbox-row").first).to_be_visible()
    for letter_fa in (first_letter, second_letter):
        expect(page.get_by_test_id("directive-link").filter(has_text=letter_fa)).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(EDUCATION)
    for url in (first_url, second_url, letter_url, evidence_url):
        traffic.expect_404(url)
    for url in (first_url, second_url):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        expect(page.locator("body")).not_to_contain_text(FIRST_TEXT)
        expect(page.locator("body")).not_to_contain_text(SECOND_TEXT)
        expect(page.locator("body")).not_to_contain_text(first_letter)
    for url in (letter_url, evidence_url):
        response = page.request.get(url)
        assert response.status == 404, url
        assert b"%PDF" not in response.body(), url

    # 6. Nothing failed or logged an error but the 404s above, nothing left the server.
    assert traffic.seen_404 == {first_url, second_url}, traffic.seen_404
    assert traffic.console_errors == []
    assert traffic.failures == []
    server = urlsplit(base).netloc
    foreign = [
        url
        for url in traffic.requests
        if not url.startswith("data:") and urlsplit(url).netloc != server
    ]
    assert foreign == []
