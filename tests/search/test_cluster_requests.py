"""The cluster backend's requests, checked as data.

The exact bodies both engines receive are compared with reviewed JSON files
in ``tests/search/cluster_bodies/`` (regenerate one by writing the new body
there and reading the diff), and a recording connection checks the order of
the reindex calls. The live suite (``-m search_cluster``, OPENSEARCH_URL)
sends the same bodies to a real node; ``test_engines_send_the_same_requests``
shows the Elasticsearch client sends them unchanged too.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from search.backends.cluster import ClusterBackend, Connection
from search.backends.cluster.bodies import (
    alias_swap_actions,
    bulk_actions,
    document_source,
    index_body,
    read_response,
    search_body,
    thumbnail_pages_body,
)
from search.documents import IndexEntry
from search.query import SearchQuery

BODIES = Path(__file__).parent / "cluster_bodies"
NOW = datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC)


def expected(name: str) -> dict:
    return json.loads((BODIES / name).read_text(encoding="utf-8"))


def as_json(data: dict) -> dict:
    return json.loads(json.dumps(data))


def test_index_settings_analysis_and_mappings():
    body = as_json(index_body("laocai-search-20260301083000000000"))
    assert body == expected("index_body.json")
    analysis = body["settings"]["analysis"]
    assert analysis["char_filter"]["laocai_vietnamese_d"]["mappings"] == ["đ=>d", "Đ=>D"]
    assert "asciifolding" in analysis["analyzer"]["laocai_vi_folded"]["filter"]
    assert analysis["filter"]["laocai_english_stemmer"] == {"type": "stemmer", "language": "english"}
    assert analysis["filter"]["laocai_french_stemmer"] == {"type": "stemmer", "language": "light_french"}
    assert analysis["filter"]["laocai_cjk_bigram_unigrams"] == {"type": "cjk_bigram", "output_unigrams": True}
    assert body["mappings"]["dynamic"] == "strict"
    assert body["mappings"]["properties"]["title_vi"]["fields"]["folded"]["analyzer"] == "laocai_vi_folded"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        (SearchQuery(text="rượu ngô", kind=("image", "product"), locale=("vi",), ethnic_group=("hmong",)),
         "search_words_and_filters.json"),
        (SearchQuery(text='"Bắc Hà" fansi* -cáp tea OR 茶', page=3, per_page=10), "search_syntax.json"),
        (SearchQuery(sort="oldest", year=(2025,), include_unpublished=True), "search_browse_editors.json"),
        (SearchQuery(text="ruộng bậc th*", titles_only=True, facets=False, per_page=8), "suggest.json"),
    ],
)
def test_search_request_bodies(query, name):
    assert as_json(search_body(query, NOW)) == expected(name)


def test_facet_aggregations_apply_every_filter_but_their_own():
    body = search_body(SearchQuery(kind=("image",), place=("sa-pa",)), NOW)
    both = [{"terms": {"kind": ["image"]}}, {"terms": {"places": ["sa-pa"]}}]
    assert body["post_filter"] == {"bool": {"filter": both}}
    assert body["aggs"]["kind"]["filter"] == {"bool": {"filter": [{"terms": {"places": ["sa-pa"]}}]}}
    assert body["aggs"]["place"]["filter"] == {"bool": {"filter": [{"terms": {"kind": ["image"]}}]}}
    assert body["aggs"]["locale"]["filter"] == {"bool": {"filter": both}}


def entry(**changes) -> IndexEntry:
    values = dict(
        object_type="image", object_id=7, locale="vi", kind="image", title="Ga Lào Cai",
        summary="Đoàn tàu dừng ở ga Lào Cai", body="", meta="Ảnh: Báo Lào Cai", url="/media/original_images/ga.jpg",
        thumbnail_url="/media/images/ga.fill-400x300.format-webp.webp", thumbnail_image_id=7,
        credit="Ảnh: Báo Lào Cai", licence="cc-by-4.0", date=datetime.datetime(2025, 5, 1, 3, 0, tzinfo=datetime.UTC),
        ethnic_groups=("hmong",), places=("lao-cai",), is_public=True,
        public_until=datetime.datetime(2027, 1, 1, 17, 0, tzinfo=datetime.UTC),
        rights_expire_on=datetime.date(2027, 1, 1), status="public", version=1234,
    )
    values.update(changes)
    return IndexEntry(**values)


def test_documents_fill_their_language_groups_fields():
    assert document_source(entry()) == {
        "object_type": "image", "object_id": 7, "locale": "vi", "kind": "image", "pillar": None,
        "licence": "cc-by-4.0", "year": 2025, "date": "2025-05-01T03:00:00+00:00", "ethnic_groups": ["hmong"],
        "places": ["lao-cai"], "is_public": True, "public_from": None, "public_until": "2027-01-01T17:00:00+00:00",
        "rights_expire_on": "2027-01-01", "status": "public", "thumbnail_image_id": 7, "title": "Ga Lào Cai",
        "summary": "Đoàn tàu dừng ở ga Lào Cai", "body": "", "url": "/media/original_images/ga.jpg",
        "thumbnail_url": "/media/images/ga.fill-400x300.format-webp.webp", "credit": "Ảnh: Báo Lào Cai",
        "title_vi": "Ga Lào Cai", "text_vi": "Đoàn tàu dừng ở ga Lào Cai\nẢnh: Báo Lào Cai",
    }
    chinese = document_source(entry(locale="zh-hans", title="老街站"))
    assert chinese["title_cjk"] == "老街站" and "title_vi" not in chinese
    assert "title_other" in document_source(entry(locale="hmn"))


def test_bulk_actions_replace_every_locale_of_an_object(settings):
    settings.LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
    actions = bulk_actions(["live", "next"], [("image", 7)], [entry()], version=99)
    assert actions == [
        {"_op_type": "delete", "_index": "live", "_id": "image-7-en", "version": 99, "version_type": "external"},
        {"_op_type": "index", "_index": "live", "_id": "image-7-vi", "version": 1234, "version_type": "external",
         "_source": document_source(entry())},
        {"_op_type": "delete", "_index": "next", "_id": "image-7-en", "version": 99, "version_type": "external"},
        {"_op_type": "index", "_index": "next", "_id": "image-7-vi", "version": 1234, "version_type": "external",
         "_source": document_source(entry())},
    ]
    assert bulk_actions(["live"], [("page", 3)], [], version=5) == [
        {"_op_type": "delete", "_index": "live", "_id": "page-3-vi", "version": 5, "version_type": "external"},
        {"_op_type": "delete", "_index": "live", "_id": "page-3-en", "version": 5, "version_type": "external"},
    ]


def test_alias_swap_is_one_atomic_request():
    assert alias_swap_actions("laocai-search", "laocai-search-next", "laocai-search-2", ["laocai-search-1"]) == [
        {"remove": {"index": "laocai-search-1", "alias": "laocai-search"}},
        {"add": {"index": "laocai-search-2", "alias": "laocai-search"}},
        {"remove": {"index": "laocai-search-2", "alias": "laocai-search-next"}},
    ]


def test_thumbnail_lookup_body():
    assert thumbnail_pages_body(7) == {
        "query": {"bool": {"filter": [{"term": {"object_type": "page"}}, {"term": {"thumbnail_image_id": 7}}]}},
        "_source": ["object_id"], "size": 1000,
    }


def test_responses_become_hits_and_facets():
    response = {
        "hits": {"total": {"value": 1, "relation": "eq"}, "hits": [{
            "_id": "image-7-vi", "_score": 3.5, "_source": document_source(entry())}]},
        "aggregations": {
            "kind": {"doc_count": 1, "values": {"buckets": [{"key": "image", "doc_count": 1}]}},
            "year": {"doc_count": 1, "values": {"buckets": [{"key": 2025, "doc_count": 1}]}},
        },
    }
    results = read_response(response, SearchQuery(text="ga lao cai"))
    assert results.total == 1 and results.facets == {"kind": {"image": 1}, "year": {"2025": 1}}
    (hit,) = results.hits
    assert (hit.object_type, hit.object_id, hit.locale, hit.title, hit.score) == ("image", 7, "vi", "Ga Lào Cai", 3.5)
    assert hit.snippet == "Đoàn tàu dừng ở <mark>ga</mark> <mark>Lào</mark> <mark>Cai</mark>"
    assert hit.date == datetime.datetime(2025, 5, 1, 3, 0, tzinfo=datetime.UTC)
    assert hit.rights_expire_on == datetime.date(2027, 1, 1)


class RecordingConnection(Connection):
    """Stands in for the cluster only: records what the backend asks of it."""

    engine = "recording"

    def __init__(self, existing):
        self.calls, self.existing = [], existing

    def create_index(self, name, body, aliases):
        self.calls.append(("create", name, sorted(aliases)))

    def indices_behind(self, alias):
        self.calls.append(("indices_behind", alias))
        return list(self.existing)

    def update_aliases(self, actions):
        self.calls.append(("update_aliases", actions))

    def delete_index(self, name):
        self.calls.append(("delete", name))

    def refresh(self, index):
        self.calls.append(("refresh", index))

    def bulk(self, actions, *, refresh=False):
        self.calls.append(("bulk", len(actions)))
        return []


def test_reindex_builds_a_new_index_then_swaps_the_alias(db):
    connection = RecordingConnection(existing=["laocai-search-old"])
    backend = ClusterBackend(connection, alias="laocai-search")
    backend.new_index_name = lambda: "laocai-search-new"
    assert backend.reindex([]) == 0
    assert connection.calls == [
        ("create", "laocai-search-new", ["laocai-search-next"]),
        ("refresh", "laocai-search-new"),
        ("indices_behind", "laocai-search"),
        ("update_aliases", alias_swap_actions("laocai-search", "laocai-search-next", "laocai-search-new",
                                              ["laocai-search-old"])),
        ("delete", "laocai-search-old"),
    ]
