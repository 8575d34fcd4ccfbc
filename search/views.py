"""The search page (``/<lang>/search/``), the journalists' JSON API
(``/api/v1/search``, ``/api/v1/search/suggest``) and the editors' admin search.

All of them build a :class:`SearchQuery` from the request with
:func:`query_from_request` and call :func:`search.service.search`. Bad
parameters never reach the backend: the page shows the message with a 400,
the API answers a JSON error naming the parameter.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from search.backends import SearchUnavailable
from search.query import InvalidParameter, SearchHit, SearchQuery, SearchResults
from search.service import search
from search.text import MAX_QUERY_LENGTH, clean
from storybank.core.visibility import unpublished_visible_to

SUGGESTIONS = 8


def query_from_request(request: HttpRequest, **overrides: Any) -> SearchQuery:
    """A validated query from the request's GET parameters (raises InvalidParameter)."""
    return SearchQuery.from_params(request.GET, raw_query_string=request.META.get("QUERY_STRING", ""), **overrides)


# --- the JSON API ---------------------------------------------------------------------
def _api_error(status: int, message: str, parameter: str | None = None) -> JsonResponse:
    error: dict[str, Any] = {"message": message}
    if parameter:
        error["parameter"] = parameter
    return JsonResponse({"error": error}, status=status, json_dumps_params={"ensure_ascii": False})


def hit_json(hit: SearchHit, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": hit.key,
        "title": hit.title,
        "kind": hit.kind,
        "locale": hit.locale,
        "url": request.build_absolute_uri(hit.url) if hit.url else "",
        "snippet": hit.snippet,
        "thumbnail_url": request.build_absolute_uri(hit.thumbnail_url) if hit.thumbnail_url else "",
        "credit": hit.credit,
        "licence": hit.licence,
        "licence_label": hit.licence_label,
        "date": hit.date.isoformat() if hit.date else None,
        "pillar": hit.pillar,
        "ethnic_groups": list(hit.ethnic_groups),
        "places": list(hit.places),
        "rights_expire_on": hit.rights_expire_on.isoformat() if hit.rights_expire_on else None,
    }


def results_json(results: SearchResults, request: HttpRequest) -> dict[str, Any]:
    query = results.query

    def page_url(page: int) -> str:
        return request.build_absolute_uri(request.path + "?" + urlencode(query.to_params(page=page)))

    return {
        "query": {"q": query.text, **{name: list(values) for name, values in query.filters().items()},
                  "sort": query.sort, "page": query.page, "per_page": query.per_page},
        "total": results.total,
        "took_ms": results.took_ms,
        "page": query.page,
        "num_pages": results.num_pages,
        "next": page_url(query.page + 1) if results.has_next else None,
        "previous": page_url(query.page - 1) if results.has_previous else None,
        "results": [hit_json(hit, request) for hit in results.hits],
        "facets": {
            facet.name: [
                {"value": value.value, "label": value.label, "count": value.count, "selected": value.selected}
                for value in facet.values
            ]
            for facet in results.facets
        },
    }


