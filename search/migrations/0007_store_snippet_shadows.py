"""Work out the snippet shadows of the rows written before they were stored
(``store.store_snippet_shadows``: a batch per transaction, so nothing is
locked for longer than a batch and a migration stopped half-way goes on where
it stopped). It calls the live ``search.text.snippet_shadows``, as
``search_reindex`` does: shadows made by other code would not be trusted."""

from django.db import migrations


def store_shadows(apps, schema_editor):
    from search.backends.embedded.store import store_snippet_shadows

    store_snippet_shadows(schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0006_fulltext_triggers_read_their_columns")]

    operations = [migrations.RunPython(store_shadows, migrations.RunPython.noop)]
