"""The two embedded engines fold the same way and the index follows every write."""

from __future__ import annotations

import unicodedata

import pytest
from django.db import connection

from search.text import fold

pytestmark = pytest.mark.django_db

VOWELS = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
VIETNAMESE_LETTERS = sorted(
    {unicodedata.normalize("NFC", vowel + tone) for vowel in VOWELS for tone in TONES} | {"đ"}
)


def test_python_folding_covers_every_vietnamese_letter():
    for letter in VIETNAMESE_LETTERS + [letter.upper() for letter in VIETNAMESE_LETTERS]:
        assert fold(letter).isascii() and len(fold(letter)) == 1, letter


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's unaccent")
def test_postgresql_unaccent_folds_like_python():
    text = " ".join(VIETNAMESE_LETTERS + [letter.upper() for letter in VIETNAMESE_LETTERS])
    text += " Rượu ngô Bắc Hà Đồng Văn hmông"  # token streams never contain apostrophes
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_to_string(tsvector_to_array(to_tsvector('search_folded', %s)), ' ')", [text])
        lexemes = set(cursor.fetchone()[0].split())
    assert lexemes == {fold(word) for word in text.split()}
    with connection.cursor() as cursor:
        for letter in VIETNAMESE_LETTERS:
            cursor.execute("SELECT lower(unaccent(%s))", [letter.upper()])
            assert cursor.fetchone()[0] == fold(letter), letter


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 triggers")
def test_sqlite_full_text_rows_follow_inserts_updates_and_deletes():
    from search.models import SearchDocument, SearchText

    def matches(expression: str) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression])
            return [row[0] for row in cursor.fetchall()]

    document = SearchDocument.objects.create(object_type="image", object_id=1, locale="vi", kind="image")
    text = SearchText.objects.create(document=document, status="public", title="Rượu ngô", title_tokens="rượu ngô")
    assert matches('{title_folded} : "ruou"') == [document.pk]
    text.title_tokens = "chè shan tuyết"
    text.save()
    assert matches('{title_folded} : "ruou"') == [] and matches('{title} : "chè"') == [document.pk]
    text.delete()
    assert matches('{title_folded} : "che"') == []
