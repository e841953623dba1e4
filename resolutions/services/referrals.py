"""Writes about referrals: placing a referred resolution on a meeting of the body it was
referred to."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from committees.models import (
    Body,
    Meeting,
    MeetingState,
)
from committees.services.meetings import agenda_item_add
from egov_portal.text.i18n import portal_language
from resolutions.models import (
    Referral,
    ReferralState,
)

# --- referrals -----------------------------------------------------------------------------

PLACEABLE_STATES = (MeetingState.DRAFT, MeetingState.SCHEDULED, MeetingState.POSTPONED)


def placeable_meetings(body: Body) -> list[Meeting]:
    """The meetings of ``body`` a referral may be placed on (not yet held)."""
    return list(
        Meeting.objects.filter(body=body, state__in=PLACEABLE_STATES).order_by("starts_at", "pk")
    )


@transaction.atomic
def referral_place(*, referral: Referral, meeting: Meeting, user) -> Referral:
    """Put a waiting referral on the agenda of one of its body's coming meetings."""
    referral = (
        Referral.objects.select_for_update()
        .select_related("resolution__meeting__body", "to_body")
        .get(pk=referral.pk)
    )
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if referral.state != ReferralState.WAITING:
        raise ValidationError(
            _("این ارجاع دیگر در صف نیست (وضعیت کنونی: %(state)s).")
            % {"state": referral.get_state_display()},
            code="not_waiting",
        )
    if meeting.body_id != referral.to_body_id:
        raise ValidationError(
            {"meeting": _("جلسه باید از جلسات «%(body)s» باشد.") % {"body": referral.to_body}},
            code="other_body",
        )
    if meeting.state in {MeetingState.APPROVED, MeetingState.CANCELLED}:
        raise ValidationError(
            {
                "meeting": _("«%(meeting)s» %(state)s است و دستور تازه نمی‌پذیرد.")
                % {"meeting": meeting.title, "state": meeting.get_state_display()}
            },
            code="closed_meeting",
        )
    resolution = referral.resolution
    with portal_language():  # stored in the agenda, and printed in the minutes
        title = _("ارجاع %(body)s: بند %(label)s %(meeting)s") % {
            "body": resolution.meeting.body.short_name or resolution.meeting.body.name,
            "label": resolution.label,
            "meeting": resolution.meeting.title,
        }
    item = agenda_item_add(meeting=meeting, title=title[:300], description=resolution.text)
    referral.agenda_item = item
    referral.state = ReferralState.ON_AGENDA
    referral.save(update_fields=["agenda_item", "state", "updated_at"])
    return referral
