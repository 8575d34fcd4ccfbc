from django.db import migrations, models


def create_state(apps, schema_editor):
    apps.get_model("search", "SearchIndexState").objects.get_or_create(pk=1)


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0002_fulltext'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchIndexState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('generation', models.BigIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'search index state',
            },
        ),
        migrations.RunPython(create_state, migrations.RunPython.noop),
    ]
