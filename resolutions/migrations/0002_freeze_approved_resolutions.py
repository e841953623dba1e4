"""On PostgreSQL, resolutions of approved minutes refuse every change (see committees/0004)."""

from django.db import migrations

CHILDREN = [
    ("resolutions_resolution", "meeting_id", ""),
    ("resolutions_resolutionagency", "resolution_id", "resolutions_resolution"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, parent in CHILDREN:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION egov_refuse_if_minutes_approved('{column}', '{parent}');"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _column, _parent in CHILDREN:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};")


class Migration(migrations.Migration):
    dependencies = [
        ("resolutions", "0001_initial"),
        ("committees", "0004_freeze_approved_minutes"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
