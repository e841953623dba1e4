from django.db import migrations, models

import egov_portal.validators


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_persian_name_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="salutation",
            field=models.CharField(
                blank=True,
                help_text=(
                    "عنوان سمت رئیس دستگاه، چنان‌که نامه‌ها با آن آغاز می‌شوند: «شهردار محترم رشت»، "
                    "«فرماندار محترم شهرستان رشت»، «مدیرکل محترم آموزش و پرورش استان گیلان». "
                    "خالی بماند، نامه‌ها «مدیر محترم» و نام دستگاه را می‌نویسند."
                ),
                max_length=200,
                validators=[egov_portal.validators.validate_no_bidi_controls],
                verbose_name="خطاب نامه‌ها",
            ),
        ),
    ]
