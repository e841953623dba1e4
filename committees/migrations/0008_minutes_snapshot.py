"""The minutes keep a snapshot of everything they print, frozen at approval.

Adding the columns fires no row trigger, so the freeze of approved minutes (0004) lets it
pass; the snapshots of minutes approved before this are written by ``resolutions/0005``.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("committees", "0007_frozen_tables_no_truncate")]

    operations = [
        migrations.AddField(
            model_name="minutes",
            name="snapshot",
            field=models.JSONField(
                blank=True, default=dict, editable=False, verbose_name="متن تأییدشده"
            ),
        ),
        migrations.AddField(
            model_name="minutes",
            name="previous_fingerprint",
            field=models.CharField(
                blank=True,
                db_index=True,
                editable=False,
                max_length=64,
                verbose_name="اثر انگشت پیشین",
            ),
        ),
    ]
