"""``manage.py seed_scale``: a province's years as data, at a tiny scale (``--scale``)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Max

from committees.models import Meeting, MeetingState
from egov_portal.models import AuditEvent, AuditSource, Notification
from members.models import Agency, PositionHolding
from resolutions.documents.minutes import fingerprint_of
from resolutions.models import (
    Directive,
    DirectiveEvent,
    DirectiveState,
    Evidence,
    LetterSequence,
    ProgressReport,
    Resolution,
)
from tests.conftest import client_for

UNTIL = datetime.date(2025, 3, 1)


def seed(years: int = 2, scale: float = 0.02) -> str:
    out = io.StringIO()
    call_command("seed_scale", years=years, scale=scale, until=UNTIL, stdout=out)
    return out.getvalue()


def story() -> list[tuple]:
    """What two runs must agree on, whatever primary keys they were given."""
    return list(
        Directive.objects.order_by("body__order", "year", "sequence").values_list(
            "letter_number", "state", "agency__name", "issued_on", "due_date", "progress"
        )
    )


@pytest.mark.django_db
def test_seed_scale_builds_years_of_a_province():
    before = Directive.objects.count()
    captured_before = AuditEvent.objects.filter(source=AuditSource.COMMAND).count()
    seed()
    assert Agency.objects.count() >= 20
    assert Meeting.objects.filter(state=MeetingState.APPROVED).count() >= 10
    assert Resolution.objects.filter(meeting__starts_at__date__lte=UNTIL).count() >= 100
    assert Directive.objects.count() - before >= 200
    states = set(Directive.objects.values_list("state", flat=True))
    assert {
        DirectiveState.ISSUED,
        DirectiveState.ACKNOWLEDGED,
        DirectiveState.IN_PROGRESS,
        DirectiveState.REPORTED_DONE,
        DirectiveState.RETURNED,
        DirectiveState.VERIFIED,
    } <= states
    assert DirectiveEvent.objects.count() > Directive.objects.count()
    assert ProgressReport.objects.filter(is_final=True).exists()
    assert Evidence.objects.exists()
    assert AuditEvent.objects.filter(model="resolutions.Directive").exists()
    if connection.vendor == "postgresql":
        # The seed writes its story's audit events itself; the capture triggers, off for
        # its session, add none of their own («command»: a write with no application context).
        captured = AuditEvent.objects.filter(source=AuditSource.COMMAND).count()
        assert captured == captured_before
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            assert cursor.fetchone()[0] == "origin"  # and the session is itself again
            # The planner knows the tables as seeded (ANALYZE reads every row of tables
            # this small), not as they were before.
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'resolutions_directive'")
            assert cursor.fetchone()[0] == Directive.objects.count()
    assert Notification.objects.filter(kind="directive").exists()
    # Tenures over the years: a post held by several people, one after the other.
    assert (
        PositionHolding.objects.values("position").annotate(n=Count("pk")).filter(n__gte=2).exists()
    )
    # The history keeps the story's dates, not the moment of the run.
    assert DirectiveEvent.objects.filter(at__date__lt=UNTIL - datetime.timedelta(days=300)).exists()
    assert_letters_follow_each_sequence_and_minutes_are_fingerprinted()
    assert_pages_render()
    # A second run is refused and changes nothing.
    count = Directive.objects.count()
    with pytest.raises(CommandError):
        seed()
    assert Directive.objects.count() == count


def assert_letters_follow_each_sequence_and_minutes_are_fingerprinted():
    numbers = list(Directive.objects.values_list("letter_number", flat=True))
    assert len(numbers) == len(set(numbers))
    for row in Directive.objects.values("body", "year").annotate(top=Max("sequence")):
        sequence = LetterSequence.objects.get(body=row["body"], year=row["year"])
        assert sequence.last == row["top"]
    approved = Meeting.objects.filter(state=MeetingState.APPROVED).select_related("minutes")
    for meeting in approved:
        if meeting.minutes.snapshot:
            assert meeting.minutes.fingerprint == fingerprint_of(meeting.minutes.snapshot)
    assert approved.filter(minutes__fingerprint="").count() <= 1  # the historical founding one


@pytest.mark.django_db
def test_seed_scale_is_deterministic():
    runs = []
    for _ in range(2):
        with transaction.atomic():
            seed()
            runs.append(story())
            transaction.set_rollback(True)
    assert len(runs[0]) >= 200
    assert runs[0] == runs[1]


def assert_pages_render():
    manager = get_user_model().objects.filter(username__startswith="scale-it-").first()
    directive = Directive.objects.filter(agency__people__user=manager).first()
    assert directive is not None
    inbox = client_for(manager.username).get("/directives/")
    assert inbox.status_code == 200
    assert client_for(manager.username).get(f"/directives/{directive.pk}/").status_code == 200
    assert client_for("secretary").get("/resolutions/").status_code == 200
    dashboard = client_for("governor_office").get("/dashboard/")
    assert dashboard.status_code == 200
    assert client_for("anonymous").get("/agencies/").status_code == 200
