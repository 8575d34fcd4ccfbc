"""Work out the snippet shadows of the rows written before they were stored,
a batch per transaction: nothing is locked for longer than a batch, and a
migration stopped half-way goes on where it stopped (only rows without
shadows are read). It calls the live ``search.text.snippet_shadows``, as
``search_reindex`` does: shadows made by other code would not be trusted."""

from django.db import migrations, transaction

BATCH = 500


def store_shadows(apps, schema_editor):
    from search.text import snippet_shadows

    connection = schema_editor.connection
    last = -1
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                "SELECT document_id, summary, body FROM search_searchtext "
                "WHERE snippet_shadows IS NULL AND document_id > %s ORDER BY document_id LIMIT %s",
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
    atomic = False
    dependencies = [("search", "0006_fulltext_triggers_read_their_columns")]

    operations = [migrations.RunPython(store_shadows, migrations.RunPython.noop)]
