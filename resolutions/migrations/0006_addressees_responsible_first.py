# The addressed agencies are listed responsible first, then collaborating, each in Persian
# dictionary order (alphabetical "role" put the collaborating agencies first).

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("resolutions", "0005_snapshot_approved_minutes"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="resolutionagency",
            options={
                "ordering": [
                    "resolution",
                    models.Case(
                        models.When(role="responsible", then=models.Value(0)),
                        default=models.Value(1),
                    ),
                    django.db.models.functions.comparison.Collate(
                        models.F("agency__name"), "fa-x-icu"
                    ),
                ],
                "verbose_name": "دستگاه مخاطب مصوبه",
                "verbose_name_plural": "دستگاه\u200cهای مخاطب مصوبه",
            },
        ),
    ]
