"""Search keys of agencies, people and posts made again with today's normaliser.

``normalize_for_search`` (egov_portal/text/persian.py) now folds ە (U+06D5), ة and ہ
(U+06C1) into ه and drops the direction marks (U+200E, U+200F, U+061C, the embeddings and
isolates). ``search_text`` is computed on save, so rows saved before keep their old keys
until this runs. The keys are derived data; going back leaves them as they are.
"""

from django.db import migrations

from egov_portal.text.persian import normalize_for_search

BATCH = 500


def _recompute(model, fields: tuple[str, ...]) -> None:
    changed = []
    for row in model.objects.only("pk", "search_text", *fields).iterator(chunk_size=BATCH):
        key = normalize_for_search(" ".join(getattr(row, name) or "" for name in fields))
        if key != row.search_text:
            row.search_text = key
            changed.append(row)
    model.objects.bulk_update(changed, ["search_text"], batch_size=BATCH)


def recompute_search_text(apps, schema_editor):
    _recompute(apps.get_model("members", "Agency"), ("name", "short_name"))
    _recompute(apps.get_model("members", "Person"), ("first_name", "last_name"))
    _recompute(apps.get_model("members", "Position"), ("title",))


class Migration(migrations.Migration):
    dependencies = [("members", "0006_audit_capture")]
    operations = [migrations.RunPython(recompute_search_text, migrations.RunPython.noop)]
