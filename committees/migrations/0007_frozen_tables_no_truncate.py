"""On PostgreSQL no table of the minutes can be emptied with TRUNCATE.

The freeze of approved minutes (0004) is row-level and TRUNCATE fires no row triggers, so
each table it covers gets a statement-level ``BEFORE TRUNCATE`` trigger that refuses it
outright (``egov_refuse_change``, egov_portal/0008). With ``CASCADE`` every table truncated
fires its own trigger, so truncating a parent (``committees_body CASCADE``) is refused too.
"""

from django.db import migrations

TABLES = [
    "committees_meeting",
    "committees_agendaitem",
    "committees_invitation",
    "committees_guest",
    "committees_minutes",
    "committees_paper",
    "committees_minutesreview",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT "
            "EXECUTE FUNCTION egov_refuse_change('approved minutes are frozen');"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0006_body_letter_pattern"),
        ("egov_portal", "0008_refuse_truncate"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
