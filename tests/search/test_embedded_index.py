"""The tantivy index of the embedded backend answers exactly as the database
does, and an unpublished item leaves results the moment the unpublishing
commits, even while another process holds the index's writer."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from search.backends import get_backend
from search.backends.embedded import store, writer
from search.query import SearchQuery
from search.service import search
from storybank.stories.models import StoryPage
from tests.search.test_api import HOSTILE

pytestmark = pytest.mark.django_db

QUERIES = [
    {"text": "Fansipan"},
    {"text": "fansipan"},
    {"text": "Rượu ngô Bắc Hà"},
    {"text": "ruou ngo bac ha"},
    {"text": "dinh fansipan"},
    {"text": '"ruou ngo"'},
    {"text": '"ngo ruou"'},
    {"text": "fansi*"},
    {"text": "ruộng bậc th*"},
    {"text": "Lào-Ca*"},  # a phrase whose last word is a prefix
    {"text": "a" * 200 + "*"},
    {"text": "梯田"},
    {"text": "玉米酒"},
    {"text": "酒"},
    {"text": "salmon OR cinnamon"},
    {"text": "Fansipan -cap"},
    {"text": "-fansipan"},
    {"text": "terraces", "locale": ("en",)},
    {"text": "Sa Pa", "kind": ("image",)},
    {"text": "lễ hội", "kind": ("story", "culture"), "locale": ("vi",)},
    {"text": "hmong", "ethnic_group": ("hmong", "dao"), "place": ("sa-pa", "bac-ha")},
    {},
    {"kind": ("image",)},
    {"pillar": ("sapa",), "locale": ("vi", "en")},
    {"licence": ("cc-by-4.0", "gov-reuse")},
    {"year": (timezone.now().year,)},
    {"text": "Sa Pa", "sort": "newest"},
    {"text": "Sa Pa", "sort": "oldest"},
    {"sort": "oldest", "per_page": 7, "page": 3},
    {"text": "Lào Cai", "per_page": 5, "page": 2},
    {"text": "Fansi", "titles_only": True, "facets": False, "per_page": 8},
    {"text": "Fansipan", "include_unpublished": True},
    {"text": "zzzyqx"},
]


def nonzero(facets: dict) -> dict:
    return {name: {value: count for value, count in values.items() if count} for name, values in facets.items()
            if any(values.values())}


def assert_same_answer(query: SearchQuery) -> None:
    """The index's answer (never the database's fallback) equals the SQL engine's."""
    backend = get_backend("embedded")
    from_index = backend.search_index(query)
    assert from_index is not None, "the tantivy index did not answer"
    from_database = backend.sql.search(query)
    assert from_index.total == from_database.total, query
    assert nonzero(from_index.facets) == nonzero(from_database.facets), query
    keys = [(hit.object_type, hit.object_id, hit.locale) for hit in from_index.hits]
    expected = [(hit.object_type, hit.object_id, hit.locale) for hit in from_database.hits]
    if query.effective_sort != "relevance":  # dates order both the same way (items of one date in any order)
        assert [hit.date for hit in from_index.hits] == [hit.date for hit in from_database.hits], query
    elif from_database.total <= query.per_page:
        assert sorted(keys) == sorted(expected), query


@pytest.mark.parametrize("params", QUERIES, ids=lambda params: repr(params)[:60])
def test_the_index_answers_as_the_database(demo, media, params):
    assert_same_answer(SearchQuery(**params))


def test_the_scored_words_match_what_the_counted_words_match(demo):
    """Results are ranked by the words' scored query (folded and exact fields in one disjunction)
    and counted by the folded forms alone: both must match the same documents."""
    from search.backends.embedded.index import Plan

    backend = get_backend("embedded")
    with connection.cursor() as cursor:
        searcher = backend.index.view(store.read_state(cursor)).searcher
    for params in [*QUERIES, {"text": "thang"}, {"text": "Tháng"}, {"text": "H'Mông"}, {"text": "ruou* -ngo"},
                   {"text": "fansi*", "titles_only": True}, {"text": "Sa Pa OR Bắc Hà"}]:
        plan = Plan(SearchQuery(**params), timezone.now())
        scored = searcher.search(plan.filtered(scored=True), 10_000, count=True)
        counted = searcher.search(plan.filtered(), 10_000, count=True)
        assert scored.count == counted.count, params
        assert sorted(address for _score, address in scored.hits) == sorted(address for _key, address in counted.hits)


