"""Make again the snippet shadows stored before every character that is no
word character became a space in them (``search.text._SHADOW``): searches do
not trust those (their ``SHADOWS_MADE_BY`` differs) and would make them anew
at every search. The work of 0007, on the rows whose shadows are stale."""

from django.db import migrations


def store_shadows_again(apps, schema_editor):
    from search.backends.embedded.store import store_snippet_shadows

    store_snippet_shadows(schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0007_store_snippet_shadows")]

    operations = [migrations.RunPython(store_shadows_again, migrations.RunPython.noop)]
