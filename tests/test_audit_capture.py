"""Writes that used to escape the audit trail: group membership (the governor's office) on
every database; on PostgreSQL, ``QuerySet.update()``, ``bulk_create``, raw SQL, a session
outside the portal and ``TRUNCATE``, which the database's own triggers record.

The ORM path (``save()``/``delete()`` and the services) is tests/test_audit.py's, which
passes unchanged on both databases: one event per write, with the same fields as before.
"""

from __future__ import annotations

import datetime
import re

import psycopg2
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from committees.models import AgendaItem, Body, BodyKind, Meeting
from committees.services.meetings import meeting_create
from committees.services.structure import GOVERNOR_OFFICE_GROUP, governor_office_grant
from egov_portal.audit import trail as audit
from egov_portal.models import AuditAction, AuditEvent, AuditSource
from tests.conftest import client_for
from tests.meeting_helpers import user


def postgres_only(test):
    skip = pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the capture triggers exist on PostgreSQL only (CI runs PostgreSQL)",
    )
    return pytest.mark.postgres(skip(test))


def events_for(obj, **filters):
    return AuditEvent.objects.filter(
        model=obj._meta.label, object_id=str(obj.pk), **filters
    ).order_by("pk")


def since(mark: int, **filters):
    return AuditEvent.objects.filter(pk__gt=mark, **filters).order_by("pk")


def last_event_id() -> int:
    return AuditEvent.objects.order_by("pk").values_list("pk", flat=True).last() or 0


def future_meeting(body) -> Meeting:
    return meeting_create(
        body=body, starts_at=timezone.now() + datetime.timedelta(days=3), place="تالار استانداری"
    )


@pytest.fixture
def security_committee(db) -> Body:
    return Body.objects.get(name="کمیته امنیت")


# --- group membership, on every database ----------------------------------------------


@pytest.mark.django_db
def test_joining_and_leaving_the_governors_office_are_recorded():
    member = user("member")
    mark = last_event_id()
    with audit.acting_as(user("admin")):
        governor_office_grant(user=member)
        Group.objects.get(name=GOVERNOR_OFFICE_GROUP).user_set.remove(member)
    granted, revoked = since(mark, model="auth.User_groups")
    membership = {"user": member.pk, "group": GOVERNOR_OFFICE_GROUP}
    assert (granted.action, granted.before, granted.after) == (AuditAction.GRANT, {}, membership)
    assert (revoked.action, revoked.before, revoked.after) == (AuditAction.REVOKE, membership, {})
    assert granted.object_id == revoked.object_id
    for event in (granted, revoked):
        assert event.object_repr == f"member — {GOVERNOR_OFFICE_GROUP}"
        assert (event.actor, event.source, event.body_id) == (user("admin"), "command", None)

    page = client_for("admin").get(reverse("audit:list"), {"model": "auth.User_groups"})
    rows = [row for row in page.context["rows"] if row["event"].pk == granted.pk]
    assert rows and rows[0]["model_name"] == "عضویت در گروه"
    assert ("auth.User_groups", "عضویت در گروه") in page.context["form"].fields["model"].choices


@pytest.mark.django_db
def test_group_membership_from_the_user_side_and_clear_are_recorded():
    member = user("member")
    office, _created = Group.objects.get_or_create(name=GOVERNOR_OFFICE_GROUP)
    other = Group.objects.create(name="گروه آزمایشی")
    mark = last_event_id()
    member.groups.add(office, other)
    member.groups.clear()
    rows = since(mark, model="auth.User_groups")
    assert sorted((e.action, e.after.get("group") or e.before["group"]) for e in rows) == sorted(
        (action, group)
        for action in (AuditAction.GRANT, AuditAction.REVOKE)
        for group in (GOVERNOR_OFFICE_GROUP, "گروه آزمایشی")
    )


# --- PostgreSQL: the database records what the ORM's signals never see -------------------


