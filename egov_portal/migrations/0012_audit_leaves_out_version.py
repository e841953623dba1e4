"""The audit trigger on PostgreSQL leaves out ``version`` (``egov_portal.versioning``): it
counts edits, like ``updated_at``, and says nothing about the change. The function is the
one of ``0010_audit_capture`` with the column added to its list; ``EXCLUDED_FIELDS`` in
``egov_portal.audit.trail`` says the same for SQLite."""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION egov_audit_values(item jsonb, stamps text[]) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_object_agg(
        CASE WHEN key LIKE '%\_id' THEN left(key, -3) ELSE key END,
        CASE
            WHEN key = ANY (stamps) AND jsonb_typeof(value) = 'string' THEN to_jsonb(
                to_char((value #>> '{}')::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
                || CASE
                    WHEN extract(microseconds FROM (value #>> '{}')::timestamptz)::bigint % 1000000 <> 0
                    THEN to_char((value #>> '{}')::timestamptz AT TIME ZONE 'UTC', '.MS')
                    ELSE ''
                END
                || 'Z')
            ELSE value
        END), '{}'::jsonb)
    FROM jsonb_each(item)
    WHERE NOT key = ANY ('{EXCLUDED}'::text[])
$$;
"""

BEFORE = "id,canonical,created_at,last_used_at,last_used_from,search_text,snapshot,updated_at"
AFTER = f"{BEFORE},version"


def _define(schema_editor, excluded: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION.replace("EXCLUDED", excluded), params=None)


def forwards(apps, schema_editor):
    _define(schema_editor, AFTER)


def backwards(apps, schema_editor):
    _define(schema_editor, BEFORE)


class Migration(migrations.Migration):
    dependencies = [("egov_portal", "0011_province_letterhead")]
    operations = [migrations.RunPython(forwards, backwards)]
