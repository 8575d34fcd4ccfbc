"""A column for the shadows the highlighter scans (``search.text.snippet_shadows``),
filled by migration 0007. A row without them still gets correct snippets: its
shadows are made at search time."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0004_change_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchtext",
            name="snippet_shadows",
            field=models.TextField(null=True, blank=True),  # nullable: see the model
        ),
    ]
