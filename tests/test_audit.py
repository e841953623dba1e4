"""The audit trail: what is recorded (who, when, before and after), that nothing changes or
deletes it, and who may read it."""

from __future__ import annotations

import datetime

import jdatetime
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from committees.models import Body, Meeting
from committees.services.meetings import meeting_create
from committees.services.structure import body_secretariat_grant, body_secretariat_revoke
from egov_portal.audit import trail as audit
from egov_portal.models import AuditAction, AuditEvent, AuditSource
from members.models import Position
from members.services import position_holding_create
from resolutions.models import Directive, DirectiveState
from resolutions.services.directives import directive_acknowledge
from resolutions.services.resolutions import resolution_create, resolution_update
from tests.directive_helpers import education
from tests.factories import PersonFactory
from tests.meeting_helpers import held_meeting, user

pytestmark = pytest.mark.django_db

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists on PostgreSQL only (CI runs PostgreSQL)",
)


def events_for(obj, **filters):
    return AuditEvent.objects.filter(
        model=obj._meta.label, object_id=str(obj.pk), **filters
    ).order_by("pk")


def future_meeting(body, **kwargs) -> Meeting:
    return meeting_create(
        body=body,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="تالار استانداری",
        **kwargs,
    )


@pytest.fixture
def security_committee(db) -> Body:
    return Body.objects.get(name="کمیته امنیت")


# --- wiring -----------------------------------------------------------------------


def test_middleware_follows_authentication():
    middleware = list(settings.MIDDLEWARE)
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    # Right after authentication, with only the response-caching header middleware between
    # (it writes nothing).
    assert middleware[auth + 1 : auth + 3] == [
        "egov_portal.caching.PrivateResponseMiddleware",
        "egov_portal.audit.trail.AuditUserMiddleware",
    ]


def test_every_tracked_model_is_connected():
    from django.apps import apps

    for label in audit.tracked():
        assert post_save.has_listeners(apps.get_model(label)), label


# --- what is recorded -------------------------------------------------------------


def test_meeting_create_records_the_meeting_and_its_minutes(working_group):
    meeting = future_meeting(working_group)
    [event] = events_for(meeting)
    assert event.action == AuditAction.CREATE
    assert event.source == AuditSource.COMMAND
    assert event.actor is None
    assert event.body_id == working_group.pk
    assert event.before == {}
    assert event.after["state"] == "draft"
    assert event.after["place"] == "تالار استانداری"
    assert event.after["body"] == working_group.pk
    assert "created_at" not in event.after and "updated_at" not in event.after
    [minutes] = events_for(meeting.minutes)
    assert minutes.action == AuditAction.CREATE
    assert minutes.body_id == working_group.pk
    assert "canonical" not in minutes.after


def test_meeting_schedule_through_the_page_records_the_secretary(working_group):
    meeting = future_meeting(working_group)
    response = user_client("secretary").post(
        reverse("committees:meeting_schedule", kwargs={"pk": meeting.pk}), {"confirm": "1"}
    )
    assert response.status_code == 302
    [event] = events_for(meeting, action=AuditAction.TRANSITION)
    assert event.actor == user("secretary")
    assert event.source == AuditSource.WEB
    assert event.address == "127.0.0.1"
    # Scheduling gives the draft its number and moves its state.
    meeting.refresh_from_db()
    assert event.before == {"number": None, "state": "draft"}
    assert event.after == {"number": meeting.number, "state": "scheduled"}
    invitations = AuditEvent.objects.filter(
        model="committees.Invitation",
        object_id__in=[str(pk) for pk in meeting.invitations.values_list("pk", flat=True)],
    )
    assert invitations.count() == meeting.invitations.count() > 0
    assert {(e.action, e.actor_id, e.body_id) for e in invitations} == {
        (AuditAction.CREATE, user("secretary").pk, working_group.pk)
    }


def test_resolution_update_records_only_the_changed_text(working_group):
    meeting = held_meeting(working_group)
    resolution = resolution_create(meeting=meeting, text="متن نخست", kind="decision")
    with audit.acting_as(user("secretary"), source=AuditSource.WEB):
        resolution_update(resolution=resolution, text="متن اصلاح‌شده", kind="decision")
    [event] = events_for(resolution, action=AuditAction.UPDATE)
    assert event.before == {"text": "متن نخست"}
    assert event.after == {"text": "متن اصلاح‌شده"}
    assert event.actor == user("secretary")
    assert event.body_id == working_group.pk


