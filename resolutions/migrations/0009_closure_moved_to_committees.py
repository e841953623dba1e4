"""The announced closures now belong to committees (committees/0011 took the same table)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("resolutions", "0008_audit_capture"),
        ("committees", "0011_meeting_number_draft_closure"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Closure")],
        ),
    ]
