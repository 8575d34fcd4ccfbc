"""Store the shadows the highlighter scans (``search.text.snippet_shadows``)
beside each document's text, and work them out for the rows already there, so
that no search pays for them again. A row without them still gets correct
snippets: its shadows are made at search time, as before."""

from django.db import migrations, models

BATCH = 500


def store_shadows(apps, schema_editor):
    from search.text import snippet_shadows

    connection = schema_editor.connection
    last = -1
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT document_id, summary, body FROM search_searchtext WHERE document_id > %s "
                "ORDER BY document_id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            cursor.executemany(
                "UPDATE search_searchtext SET snippet_shadows = %s WHERE document_id = %s",
                [(snippet_shadows(summary, body), document_id) for document_id, summary, body in rows],
            )
            last = rows[-1][0]


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
        migrations.RunPython(store_shadows, migrations.RunPython.noop),
    ]