@pytest.mark.django_db
@postgres_only
def test_queryset_update_is_recorded_with_the_changed_fields_only(working_group):
    meeting = future_meeting(working_group)
    moved = datetime.datetime(2026, 3, 21, 6, 30, 15, 123456, tzinfo=datetime.UTC)
    Meeting.objects.filter(pk=meeting.pk).update(place="سالن اجتماعات", starts_at=moved)
    [event] = events_for(meeting, action=AuditAction.UPDATE)
    assert event.before == {
        "place": "تالار استانداری",
        "starts_at": audit._jsonable(Meeting._meta.get_field("starts_at"), meeting.starts_at),
    }
    # The same JSON as the Python capture writes: UTC, milliseconds, «Z».
    assert event.after == {"place": "سالن اجتماعات", "starts_at": "2026-03-21T06:30:15.123Z"}
    assert (event.actor, event.source, event.address) == (None, AuditSource.COMMAND, None)
    assert event.body_id == working_group.pk
    assert event.object_repr == f"جلسه #{meeting.pk}"

    Meeting.objects.filter(pk=meeting.pk).update(state="cancelled")
    [moved_on] = events_for(meeting, action=AuditAction.TRANSITION)
    assert (moved_on.before, moved_on.after) == ({"state": "draft"}, {"state": "cancelled"})


@pytest.mark.django_db
@postgres_only
def test_an_update_inside_a_request_or_job_carries_its_actor(working_group):
    meeting = future_meeting(working_group)
    with audit.acting_as(user("secretary"), source=AuditSource.WEB):
        Meeting.objects.filter(pk=meeting.pk).update(place="سالن اجتماعات")
    [event] = events_for(meeting, action=AuditAction.UPDATE)
    assert (event.actor, event.source) == (user("secretary"), AuditSource.WEB)


@pytest.mark.django_db
@postgres_only
def test_bulk_create_records_each_row(working_group):
    meeting = future_meeting(working_group)
    items = AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, order=1, title="گزارش دبیرخانه"),
            AgendaItem(meeting=meeting, order=2, title="پنجره واحد خدمات"),
        ]
    )
    for item in items:
        [event] = events_for(item)
        assert event.action == AuditAction.CREATE
        assert event.body_id == working_group.pk
        assert event.after["meeting"] == meeting.pk
        assert event.after["title"] == item.title
        assert "created_at" not in event.after and "id" not in event.after
        assert event.object_repr == f"دستور جلسه #{item.pk}: {item.title}"


@pytest.mark.django_db
@postgres_only
def test_raw_sql_writes_are_recorded(security_committee):
    member = user("member")
    manage = Permission.objects.get(content_type__app_label="committees", codename="manage_body")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO committees_bodyuserobjectpermission (permission_id, user_id, "
            "content_object_id) VALUES (%s, %s, %s) RETURNING id",
            [manage.pk, member.pk, security_committee.pk],
        )
        [row_id] = cursor.fetchone()
        cursor.execute(
            "UPDATE committees_body SET short_name = 'امنیت فضای مجازی' WHERE id = %s",
            [security_committee.pk],
        )
        cursor.execute("DELETE FROM committees_bodyuserobjectpermission WHERE id = %s", [row_id])
    granted, revoked = AuditEvent.objects.filter(
        model="committees.BodyUserObjectPermission", object_id=str(row_id)
    ).order_by("pk")
    grant = {"permission": "committees.manage_body", "user": member.pk}
    assert granted.action == AuditAction.GRANT
    assert granted.after == {**grant, "content_object": security_committee.pk}
    assert revoked.action == AuditAction.REVOKE and revoked.after == {}
    assert revoked.before == granted.after
    assert granted.body_id == revoked.body_id == security_committee.pk
    [renamed] = events_for(security_committee, action=AuditAction.UPDATE)
    assert renamed.before == {"short_name": security_committee.short_name}
    assert renamed.after == {"short_name": "امنیت فضای مجازی"}
    assert renamed.object_repr == f"رکن #{security_committee.pk}: کمیته امنیت"


@pytest.mark.django_db
@postgres_only
def test_a_session_outside_the_portal_is_recorded_as_a_command(security_committee):
    """psql, a script: no Django, no context — still one event, in its own transaction."""
    settings = connection.settings_dict
    outside = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"] or "postgres",
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    try:
        with outside.cursor() as cursor:
            cursor.execute(
                "UPDATE committees_body SET mandate = 'بازنویسی' WHERE id = %s",
                [security_committee.pk],
            )
            cursor.execute(
                "SELECT actor_id, source, action, object_repr, body_id, after "
                "FROM egov_portal_auditevent WHERE model = 'committees.Body' AND object_id = %s "
                "ORDER BY id DESC LIMIT 1",
                [str(security_committee.pk)],
            )
            row = cursor.fetchone()
    finally:
        outside.rollback()
        outside.close()
    assert row == (
        None,
        "command",
        "update",
        f"رکن #{security_committee.pk}: کمیته امنیت",
        security_committee.pk,
        {"mandate": "بازنویسی"},
    )


