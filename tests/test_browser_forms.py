"""Browser tests of the resolution form's searchable agency list and of the date picker,
both used with the keyboard only, of agenda papers kept after a refused upload, and of two
tabs editing one resolution, in headless Debian Chromium (Playwright)."""

from __future__ import annotations

import re

import jdatetime
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from committees.models import Paper
from committees.services.meetings import agenda_item_add
from members.models import Agency
from resolutions.models import Resolution
from tests.meeting_helpers import in_review_meeting, scheduled_meeting
from tests.test_uploads import pdf_bytes

pytestmark = [pytest.mark.browser]

EDUCATION = "اداره کل آموزش و پرورش"


def test_agency_is_found_and_chosen_with_the_keyboard_only(
    gilan, working_group, live_server, page_as
):
    meeting = in_review_meeting(working_group)
    page = page_as("secretary")
    page.goto(
        live_server.url + reverse("resolutions:resolution_add", args=[meeting.pk]),
        wait_until="networkidle",
    )
    page.locator("#id_text").focus()
    page.keyboard.type("برگزاری دوره آموزش امنیت شبکه")
    page.locator("#id_kind").select_option("assignment")

    # The referral target is asked only for the referral kind.
    target = page.get_by_test_id("referral-target")
    expect(target).to_be_hidden()
    page.locator("#id_kind").select_option("referral")
    expect(target).to_be_visible()
    page.locator("#id_kind").select_option("assignment")
    expect(target).to_be_hidden()

    # The native list is replaced by a search field that Tab reaches.
    page.locator("#id_all_agencies").focus()
    page.keyboard.press("Tab")
    search = page.locator("#id_responsible-ts-control")
    expect(search).to_be_focused()
    expect(search).to_have_attribute("placeholder", "جستجوی دستگاه…")
    dropdown = page.locator("#id_responsible-ts-dropdown")

    page.keyboard.type("ناموجود")
    expect(dropdown).to_contain_text("موردی یافت نشد")
    for _ in "ناموجود":
        page.keyboard.press("Backspace")

    # Arabic letters find the Persian name (ي for ی).
    page.keyboard.type("آموزش و پرورش")
    option = dropdown.locator(".option", has_text=EDUCATION)
    expect(option).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    expect(dropdown.locator(".option.active")).to_have_text(EDUCATION)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    chosen = page.locator("#id_responsible").evaluate(
        "select => Array.from(select.selectedOptions).map(o => o.text)"
    )
    assert chosen == [EDUCATION]
    expect(page.locator(".ts-wrapper .item", has_text=EDUCATION)).to_be_visible()

    page.locator("#id_deadline_working_days").focus()
    page.keyboard.type("۱۰")
    page.keyboard.press("Enter")  # sends the form
    page.wait_for_url(live_server.url + reverse("committees:meeting_detail", args=[meeting.pk]))
    expect(page.get_by_test_id("resolutions")).to_contain_text(EDUCATION)
    resolution = Resolution.objects.get(meeting=meeting)
    assert [a.agency for a in resolution.addressees.all()] == [Agency.objects.get(name=EDUCATION)]
    assert page.errors == []


def _highlighted(page) -> jdatetime.date:
    expect(page.locator("jdp-container .jdp-day.jdp-day-focus")).to_have_count(1)
    year, month, day = page.evaluate(
        "() => { const c = document.querySelector('jdp-container .jdp-day.jdp-day-focus');"
        " return [c.year, c.month, c.day]; }"
    )
    return jdatetime.date(year, month, day)


