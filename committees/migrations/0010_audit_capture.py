"""On PostgreSQL the database records in the audit trail every write to bodies, seats,
memberships, meetings, minutes, agenda items, invitations and body permission rows.

``egov_audit_row()`` (egov_portal/0010_audit_capture) runs after each row written — by the
ORM, ``QuerySet.update()``, ``bulk_create``, raw SQL or psql — and after ``TRUNCATE``, and
inserts the ``AuditEvent``; the arguments name the model, the noun of the description a
write without the application gets, the kind (a permission row is a grant or revocation)
and the path to the body: the column on the row, then pairs of table and column.
``tests/test_audit_capture.py`` checks them against the registry (``track()`` in apps.py).
"""

from django.db import migrations

# (table, trigger arguments: label, description noun, kind, then the path to the body)
AUDITED = [
    ("committees_body", ["committees.Body", "رکن", "row", "id"]),
    ("committees_seat", ["committees.Seat", "جایگاه", "row", "body_id"]),
    ("committees_membership", ["committees.Membership", "عضویت", "row", "seat_id", "committees_seat", "body_id"]),
    ("committees_meeting", ["committees.Meeting", "جلسه", "row", "body_id"]),
    ("committees_minutes", ["committees.Minutes", "صورتجلسه", "row", "meeting_id", "committees_meeting", "body_id"]),
    ("committees_agendaitem", ["committees.AgendaItem", "دستور جلسه", "row", "meeting_id", "committees_meeting", "body_id"]),
    ("committees_invitation", ["committees.Invitation", "دعوت\u200cنامه", "row", "meeting_id", "committees_meeting", "body_id"]),
    ("committees_bodyuserobjectpermission", ["committees.BodyUserObjectPermission", "مجوز کاربر بر رکن", "permission", "content_object_id"]),
]


def trigger_sql(table: str, arguments: list[str]) -> list[str]:
    args = ", ".join("'" + argument.replace("'", "''") + "'" for argument in arguments)
    return [
        f"CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION egov_audit_row({args});",
        f"CREATE TRIGGER {table}_audit_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION egov_audit_row({args});",
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, arguments in AUDITED:
        for sql in trigger_sql(table, arguments):
            schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _arguments in AUDITED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_audit ON {table};")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_audit_truncate ON {table};")


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0009_calendar_feed_token"),
        ("egov_portal", "0010_audit_capture"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
