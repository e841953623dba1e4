"""The review of the draft minutes as the secretariat meets it: a notice (and e-mail, per
preferences) for each comment and once when every attendee has answered, the answers on
the meeting page, several comments per attendee on the whole draft, an agenda item or a
resolution, grouped where they apply and marked handled («رسیدگی شد») until approval."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from committees.models import (
    AttendanceStatus,
    Meeting,
    MinutesComment,
    MinutesReview,
    ReviewDecision,
)
from committees.selectors.reviews import review_board
from committees.services.meetings import (
    minutes_comment_mark,
    minutes_review_submit,
)
from egov_portal.models import NoticeKind, Notification, NotificationPreference
from resolutions.services.minutes import minutes_approve
from resolutions.services.resolutions import resolution_create
from tests.meeting_helpers import in_review_meeting, scheduled_meeting, user

pytestmark = pytest.mark.django_db

ALL_ANSWERED = "همه حاضران"
NEW_COMMENT = "نظر تازه"


def _attendees(meeting: Meeting) -> list:
    return [
        invitation.person
        for invitation in meeting.invitations.filter(
            attendance__in=[AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE]
        ).select_related("person")
    ]


def _notices(username: str, text: str) -> list[Notification]:
    return list(Notification.objects.filter(user=user(username), title__contains=text))


def _comment(meeting, username="member", text="بند ب دقیق‌تر شود", **target) -> MinutesReview:
    return minutes_review_submit(
        meeting=meeting,
        person=user(username).person,
        decision=ReviewDecision.COMMENTED,
        comment=text,
        **target,
    )


@pytest.fixture
def meeting(working_group) -> Meeting:
    return in_review_meeting(working_group)


# --- notices to the secretariat ------------------------------------------------------------


def test_each_comment_tells_the_secretariat_and_never_the_commenter(
    meeting, working_group, django_capture_on_commit_callbacks
):
    # The member is also of the secretariat here: he still hears nothing of his own comment.
    assign_perm("manage_body", user("member"), working_group)
    secretary = user("secretary")
    with django_capture_on_commit_callbacks(execute=True):
        _comment(meeting, text="نخستین نظر")
        _comment(meeting, text="دومین نظر")
    notices = _notices("secretary", NEW_COMMENT)
    assert len(notices) == 2
    assert notices[0].kind == NoticeKind.MINUTES
    assert "دومین نظر" in notices[0].body or "دومین نظر" in notices[1].body
    assert notices[0].url.startswith(reverse("committees:meeting_detail", args=[meeting.pk]))
    assert _notices("member", NEW_COMMENT) == []
    assert Notification.objects.filter(user=user("chair"), title__contains=NEW_COMMENT).count() == 0
    mailed = [m for m in mail.outbox if secretary.email in m.to]
    assert len(mailed) == 2 and NEW_COMMENT in mailed[0].subject
    assert "نخستین نظر" in mailed[0].body and "فاطمه احمدی" in mailed[0].body
    assert f"/meetings/{meeting.pk}/#review-board" in mailed[0].body
    assert mailed[0].alternatives and 'dir="rtl"' in mailed[0].alternatives[0][0]
    assert not [m for m in mail.outbox if user("member").email in m.to]


def test_email_follows_the_secretary_preferences(meeting, django_capture_on_commit_callbacks):
    secretary = user("secretary")
    preference, _created = NotificationPreference.objects.get_or_create(user=secretary)
    preference.daily_digest = True
    preference.save()
    with django_capture_on_commit_callbacks(execute=True):
        _comment(meeting)
    assert len(_notices("secretary", NEW_COMMENT)) == 1  # waits for the daily digest
    assert not [m for m in mail.outbox if secretary.email in m.to]

    preference.daily_digest = False
    preference.muted_kinds = [NoticeKind.MINUTES]
    preference.save()
    with django_capture_on_commit_callbacks(execute=True):
        _comment(meeting, text="نظری دیگر")
    assert len(_notices("secretary", NEW_COMMENT)) == 1  # muted: no notice, no e-mail
    assert not [m for m in mail.outbox if secretary.email in m.to]


def test_no_email_before_the_answer_is_committed(meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _comment(meeting)
    assert mail.outbox == [] and callbacks
    for callback in callbacks:
        callback()
    assert [m for m in mail.outbox if user("secretary").email in m.to]


def test_all_answered_is_told_exactly_once(meeting, django_capture_on_commit_callbacks):
    people = _attendees(meeting)
    assert len(people) >= 3
    with django_capture_on_commit_callbacks(execute=True):
        for person in people[:-1]:
            minutes_review_submit(meeting=meeting, person=person, decision="confirmed")
        assert _notices("secretary", ALL_ANSWERED) == []
        minutes_review_submit(
            meeting=meeting, person=people[-1], decision="commented", comment="یک نکته"
        )
        # Answering again, or commenting again, is no new «all answered».
        minutes_review_submit(meeting=meeting, person=people[0], decision="commented", comment="x")
        minutes_review_submit(meeting=meeting, person=people[-1], decision="confirmed")
    [notice] = _notices("secretary", ALL_ANSWERED)
    assert "نظر دارد" in notice.body and "تأیید پیش‌نویس" in notice.body
    subjects = [m.subject for m in mail.outbox if user("secretary").email in m.to]
    assert sum(ALL_ANSWERED in s for s in subjects) == 1


# --- several comments, each about one place of the draft ------------------------------------


def test_several_comments_each_on_its_place(meeting):
    item = meeting.agenda_items.first()
    resolution = resolution_create(meeting=meeting, text="مصوبه آزمایشی", kind="decision")
    _comment(meeting, text="کلی")
    _comment(meeting, text="درباره دستور", agenda_item_id=item.pk)
    _comment(meeting, text="درباره مصوبه", resolution_id=resolution.pk)
    member = user("member").person
    assert MinutesReview.objects.get(minutes=meeting.minutes, person=member).decision == (
        ReviewDecision.COMMENTED
    )
    comments = MinutesComment.objects.filter(minutes=meeting.minutes, person=member)
    assert [(c.text, c.agenda_item_id, c.resolution_id) for c in comments] == [
        ("کلی", None, None),
        ("درباره دستور", item.pk, None),
        ("درباره مصوبه", None, resolution.pk),
    ]


def test_comment_on_another_meetings_item_is_refused_and_nothing_saved(meeting, working_group):
    other = scheduled_meeting(working_group)
    foreign_item = other.agenda_items.first()
    with pytest.raises(ValidationError) as refused:
        _comment(meeting, agenda_item_id=foreign_item.pk)
    assert "این دستور از دستورهای این جلسه نیست." in refused.value.messages
    foreign_resolution = resolution_create(
        meeting=in_review_meeting(working_group), text="دیگر", kind="decision"
    )
    with pytest.raises(ValidationError) as refused:
        _comment(meeting, resolution_id=foreign_resolution.pk)
    assert "این مصوبه از مصوبات این جلسه نیست." in refused.value.messages
    assert not MinutesComment.objects.filter(minutes=meeting.minutes).exists()
    assert not MinutesReview.objects.filter(minutes=meeting.minutes).exists()
    assert _notices("secretary", NEW_COMMENT) == []


def test_foreign_item_through_the_page_is_refused_in_persian(
    meeting, working_group, persona_client
):
    foreign_item = scheduled_meeting(working_group).agenda_items.first()
    response = persona_client("member").post(
        reverse("committees:minutes_review", args=[meeting.pk]),
        {"decision": "commented", "comment": "نظر", "about": f"item-{foreign_item.pk}"},
        follow=True,
    )
    assert "این دستور از دستورهای این جلسه نیست." in response.content.decode()
    assert not MinutesComment.objects.exists()
    response = persona_client("member").post(
        reverse("committees:minutes_review", args=[meeting.pk]),
        {"decision": "commented", "comment": "نظر", "about": "item-x"},
        follow=True,
    )
    assert "موضوع نظر نامعتبر است." in response.content.decode()
    assert not MinutesComment.objects.exists()


def test_refused_comment_comes_back_with_what_was_typed(meeting, working_group, persona_client):
    resolution = resolution_create(meeting=meeting, text="مصوبه آزمایشی", kind="decision")
    meeting.minutes.review_deadline = timezone.now() - datetime.timedelta(minutes=1)
    meeting.minutes.save()
    response = persona_client("member").post(
        reverse("committees:minutes_review", args=[meeting.pk]),
        {
            "decision": "commented",
            "comment": "متنی که نباید گم شود",
            "about": f"resolution-{resolution.pk}",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "مهلت اظهارنظر درباره این صورتجلسه گذشته است." in page
    assert "متنی که نباید گم شود" in page
    assert f'value="resolution-{resolution.pk}" selected' in page
    assert not MinutesComment.objects.exists()


def test_confirming_with_a_comment_is_refused(meeting):
    with pytest.raises(ValidationError, match="نظر دارم"):
        minutes_review_submit(
            meeting=meeting, person=user("member").person, decision="confirmed", comment="x"
        )
    assert not MinutesReview.objects.filter(minutes=meeting.minutes).exists()


def test_board_groups_comments_where_they_apply(meeting):
    item = meeting.agenda_items.first()
    resolution = resolution_create(meeting=meeting, text="مصوبه آزمایشی", kind="decision")
    _comment(meeting, text="درباره مصوبه", resolution_id=resolution.pk)
    _comment(meeting, "chair", text="کلی")
    _comment(meeting, "chair", text="درباره دستور", agenda_item_id=item.pk)
    minutes_review_submit(meeting=meeting, person=user("itmanager").person, decision="confirmed")
    board = review_board(meeting=meeting)
    assert [(g.kind, [c.text for c in g.comments]) for g in board.groups] == [
        ("whole", ["کلی"]),
        ("item", ["درباره دستور"]),
        ("resolution", ["درباره مصوبه"]),
    ]
    assert board.groups[2].target == resolution
    assert board.unhandled == 3
    assert board.answered == 3 and board.attendees == len(_attendees(meeting))
    labels = {a.person.pk: a.label for a in board.answers}
    assert labels[user("member").person.pk] == "نظر دارد"
    assert labels[user("itmanager").person.pk] == "تأیید پیش‌نویس"
    assert labels[user("itmanager2").person.pk] == "بی‌پاسخ"
    assert [c.text for c in board.comments_of(user("chair").person)] == ["کلی", "درباره دستور"]


def test_meeting_page_shows_answers_and_grouped_comments(meeting, persona_client):
    resolution = resolution_create(meeting=meeting, text="مصوبه آزمایشی", kind="decision")
    _comment(meeting, text="بند را روشن‌تر بنویسید", resolution_id=resolution.pk)
    minutes_review_submit(meeting=meeting, person=user("chair").person, decision="confirmed")
    page = (
        persona_client("secretary")
        .get(reverse("committees:meeting_detail", args=[meeting.pk]))
        .content.decode()
    )
    assert 'data-testid="review-board"' in page
    answers = page.split('data-testid="review-answers"')[1].split("</table>")[0]
    assert answers.count('data-decision="confirmed"') == 1
    assert answers.count('data-decision="commented"') == 1
    assert "تأیید پیش‌نویس" in answers and "نظر دارد" in answers and "بی‌پاسخ" in answers
    group = page.split(f'data-kind="resolution" data-target="{resolution.pk}"')[1]
    assert "بند را روشن‌تر بنویسید" in group.split('data-testid="comment-group"')[0]
    assert "۱ نظر رسیدگی‌نشده" in page
    assert 'data-testid="comment-handle"' in page
    # The resolution's own row links to its group.
    assert f'href="#comments-resolution-{resolution.pk}"' in page
    assert f'id="comments-resolution-{resolution.pk}"' in page
    # A member reads the board but has no button to mark.
    member_page = (
        persona_client("member")
        .get(reverse("committees:meeting_detail", args=[meeting.pk]))
        .content.decode()
    )
    assert 'data-testid="review-board"' in member_page
    assert 'data-testid="comment-handle"' not in member_page
    assert 'data-testid="my-comments"' in member_page
    minutes_page = (
        persona_client("secretary")
        .get(reverse("committees:minutes_edit", args=[meeting.pk]))
        .content.decode()
    )
    assert "بند را روشن‌تر بنویسید" in minutes_page and 'name="back" value="minutes"' in minutes_page
    _comment(meeting, text="مذاکرات کامل نیست", agenda_item_id=meeting.agenda_items.first().pk)
    minutes_page = (
        persona_client("secretary")
        .get(reverse("committees:minutes_edit", args=[meeting.pk]))
        .content.decode()
    )
    item_pk = meeting.agenda_items.first().pk
    assert f'href="#comments-item-{item_pk}"' in minutes_page
    assert f'id="comments-item-{item_pk}"' in minutes_page


# --- marking handled ----------------------------------------------------------------------


def _mark_url(comment: MinutesComment) -> str:
    return reverse("committees:minutes_comment_mark", args=[comment.minutes.meeting_id, comment.pk])


def test_secretary_marks_a_comment_handled_and_back(meeting, persona_client):
    _comment(meeting)
    comment = MinutesComment.objects.get()
    secretary = persona_client("secretary")
    response = secretary.post(_mark_url(comment), {"handled": "1"})
    assert response.status_code == 302 and response["Location"].endswith("#review-board")
    comment.refresh_from_db()
    assert comment.handled_by == user("secretary") and comment.handled_at is not None
    page = secretary.get(reverse("committees:meeting_detail", args=[meeting.pk])).content.decode()
    assert "همه نظرها رسیدگی شده است" in page and 'data-testid="comment-unhandle"' in page
    response = secretary.post(_mark_url(comment), {"handled": "0", "back": "minutes"})
    assert response["Location"] == reverse("committees:minutes_edit", args=[meeting.pk])
    comment.refresh_from_db()
    assert comment.handled_by is None and comment.handled_at is None


def test_only_the_secretariat_marks_and_only_its_meetings_comments(
    meeting, working_group, persona_client
):
    _comment(meeting)
    comment = MinutesComment.objects.get()
    assert persona_client("member").post(_mark_url(comment), {"handled": "1"}).status_code == 403
    other = in_review_meeting(working_group)
    wrong = reverse("committees:minutes_comment_mark", args=[other.pk, comment.pk])
    assert persona_client("secretary").post(wrong, {"handled": "1"}).status_code == 404
    comment.refresh_from_db()
    assert comment.handled_at is None


def test_marks_are_frozen_once_approved(meeting):
    _comment(meeting)
    comment = MinutesComment.objects.get()
    minutes_approve(meeting=meeting, user=user("chair"))
    comment.refresh_from_db()
    with pytest.raises(ValidationError, match="تصویب شده"):
        minutes_comment_mark(comment=comment, handled=True, user=user("secretary"))
    comment.refresh_from_db()
    assert comment.handled_at is None


# --- query budgets --------------------------------------------------------------------------


@pytest.mark.parametrize("many", [False, True])
def test_meeting_page_in_review_query_budget(
    meeting, persona_client, django_assert_num_queries, many
):
    people = _attendees(meeting)
    resolution = resolution_create(meeting=meeting, text="مصوبه", kind="decision")
    item = meeting.agenda_items.first()
    for index, person in enumerate(people if many else people[:1]):
        minutes_review_submit(
            meeting=meeting, person=person, decision="commented", comment=f"نظر {index}"
        )
        if many:
            for target in ({"agenda_item_id": item.pk}, {"resolution_id": resolution.pk}):
                minutes_review_submit(
                    meeting=meeting, person=person, decision="commented", comment="x", **target
                )
    MinutesComment.objects.filter(pk=MinutesComment.objects.first().pk).update(
        handled_at=timezone.now(), handled_by=user("secretary")
    )
    client = persona_client("secretary")
    # The held meeting's page (tests/test_meeting_views.py) and one query: the comments.
    with django_assert_num_queries(27):
        page = client.get(reverse("committees:meeting_detail", args=[meeting.pk]))
    assert page.status_code == 200


@pytest.mark.parametrize("many", [False, True])
def test_minutes_page_query_budget(meeting, persona_client, django_assert_num_queries, many):
    people = _attendees(meeting)
    for index, person in enumerate(people if many else people[:1]):
        minutes_review_submit(
            meeting=meeting, person=person, decision="commented", comment=f"نظر {index}"
        )
    client = persona_client("secretary")
    with django_assert_num_queries(17):
        page = client.get(reverse("committees:minutes_edit", args=[meeting.pk]))
    assert page.status_code == 200


def test_review_deadline_still_applies_to_comments(meeting):
    meeting.minutes.review_deadline = timezone.now() - datetime.timedelta(minutes=1)
    meeting.minutes.save()
    with pytest.raises(ValidationError, match="مهلت"):
        _comment(meeting)
    assert not MinutesComment.objects.exists()


# --- the data migration ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_existing_single_comments_become_comments_on_the_whole_draft(gilan):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from committees.models import Body, BodyKind

    meeting = in_review_meeting(Body.objects.get(kind=BodyKind.WORKING_GROUP))
    member, chair = user("member").person, user("chair").person
    minutes_id = meeting.minutes.pk
    executor = MigrationExecutor(connection)
    executor.migrate([("committees", "0013_recompute_search_text")])
    old = executor.loader.project_state(("committees", "0013_recompute_search_text")).apps
    Review = old.get_model("committees", "MinutesReview")
    Review.objects.create(
        minutes_id=minutes_id, person_id=member.pk, decision="commented", comment=" دقیق‌تر "
    )
    Review.objects.create(
        minutes_id=minutes_id, person_id=chair.pk, decision="confirmed", comment=""
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    [comment] = MinutesComment.objects.all()
    assert (comment.person_id, comment.text) == (member.pk, "دقیق‌تر")
    assert comment.agenda_item_id is None and comment.resolution_id is None
    assert comment.handled_at is None
    assert MinutesReview.objects.filter(minutes_id=minutes_id).count() == 2
