"""No page scrolls sideways on a phone: every main page, as each role that uses it, at 375 px
in headless Chromium. Tables become cards or scroll inside their own box, charts scale."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser_helpers import session_cookies
from tests.test_accessibility import PAGES, Page, _demo_data

pytestmark = [pytest.mark.browser]

PHONE = {"width": 375, "height": 800}

#: Who uses each page besides the persona the accessibility test opens it as.
MORE_ROLES: dict[str, tuple[str, ...]] = {
    "committees:structure": ("secretary", "itmanager", "governor_office"),
    "committees:body_detail": ("member", "chair", "anonymous"),
    "members:agency_list": ("itmanager",),
    "committees:home": ("chair", "member", "itmanager", "governor_office", "admin"),
    "committees:meeting_detail": ("chair", "member", "governor_office"),
    "committees:calendar": ("member", "anonymous"),
    "resolutions:inbox": ("secretary", "governor_office"),
    "resolutions:directive_detail": ("secretary", "governor_office"),
    "resolutions:dashboard": ("secretary", "chair", "itmanager"),
    "resolutions:register": ("governor_office", "chair"),
    "resolutions:search": ("anonymous", "secretary"),
}


#: Main pages the accessibility test does not open.
MORE_PAGES = (
    Page(
        "search", "resolutions:search", "anonymous", query=lambda d: "?q=%D8%AC%D9%84%D8%B3%D9%87"
    ),
    Page("audit", "audit:list", "admin"),
    Page("overdue", "resolutions:overdue_list", "secretary", lambda d: {"pk": d["body"]}),
    Page("referrals", "resolutions:referral_queue", "secretary", lambda d: {"pk": d["body"]}),
    Page("meetings", "committees:meeting_list", "secretary", lambda d: {"pk": d["body"]}),
    Page("notifications", "notifications:list", "itmanager"),
)


def _visits():
    for spec in (*PAGES, *MORE_PAGES):
        yield spec, spec.persona
        for persona in MORE_ROLES.get(spec.url_name, ()):
            yield spec, persona


def test_no_page_scrolls_sideways_at_375px(gilan, live_server, browser):
    data = _demo_data()
    too_wide: list[str] = []
    for spec, persona in _visits():
        context = browser.new_context(locale="fa-IR", viewport=PHONE)
        context.set_default_timeout(15_000)
        if persona != "anonymous":
            context.add_cookies(session_cookies(persona, live_server.url))
        page = context.new_page()
        url = live_server.url + reverse(spec.url_name, kwargs=spec.kwargs(data)) + spec.query(data)
        response = page.goto(url, wait_until="networkidle")
        if response.status == 200:
            width, viewport, culprit = page.evaluate(
                """() => {
                  const doc = document.documentElement;
                  let culprit = "";
                  for (const el of document.body.querySelectorAll("*")) {
                    const box = el.getBoundingClientRect();
                    if (box.left < -1 || box.right > window.innerWidth + 1) {
                      if (!el.closest(".table-responsive, .scroll-x")) {
                        culprit = el.tagName.toLowerCase() + "." + el.className;
                        break;
                      }
                    }
                  }
                  return [doc.scrollWidth, window.innerWidth, culprit];
                }"""
            )
            if width > viewport:
                too_wide.append(f"{spec.url_name} as {persona}: {width}px ({culprit})")
        context.close()
    assert too_wide == [], "pages wider than a 375 px phone:\n" + "\n".join(too_wide)


@pytest.mark.parametrize("language", ["fa", "en"])
def test_header_search_keeps_a_usable_width_at_1280px(gilan, live_server, browser, language):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(session_cookies("admin", live_server.url))
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + reverse("committees:home"), wait_until="networkidle")
    width = page.evaluate("() => document.getElementById('portal-search-q').offsetWidth")
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    context.close()
    assert width >= 150, f"the header search is {width}px wide in {language}"
    assert scroll <= 1280
