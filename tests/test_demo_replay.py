"""The demo replay (tests/demo_replay.py) writes back exactly what was recorded:
added, changed and removed rows, the full-text rows its triggers keep, and
sequences that go on past the replayed ids; and it refuses, saying why, when it
cannot."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction

from tests.demo_replay import _read_tables, _Recording

pytestmark = pytest.mark.django_db


def full_text_matches(word: str) -> list[int]:
    """Document ids whose folded text matches ``word``, read from the trigger-kept table."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [f'{{text_folded}} : "{word}"'])
        else:
            cursor.execute(
                "SELECT document_id FROM search_searchtext WHERE vector @@ to_tsquery('search_folded', %s)", [word]
            )
        return sorted(row[0] for row in cursor.fetchall())


def make_changes(locales) -> dict[str, int]:
    """Rows added, one changed and one removed, like load_demo's own changes."""
    from wagtail.models import Collection, Site

    from search.models import SearchDocument, SearchText
    from storybank.taxonomy.models import Place

    place = Place.objects.create(
        slug="y-ty", name="Y Tý", kind="commune", latitude=22.62, longitude=103.62, locale=locales["vi"]
    )
    document = SearchDocument.objects.create(object_type="image", object_id=place.pk, locale="vi", kind="image")
    SearchText.objects.create(document=document, status="public", title="Y Tý", text_tokens="ruộng bậc thang y tý")
    Site.objects.filter(is_default_site=True).update(site_name="Câu chuyện Lào Cai")
    Collection.get_first_root_node().add_child(name="Tạm thời").delete()
    return {"place": place.pk, "document": document.pk}


def test_a_replay_writes_back_exactly_the_recorded_rows(locales):
    from storybank.taxonomy.models import Place

    before = _read_tables()
    with transaction.atomic():
        made = make_changes(locales)
        after = _read_tables()
        transaction.set_rollback(True)
    assert _read_tables() == before and full_text_matches("ruong") == []

    assert _Recording(before=before, after=after).replay()

    assert _read_tables() == after
    assert full_text_matches("ruong") == [made["document"]]
    later = Place.objects.create(
        slug="bat-xat", name="Bát Xát", kind="commune", latitude=22.53, longitude=103.88, locale=locales["vi"]
    )
    assert later.pk > made["place"]


def test_a_replay_refuses_a_different_starting_point(locales):
    from storybank.taxonomy.models import Place

    before = _read_tables()
    with transaction.atomic():
        make_changes(locales)
        after = _read_tables()
        transaction.set_rollback(True)
    Place.objects.create(
        slug="sa-pa", name="Sa Pa", kind="ward", latitude=22.34, longitude=103.84, locale=locales["vi"]
    )

    with pytest.warns(UserWarning, match="does not start where the recording did"):
        assert not _Recording(before=before, after=after).replay()
    assert not Place.objects.filter(slug="y-ty").exists()


def test_a_replay_refuses_when_a_file_its_rows_name_is_gone(locales):
    """A test may delete a file whose row its rollback brings back: the replay
    then loads for real, and its warning says which file is gone."""
    from tests.search.factories import make_image

    before = _read_tables()
    with transaction.atomic():
        image = make_image("Ảnh đã mất tệp")
        after = _read_tables()
        transaction.set_rollback(True)
    image.file.storage.delete(image.file.name)

    gone = f"the file {image.file.name} that assets.LaoCaiImage.file names is gone"
    with pytest.warns(UserWarning, match=re.escape(gone)):
        assert not _Recording(before=before, after=after).replay()
    assert _read_tables() == before
