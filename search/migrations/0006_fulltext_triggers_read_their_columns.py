"""The full-text triggers of ``search_searchtext`` fire only when a column they
read changes (the tokens and CJK characters): filling another column, such as
``snippet_shadows``, no longer rewrites every full-text row (SQLite's FTS5 row,
PostgreSQL's four ``tsvector``s)."""

from django.db import migrations

SQLITE_UPDATE_TRIGGER = """CREATE TRIGGER search_text_after_update AFTER UPDATE {columns}ON search_searchtext BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, title_folded, text, text_folded, cjk_chars)
        VALUES ('delete', old.document_id, old.title_tokens, search_fold(old.title_tokens),
                old.text_tokens, search_fold(old.text_tokens), old.cjk_chars);
        INSERT INTO search_fts(rowid, title, title_folded, text, text_folded, cjk_chars)
        VALUES (new.document_id, new.title_tokens, search_fold(new.title_tokens),
                new.text_tokens, search_fold(new.text_tokens), new.cjk_chars);
    END"""
POSTGRES_TRIGGER = """CREATE TRIGGER search_text_vector BEFORE INSERT OR UPDATE {columns}ON search_searchtext
        FOR EACH ROW EXECUTE FUNCTION search_text_vector()"""
READ_COLUMNS = "OF title_tokens, text_tokens, cjk_chars "


def statements(vendor: str, columns: str) -> list[str]:
    if vendor == "sqlite":
        return ["DROP TRIGGER IF EXISTS search_text_after_update", SQLITE_UPDATE_TRIGGER.format(columns=columns)]
    if vendor == "postgresql":
        return ["DROP TRIGGER IF EXISTS search_text_vector ON search_searchtext",
                POSTGRES_TRIGGER.format(columns=columns)]
    return []


def narrow(apps, schema_editor):
    for statement in statements(schema_editor.connection.vendor, READ_COLUMNS):
        schema_editor.execute(statement)


def widen(apps, schema_editor):
    for statement in statements(schema_editor.connection.vendor, ""):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_snippet_shadows")]

    operations = [migrations.RunPython(narrow, widen)]
