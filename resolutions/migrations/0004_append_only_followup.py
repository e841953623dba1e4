"""On PostgreSQL the follow-up record is append-only and nothing frozen can be truncated.

* ``resolutions_resolution`` and ``resolutions_resolutionagency`` (frozen with approved
  minutes, 0002) refuse ``TRUNCATE``;
* a directive is never deleted: its state moves by guarded ``UPDATE``s through the
  services, but ``DELETE`` and ``TRUNCATE`` of ``resolutions_directive`` are refused;
* its history, progress reports and evidence records are only ever added to: ``UPDATE``,
  ``DELETE`` and ``TRUNCATE`` are refused.

Every refusal raises «<reason>: <operation> on <table> refused» (``egov_refuse_change``,
egov_portal/0008). ``manage.py restore`` is unaffected: ``pg_restore --clean`` drops and
recreates the tables, and creates the triggers after loading the rows.
"""

from django.db import migrations

FROZEN = "approved minutes are frozen"
NEVER_DELETED = "directives are never deleted"
APPEND_ONLY = "the follow-up record is append-only"

# (table, row operations refused, why)
TABLES = [
    ("resolutions_resolution", "", FROZEN),
    ("resolutions_resolutionagency", "", FROZEN),
    ("resolutions_directive", "DELETE", NEVER_DELETED),
    ("resolutions_directiveevent", "UPDATE OR DELETE", APPEND_ONLY),
    ("resolutions_progressreport", "UPDATE OR DELETE", APPEND_ONLY),
    ("resolutions_evidence", "UPDATE OR DELETE", APPEND_ONLY),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, operations, reason in TABLES:
        if operations:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE {operations} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION egov_refuse_change('{reason}');"
            )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION egov_refuse_change('{reason}');"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _operations, _reason in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")


class Migration(migrations.Migration):
    dependencies = [
        ("resolutions", "0003_directives"),
        ("egov_portal", "0008_refuse_truncate"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
