"""The review of the draft minutes in headless Debian Chromium (Playwright): a member who
attended comments on one resolution; the secretary is told by a notice, finds the comment
under that resolution on the meeting page, sees who answered and how, and marks it
handled."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from committees.models import MinutesComment
from egov_portal.models import Notification
from resolutions.services.resolutions import resolution_create
from tests.browser_helpers import screenshot
from tests.meeting_helpers import in_review_meeting, user

pytestmark = [pytest.mark.browser]

COMMENT = "در بند الف نام دستگاه همکار از قلم افتاده است"


def test_member_comments_on_a_resolution_and_the_secretary_marks_it_handled(
    gilan, working_group, live_server, page_as
):
    meeting = in_review_meeting(working_group)
    resolution = resolution_create(meeting=meeting, text="راه‌اندازی پنجره واحد", kind="decision")
    url = live_server.url + reverse("committees:meeting_detail", args=[meeting.pk])

    member = page_as("member")
    member.goto(url, wait_until="networkidle")
    review = member.get_by_test_id("review")
    review.get_by_label("نظر دارم").check()
    review.get_by_label("درباره").select_option(label=f"بند {resolution.label}")
    review.get_by_label("متن نظر").fill(COMMENT)
    review.get_by_role("button", name="ثبت نظر").click()
    expect(
        member.locator("main > .alert", has_text="نظر شما درباره صورتجلسه ثبت شد")
    ).to_be_visible()
    expect(member.get_by_test_id("my-comments")).to_contain_text(COMMENT)
    comment = MinutesComment.objects.get()
    assert comment.resolution_id == resolution.pk and comment.agenda_item_id is None

    # The secretariat hears of it: a notice in the bell that leads to the review board.
    Notification.objects.filter(user=user("secretary")).exclude(
        title__contains=meeting.title
    ).delete()
    secretary = page_as("secretary")
    secretary.goto(live_server.url + reverse("committees:home"), wait_until="networkidle")
    expect(secretary.get_by_test_id("bell-count")).to_contain_text("۱")
    secretary.get_by_test_id("bell").click()
    notice = secretary.get_by_test_id("notice-unread")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text(meeting.title)
    notice.get_by_role("link").first.click()
    secretary.wait_for_url(re.compile(r"/meetings/\d+/.*"), wait_until="networkidle")
    assert secretary.url.endswith("#review-board")
    board = secretary.get_by_test_id("review-board")
    expect(board.get_by_test_id("unhandled-count")).to_contain_text("۱ نظر رسیدگی‌نشده")
    answer = board.get_by_test_id("review-answers").locator("tr", has_text="فاطمه احمدی")
    expect(answer).to_contain_text("نظر دارد")
    group = board.locator(
        f'[data-testid="comment-group"][data-kind="resolution"][data-target="{resolution.pk}"]'
    )
    expect(group).to_contain_text(f"بند {resolution.label}")
    expect(group.get_by_test_id("review-comment")).to_contain_text(COMMENT)
    expect(board.locator('[data-testid="comment-group"][data-kind="whole"]')).to_have_count(0)
    screenshot(secretary, "minutes-review-board", 1280)

    group.get_by_role("button", name="رسیدگی شد").click()
    board = secretary.get_by_test_id("review-board")
    expect(board.get_by_test_id("unhandled-count")).to_contain_text("همه نظرها رسیدگی شده است")
    handled = board.locator('[data-testid="review-comment"][data-handled="1"]')
    expect(handled).to_contain_text("رسیدگی شد")
    comment.refresh_from_db()
    assert comment.handled_by == user("secretary") and comment.handled_at is not None
    assert member.errors == [] and secretary.errors == []
