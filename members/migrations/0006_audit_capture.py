"""On PostgreSQL the database records in the audit trail every write to tenures of posts,
the agency permission rows and the agencies' API keys (their last use, a bookkeeping
column the API updates on each request, is left out like ``updated_at``).

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
    ("members_positionholding", ["members.PositionHolding", "تصدی سمت", "row"]),
    ("members_agencyuserobjectpermission", ["members.AgencyUserObjectPermission", "مجوز کاربر بر دستگاه", "permission"]),
    ("members_agencyapitoken", ["members.AgencyApiToken", "کلید رابط برنامه\u200cنویسی دستگاه", "row"]),
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
        ("members", "0005_agency_api_token"),
        ("egov_portal", "0010_audit_capture"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