@pytest.mark.django_db
@postgres_only
def test_truncate_is_recorded():
    governor_office_grant(user=user("member"))
    mark_id = last_event_id()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no foreign key check left pending
        cursor.execute("TRUNCATE auth_user_groups")
    [event] = since(mark_id)
    assert (event.model, event.object_id, event.action) == ("auth.User_groups", "*", "revoke")
    assert event.object_repr == "عضویت در گروه: همه ردیف‌ها (TRUNCATE)"


@pytest.mark.django_db
@postgres_only
def test_orm_writes_keep_their_description_and_a_raw_write_after_them_gets_its_own(working_group):
    meeting = future_meeting(working_group)
    item = AgendaItem.objects.create(meeting=meeting, order=1, title="گزارش دبیرخانه")
    item.title = "گزارش دبیر"
    item.save()
    AgendaItem.objects.filter(pk=item.pk).update(presenter="دبیر کارگروه")
    item_id = item.pk
    item.delete()
    events = [
        (e.action, e.object_repr, e.body_id)
        for e in AuditEvent.objects.filter(
            model="committees.AgendaItem", object_id=str(item_id)
        ).order_by("pk")
    ]
    assert events == [
        (AuditAction.CREATE, "گزارش دبیرخانه", working_group.pk),
        (AuditAction.UPDATE, "گزارش دبیر", working_group.pk),
        (AuditAction.UPDATE, f"دستور جلسه #{item_id}: گزارش دبیر", working_group.pk),
        (AuditAction.DELETE, "گزارش دبیر", working_group.pk),
    ]


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_writes_outside_a_transaction_carry_the_actor_and_description():
    """In autocommit mode a separate ``SELECT set_config(…)`` would be lost with its own
    transaction: the context travels in the write's statement."""
    someone = get_user_model().objects.create_user(username="autocommit-actor")
    assert connection.get_autocommit()
    with audit.acting_as(someone):
        body = Body.objects.create(name="کارگروه آزمایشی", kind=BodyKind.WORKING_GROUP)
        Body.objects.filter(pk=body.pk).update(short_name="آزمایشی")
    created, updated = events_for(body)
    assert (created.action, created.object_repr, created.actor) == ("create", body.name, someone)
    assert created.body_id == body.pk
    assert (updated.action, updated.after, updated.actor) == (
        "update",
        {"short_name": "آزمایشی"},
        someone,
    )


# --- the triggers and the registry cannot drift apart ---------------------------------


def _installed() -> dict[str, dict[str, list[str]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname, t.tgargs FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE p.proname = 'egov_audit_row' AND NOT t.tgisinternal"
        )
        found: dict[str, dict[str, list[str]]] = {}
        for table, name, args in cursor.fetchall():
            found.setdefault(table, {})[name] = bytes(args).decode().split("\x00")[:-1]
    return found


@pytest.mark.django_db
@postgres_only
def test_every_tracked_table_has_the_triggers_the_registry_describes():
    from django.apps import apps

    expected = {
        apps.get_model(label)._meta.db_table: audit.trigger_arguments(label)
        for label in audit.tracked()
    }
    assert set(_installed()) == set(expected)
    for table, triggers in _installed().items():
        assert triggers == {
            f"{table}_audit": expected[table],
            f"{table}_audit_truncate": expected[table],
        }, table

    # The trigger names fields by their column, less «_id» for a foreign key.
    for label in audit.tracked():
        for field in apps.get_model(label)._meta.concrete_fields:
            relation = field.many_to_one or field.one_to_one
            assert field.column == (f"{field.name}_id" if relation else field.name), field
            assert relation or not field.column.endswith("_id"), field
            if relation:
                assert field.target_field.column == "id", field

    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'egov_audit_values'")
        [source] = cursor.fetchone()
    [excluded] = re.findall(r"NOT key = ANY \('\{([^}]*)\}'", source)
    assert set(excluded.split(",")) == {"id", *audit.EXCLUDED_FIELDS}
