"""The one search service: the public search page, the journalists' API and
the editors' admin search all call :func:`search`.

It asks the configured backend (``settings.SEARCH_BACKEND``) and turns raw
facet counts into labelled, ordered facets in the active language.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language, get_language_info

from search.backends import ObjectKey, get_backend
from search.documents import entries_for, load_object, object_key
from search.query import (
    FACET_LABELS,
    FACETS,
    RESULT_KINDS,
    SITE_PAGE_KINDS,
    Facet,
    FacetCounts,
    FacetValue,
    SearchHit,
    SearchQuery,
    SearchResults,
)
from search.text import spelled_as, words_key
from storybank.core.choices import ContentKind, Licence, Pillar
from storybank.taxonomy.models import EthnicGroup, Place

#: How long facet labels of taxonomy terms are cached (a rename forgets them at once: ``forget_labels``).
LABEL_CACHE_SECONDS = 300
LABELLED_TERMS = (EthnicGroup, Place)
TERM_FACETS = dict(zip(("ethnic_group", "place"), LABELLED_TERMS, strict=True))
#: Most values a facet lists (the selected ones are always listed).
FACET_SIZE = 30


def search(query: SearchQuery) -> SearchResults:
    """Run ``query`` on the configured backend."""
    backend = get_backend()
    started = time.perf_counter()
    raw = backend.search(query)
    took_ms = (time.perf_counter() - started) * 1000
    return SearchResults(
        query=query,
        hits=tuple(exact_titles_first(raw.hits, query)),
        total=raw.total,
        facets=label_facets(raw.facets, query) if query.facets else (),
        took_ms=round(took_ms, 2),
        backend=backend.name,
    )


def exact_titles_first(hits: list[SearchHit], query: SearchQuery) -> list[SearchHit]:
    """On the first page of a relevance search, what is titled exactly as
    typed (diacritics, punctuation and spaces aside: "sapa" is titled "Sa Pa")
    comes first, pages before the images and media
    that share their title: a visitor typing a page's title wants that page
    (place pages count as pages).
    Only the page's own hits move, so paging never repeats or skips one."""
    if query.page != 1 or query.effective_sort != "relevance" or not query.text:
        return hits
    typed = words_key(query.text).replace(" ", "")
    exact = [hit for hit in hits if spelled_as(hit.title, typed)]
    if not exact:
        return hits
    exact.sort(key=lambda hit: hit.object_type not in ("page", "place"))  # stable: the backend's order otherwise
    return exact + [hit for hit in hits if hit not in exact]


# --- keeping the index current ---------------------------------------------------------
def index_objects(instances: Iterable[Any]) -> None:
    """Re-index ``instances`` now (their current state decides visibility)."""
    instances = [instance for instance in instances if object_key(instance) is not None]
    if instances:
        keys = [object_key(instance) for instance in instances]
        get_backend().replace(keys, [entry for instance in instances for entry in entries_for(instance)])


def sync(object_type: str, object_id: int, *, deleted: bool = False) -> None:
    """Bring the index in line with the object's current state in the database
    (re-index it, or remove it when it no longer exists). Pages showing an
    image as thumbnail follow the image."""
    backend = get_backend()
    instance = None if deleted else load_object(object_type, object_id)
    key: ObjectKey = (object_type, object_id)
    if instance is None:
        backend.remove([key])
    else:
        backend.replace([key], entries_for(instance))
    if object_type == "image":
        pages = [load_object("page", page_id) for page_id in backend.page_ids_showing_image(object_id)]
        index_objects(page for page in pages if page is not None)


def sync_many(keys: Iterable[ObjectKey]) -> None:
    """:func:`sync` for many objects at once (a renamed place's items), in one write."""
    keys = sorted(set(keys))
    if not keys:
        return
    instances = [load_object(*key) for key in keys]
    get_backend().replace(keys, [entry for instance in instances if instance is not None
                                 for entry in entries_for(instance)])


