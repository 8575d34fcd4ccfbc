"""The full-text index behind ``SearchText``, in each database's own engine.

* SQLite: an FTS5 table ``search_fts`` (contentless; its rowid is the
  document id) with exact and folded columns. Triggers on ``search_searchtext``
  keep it in step; the folded columns come from ``search_fold()``, the
  Python :func:`search.text.fold` registered on every SQLite connection
  (``search.apps``).
* PostgreSQL: the ``unaccent`` extension, a ``search_folded`` text search
  configuration (unaccent, then simple), a weighted ``tsvector`` column kept
  by a trigger (A exact title, B folded title, C exact text, D folded text and
  CJK characters) and a GIN index.

Other databases get no full-text index (the embedded backend refuses them).
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title, title_folded, text, text_folded, cjk_chars,
        content='', tokenize='ascii', prefix='2 3'
    )""",
    """CREATE TRIGGER search_text_after_insert AFTER INSERT ON search_searchtext BEGIN
        INSERT INTO search_fts(rowid, title, title_folded, text, text_folded, cjk_chars)
        VALUES (new.document_id, new.title_tokens, search_fold(new.title_tokens),
                new.text_tokens, search_fold(new.text_tokens), new.cjk_chars);
    END""",
    """CREATE TRIGGER search_text_after_delete AFTER DELETE ON search_searchtext BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, title_folded, text, text_folded, cjk_chars)
        VALUES ('delete', old.document_id, old.title_tokens, search_fold(old.title_tokens),
                old.text_tokens, search_fold(old.text_tokens), old.cjk_chars);
    END""",
    """CREATE TRIGGER search_text_after_update AFTER UPDATE ON search_searchtext BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, title_folded, text, text_folded, cjk_chars)
        VALUES ('delete', old.document_id, old.title_tokens, search_fold(old.title_tokens),
                old.text_tokens, search_fold(old.text_tokens), old.cjk_chars);
        INSERT INTO search_fts(rowid, title, title_folded, text, text_folded, cjk_chars)
        VALUES (new.document_id, new.title_tokens, search_fold(new.title_tokens),
                new.text_tokens, search_fold(new.text_tokens), new.cjk_chars);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_text_after_update",
    "DROP TRIGGER IF EXISTS search_text_after_delete",
    "DROP TRIGGER IF EXISTS search_text_after_insert",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION search_folded (COPY = simple)",
    """ALTER TEXT SEARCH CONFIGURATION search_folded
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part,
                          numword, numhword, hword_numpart
        WITH unaccent, simple""",
    "ALTER TABLE search_searchtext ADD COLUMN vector tsvector",
    """CREATE FUNCTION search_text_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.vector :=
            setweight(to_tsvector('simple', NEW.title_tokens), 'A')
            || setweight(to_tsvector('search_folded', NEW.title_tokens), 'B')
            || setweight(to_tsvector('simple', NEW.text_tokens), 'C')
            || setweight(to_tsvector('search_folded', NEW.text_tokens || ' ' || NEW.cjk_chars), 'D');
        RETURN NEW;
    END
    $$""",
    """CREATE TRIGGER search_text_vector BEFORE INSERT OR UPDATE ON search_searchtext
        FOR EACH ROW EXECUTE FUNCTION search_text_vector()""",
    "CREATE INDEX search_text_vector_gin ON search_searchtext USING gin (vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_text_vector_gin",
    "DROP TRIGGER IF EXISTS search_text_vector ON search_searchtext",
    "DROP FUNCTION IF EXISTS search_text_vector()",
    "ALTER TABLE search_searchtext DROP COLUMN IF EXISTS vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS search_folded",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
