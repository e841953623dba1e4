"""On PostgreSQL the database records in the audit trail every write to resolutions, their
addressed agencies, directives and progress reports.

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
    ("resolutions_resolution", ["resolutions.Resolution", "مصوبه", "row", "meeting_id", "committees_meeting", "body_id"]),
    ("resolutions_resolutionagency", ["resolutions.ResolutionAgency", "دستگاه مخاطب مصوبه", "row", "resolution_id", "resolutions_resolution", "meeting_id", "committees_meeting", "body_id"]),
    ("resolutions_directive", ["resolutions.Directive", "ابلاغ", "row", "body_id"]),
    ("resolutions_progressreport", ["resolutions.ProgressReport", "گزارش پیشرفت", "row", "directive_id", "resolutions_directive", "body_id"]),
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
        ("resolutions", "0007_agency_webhooks"),
        ("committees", "0010_audit_capture"),
        ("egov_portal", "0010_audit_capture"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
