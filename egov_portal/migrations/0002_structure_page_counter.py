"""The structure page's view counter exists from the start, so a view is one UPDATE."""

from django.db import migrations


def create(apps, schema_editor):
    apps.get_model("egov_portal", "PageCounter").objects.get_or_create(key="structure")


class Migration(migrations.Migration):
    dependencies = [("egov_portal", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