def test_hostile_queries_on_the_index(demo):
    from search.text import QueryError

    for text in HOSTILE:
        try:
            query = SearchQuery(text=text)
        except QueryError:
            continue
        assert_same_answer(query)


def index_is_current() -> bool:
    backend = get_backend("embedded")
    with connection.cursor() as cursor:
        current = store.read_state(cursor)
    return backend.index.view(current).state == current


def found(text: str, **options) -> list[tuple[str, int]]:
    return [(hit.object_type, hit.object_id) for hit in search(SearchQuery(text=text, per_page=100, **options)).hits]


def test_unpublished_is_gone_at_once_while_another_process_holds_the_writer(demo):
    backend = get_backend("embedded")
    story = StoryPage.objects.get(title="Chinh phục Fansipan – nóc nhà Đông Dương")
    query = SearchQuery(text="Fansipan")
    assert ("page", story.pk) in found("Fansipan") and index_is_current()
    with writer.writer_lock(backend.index.path, wait=0) as held:  # the writer is busy elsewhere
        assert held
        story.unpublish()
        assert ("page", story.pk) not in found("Fansipan")
        assert not index_is_current()  # the index still has it: the search left it to the database
        assert_same_answer(query)

        story.get_latest_revision().publish()  # back at once too, matched from its new rows
        assert ("page", story.pk) in found("Fansipan")
        assert_same_answer(query)
        assert_same_answer(SearchQuery(text="Fansipan", sort="newest", per_page=3))
    assert ("page", story.pk) in found("Fansipan")
    assert index_is_current()  # the first search after the lock was free caught the index up


def test_rights_expiry_is_checked_at_query_time_in_the_index(demo):
    from tests.search.factories import make_image

    image = make_image("Ảnh quyền hạn chế Bát Xát", rights_expire_on=timezone.localdate())
    assert ("image", image.pk) in found("Bát Xát")
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert ("image", image.pk) not in found("Bát Xát", at=tomorrow)
    assert_same_answer(SearchQuery(text="Bát Xát", at=tomorrow))


def test_go_live_and_end_windows_are_judged_at_the_moment_asked(demo):
    """The index leaves out what is not public and what is outside its window at ``at`` (go-live,
    end, both, neither; at the edges a go-live has come and an end has passed), as the database
    does; the state document the index keeps is never a result."""
    from search.documents import IndexEntry

    now = timezone.now().replace(microsecond=0)
    hour = datetime.timedelta(hours=1)
    windows = {1: (None, None), 2: (now + hour, None), 3: (None, now + hour), 4: (now - hour, now + 2 * hour),
               5: (now + hour, now + 2 * hour), 6: (None, now)}
    backend = get_backend("embedded")
    for number, (public_from, public_until) in windows.items():
        for public in (True, False):
            object_id = 970000 + number * 2 + public
            backend.replace([("image", object_id)], [IndexEntry(
                object_type="image", object_id=object_id, locale="vi", kind="image", title=f"Khung giờ Xyzquy {number}",
                licence="cc-by-4.0", is_public=public, public_from=public_from, public_until=public_until,
                status="public" if public else "restricted")])
    visible_at = {now - 2 * hour: {1, 3, 6}, now: {1, 3, 4}, now + hour: {1, 2, 4, 5}, now + 3 * hour: {1, 2}}
    for moment, visible in visible_at.items():
        assert {object_id for _type, object_id in found("Xyzquy", at=moment)} == {
            970000 + number * 2 + 1 for number in visible}, moment
        assert index_is_current()
        assert_same_answer(SearchQuery(text="Xyzquy", at=moment))
    assert_same_answer(SearchQuery(per_page=100))


