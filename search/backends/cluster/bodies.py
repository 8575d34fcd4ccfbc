"""What the cluster backend asks of OpenSearch or Elasticsearch, built once
as plain data for both engines: analysis, mapping and every request body.

* **Mapping** (:class:`SearchItem`, an elasticsearch-dsl ``Document`` used
  only to write the mapping as JSON): one index behind the alias
  ``settings.SEARCH_INDEX_ALIAS``, with a text field pair (``title_<group>``,
  ``text_<group>``) per analysis group, each with a diacritic-folded
  sub-field: Vietnamese (standard tokenizer, folding with ``asciifolding`` and
  an explicit ``đ``→``d``), English and French (stemming), Chinese/Japanese/
  Korean (``cjk_bigram``; unigrams too at index time so one-character queries
  match) and the rest (H'Mông…). A document fills only its own group's
  fields; a query searches all of them, each analysed its own way. Exact
  fields are boosted above folded ones, so exact diacritics rank first.
* Everything here is a pure function of its arguments, checked as data by
  ``tests/search/test_cluster_requests.py`` and sent unchanged by both
  engines' connections (``opensearch.py``, ``elasticsearch.py``); the
  analysis uses only what OpenSearch 2/3 and Elasticsearch 8 share (the
  ``analysis-common`` module of both).

Snippets are cut by the service's own highlighter (``search.text.snippet``)
from the stored summary and body, as for the embedded backend.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Long,
    MetaField,
    Text,
    analyzer,
    char_filter,
    token_filter,
)

from search.backends import BackendResults, ObjectKey
from search.documents import IndexEntry
from search.query import FACETS, MAX_RESULT_WINDOW, FacetCounts, SearchHit, SearchQuery
from search.text import Clause, has_cjk, snippet

# --- analysis ----------------------------------------------------------------------------
apostrophes = char_filter(
    "laocai_apostrophes", "mapping", mappings=["'=>", "’=>", "ʼ=>", "‘=>", "`=>"]
)
vietnamese_d = char_filter("laocai_vietnamese_d", "mapping", mappings=["đ=>d", "Đ=>D"])
english_stemmer = token_filter("laocai_english_stemmer", "stemmer", language="english")
french_elision = token_filter(
    "laocai_french_elision", "elision", articles_case=True,
    articles=["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
)
french_stemmer = token_filter("laocai_french_stemmer", "stemmer", language="light_french")
cjk_bigram_unigrams = token_filter("laocai_cjk_bigram_unigrams", "cjk_bigram", output_unigrams=True)

ANALYZERS = {
    # group: (exact analyzer, folded analyzer or None, search analyzer of the exact field or None)
    "vi": (
        analyzer("laocai_vi", tokenizer="standard", char_filter=[apostrophes], filter=["lowercase"]),
        analyzer("laocai_vi_folded", tokenizer="standard", char_filter=[apostrophes, vietnamese_d],
                 filter=["lowercase", "asciifolding"]),
        None,
    ),
    "en": (
        analyzer("laocai_en", tokenizer="standard", char_filter=[apostrophes], filter=["lowercase", english_stemmer]),
        analyzer("laocai_en_folded", tokenizer="standard", char_filter=[apostrophes, vietnamese_d],
                 filter=["lowercase", "asciifolding", english_stemmer]),
        None,
    ),
    "fr": (
        analyzer("laocai_fr", tokenizer="standard", char_filter=[apostrophes],
                 filter=[french_elision, "lowercase", french_stemmer]),
        analyzer("laocai_fr_folded", tokenizer="standard", char_filter=[apostrophes, vietnamese_d],
                 filter=[french_elision, "lowercase", "asciifolding", french_stemmer]),
        None,
    ),
    "cjk": (
        analyzer("laocai_cjk", tokenizer="standard", char_filter=[apostrophes, vietnamese_d],
                 filter=["cjk_width", "lowercase", "asciifolding", cjk_bigram_unigrams]),
        None,
        analyzer("laocai_cjk_search", tokenizer="standard", char_filter=[apostrophes, vietnamese_d],
                 filter=["cjk_width", "lowercase", "asciifolding", "cjk_bigram"]),
    ),
    "other": (
        analyzer("laocai_other", tokenizer="standard", char_filter=[apostrophes], filter=["lowercase"]),
        analyzer("laocai_other_folded", tokenizer="standard", char_filter=[apostrophes, vietnamese_d],
                 filter=["lowercase", "asciifolding"]),
        None,
    ),
}
GROUPS = tuple(ANALYZERS)
LANGUAGE_GROUPS = {"vi": "vi", "en": "en", "fr": "fr", "zh-hans": "cjk", "ja": "cjk", "ko": "cjk"}

#: Boosts: an exact title match first, then exact text, then folded matches (the embedded
#: backend's order), far enough apart that a word spelt as typed in the text outranks the
#: same letters with other diacritics in a title ("thang" before "Thắng cố").
BOOSTS = {"title": 10, "text": 5, "title.folded": 2, "text.folded": 1}
FACET_FIELDS = {
    "kind": "kind", "locale": "locale", "pillar": "pillar", "ethnic_group": "ethnic_groups",
    "place": "places", "licence": "licence", "year": "year",
}
STORED_FIELDS = [
    "object_type", "object_id", "locale", "kind", "title", "url", "summary", "body", "thumbnail_url", "credit",
    "licence", "date", "pillar", "ethnic_groups", "places", "rights_expire_on", "status",
]
FACET_SIZE = 200
#: What separates the runs of a CJK phrase ("征服番西邦峰——印度支那屋脊").
_CJK_BREAK_RE = re.compile(r"[^\w]+")


def language_group(locale: str) -> str:
    return LANGUAGE_GROUPS.get(locale, "other")


def _text_field(group: str) -> Text:
    exact, folded, search_analyzer = ANALYZERS[group]
    options: dict[str, Any] = {"analyzer": exact}
    if search_analyzer is not None:
        options["search_analyzer"] = search_analyzer
    if folded is not None:
        options["fields"] = {"folded": Text(analyzer=folded)}
    return Text(**options)


class SearchItem(Document):
    """One item in one locale, as indexed in the cluster."""

    object_type = Keyword()
    object_id = Long()
    locale = Keyword()
    kind = Keyword()
    pillar = Keyword()
    licence = Keyword()
    year = Integer()
    date = Date()
    ethnic_groups = Keyword(multi=True)
    places = Keyword(multi=True)
    is_public = Boolean()
    public_from = Date()
    public_until = Date()
    rights_expire_on = Date()
    status = Keyword()
    thumbnail_image_id = Long()
    # Shown, not searched.
    title = Keyword(index=False, doc_values=False)
    summary = Text(index=False)
    body = Text(index=False)
    url = Keyword(index=False, doc_values=False)
    thumbnail_url = Keyword(index=False, doc_values=False)
    credit = Keyword(index=False, doc_values=False)

    class Meta:
        dynamic = MetaField("strict")  # a field nobody mapped is a bug, not a new field


for _group in GROUPS:
    SearchItem._doc_type.mapping.field(f"title_{_group}", _text_field(_group))
    SearchItem._doc_type.mapping.field(f"text_{_group}", _text_field(_group))


# --- request bodies (pure) ----------------------------------------------------------------
def index_body(name: str, *, replicas: int = 0) -> dict[str, Any]:
    """Settings (analysis) and mappings of a new concrete index."""
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=replicas, max_result_window=MAX_RESULT_WINDOW)
    index.document(SearchItem)
    return index.to_dict()


def document_source(entry: IndexEntry) -> dict[str, Any]:
    group = language_group(entry.locale)
    return {
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "locale": entry.locale,
        "kind": entry.kind,
        "pillar": entry.pillar or None,
        "licence": entry.licence or None,
        "year": entry.year,
        "date": _iso(entry.date),
        "ethnic_groups": list(entry.ethnic_groups),
        "places": list(entry.places),
        "is_public": entry.is_public,
        "public_from": _iso(entry.public_from),
        "public_until": _iso(entry.public_until),
        "rights_expire_on": entry.rights_expire_on.isoformat() if entry.rights_expire_on else None,
        "status": entry.status,
        "thumbnail_image_id": entry.thumbnail_image_id,
        "title": entry.title,
        "summary": entry.summary,
        "body": entry.body,
        "url": entry.url,
        "thumbnail_url": entry.thumbnail_url,
        "credit": entry.credit,
        f"title_{group}": entry.title,
        f"text_{group}": "\n".join(part for part in (entry.summary, entry.body, entry.meta) if part),
    }


def doc_ids(key: ObjectKey) -> list[str]:
    """Every possible document id of an object (one per configured language)."""
    object_type, object_id = key
    return [f"{object_type}-{object_id}-{code}" for code, _name in settings.LANGUAGES]


def bulk_actions(
    indices: Iterable[str], keys: Iterable[ObjectKey], entries: Iterable[IndexEntry], version: int
) -> list[dict[str, Any]]:
    """Bulk actions that make ``entries`` the whole content of objects ``keys``
    in every index of ``indices``: deletes for the ids no entry keeps."""
    entries = list(entries)
    kept = {entry.doc_id for entry in entries}
    actions: list[dict[str, Any]] = []
    for index in indices:
        for key in keys:
            for doc_id in doc_ids(key):
                if doc_id not in kept:
                    actions.append({"_op_type": "delete", "_index": index, "_id": doc_id,
                                    "version": version, "version_type": "external"})
        for entry in entries:
            actions.append({"_op_type": "index", "_index": index, "_id": entry.doc_id, "version": entry.version,
                            "version_type": "external", "_source": document_source(entry)})
    return actions


def alias_swap_actions(alias: str, building_alias: str, new_index: str, old_indices: Iterable[str]) -> list[dict]:
    """One atomic ``_aliases`` request: the alias leaves the old indices and points at the new one."""
    actions: list[dict[str, Any]] = [{"remove": {"index": old, "alias": alias}} for old in sorted(old_indices)]
    actions.append({"add": {"index": new_index, "alias": alias}})
    actions.append({"remove": {"index": new_index, "alias": building_alias}})
    return actions


def text_fields(titles_only: bool = False) -> list[str]:
    fields = []
    for group in GROUPS:
        has_folded = ANALYZERS[group][1] is not None
        for name in ("title",) if titles_only else ("title", "text"):
            fields.append(f"{name}_{group}^{BOOSTS[name]}")
            if has_folded:
                fields.append(f"{name}_{group}.folded^{BOOSTS[name + '.folded']}")
    return fields


def clause_query(clause: Clause, titles_only: bool = False) -> dict[str, Any]:
    """A clause as a ``multi_match``: the engine analyses ``clause.text``
    with each field's analyzer, so no query syntax is ever involved."""
    if clause.prefix:
        match_type = "phrase_prefix"
    elif clause.phrase:
        match_type = "phrase"
    else:
        match_type = "best_fields"
    if match_type == "phrase" and has_cjk(clause.text):
        runs = [run for run in _CJK_BREAK_RE.split(clause.text) if run]
        if len(runs) > 1:  # bigram positions do not continue across punctuation: one phrase per run
            return {"bool": {"must": [clause_query(Clause((run,), run, phrase=True), titles_only) for run in runs]}}
    query: dict[str, Any] = {"query": clause.text, "fields": text_fields(titles_only), "type": match_type}
    if match_type == "best_fields":
        query.update(operator="and", tie_breaker=0.3)
    return {"multi_match": query}


