from django.db import migrations


def create_state(apps, schema_editor):
    apps.get_model("search", "SearchIndexState").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(create_state, migrations.RunPython.noop)]