def test_directive_acknowledgement_through_the_page_records_the_manager():
    directive = Directive.objects.filter(agency=education(), state=DirectiveState.ISSUED).first()
    assert directive is not None, "the demo data has an issued directive for education"
    response = user_client("itmanager").post(
        reverse("resolutions:directive_acknowledge", kwargs={"pk": directive.pk})
    )
    assert response.status_code == 302
    [event] = events_for(directive, action=AuditAction.TRANSITION)
    manager = user("itmanager")
    assert event.actor == manager
    assert event.body_id == directive.body_id
    assert event.before == {"state": "issued", "acknowledged_at": None, "acknowledged_by": None}
    assert event.after["state"] == "acknowledged"
    assert event.after["acknowledged_by"] == manager.pk
    assert event.after["acknowledged_at"].startswith(str(timezone.now().year))


def test_directive_acknowledgement_by_the_service_records_a_command(working_group):
    directive = Directive.objects.filter(agency=education(), state=DirectiveState.ISSUED).first()
    directive_acknowledge(directive=directive, user=user("itmanager"))
    [event] = events_for(directive, action=AuditAction.TRANSITION)
    assert (event.actor, event.source) == (None, AuditSource.COMMAND)


def test_secretariat_grant_and_revoke_are_recorded(security_committee):
    member = user("member")
    with audit.acting_as(user("admin")):
        body_secretariat_grant(body=security_committee, user=member)
        body_secretariat_revoke(body=security_committee, user=member)
    rows = AuditEvent.objects.filter(
        model="committees.BodyUserObjectPermission", body_id=security_committee.pk
    ).order_by("pk")
    assert [(e.action, (e.after or e.before)["permission"]) for e in rows] == [
        (AuditAction.GRANT, "committees.manage_body"),
        (AuditAction.GRANT, "committees.view_body_records"),
        (AuditAction.REVOKE, "committees.manage_body"),
        (AuditAction.REVOKE, "committees.view_body_records"),
    ]
    assert rows[0].after["user"] == member.pk
    assert rows[0].after["content_object"] == security_committee.pk
    assert rows[2].before["user"] == member.pk and rows[2].after == {}
    assert {e.actor_id for e in rows} == {user("admin").pk}


def test_position_holding_create_records_the_successor_and_the_end_of_the_predecessor():
    governor_post = Position.objects.get(title="استاندار")
    predecessor = governor_post.holdings.get(end_date__isnull=True)
    newcomer = PersonFactory()
    start = jdatetime.date(1405, 1, 15).togregorian()
    last_before = AuditEvent.objects.order_by("pk").last().pk
    holding = position_holding_create(
        position=governor_post, person=newcomer, start_date=start, end_current=True
    )
    [ended] = events_for(predecessor).filter(pk__gt=last_before)
    assert ended.action == AuditAction.UPDATE
    assert ended.before == {"end_date": None}
    assert ended.after == {"end_date": start.isoformat()}
    assert ended.body_id is None
    [created] = events_for(holding).filter(pk__gt=last_before)
    assert created.action == AuditAction.CREATE
    assert created.after["person"] == newcomer.pk
    assert created.after["start_date"] == start.isoformat()


def test_a_save_that_changes_nothing_records_nothing(working_group):
    meeting = future_meeting(working_group)
    meeting.save()
    assert events_for(meeting).count() == 1


def test_a_body_that_cannot_be_found_is_stored_as_none(working_group, monkeypatch):
    monkeypatch.setitem(audit.BODY_PATHS, "committees.Meeting", "no_such_field")
    meeting = future_meeting(working_group)
    assert events_for(meeting).get().body_id is None


def test_deleting_a_user_keeps_his_events_without_him(working_group):
    someone = get_user_model().objects.create_user(username="passing-by")
    with audit.acting_as(someone):
        meeting = future_meeting(working_group)
    someone.delete()
    event = events_for(meeting).get()
    assert event.actor_id is None
    assert event.after["place"] == "تالار استانداری"


# --- nothing changes or deletes it ------------------------------------------------


def test_events_refuse_change_and_delete(working_group):
    event = events_for(future_meeting(working_group)).get()
    event.object_repr = "دستکاری‌شده"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="دستکاری‌شده")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.object_repr != "دستکاری‌شده"


@POSTGRES_ONLY
def test_the_database_refuses_raw_update_and_delete(working_group):
    event = events_for(future_meeting(working_group)).get()
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET object_repr = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, object_repr=event.object_repr).exists()


