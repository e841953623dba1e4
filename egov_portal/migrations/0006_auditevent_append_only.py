"""On PostgreSQL the database itself keeps the audit trail append-only.

A trigger refuses every UPDATE and DELETE on ``egov_portal_auditevent`` — raw SQL, the
shell, a stray script — with one exception: deleting a user sets ``actor_id`` to NULL on
his events (``on_delete=SET_NULL``), so an UPDATE that changes nothing but ``actor_id`` to
NULL passes. TRUNCATE fires no row trigger: 0008_refuse_truncate refuses it.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION egov_refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER egov_portal_auditevent_append_only BEFORE UPDATE OR DELETE
    ON egov_portal_auditevent FOR EACH ROW EXECUTE FUNCTION egov_refuse_audit_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS egov_portal_auditevent_append_only ON egov_portal_auditevent;"
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS egov_refuse_audit_change();")


class Migration(migrations.Migration):
    dependencies = [("egov_portal", "0005_auditevent")]
    operations = [migrations.RunPython(forwards, backwards)]
