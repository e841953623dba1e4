"""Every field a form offers reaches the record: nothing the user ticked or chose is dropped
or silently ignored on the way to the database (issue: «عمومی» on a new meeting was stored
as false, and a referral target on a non-referral resolution was ignored)."""

from __future__ import annotations

import datetime

import jdatetime
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from committees.models import Meeting
from egov_portal.text.persian import to_persian_digits
from resolutions.models import Resolution
from resolutions.services.resolutions import resolution_create
from tests.meeting_helpers import in_review_meeting

pytestmark = pytest.mark.django_db


def _meeting_form(day: datetime.date, **extra) -> dict:
    jday = jdatetime.date.fromgregorian(date=day)
    return {
        "day": to_persian_digits(jday.strftime("%Y/%m/%d")),
        "start_time": "09:30",
        "end_time": "11:00",
        "place": "تالار شهید رجایی",
        **extra,
    }


@pytest.mark.parametrize(("ticked", "stored"), [({"is_public": "on"}, True), ({}, False)])
def test_new_meeting_keeps_the_public_box(persona_client, working_group, ticked, stored):
    day = timezone.localdate() + datetime.timedelta(days=9)
    response = persona_client("secretary").post(
        reverse("committees:meeting_create", args=[working_group.pk]), _meeting_form(day, **ticked)
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(body=working_group).latest("pk").is_public is stored


def test_a_referral_target_on_a_decision_is_refused(working_group, steering):
    meeting = in_review_meeting(working_group)
    before = Resolution.objects.count()
    with pytest.raises(ValidationError) as refused:
        resolution_create(meeting=meeting, text="تصمیم", kind="decision", refer_to=steering)
    assert "فقط برای مصوبه‌ای از نوع «ارجاع»" in refused.value.message_dict["refer_to"][0]
    assert Resolution.objects.count() == before


def test_a_referral_target_on_a_decision_is_refused_in_the_form(
    persona_client, working_group, steering
):
    meeting = in_review_meeting(working_group)
    response = persona_client("secretary").post(
        reverse("resolutions:resolution_add", args=[meeting.pk]),
        {"text": "تصمیم با رکن ارجاع", "kind": "decision", "refer_to": steering.pk},
    )
    assert response.status_code == 200
    assert "فقط برای مصوبه‌ای از نوع «ارجاع»" in response.content.decode()
    assert not meeting.resolutions.filter(text="تصمیم با رکن ارجاع").exists()
