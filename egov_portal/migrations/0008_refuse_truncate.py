"""On PostgreSQL nobody empties the audit trail with TRUNCATE either.

Row-level triggers (0006) do not fire on ``TRUNCATE``, so a statement-level ``BEFORE
TRUNCATE`` trigger refuses it. ``egov_refuse_change(reason)`` raises «<reason>: <operation>
on <table> refused» whatever the operation; committees and resolutions attach it to their
frozen and append-only tables too. It covers ``TRUNCATE … CASCADE`` (every table truncated
fires its trigger) and so ``manage.py flush``; the test runner's flush between transactional
tests runs in replica mode, where ordinary triggers do not fire (``tests/conftest.py``).
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION egov_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%: % on % refused', TG_ARGV[0], TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER egov_portal_auditevent_no_truncate BEFORE TRUNCATE ON egov_portal_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION egov_refuse_change('the audit trail is append-only');
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS egov_portal_auditevent_no_truncate ON egov_portal_auditevent;"
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS egov_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("egov_portal", "0007_notification_preferences")]
    operations = [migrations.RunPython(forwards, backwards)]