def visibility_filters(now: datetime.datetime) -> list[dict[str, Any]]:
    moment = _iso(now)
    return [
        {"term": {"is_public": True}},
        {"bool": {"should": [{"bool": {"must_not": {"exists": {"field": "public_from"}}}},
                             {"range": {"public_from": {"lte": moment}}}], "minimum_should_match": 1}},
        {"bool": {"should": [{"bool": {"must_not": {"exists": {"field": "public_until"}}}},
                             {"range": {"public_until": {"gt": moment}}}], "minimum_should_match": 1}},
    ]


def facet_filter(name: str, values: Iterable[Any]) -> dict[str, Any]:
    return {"terms": {FACET_FIELDS[name]: list(values)}}


def search_body(query: SearchQuery, now: datetime.datetime) -> dict[str, Any]:
    """The ``_search`` request of ``query``: text and visibility in ``query``,
    facet filters in ``post_filter`` (so aggregations see the alternatives),
    one filtered aggregation per facet with every filter but its own."""
    parsed = query.parsed
    must = []
    for group in parsed.positive:
        clauses = [clause_query(clause, query.titles_only) for clause in group]
        must.append(clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}})
    boolean: dict[str, Any] = {}
    if must:
        boolean["must"] = must
    if parsed.negative:
        boolean["must_not"] = [clause_query(clause, query.titles_only) for clause in parsed.negative]
    if not query.include_unpublished:
        boolean["filter"] = visibility_filters(now)
    elif query.private_scope is not None:
        scope = [{"bool": {"filter": [{"term": {"object_type": object_type}}, {"terms": {"object_id": list(ids)}}]}}
                 for object_type, ids in query.private_scope if ids]
        boolean["filter"] = [{"bool": {"should": [{"bool": {"filter": visibility_filters(now)}}, *scope],
                                       "minimum_should_match": 1}}]
    active = query.filters()
    body: dict[str, Any] = {
        "query": {"bool": boolean} if boolean else {"match_all": {}},
        "from": query.offset,
        "size": query.per_page,
        "track_total_hits": True,
        "_source": STORED_FIELDS,
        "sort": _sort(query),
    }
    if active:
        body["post_filter"] = {"bool": {"filter": [facet_filter(name, values) for name, values in active.items()]}}
    if query.facets:
        aggregations = {}
        for name in FACETS:
            others = [facet_filter(other, values) for other, values in active.items() if other != name]
            aggregations[name] = {
                "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
                "aggs": {"values": {"terms": {"field": FACET_FIELDS[name], "size": FACET_SIZE}}},
            }
        body["aggs"] = aggregations
    return body


