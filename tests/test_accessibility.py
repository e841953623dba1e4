"""Accessibility of the main pages with axe-core, in headless Chromium (Playwright).

Each page is opened as a persona who may see it, the vendored ``axe.min.js`` is loaded
from the live server's static files (the CSP allows scripts from 'self' only, so an
inline copy would be refused) and ``axe.run()`` must report no violation of impact
"serious" or "critical". Violations already known and waiting for a fix in a template
are listed in ``KNOWN_VIOLATIONS``; anything else fails, and so does a known violation
that has gone (remove it from the list). Each page is also saved at 375 px under
``test-artifacts/screenshots/a11y-<name>-375.png``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser_helpers import SCREENSHOTS, session_cookies

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_URL = "/static/vendor/axe-core/axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}

#: Violations found in templates this module does not own, waiting for their fix:
#: {url name: {axe rule id, ...}}. A new violation anywhere fails the test; so does an
#: entry here that no longer occurs.
KNOWN_VIOLATIONS: dict[str, set[str]] = {}


@dataclass(frozen=True)
class Page:
    name: str  # screenshot name
    url_name: str
    persona: str  # "anonymous" or a demo account
    kwargs: Callable[[dict], dict] = lambda data: {}
    query: Callable[[dict], str] = lambda data: ""


PAGES = (
    Page("structure", "committees:structure", "anonymous"),
    Page("body", "committees:body_detail", "secretary", lambda d: {"pk": d["body"]}),
    Page("agencies", "members:agency_list", "anonymous"),
    Page("login", "login", "anonymous"),
    Page("me", "committees:home", "secretary"),
    Page("meeting", "committees:meeting_detail", "secretary", lambda d: {"pk": d["approved"]}),
    Page("attendance", "committees:meeting_attendance", "secretary", lambda d: {"pk": d["held"]}),
    Page("resolution-form", "resolutions:resolution_add", "secretary", lambda d: {"pk": d["held"]}),
    Page(
        "minutes-print", "resolutions:minutes_print", "secretary", lambda d: {"pk": d["approved"]}
    ),
    Page("verify", "resolutions:verify", "anonymous", query=lambda d: f"?f={d['fingerprint']}"),
    Page("calendar", "committees:calendar", "secretary"),
    Page("inbox", "resolutions:inbox", "itmanager"),
    Page(
        "directive", "resolutions:directive_detail", "itmanager", lambda d: {"pk": d["directive"]}
    ),
    Page("dashboard", "resolutions:dashboard", "governor_office"),
    Page("register", "resolutions:register", "secretary"),
    Page("public-resolutions", "resolutions:public_resolutions", "anonymous"),
    Page("help", "help:index", "anonymous"),
)


def _demo_data() -> dict:
    """Primary keys of the records the pages show: the demo's approved meeting and one
    of its directives, and a meeting held an hour ago (attendance, new resolution)."""
    from committees.models import Body, BodyKind, Meeting, MeetingState
    from resolutions.models import Directive
    from tests.meeting_helpers import held_meeting

    group = Body.objects.get(kind=BodyKind.WORKING_GROUP, jurisdiction="گیلان")
    approved = Meeting.objects.filter(body=group, state=MeetingState.APPROVED).latest("pk")
    directive = Directive.objects.filter(
        resolution__meeting=approved, agency__name="اداره کل آموزش و پرورش"
    ).first()
    return {
        "body": group.pk,
        "approved": approved.pk,
        "fingerprint": approved.minutes.fingerprint,
        "held": held_meeting(group).pk,
        "directive": directive.pk,
    }


def _describe(violation: dict) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
    why = [
        check["message"]
        for node in violation["nodes"][:1]
        for check in node.get("any", []) + node.get("all", [])
        if check.get("message")
    ]
    return (
        f"  [{violation['impact']}] {violation['id']}: {violation['help']} "
        f"({len(violation['nodes'])}×) e.g. {targets} {why}"
    )


def _run_axe(page, base_url: str) -> list[dict]:
    """axe-core's serious and critical violations of the page as it is now."""
    page.add_script_tag(url=base_url + AXE_URL)
    results = page.evaluate("async () => await axe.run(document)")
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def test_axe_is_vendored():
    assert AXE.read_bytes().startswith(b"/*! axe v")
    assert (AXE.parent / "LICENSE").read_text().startswith("Mozilla Public License")


def test_main_pages_have_no_serious_accessibility_violations(gilan, live_server, browser):
    data = _demo_data()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    new: dict[str, list[str]] = {}
    gone: dict[str, set[str]] = {}
    report: list[str] = []
    for spec in PAGES:
        context = browser.new_context(locale="fa-IR", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        context.add_cookies(session_cookies(spec.persona, live_server.url))
        page = context.new_page()
        url = live_server.url + reverse(spec.url_name, kwargs=spec.kwargs(data)) + spec.query(data)
        response = page.goto(url, wait_until="networkidle")
        assert response.status == 200, (spec.url_name, spec.persona, response.status)

        violations = _run_axe(page, live_server.url)
        found = {v["id"] for v in violations}
        known = KNOWN_VIOLATIONS.get(spec.url_name, set())
        if found:
            report.append(f"{spec.url_name} ({spec.persona}):")
            report.extend(_describe(v) for v in violations)
        if unexpected := [_describe(v) for v in violations if v["id"] not in known]:
            new[spec.url_name] = unexpected
        if fixed := known - found:
            gone[spec.url_name] = fixed

        page.set_viewport_size({"width": 375, "height": 800})
        page.reload(wait_until="networkidle")
        page.screenshot(path=str(SCREENSHOTS / f"a11y-{spec.name}-375.png"), full_page=True)
        context.close()
    if report:
        print("\naxe-core, serious and critical violations:\n" + "\n".join(report))
    assert new == {}, "new accessibility violations:\n" + "\n".join(
        f"{name}:\n" + "\n".join(lines) for name, lines in new.items()
    )
    assert gone == {}, f"fixed, remove from KNOWN_VIOLATIONS: {gone}"