@csrf_exempt  # nothing to forge: GET only (405 as JSON otherwise)
@require_GET
def api_search(request: HttpRequest) -> JsonResponse:
    """``GET /api/v1/search?q=&locale=&kind=&pillar=&ethnic_group=&place=&licence=&year=&sort=&page=``"""
    try:
        results = search(query_from_request(request))
    except InvalidParameter as error:
        return _api_error(400, error.message, error.parameter)
    except SearchUnavailable:
        return _api_error(503, _("Search is temporarily unavailable. Please try again in a minute."))
    return JsonResponse(results_json(results, request), json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_GET
def api_suggest(request: HttpRequest) -> JsonResponse:
    """``GET /api/v1/search/suggest?q=fansi``: titles for as-you-type suggestions;
    the last word typed counts as a prefix."""
    text = request.GET.get("q", "")
    params = {key: request.GET.getlist(key) for key in request.GET}
    if text.strip() and text == text.rstrip() and not text.endswith(('"', "*")):
        params["q"] = [f"{text}*"]
    try:
        query = SearchQuery.from_params(
            params, raw_query_string=request.META.get("QUERY_STRING", ""),
            per_page=SUGGESTIONS, page=1, facets=False, sort="relevance", titles_only=True,
        )
        results = search(query)
    except InvalidParameter as error:
        return _api_error(400, error.message, error.parameter)
    except SearchUnavailable:
        return _api_error(503, _("Search is temporarily unavailable. Please try again in a minute."))
    suggestions = [
        {"title": hit.title, "kind": hit.kind, "locale": hit.locale,
         "url": request.build_absolute_uri(hit.url) if hit.url else ""}
        for hit in results.hits
    ]
    return JsonResponse({"query": text, "suggestions": suggestions}, json_dumps_params={"ensure_ascii": False})


# --- pages ------------------------------------------------------------------------------
class PageLinks:
    """Query-string links of the search page (facet toggles, sorting, pages)."""

    def __init__(self, query: SearchQuery, *, all_locales_marker: bool) -> None:
        self.query = query
        self.all_locales_marker = all_locales_marker

    def href(self, **changes: Any) -> str:
        changes.setdefault("page", 1)
        pairs = self.query.to_params(**changes)
        locales = changes.get("locale", self.query.locale)
        if self.all_locales_marker and not locales:
            pairs.append(("locale", "all"))
        return "?" + urlencode(pairs)

    def toggle(self, facet: str, value: str) -> str:
        current = [str(item) for item in getattr(self.query, facet)]
        values = [item for item in current if item != value] if value in current else [*current, value]
        if facet == "year":
            return self.href(year=tuple(int(item) for item in values))
        return self.href(**{facet: tuple(values)})


def _facet_context(results: SearchResults, links: PageLinks) -> list[dict[str, Any]]:
    facets = []
    for facet in results.facets:
        if not facet.values:
            continue
        facets.append({
            "name": facet.name,
            "label": facet.label,
            "values": [
                {"value": value.value, "label": value.label, "count": value.count, "selected": value.selected,
                 "href": links.toggle(facet.name, value.value)}
                for value in facet.values
            ],
            "clear_href": links.href(**{facet.name: ()}) if facet.selected else "",
        })
    return facets


def _page_numbers(current: int, last: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20"""
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def _render_search(
    request: HttpRequest, template: str, *, include_unpublished: bool, default_locale: str | None, extra: dict,
    private_scope: tuple | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {"query_text": clean(request.GET.get("q", ""))[:MAX_QUERY_LENGTH], **extra}
    try:
        overrides: dict[str, Any] = {"include_unpublished": include_unpublished, "private_scope": private_scope}
        if default_locale and "locale" not in request.GET:
            overrides["locale"] = (default_locale,)
        query = query_from_request(request, **overrides)
    except InvalidParameter as error:
        context["error"] = error.message
        return render(request, template, context, status=400)
    try:
        results = search(query)
    except SearchUnavailable:
        context["error"] = _("Search is temporarily unavailable. Please try again in a minute.")
        return render(request, template, context, status=503)
    links = PageLinks(query, all_locales_marker=bool(default_locale))
    context.update(
        query=query,
        results=results,
        facets=_facet_context(results, links),
        sort_links=[(value, label, links.href(sort=value), value == query.sort) for value, label in _sort_labels()],
        all_locales_href=links.href(locale=()) if query.locale else "",
        pages=[(number, links.href(page=number) if number else "") for number in
               _page_numbers(query.page, results.num_pages)] if results.num_pages > 1 else [],
        previous_href=links.href(page=query.page - 1) if results.has_previous else "",
        next_href=links.href(page=query.page + 1) if results.has_next else "",
        rows=[(hit, admin_edit_url(hit) if include_unpublished else "") for hit in results.hits],
    )
    return render(request, template, context)


def _sort_labels() -> list[tuple[str, str]]:
    return [("relevance", _("Best match")), ("newest", _("Newest first")), ("oldest", _("Oldest first"))]


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """The public and journalists' search page. Results are in the page's
    language unless the visitor picks another language or all of them."""
    return _render_search(
        request, "search/search.html", include_unpublished=False, default_locale=get_language(),
        extra={"suggest_url": reverse("search_api:suggest")},
    )


def admin_search(request: HttpRequest) -> HttpResponse:
    """Editors' search: every language, drafts and withdrawn items included;
    others see the drafts they may work on only (their unit's)."""
    scope = unpublished_visible_to(request.user)
    private_scope = None if scope is None else tuple((kind, tuple(ids)) for kind, ids in scope.items())
    return _render_search(
        request, "search/admin/search.html", include_unpublished=True, default_locale=None, extra={},
        private_scope=private_scope,
    )


def admin_edit_url(hit: SearchHit) -> str:
    names = {"page": "wagtailadmin_pages:edit", "image": "wagtailimages:edit", "media": "wagtaildocs:edit"}
    try:
        return reverse(names[hit.object_type], args=(hit.object_id,))
    except (KeyError, NoReverseMatch):
        return ""