def _sort(query: SearchQuery) -> list[Any]:
    if query.effective_sort == "relevance":
        return ["_score", {"date": {"order": "desc", "missing": "_last"}}]
    order = "desc" if query.effective_sort == "newest" else "asc"
    return [{"date": {"order": order, "missing": "_last"}}, {"object_id": {"order": order}}]


def thumbnail_pages_body(image_id: int) -> dict[str, Any]:
    return {
        "query": {"bool": {"filter": [{"term": {"object_type": "page"}}, {"term": {"thumbnail_image_id": image_id}}]}},
        "_source": ["object_id"],
        "size": 1000,
    }


def read_response(response: dict[str, Any], query: SearchQuery) -> BackendResults:
    """Hits, total and facet counts of a ``_search`` response."""
    hits = []
    for hit in response["hits"]["hits"]:
        source = hit["_source"]
        hits.append(
            SearchHit(
                object_type=source["object_type"], object_id=source["object_id"], locale=source["locale"],
                kind=source["kind"], title=source.get("title") or "", url=source.get("url") or "",
                snippet=str(snippet(query.parsed, source.get("summary") or "", source.get("body") or "")),
                thumbnail_url=source.get("thumbnail_url") or "", credit=source.get("credit") or "",
                licence=source.get("licence") or "", date=_parse_datetime(source.get("date")),
                pillar=source.get("pillar") or "", ethnic_groups=tuple(source.get("ethnic_groups") or ()),
                places=tuple(source.get("places") or ()),
                rights_expire_on=_parse_date(source.get("rights_expire_on")),
                status=source.get("status") or "", score=float(hit.get("_score") or 0.0),
            )
        )
    facets: FacetCounts = {}
    for name, aggregation in (response.get("aggregations") or {}).items():
        facets[name] = {str(bucket["key"]): bucket["doc_count"] for bucket in aggregation["values"]["buckets"]}
    return BackendResults(hits=hits, total=response["hits"]["total"]["value"], facets=facets)


def _iso(value: datetime.datetime | None) -> str | None:
    return value.astimezone(datetime.UTC).isoformat() if value else None


def _parse_datetime(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _parse_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value[:10]) if value else None
