"""The "Press" group: membership is what an approved press account is
(``storybank.core.visibility.PRESS_GROUP_NAME``). It carries no permission."""

from django.db import migrations

PRESS_GROUP_NAME = "Press"  # frozen copy: a migration does not follow later renames


def create_press_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=PRESS_GROUP_NAME)


class Migration(migrations.Migration):
    dependencies = [("press_accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_press_group, migrations.RunPython.noop)]
