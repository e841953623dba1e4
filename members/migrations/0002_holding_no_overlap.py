"""On PostgreSQL the database itself refuses two holders of one post on the same day."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE members_positionholding ADD CONSTRAINT holding_no_overlap
    EXCLUDE USING gist (position_id WITH =, daterange(start_date, end_date, '[)') WITH &&);
"""
DROP = "ALTER TABLE members_positionholding DROP CONSTRAINT IF EXISTS holding_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
