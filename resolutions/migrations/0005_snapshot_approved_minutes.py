"""Minutes approved before snapshots existed get theirs, and their copies keep verifying.

Each snapshot is taken from the records as they are now, by the code that takes it on
approval (``resolutions.documents.minutes.minutes_snapshot``, which reads only the fields of
the historical models it is given). The fingerprint becomes the snapshot's hash, as for
later minutes; the one printed on their copies so far moves to ``previous_fingerprint``,
and /verify/ still accepts it.

On PostgreSQL the trigger ``committees_minutes_frozen`` (committees/0004) refuses any
change to approved minutes. This migration switches that one trigger off while it writes
and on again before it ends, inside the migration's transaction, so no other session ever
sees the table without it. ``ALTER TABLE … DISABLE TRIGGER`` needs the table's owner (the
user who migrates), not a superuser.
"""

from django.db import migrations
from django.db.models import F

from resolutions.documents.minutes import fingerprint_of, minutes_snapshot

FREEZE_TRIGGER = "committees_minutes_frozen"


def _unfrozen(schema_editor, write) -> None:
    """Run ``write`` with the freeze of approved minutes off (PostgreSQL). The foreign keys'
    deferred checks of rows written in this transaction run before the trigger is switched
    on again, since ``ALTER TABLE`` refuses a table with checks still pending."""
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE;")
        schema_editor.execute(f"ALTER TABLE committees_minutes DISABLE TRIGGER {FREEZE_TRIGGER};")
    write()
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE;")
        schema_editor.execute(f"ALTER TABLE committees_minutes ENABLE TRIGGER {FREEZE_TRIGGER};")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED;")


def forwards(apps, schema_editor):
    Minutes = apps.get_model("committees", "Minutes")
    approved = Minutes.objects.filter(meeting__state="approved").select_related(
        "meeting__body", "approved_by__person"
    )
    pending = [minutes for minutes in approved.order_by("pk") if not minutes.snapshot]
    if not pending:
        return

    def write():
        for minutes in pending:
            snapshot = minutes_snapshot(minutes.meeting, minutes=minutes)
            Minutes.objects.filter(pk=minutes.pk).update(
                snapshot=snapshot,
                fingerprint=fingerprint_of(snapshot),
                previous_fingerprint=minutes.fingerprint,
            )

    _unfrozen(schema_editor, write)


def backwards(apps, schema_editor):
    Minutes = apps.get_model("committees", "Minutes")
    earlier = Minutes.objects.filter(meeting__state="approved").exclude(previous_fingerprint="")
    if not earlier.exists():
        return
    _unfrozen(
        schema_editor,
        lambda: earlier.update(
            fingerprint=F("previous_fingerprint"), previous_fingerprint="", snapshot={}
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0008_minutes_snapshot"),
        ("egov_portal", "0001_initial"),
        ("resolutions", "0004_append_only_followup"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
