"""Reads about the review of the draft minutes: who of the attendees answered and how, and
their comments grouped where they apply (the whole draft, each agenda item, each
resolution), for the meeting page and the minutes page.

:func:`review_board` takes what the page already fetched (invitations with their persons,
the reviews, the agenda, the resolutions) and fetches only what it lacks, each in one
query: a board costs one query (the comments) on the meeting page and five elsewhere,
whatever the number of attendees and comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from committees.models import AttendanceStatus, MinutesComment, MinutesReview, ReviewDecision
from egov_portal.text.i18n import digits

#: how the secretariat's list names each answer (the attendee chose «نظر دارم»).
ANSWER_LABELS = {
    ReviewDecision.CONFIRMED: pgettext_lazy("review answer", "تأیید پیش‌نویس"),
    ReviewDecision.COMMENTED: pgettext_lazy("review answer", "نظر دارد"),
}
ATTENDED = {AttendanceStatus.PRESENT, AttendanceStatus.SUBSTITUTE}


@dataclass
class Answer:
    """One attendee's answer: ``review`` is None while he has not answered."""

    person: object
    review: MinutesReview | None

    @property
    def label(self) -> str:
        return str(ANSWER_LABELS[self.review.decision]) if self.review else str(_("بی‌پاسخ"))

    @property
    def decision(self) -> str:
        return self.review.decision if self.review else ""

    @property
    def at(self):
        return self.review.updated_at if self.review else None


@dataclass
class CommentGroup:
    """The comments on one place of the draft: ``kind`` is "whole", "item" or "resolution"
    and ``target`` the agenda item or resolution (None for the whole draft)."""

    kind: str
    target: object
    comments: list[MinutesComment] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.kind == "item":
            return str(_("دستور %(order)s: %(title)s")) % {
                "order": digits(self.target.order),
                "title": self.target.title,
            }
        if self.kind == "resolution":
            return str(_("بند %(label)s")) % {"label": self.target.label}
        return str(_("کل پیش‌نویس"))

    @property
    def unhandled(self) -> int:
        return sum(1 for comment in self.comments if not comment.is_handled)

    @property
    def anchor(self) -> str:
        """The id of the group on the page, linked from the item's or resolution's row."""
        return f"comments-{self.kind}-{self.target.pk}" if self.target else "comments-whole"


@dataclass
class ReviewBoard:
    answers: list[Answer]
    groups: list[CommentGroup]  # only the places that have comments, in the draft's order
    comments: list[MinutesComment]

    @property
    def attendees(self) -> int:
        return len(self.answers)

    @property
    def answered(self) -> int:
        return sum(1 for answer in self.answers if answer.review is not None)

    @property
    def unhandled(self) -> int:
        return sum(1 for comment in self.comments if not comment.is_handled)

    def comments_of(self, person) -> list[MinutesComment]:
        if person is None:
            return []
        return [comment for comment in self.comments if comment.person_id == person.pk]


def review_board(
    *, meeting, invitations=None, reviews=None, agenda_items=None, resolutions=None
) -> ReviewBoard | None:
    """The review of ``meeting``'s draft, or None before it was first sent for review.

    ``invitations`` (with ``person``), ``reviews``, ``agenda_items`` and ``resolutions`` are
    what the caller already has; each one missing is fetched in one query."""
    minutes = meeting.minutes
    if minutes.sent_for_review_at is None:
        return None
    if invitations is None:
        invitations = list(
            meeting.invitations.filter(attendance__in=ATTENDED)
            .select_related("person", "seat")
            .order_by("seat__order", "pk")
        )
    if reviews is None:
        reviews = list(MinutesReview.objects.filter(minutes=minutes))
    if agenda_items is None:
        agenda_items = list(meeting.agenda_items.order_by("order", "pk"))
    if resolutions is None:
        resolutions = list(meeting.resolutions.order_by("order", "pk"))
    comments = list(
        MinutesComment.objects.filter(minutes=minutes)
        .select_related("person", "handled_by")
        .order_by("pk")
    )
    review_of = {review.person_id: review for review in reviews}
    answers = [
        Answer(invitation.person, review_of.get(invitation.person_id))
        for invitation in invitations
        if invitation.attendance in ATTENDED
    ]
    whole = CommentGroup("whole", None)
    by_item = {item.pk: CommentGroup("item", item) for item in agenda_items}
    by_resolution = {r.pk: CommentGroup("resolution", r) for r in resolutions}
    for comment in comments:
        if comment.agenda_item_id in by_item:
            by_item[comment.agenda_item_id].comments.append(comment)
        elif comment.resolution_id in by_resolution:
            by_resolution[comment.resolution_id].comments.append(comment)
        else:  # on the whole draft, or on an item or resolution since taken away
            whole.comments.append(comment)
    groups = [whole, *by_item.values(), *by_resolution.values()]
    for group in groups:
        if group.target is not None:
            group.target.review_group = group  # for the item's or resolution's own row
        for comment in group.comments:
            comment.about = group.title  # what it is about, without a query per comment
    return ReviewBoard(answers=answers, groups=[g for g in groups if g.comments], comments=comments)


def review_targets(*, agenda_items, resolutions) -> list[tuple[str, str]]:
    """The choices of «درباره» in the attendee's form, after «کل پیش‌نویس»."""
    targets = [
        (
            f"item-{item.pk}",
            str(_("دستور %(order)s: %(title)s"))
            % {
                "order": digits(item.order),
                "title": item.title,
            },
        )
        for item in agenda_items
    ]
    targets += [
        (f"resolution-{r.pk}", str(_("بند %(label)s")) % {"label": r.label}) for r in resolutions
    ]
    return targets
