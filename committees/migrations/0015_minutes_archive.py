"""Approved minutes keep their archived PDF file: its name, SHA-256 and signer.

Adding the columns fires no row trigger. The freeze of approved minutes (0004) then refuses
every change to an approved row, which would keep minutes approved before this migration
from ever getting their file. On PostgreSQL the trigger ``committees_minutes_frozen`` (same
name, so ``resolutions/0005`` still finds it) now calls ``egov_refuse_minutes_change``: the
same refusal, except for one update of approved minutes that fills the three archive columns
while they are empty and changes nothing else. Once filled they are frozen like the rest.
"""

from django.db import migrations, models

ARCHIVE_COLUMNS = "ARRAY['archive', 'archive_sha256', 'archive_signer']"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION egov_refuse_minutes_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.archive_sha256 = '' AND NEW.archive_sha256 <> ''
       AND (to_jsonb(NEW) - {ARCHIVE_COLUMNS}) = (to_jsonb(OLD) - {ARCHIVE_COLUMNS}) THEN
        RETURN NEW;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM committees_meeting WHERE id = OLD.meeting_id AND state = 'approved'
    ) THEN
        RAISE EXCEPTION 'approved minutes are frozen: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND EXISTS (
        SELECT 1 FROM committees_meeting WHERE id = NEW.meeting_id AND state = 'approved'
    ) THEN
        RAISE EXCEPTION 'approved minutes are frozen: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
"""

TRIGGER = (
    "CREATE TRIGGER committees_minutes_frozen BEFORE INSERT OR UPDATE OR DELETE "
    "ON committees_minutes FOR EACH ROW EXECUTE FUNCTION {function};"
)
DROP_TRIGGER = "DROP TRIGGER IF EXISTS committees_minutes_frozen ON committees_minutes;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(DROP_TRIGGER)
    schema_editor.execute(TRIGGER.format(function="egov_refuse_minutes_change()"))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP_TRIGGER)
    schema_editor.execute(
        TRIGGER.format(function="egov_refuse_if_minutes_approved('meeting_id', '')")
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS egov_refuse_minutes_change();")


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0014_minutes_comments"),
    ]

    operations = [
        migrations.AddField(
            model_name="minutes",
            name="archive",
            field=models.FileField(
                blank=True,
                editable=False,
                max_length=200,
                upload_to="minutes/",
                verbose_name="نسخه بایگانی (PDF)",
            ),
        ),
        migrations.AddField(
            model_name="minutes",
            name="archive_sha256",
            field=models.CharField(
                blank=True,
                db_index=True,
                editable=False,
                max_length=64,
                verbose_name="SHA-256 نسخه بایگانی",
            ),
        ),
        migrations.AddField(
            model_name="minutes",
            name="archive_signer",
            field=models.CharField(
                blank=True, editable=False, max_length=300, verbose_name="امضاکننده نسخه بایگانی"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