def test_the_admin_offers_no_add_change_or_delete(working_group):
    event = events_for(future_meeting(working_group)).get()
    client = user_client("admin")
    assert client.get(reverse("admin:egov_portal_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:egov_portal_auditevent_add")).status_code == 403
    change = reverse("admin:egov_portal_auditevent_change", args=[event.pk])
    assert client.get(change).status_code == 200  # read-only view
    client.post(change, {"object_repr": "دستکاری‌شده"})
    delete = reverse("admin:egov_portal_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.object_repr != "دستکاری‌شده"


# --- the page ---------------------------------------------------------------------


def user_client(username: str):
    from tests.conftest import client_for

    return client_for(username)


def listed(response) -> set[int]:
    return {row["event"].pk for row in response.context["rows"]}


def test_the_page_shows_the_administrator_every_body(working_group, security_committee):
    ours = events_for(future_meeting(working_group)).get()
    theirs = events_for(future_meeting(security_committee)).get()
    response = user_client("admin").get(reverse("audit:list"), {"model": "committees.Meeting"})
    assert response.status_code == 200
    assert {ours.pk, theirs.pk} <= listed(response)


def test_the_page_shows_a_secretary_his_bodies_only(working_group, security_committee):
    ours = events_for(future_meeting(working_group)).get()
    theirs = events_for(future_meeting(security_committee)).get()
    response = user_client("secretary").get(reverse("audit:list"), {"model": "committees.Meeting"})
    assert response.status_code == 200
    assert ours.pk in listed(response)
    assert theirs.pk not in listed(response)
    everything = user_client("secretary").get(reverse("audit:list"))
    managed = {working_group.pk, Body.objects.get(kind="steering_committee").pk}
    assert {row["event"].body_id for row in everything.context["rows"]} <= managed


@pytest.mark.parametrize(("persona", "status"), [("member", 403), ("anonymous", 302)])
def test_the_page_refuses_others(persona, status):
    assert user_client(persona).get(reverse("audit:list")).status_code == status


def test_the_page_shows_each_change_before_and_after(working_group):
    meeting = future_meeting(working_group)
    user_client("secretary").post(
        reverse("committees:meeting_schedule", kwargs={"pk": meeting.pk}), {"confirm": "1"}
    )
    response = user_client("secretary").get(
        reverse("audit:list"),
        {"model": "committees.Meeting", "object_id": meeting.pk, "action": "transition"},
    )
    [row] = response.context["rows"]
    changes = {change.label: (change.before, change.after) for change in row["changes"]}
    assert changes["وضعیت"] == ("پیش‌نویس", "دعوت‌شده")
    assert len(changes) == 2  # and the number the meeting got when it was scheduled
    html = response.content.decode()
    assert "پیش‌نویس" in html and "دعوت‌شده" in html
    assert 'style="' not in html and "<script>" not in html


def test_the_page_filters_by_actor_and_date(working_group):
    with audit.acting_as(user("secretary")):
        meeting = future_meeting(working_group)
    today = jdatetime.date.fromgregorian(date=timezone.localdate())
    client = user_client("admin")
    url = reverse("audit:list")
    base = {"object_id": meeting.pk, "model": "committees.Meeting"}
    assert listed(client.get(url, {**base, "actor": "secretary"}))
    assert not listed(client.get(url, {**base, "actor": "chair"}))
    assert listed(client.get(url, {**base, "date_from": today.strftime("%Y/%m/%d")}))
    yesterday = (today - datetime.timedelta(days=1)).strftime("%Y/%m/%d")
    assert not listed(client.get(url, {**base, "date_to": yesterday}))


def _events(count: int, body: Body) -> None:
    secretary = user("secretary")
    for index in range(count):
        AuditEvent.objects.create(
            actor=secretary,
            source=AuditSource.WEB,
            action=AuditAction.TRANSITION,
            model="committees.Meeting",
            object_id="budget",
            object_repr=f"جلسه {index}",
            body_id=body.pk,
            before={"state": "draft", "starts_at": "2025-03-21T06:30:00Z"},
            after={"state": "scheduled", "starts_at": "2025-03-22T06:30:00Z"},
        )


@pytest.mark.parametrize("count", [5, 60])
@pytest.mark.parametrize("persona", ["admin", "secretary"])
def test_the_page_query_budget(persona, count, working_group, django_assert_num_queries):
    _events(count, working_group)
    client = user_client(persona)
    url = reverse("audit:list")
    budget = {"admin": 6, "secretary": 9}[persona]
    with django_assert_num_queries(budget):
        response = client.get(url, {"object_id": "budget"})
    assert len(response.context["rows"]) == min(count, 50)