def test_a_broken_index_is_rebuilt_and_search_never_fails(demo, database_fallback_allowed):
    backend = get_backend("embedded")
    assert found("Fansipan") and index_is_current()
    for path in backend.index.path.iterdir():
        if path.name != "writer.lock":
            path.write_bytes(b"not an index")
    backend.index.forget()
    query = SearchQuery(text="Fansipan")
    assert search(query).total == backend.sql.search(query).total > 0  # answered, from wherever it could
    assert index_is_current()  # small: rebuilt while the search waited
    assert_same_answer(query)


def test_an_index_of_another_schema_is_rebuilt_and_said_in_a_line(demo, database_fallback_allowed, caplog):
    """After a deploy that changed the schema, the index on disk cannot be opened: search answers
    from the database, the logs say so in a line each (no traceback: it is expected), and the index
    is rebuilt (here at once: the database is small)."""
    import logging

    import tantivy

    backend = get_backend("embedded")
    assert found("Fansipan") and index_is_current()
    for path in backend.index.path.iterdir():
        if path.name != "writer.lock":
            path.unlink()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title")
    older = tantivy.Index(builder.build(), str(backend.index.path))
    writer = older.writer(heap_size=15_000_000, num_threads=1)
    writer.commit()
    writer.wait_merging_threads()
    backend.index.forget()
    query = SearchQuery(text="Fansipan")
    with caplog.at_level(logging.WARNING, logger="search.backends.embedded"):
        assert search(query).total == backend.sql.search(query).total > 0
    said = [record for record in caplog.records if "another schema" in record.getMessage()]
    assert said and all(record.levelno == logging.WARNING and not record.exc_info for record in said)
    assert index_is_current()
    assert_same_answer(query)


def test_result_cards_read_the_stored_shadows_and_the_migration_stores_the_missing_ones(demo):
    """Every written row carries its snippets' shadows; a row without them (written before
    migration 0007) or with stale ones (made by earlier code) gets the same snippets, and the
    migrations then store them."""
    from importlib import import_module
    from types import SimpleNamespace

    from search.text import snippet_shadows

    def stored() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT summary, body, snippet_shadows FROM search_searchtext ORDER BY document_id")
            return cursor.fetchall()

    def snippets() -> list[str]:
        return [hit.snippet for hit in search(SearchQuery(text="Bắc Hà ruou ngo", per_page=50, facets=False)).hits]

    rows = stored()
    assert rows and all(shadows == snippet_shadows(summary, body) for summary, body, shadows in rows)
    assert any(shadows.split("\x1e")[1].strip("\x1f") for _summary, _body, shadows in rows)  # non-ASCII texts
    written = snippets()
    assert any("<mark>" in snippet for snippet in written)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_searchtext SET snippet_shadows = NULL")
    assert snippets() == written
    migration = import_module("search.migrations.0007_store_snippet_shadows")
    migration.store_shadows(None, SimpleNamespace(connection=connection))
    assert stored() == rows
    assert snippets() == written
    with connection.cursor() as cursor:  # made by earlier code (another checksum): made again by 0008
        cursor.execute("UPDATE search_searchtext SET snippet_shadows = '00000000' || substr(snippet_shadows, 9)")
    assert snippets() == written
    import_module("search.migrations.0008_store_snippet_shadows_again").store_shadows_again(
        None, SimpleNamespace(connection=connection))
    assert stored() == rows
    with connection.cursor() as cursor:  # shadows that fit but say nothing: the cards' marks go, so they are read
        for document_id, shadows in cursor.execute("SELECT document_id, snippet_shadows FROM search_searchtext"
                                                   ).fetchall():
            blank = "".join(char if char in "\x1e\x1f" else " " for char in shadows.split("\x1e", 1)[1])
            cursor.execute("UPDATE search_searchtext SET snippet_shadows = %s WHERE document_id = %s",
                           [shadows.split("\x1e", 1)[0] + "\x1e" + blank, document_id])
    assert sum("<mark>" in snippet for snippet in snippets()) < sum("<mark>" in snippet for snippet in written)
