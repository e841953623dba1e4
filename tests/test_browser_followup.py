"""The follow-up side as three users walk it in headless Chromium (Playwright, sync API).

- An agency's IT manager on a 375 px phone: his desk says what awaits him; the inbox row
  says what the directive asks; the directive page reads text → history → actions; ticking
  «گزارش انجام» sets 100 %; a refused report keeps what he typed and his file; the letter's
  PDF is linked.
- The governor's office: its desk lists the newest approved minutes with their PDF, the
  coming meetings and the overdue directives by body and agency; the dashboard defines its
  figures.
- A visitor: the footer leads to the verification page, a mistyped fingerprint gets a hint
  and nothing more, the real one is genuine.

Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from committees.models import Body, BodyKind, Minutes
from resolutions.models import Directive
from tests.browser_helpers import screenshot, session_cookies
from tests.directive_helpers import approved_with, education

pytestmark = [pytest.mark.browser]

ASK = "درگاه خدمات الکترونیک مدارس تا پایان فصل راه‌اندازی شود (آزمون گام‌به‌گام)"
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _working_group() -> Body:
    return Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")


def _context(browser, live_server, persona: str | None, *, width: int = 1280):
    context = browser.new_context(locale="fa-IR", viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    if persona:
        context.add_cookies(session_cookies(persona, live_server.url))
    return context


def _fits(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def test_it_manager_follows_a_directive_on_a_phone(gilan, live_server, browser, tmp_path):
    meeting = approved_with(_working_group(), {"responsible": [education()], "text": ASK})
    directive = Directive.objects.get(resolution__meeting=meeting)
    page = _context(browser, live_server, "itmanager", width=375).new_page()

    page.goto(live_server.url + reverse("committees:home"), wait_until="networkidle")
    _fits(page)
    page.get_by_test_id("desk-to-acknowledge").click()
    page.wait_for_load_state("networkidle")
    _fits(page)
    row = page.get_by_test_id("inbox-row").filter(has_text=ASK[:30])
    expect(row).to_be_visible()
    row.get_by_test_id("directive-link").click()
    page.wait_for_load_state("networkidle")
    _fits(page)

    def top(test_id: str) -> float:
        return page.get_by_test_id(test_id).bounding_box()["y"]

    assert top("resolution-text") < top("history") < top("agency-actions")
    expect(page.get_by_test_id("letter-pdf")).to_have_attribute(
        "href", reverse("resolutions:directive_letter", args=[directive.pk])
    )
    page.get_by_test_id("acknowledge").click()
    page.wait_for_load_state("networkidle")

    form = page.get_by_test_id("report-form")
    form.locator("input[name=percent]").fill("50")
    form.locator("input[name=final]").check()
    expect(form.locator("input[name=percent]")).to_have_value("100")
    evidence = tmp_path / "گزارش اجرا.pdf"
    evidence.write_bytes(MINIMAL_PDF)
    form.locator("input[name=evidence]").set_input_files(str(evidence))
    form.locator("button[type=submit]").click()  # no narrative: refused
    page.wait_for_load_state("networkidle")
    form = page.get_by_test_id("report-form")
    expect(page.get_by_test_id("held-files")).to_contain_text("گزارش اجرا.pdf")
    expect(form.locator("input[name=percent]")).to_have_value("100")
    screenshot(page, "followup-refused-report", 375)
    form.locator("textarea[name=narrative]").fill("همه مدارس به درگاه متصل شدند.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    directive.refresh_from_db()
    assert directive.state == "reported_done" and directive.progress == 100
    report = directive.reports.get()
    assert [e.original_name for e in report.evidence.all()] == ["گزارش اجرا.pdf"]
    _fits(page)


def test_governor_office_reads_its_desk(gilan, live_server, browser):
    meeting = approved_with(_working_group(), {"responsible": [education()]})
    Directive.objects.filter(resolution__meeting=meeting).update(
        due_date=meeting.starts_at.date() - datetime.timedelta(days=3)
    )
    page = _context(browser, live_server, "governor_office").new_page()
    page.goto(live_server.url + reverse("committees:home"), wait_until="networkidle")
    pdf_link = page.locator(f'a[href="{reverse("resolutions:minutes_pdf", args=[meeting.pk])}"]')
    expect(pdf_link).to_be_visible()
    table = page.get_by_test_id("desk-overdue-table")
    expect(table).to_contain_text(education().name)
    screenshot(page, "followup-governor-desk", 1280)
    table.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("resolutions:overdue_list", args=[meeting.body_id]))
    page.goto(live_server.url + reverse("resolutions:dashboard"), wait_until="networkidle")
    expect(page.get_by_test_id("definitions")).to_contain_text("انجام به‌موقع")
    _fits(page)


def test_visitor_verifies_minutes_from_the_footer(gilan, live_server, browser):
    meeting = approved_with(_working_group(), {"responsible": [education()]})
    real = Minutes.objects.get(meeting=meeting).fingerprint
    page = _context(browser, live_server, None, width=375).new_page()
    page.goto(live_server.url + reverse("committees:structure"), wait_until="networkidle")
    page.get_by_test_id("footer-verify").click()
    page.wait_for_load_state("networkidle")
    field = page.locator("#fingerprint-input")
    field.fill(real[:-1] + ("0" if real[-1] != "0" else "1"))
    field.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("verify-hint")).to_contain_text("رمزینه (QR)")
    assert real not in page.content()
    page.locator("#fingerprint-input").fill(real)
    page.locator("#fingerprint-input").press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("verdict")).to_contain_text("این صورتجلسه معتبر است")
    _fits(page)
