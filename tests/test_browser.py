"""End-to-end journey in headless Chromium (Playwright, sync API).

A visitor reads the public structure page, fetches its printable PDF, then a demo chair
signs in and lands on their home page. Screenshots at desktop and phone widths are kept
in ``test-artifacts/screenshots/`` for a human to look at.

Debian's Chromium (``/usr/bin/chromium``) is driven directly: no browser is downloaded.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser_helpers import screenshot
from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser]

BOOTSTRAP_CSS = "/static/vendor/bootstrap/bootstrap.rtl.min.css"

WORKING_GROUP = "کارگروه توسعه دولت الکترونیک استان"
SUBCOMMITTEES = ("کمیته خدمات الکترونیک", "کمیته شبکه و زیرساخت", "کمیته امنیت", "کمیته آموزش")


class Traffic:
    """Every request the page makes, and every response with an error status."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.statuses: dict[str, int] = {}
        self.failures: list[str] = []

    def on_request(self, request) -> None:
        self.requests.append(request.url)

    def on_response(self, response) -> None:
        self.statuses.setdefault(response.url, response.status)
        if response.status >= 400:
            self.failures.append(f"{response.status} {response.url}")

    def on_request_failed(self, request) -> None:
        self.failures.append(f"failed ({request.failure}) {request.url}")


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(locale="fa-IR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    traffic = Traffic()
    page.on("request", traffic.on_request)
    page.on("response", traffic.on_response)
    page.on("requestfailed", traffic.on_request_failed)
    page.traffic = traffic
    yield page
    context.close()


def test_visitor_reads_structure_and_chair_signs_in(gilan, live_server, browser_page):
    page = browser_page
    base = live_server.url

    # 1. The public structure page, Persian and right-to-left.
    response = page.goto(base + "/", wait_until="networkidle")
    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_text(WORKING_GROUP).first).to_be_visible()
    subcommittees = page.get_by_test_id("subcommittees")
    for name in SUBCOMMITTEES:
        expect(subcommittees.get_by_text(name, exact=True)).to_be_visible()
    today = page.get_by_test_id("today").inner_text()
    assert re.search(r"[۰-۹]", today), today
    assert not re.search(r"[0-9]", today), today

    # The vendored Bootstrap and Vazirmatn are served by the live server and applied:
    # Bootstrap gives .container a max width, and the font face has loaded.
    assert page.traffic.statuses.get(base + BOOTSTRAP_CSS) == 200, page.traffic.statuses
    max_width = page.evaluate("getComputedStyle(document.querySelector('main.container')).maxWidth")
    assert max_width.endswith("px"), max_width
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")

    screenshot(page, "structure", 1280)
    screenshot(page, "structure", 375)

    # 2. The printable version is a PDF. Headless Chromium would download it rather than
    # show it, so fetch it through the context's request API (sharing its cookies).
    href = page.get_by_test_id("print-link").get_attribute("href")
    assert href == "/print/"
    pdf = page.request.get(urljoin(page.url, href))
    assert pdf.status == 200
    assert pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.body().startswith(b"%PDF")

    # 3. The demo chair signs in and lands on their home page.
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill("chair")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(base + "/me/", wait_until="networkidle")
    expect(page.get_by_test_id("home-title")).to_be_visible()
    expect(page.get_by_test_id("my-bodies")).to_contain_text(WORKING_GROUP)
    # Sign-out, two-factor sign-in and notification preferences sit in the user's menu.
    page.get_by_test_id("user-menu").click()
    expect(page.locator("header").get_by_role("button", name="خروج")).to_be_visible()
    expect(page.get_by_test_id("two-factor-link")).to_be_visible()
    page.keyboard.press("Escape")

    screenshot(page, "home", 1280)
    screenshot(page, "home", 375)

    # Nothing failed to load, and nothing was fetched from anywhere but the live server.
    assert page.traffic.failures == []
    server = urlsplit(base).netloc
    foreign = [
        url
        for url in page.traffic.requests
        if not url.startswith("data:") and urlsplit(url).netloc != server
    ]
    assert foreign == []


def test_language_switch_round_trip(gilan, live_server, browser_page):
    """A visitor switches to English on a page and stays on it; the page turns left to
    right with the Gregorian date beside the Jalali one; switching back restores Persian."""
    page = browser_page
    base = live_server.url
    page.goto(base + "/agencies/", wait_until="networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "fa")

    page.get_by_test_id("language-switch").get_by_role("button", name="English").click()
    page.wait_for_url(base + "/agencies/", wait_until="networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("#mainnav").get_by_role("link", name="Executive agencies")).to_be_visible()
    today = page.get_by_test_id("today").inner_text()
    assert re.fullmatch(r"\w+ \d{1,2} \w+ \d{4} \(\d{1,2} \w+ \d{4}\)", today), today
    # The left-to-right Bootstrap is applied: the brand sits at the left edge.
    brand = page.locator(".portal-brand").bounding_box()
    assert brand is not None and brand["x"] < 400, brand
    assert page.traffic.statuses.get(base + "/static/vendor/bootstrap/bootstrap.min.css") == 200

    screenshot(page, "agencies-en", 1280)

    page.get_by_test_id("language-switch").get_by_role("button", name="فارسی").click()
    page.wait_for_url(base + "/agencies/", wait_until="networkidle")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#mainnav").get_by_role("link", name="دستگاه‌های اجرایی")).to_be_visible()
    assert page.traffic.failures == []
