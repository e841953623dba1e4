"""Secret calendar addresses: per user, without a session, only the meetings that user may
see; renewed and revoked from his page."""

from __future__ import annotations

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from committees.models import Body, BodyKind, CalendarFeedToken, Meeting
from committees.notifications import meeting_uid
from committees.selectors.calendar import visible_meetings
from committees.services.calendar_feeds import calendar_feed_renew, calendar_feed_revoke
from tests.meeting_helpers import scheduled_meeting, user


def _uids(response) -> set[str]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["uid"]) for event in calendar.walk("VEVENT")}


def feed_path(secret: str) -> str:
    return reverse("committees:calendar_feed", args=[secret])


@pytest.mark.django_db
def test_feed_lists_only_what_its_user_may_see(working_group):
    steering = Body.objects.get(kind=BodyKind.STEERING_COMMITTEE, jurisdiction="گیلان")
    ours = scheduled_meeting(working_group)
    theirs = scheduled_meeting(steering)
    _token, secret = calendar_feed_renew(user=user("member"))
    response = Client().get(feed_path(secret))  # no session
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    uids = _uids(response)
    assert meeting_uid(ours) in uids
    assert meeting_uid(theirs) not in uids
    expected = {
        meeting_uid(m)
        for m in visible_meetings(user("member")).exclude(state="draft")
        if m.starts_at >= ours.starts_at.replace(year=ours.starts_at.year - 1)
    }
    assert uids <= expected
    # the secretary of the steering committee sees its meeting in his own feed
    _token, secretary = calendar_feed_renew(user=user("secretary"))
    assert meeting_uid(theirs) in _uids(Client().get(feed_path(secretary)))


@pytest.mark.django_db
def test_renewing_stops_the_old_address_and_revoking_stops_all(working_group):
    _first, old = calendar_feed_renew(user=user("member"))
    _second, new = calendar_feed_renew(user=user("member"))
    assert Client().get(feed_path(old)).status_code == 404
    assert Client().get(feed_path(new)).status_code == 200
    assert CalendarFeedToken.objects.filter(user=user("member"), revoked_at=None).count() == 1
    assert calendar_feed_revoke(user=user("member")) == 1
    assert Client().get(feed_path(new)).status_code == 404
    assert Client().get(feed_path("made-up")).status_code == 404


@pytest.mark.django_db
def test_secret_is_stored_hashed_and_deactivated_users_feed_is_gone(working_group):
    token, secret = calendar_feed_renew(user=user("member"))
    assert secret not in token.key_hash and len(token.key_hash) == 64
    member = user("member")
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert Client().get(feed_path(secret)).status_code == 404


@pytest.mark.django_db
def test_the_users_page_makes_shows_once_and_revokes(working_group):
    client = Client()
    client.force_login(user("chair"))
    page = client.get(reverse("committees:calendar_feed_settings"))
    assert "نشانی فعالی ندارید" in page.content.decode()
    made = client.post(reverse("committees:calendar_feed_settings"), {"action": "renew"})
    html = made.content.decode()
    url = html.split('data-testid="calendar-feed-url">')[1].split("<")[0]
    assert "/calendar/" in url and url.endswith(".ics")
    path = url[url.index("/calendar/") :]
    assert Client().get(path).status_code == 200
    again = client.get(reverse("committees:calendar_feed_settings")).content.decode()
    assert path not in again  # shown once
    client.post(reverse("committees:calendar_feed_settings"), {"action": "revoke"})
    assert Client().get(path).status_code == 404
    assert Meeting.objects.exists()
