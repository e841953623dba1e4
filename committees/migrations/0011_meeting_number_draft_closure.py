"""A draft meeting has no number yet (it gets one when the invitations go out), and the
announced closures move to committees, whose working-day calendar reads them (the table
keeps its name: only Django's state changes; resolutions/0009 drops it from resolutions)."""

import egov_portal.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0010_audit_capture"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Closure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "day",
                            egov_portal.fields.JalaliDateField(unique=True, verbose_name="روز"),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="علت")),
                    ],
                    options={
                        "verbose_name": "تعطیلی اعلام\u200cشده",
                        "verbose_name_plural": "تعطیلی\u200cهای اعلام\u200cشده",
                        "db_table": "resolutions_closure",
                        "ordering": ["-day"],
                    },
                ),
            ],
        ),
        migrations.AlterField(
            model_name="meeting",
            name="number",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="هنگام ارسال دعوت\u200cنامه\u200cها داده می\u200cشود (پیش\u200cنویس شماره ندارد)؛ صفر برای جلسه تاریخی\u200cای که شماره\u200cاش معلوم نیست.",
                null=True,
                verbose_name="شماره جلسه",
            ),
        ),
    ]