def _fa(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def _apart(page, selector_a: str, selector_b: str) -> bool:
    a = page.locator(selector_a).bounding_box()
    b = page.locator(selector_b).bounding_box()
    return (
        a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
        or a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
    )


def test_date_picker_is_used_with_the_keyboard(gilan, working_group, live_server, page_as):
    page = page_as("secretary")
    page.goto(
        live_server.url + reverse("committees:meeting_create", args=[working_group.pk]),
        wait_until="networkidle",
    )
    day = page.locator("input[data-jdp]").first
    picker = page.locator("jdp-container")
    day.focus()
    expect(picker).to_be_visible()
    expect(picker.locator(".jdp-day.jdp-day-focus")).to_have_count(1)
    start = _highlighted(page)
    assert _apart(page, "jdp-container", "input[data-jdp]")
    # The highlighted day is said to screen readers: «۱۵ آذر ۱۴۰۵».
    month_name = jdatetime.date(1400, start.month, 1).j_months_fa[start.month - 1]
    expect(page.get_by_test_id("datepicker-live")).to_have_text(
        _fa(f"{start.day} {month_name} {start.year}")
    )

    # Right to left: ArrowLeft is the next day, ArrowRight the previous one; Down a week.
    page.keyboard.press("ArrowLeft")
    assert _highlighted(page) == start + jdatetime.timedelta(days=1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    assert _highlighted(page) == start + jdatetime.timedelta(days=7)
    page.keyboard.press("ArrowUp")
    assert _highlighted(page) == start
    # A month on with PageDown, back with PageUp, the day kept (the 1st here: never clamped).
    for _ in range(start.day - 1):
        page.keyboard.press("ArrowRight")
    first = _highlighted(page)
    assert first.day == 1
    page.keyboard.press("PageDown")
    after = _highlighted(page)
    assert (after.day, (after.month - first.month) % 12) == (1, 1)
    page.keyboard.press("ArrowRight")  # before the 1st: the last day of the month before
    assert _highlighted(page) == after - jdatetime.timedelta(days=1)
    chosen = _highlighted(page)

    page.keyboard.press("Enter")
    expect(picker).to_be_hidden()
    expect(day).to_be_focused()
    expect(day).to_have_value(_fa(chosen.strftime("%Y/%m/%d")))
    assert day.evaluate("input => input.form !== null")
    assert page.url.endswith(reverse("committees:meeting_create", args=[working_group.pk]))

    # Escape closes and leaves the focus in the field; Alt+ArrowDown opens again.
    page.keyboard.press("Alt+ArrowDown")
    expect(picker).to_be_visible()
    assert _highlighted(page) == chosen
    page.keyboard.press("Escape")
    expect(picker).to_be_hidden()
    expect(day).to_be_focused()
    expect(day).to_have_value(_fa(chosen.strftime("%Y/%m/%d")))

    # Focus leaving the field closes the picker: it never stays over the next field.
    page.keyboard.press("Alt+ArrowDown")
    expect(picker).to_be_visible()
    page.keyboard.press("Tab")
    expect(day).not_to_be_focused()
    expect(picker).to_be_hidden()
    assert page.errors == []


def test_typing_over_a_filled_date_reached_with_tab_replaces_it(
    gilan, working_group, live_server, page_as
):
    """Tab selects the whole field; the picker's rewrite of its digits keeps that
    selection, so a typed date replaces the stored one instead of being added to it."""
    meeting = scheduled_meeting(working_group)
    page = page_as("secretary")
    page.goto(
        live_server.url + reverse("committees:meeting_edit", args=[meeting.pk]),
        wait_until="networkidle",
    )
    day = page.locator("input[data-jdp]").first
    stored = day.input_value()
    assert stored and stored[0] in "۰۱۲۳۴۵۶۷۸۹"
    # Reach the field from the one before it, as a keyboard user does.
    day.evaluate(
        """input => {
            const focusable = [...document.querySelectorAll(
                "a[href], button, input:not([type=hidden]), select, textarea"
            )].filter(element => element.offsetParent !== null);
            focusable[focusable.indexOf(input) - 1].focus();
        }"""
    )
    page.keyboard.press("Tab")
    expect(day).to_be_focused()
    page.keyboard.press("Escape")  # closing the picker keeps the selection too
    target = jdatetime.date.fromgregorian(date=meeting.starts_at.date()) + jdatetime.timedelta(
        days=7
    )
    page.keyboard.type(_fa(target.strftime("%Y/%m/%d")))
    expect(day).to_have_value(_fa(target.strftime("%Y/%m/%d")))

    # Back with Shift+Tab, typing while the picker is open.
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    expect(day).to_be_focused()
    later = target + jdatetime.timedelta(days=1)
    page.keyboard.type(later.strftime("%Y/%m/%d"))
    expect(day).to_have_value(re.compile(r"^[0-9۰-۹]{4}/[0-9۰-۹]{2}/[0-9۰-۹]{2}$"))
    page.keyboard.press("Escape")
    expect(day).to_have_value(_fa(later.strftime("%Y/%m/%d")))
    assert page.errors == []


def test_date_picker_never_covers_the_field_near_the_bottom(
    gilan, working_group, live_server, page_as
):
    page = page_as("secretary", height=520)
    page.goto(
        live_server.url + reverse("committees:meeting_create", args=[working_group.pk]),
        wait_until="networkidle",
    )
    day = page.locator("input[data-jdp]").first
    # The field at the very bottom of the window: there is no room below it.
    day.evaluate(
        "input => window.scrollBy(0, input.getBoundingClientRect().bottom - window.innerHeight + 2)"
    )
    day.focus()
    picker = page.locator("jdp-container")
    expect(picker).to_be_visible()
    page.wait_for_timeout(400)  # the opening animation
    assert _apart(page, "jdp-container", "input[data-jdp]")
    page.keyboard.press("ArrowLeft")
    assert _apart(page, "jdp-container", "input[data-jdp]")
    assert page.errors == []


def test_refused_papers_keep_the_good_file_for_the_next_upload(
    gilan, working_group, live_server, page_as, media_root, tmp_path
):
    meeting = scheduled_meeting(working_group)
    item = agenda_item_add(meeting=meeting, title="گزارش پیشرفت پروژه‌ها")
    good = tmp_path / "برنامه کار.pdf"
    good.write_bytes(pdf_bytes())
    bad = tmp_path / "نامه.pdf"
    bad.write_bytes(b"<!doctype html><script>x</script>")
    page = page_as("secretary")
    page.goto(
        live_server.url + reverse("committees:meeting_detail", args=[meeting.pk]),
        wait_until="networkidle",
    )
    form = page.get_by_test_id(f"paper-form-{item.pk}")
    form.locator("input[type=file]").set_input_files([str(good), str(bad)])
    form.get_by_role("button", name="بارگذاری").click()
    page.wait_for_load_state("networkidle")

    form = page.get_by_test_id(f"paper-form-{item.pk}")
    expect(page.get_by_text("«نامه.pdf»:")).to_be_visible()
    expect(form.get_by_test_id("held-files")).to_contain_text("پرونده نگه داشته شد")
    expect(form.get_by_test_id("held-files")).to_contain_text("برنامه کار.pdf")
    assert not Paper.objects.filter(agenda_item=item).exists()

    # Sent again without choosing anything: the held file is the upload.
    form.get_by_role("button", name="بارگذاری").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id(f"papers-{item.pk}")).to_contain_text("برنامه کار.pdf")
    expect(page.get_by_test_id("held-files")).to_have_count(0)
    assert [p.original_name for p in Paper.objects.filter(agenda_item=item)] == ["برنامه کار.pdf"]
    assert page.errors == []


def test_two_tabs_editing_a_resolution_never_overwrite_each_other(
    gilan, working_group, live_server, page_as
):
    """The secretary opens a resolution's edit form in two tabs. The first tab's save
    lands; the second is refused with a message naming what is now stored, keeps what was
    typed there, and saves it only when sent again on purpose."""
    from tests.test_edit_roundtrip import _case_resolution_edit

    kwargs, _state = _case_resolution_edit(working_group)
    url = live_server.url + reverse("resolutions:resolution_edit", kwargs=kwargs)
    first, second = page_as("secretary"), page_as("secretary")
    for tab in (first, second):
        tab.goto(url, wait_until="networkidle")

    first.locator("#id_text").fill("سامانه نوبت‌دهی تا پایان سال راه‌اندازی شود.")
    first.get_by_role("button", name="ذخیره مصوبه").click()
    first.wait_for_url(re.compile(r"/meetings/\d+/"))
    stored = Resolution.objects.get(**kwargs)
    assert stored.text == "سامانه نوبت‌دهی تا پایان سال راه‌اندازی شود."

    second.locator("#id_text").fill("سامانه نوبت‌دهی در شش ماه راه‌اندازی شود.")
    second.get_by_role("button", name="ذخیره مصوبه").click()
    second.wait_for_load_state("networkidle")
    alert = second.get_by_role("alert").filter(has_text="کس دیگری همین را ذخیره کرده است")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("متن مصوبه: «سامانه نوبت‌دهی تا پایان سال راه‌اندازی شود.»")
    expect(second.locator("#id_text")).to_have_value("سامانه نوبت‌دهی در شش ماه راه‌اندازی شود.")
    assert Resolution.objects.get(**kwargs).text == stored.text  # nothing overwritten

    # Having read it, the second user keeps his wording: sent again, it is saved.
    second.get_by_role("button", name="ذخیره مصوبه").click()
    second.wait_for_url(re.compile(r"/meetings/\d+/"))
    assert Resolution.objects.get(**kwargs).text == "سامانه نوبت‌دهی در شش ماه راه‌اندازی شود."
    assert first.errors == [] and second.errors == []
