"""Indexes for the search at a province's scale.

* ``directive_newest``: the directives' default order (newest letter first), so a list or
  a search reads the newest matches from the index and stops at the page's end.
* On PostgreSQL, a trigram index (``pg_trgm``, a trusted extension: the database's owner
  may create it) on ``UPPER(text)`` of the resolutions, the expression Django's
  ``icontains`` compares: the search finds the resolutions that contain a word from the
  index instead of reading every text. SQLite (``make run``) has no such index and needs
  none at its size.
"""

from django.conf import settings
from django.db import migrations, models

TRIGRAM_INDEX = "resolution_text_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm;")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON resolutions_resolution "
        "USING gin ((UPPER(text::text)) gin_trgm_ops);"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX};")


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0017_versions"),
        ("members", "0007_recompute_search_text"),
        ("resolutions", "0011_resolution_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="directive",
            index=models.Index(fields=["-issued_on", "-sequence"], name="directive_newest"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