# --- facets for people ----------------------------------------------------------------
def label_facets(counts: FacetCounts, query: SearchQuery) -> tuple[Facet, ...]:
    """Counts as people read them: labelled in the active language, in each facet's order, the selected
    values always listed. Every search shows them: what is fixed in code is looked up once per language."""
    language = get_language() or settings.LANGUAGE_CODE
    facet_names, fixed = _facet_names(language), _fixed_labels(language)
    facets = []
    for name in FACETS:
        chosen = getattr(query, name)
        values = counts.get(name) or {}
        if not values and not chosen:  # nothing matched and nothing chosen (a search without results)
            facets.append(Facet(name=name, label=facet_names[name], values=()))
            continue
        values = {**values, **{str(value): values.get(str(value), 0) for value in chosen}}
        selected = {str(value) for value in chosen}
        labels = _term_labels(name, values) if name in TERM_FACETS else fixed.get(name, {})
        ordered = sorted(values.items(), key=_facet_order(name))
        shown = [item for item in ordered if item[1] > 0][:FACET_SIZE]
        shown += [item for item in ordered if item[0] in selected and item not in shown]
        facets.append(Facet(
            name=name,
            label=facet_names[name],
            values=tuple(FacetValue(value, labels.get(value, value), count, value in selected)
                         for value, count in shown),
        ))
    return tuple(facets)


@functools.lru_cache(maxsize=16)
def _facet_order(name: str) -> Callable[[tuple[str, int]], Any]:
    if name == "year":
        return lambda item: (-int(item[0]) if item[0].isdigit() else 0)
    if name in ("kind", "locale", "pillar", "licence"):
        order = {value: index for index, value in enumerate(_fixed_values(name))}
        return lambda item: (order.get(item[0], len(order)), item[0])
    return lambda item: (-item[1], item[0])


def _fixed_values(name: str) -> list[str]:
    return {
        "kind": list(RESULT_KINDS),
        "locale": [code for code, _name in settings.LANGUAGES],
        "pillar": list(Pillar.values),
        "licence": list(Licence.values),
    }[name]


def _term_labels(name: str, values: dict[str, int]) -> dict[str, str]:
    """Names of the taxonomy terms among ``values`` (none asked when there are none)."""
    return _taxonomy_labels(TERM_FACETS[name], list(values)) if values else {}


@functools.lru_cache(maxsize=32)
def _facet_names(language: str) -> dict[str, str]:
    """The facets' own names in ``language`` (they change only with a deployment)."""
    return {name: str(label) for name, label in FACET_LABELS.items()}


@functools.lru_cache(maxsize=32)
def _fixed_labels(language: str) -> dict[str, dict[str, str]]:
    """Labels of the values fixed in code, per interface language (they change only with a deployment)."""
    return {
        "kind": {**{value: str(label) for value, label in ContentKind.choices},
                 **{value: str(label) for value, label in SITE_PAGE_KINDS.items()}},
        "pillar": {value: str(label) for value, label in Pillar.choices},
        "licence": {value: str(label) for value, label in Licence.choices},
        "locale": {code: get_language_info(code)["name_local"] for code, _name in settings.LANGUAGES},
    }


def _taxonomy_labels(model: type, slugs: list[str]) -> dict[str, str]:
    """Names of the terms ``slugs`` in the active language, falling back to
    Vietnamese. Translations share their slug; the whole vocabulary (tens of
    terms) is cached for a few minutes, since facets show it on every search."""
    active = get_language() or settings.LANGUAGE_CODE

    def load() -> dict[str, str]:
        rows = model.objects.filter(locale__language_code__in=[settings.LANGUAGE_CODE, active])
        names: dict[str, str] = {}
        for slug, language, name in rows.values_list("slug", "locale__language_code", "name"):
            if language == active or slug not in names:
                names[slug] = name
        return names

    names = cache.get_or_set(_label_cache_key(model, active), load, LABEL_CACHE_SECONDS)
    return {slug: names[slug] for slug in slugs if slug in names}


def _label_cache_key(model: type, language: str) -> str:
    return f"search:labels:{model._meta.label_lower}:{language}"


def forget_labels() -> None:
    """A term was renamed: facets show the new names from the next search on."""
    cache.delete_many([_label_cache_key(model, code) for model in LABELLED_TERMS for code, _name in settings.LANGUAGES])
