"""Browser tests of the everyday comforts: the Jalali date picker, the header search and
the notification bell, in headless Debian Chromium (Playwright; nothing is downloaded)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from egov_portal.models import Notification
from egov_portal.notifications.services import notify
from tests.browser_helpers import screenshot
from tests.directive_helpers import approved_with, education, water
from tests.meeting_helpers import user

pytestmark = [pytest.mark.browser]

PERSIAN_DATE = re.compile(r"[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}")


def test_date_picker_opens_sets_a_persian_date_and_typing_still_works(
    gilan, working_group, live_server, page_as
):
    page = page_as("secretary")
    url = live_server.url + reverse("committees:meeting_create", args=[working_group.pk])
    page.goto(url, wait_until="networkidle")
    day = page.locator("input[data-jdp]").first
    expect(day).to_be_editable()

    day.click()
    picker = page.locator("jdp-container")
    expect(picker).to_be_visible()
    picker.locator(".jdp-day:not(.disabled-day):not(.not-in-month)").filter(
        has_text="۱۵"
    ).first.click()
    expect(day).to_have_value(PERSIAN_DATE)
    assert day.input_value().endswith("/۱۵"), day.input_value()

    # Typed by hand in Latin digits with dashes: accepted as typed (the server parses any
    # digits), shown in Persian digits once the field changes, and read by the picker when
    # it opens again (it needs Latin digits with "/").
    page.keyboard.press("Escape")
    day.fill("")  # focusing first rewrites the value in Latin digits for the picker
    day.fill("1405-10-02")
    page.locator("h1").first.click()
    expect(day).to_have_value("۱۴۰۵-۱۰-۰۲")
    day.click()
    expect(day).to_have_value("1405/10/02")
    expect(picker).to_be_visible()
    expect(picker.locator(".jdp-day.selected")).to_have_text("۲")
    assert page.errors == []


def test_header_search_groups_and_highlights_only_what_the_user_may_see(
    gilan, working_group, live_server, page_as
):
    approved_with(
        working_group,
        {"responsible": [education()], "text": "راه‌اندازی سامانه پایش آموزش مجازی"},
        {"responsible": [water()], "text": "پایش هوشمند شبکه آب"},
    )
    page = page_as("itmanager2")
    page.goto(live_server.url + reverse("committees:home"), wait_until="networkidle")
    box = page.locator("#portal-search-q")
    box.fill("پايش")  # Arabic yeh: the search normalises it
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="), wait_until="networkidle")

    directives = page.get_by_test_id("search-group-directives")
    expect(directives).to_be_visible()
    expect(directives).to_contain_text("پایش هوشمند شبکه آب")
    expect(directives).not_to_contain_text("آموزش مجازی")  # another agency's directive
    expect(directives.locator("mark").first).to_have_text("پایش")
    expect(directives.get_by_role("link").first).to_have_text(re.compile(r"^[۰-۹]+/.+/[۰-۹]{4} — "))
    screenshot(page, "search", 1280)
    assert page.errors == []


def test_bell_counts_unread_notices_and_marking_them_read_clears_it(gilan, live_server, page_as):
    member = user("member")
    Notification.objects.filter(user=member).delete()
    for n in (1, 2):
        notify(user=member, title=f"دعوت به جلسه آزمایشی {n}", url="/help/", kind="meeting")
    page = page_as("member")
    page.goto(live_server.url + reverse("committees:home"), wait_until="networkidle")
    expect(page.get_by_test_id("bell-count")).to_contain_text("۲")

    page.get_by_test_id("bell").click()
    page.wait_for_url(re.compile(r"/notifications/$"), wait_until="networkidle")
    expect(page.get_by_test_id("notice-unread")).to_have_count(2)
    page.get_by_role("button", name="همه را خواندم").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("notice-unread")).to_have_count(0)
    expect(page.get_by_test_id("bell-count")).to_have_count(0)
    assert not Notification.objects.filter(user=member, read_at__isnull=True).exists()
    assert page.errors == []
