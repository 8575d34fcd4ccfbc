"""Facet counts equal what the database says for the same filters.

The expected counts are computed here from the content tables with the ORM
and the shared visibility rule (``storybank.core.visibility``), never from
the index: every public page in its locale, and every usable image or media
asset in Vietnamese plus each language it has alt text or a caption in.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.utils import timezone
from wagtail.models import Page

from search.query import FACETS, SearchQuery
from search.service import search
from search.text import fold
from storybank.assets.models import LaoCaiImage, MediaAsset
from storybank.core.choices import ConsentStatus
from storybank.core.models import NormalizedTextPage, content_page_models
from storybank.core.visibility import public_pages, usable_assets
from storybank.taxonomy.models import Place

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Item:
    text: str  # folded, for word searches
    kind: str
    locale: str
    pillar: str
    licence: str
    year: str
    ethnic_group: frozenset[str]
    place: frozenset[str]

    def values(self, facet: str) -> set[str]:
        value = getattr(self, facet)
        return set(value) if isinstance(value, frozenset) else ({value} if value else set())


def database_items(at: datetime.datetime | None = None) -> list[Item]:
    """Every public item per locale, straight from the content tables; the home page and
    listings, and a place page per place and language, as search finds them too."""
    at = at or timezone.now()
    items = []
    for model in content_page_models():
        for page in public_pages(model.objects.filter(alias_of__isnull=True), at=at).select_related("locale"):
            page = page.specific
            text = " ".join(str(getattr(page, name, "") or "") for name in
                            ("title", "lede", "description", "producer", "decision_number"))
            text += " " + json.dumps(list(page.body.raw_data) if hasattr(page, "body") else [], ensure_ascii=False)
            items.append(Item(
                text=fold(text),
                kind=page.kind, locale=page.locale.language_code, pillar=page.pillar_value, licence="",
                year=str(timezone.localtime(page.first_published_at).year),
                ethnic_group=frozenset(group.slug for group in page.get_ethnic_groups()),
                place=frozenset(place.slug for place in page.get_places()),
            ))
    for page in public_pages(Page.objects.type(NormalizedTextPage).not_type(*content_page_models()), at=at):
        page = page.specific
        text = " ".join([page.title, getattr(page, "intro", ""), getattr(page, "hero_text", ""),
                         getattr(page, "hero_title", "")])
        items.append(Item(text=fold(text), kind="section", locale=page.locale.language_code, pillar="", licence="",
                          year="", ethnic_group=frozenset(), place=frozenset()))
    for place in Place.in_default_locale():  # a place page in every language
        rows = {row.locale.language_code: row for row in Place.objects.filter(translation_key=place.translation_key)}
        for code, _name in settings.LANGUAGES:
            row = rows.get(code, place)
            items.append(Item(text=fold(f"{row.name} {row.description}"), kind="place", locale=code, pillar="",
                              licence="", year="", ethnic_group=frozenset(), place=frozenset([place.slug])))
    languages = {code for code, _name in settings.LANGUAGES}
    for model in (LaoCaiImage, MediaAsset):
        for asset in usable_assets(model.objects.all(), today=timezone.localdate(at)):
            locales = {settings.LANGUAGE_CODE} | {
                code for code, text in (asset.localized_text or {}).items()
                if code in languages and (text.get("title") or text.get("caption") or text.get("alt"))
            }
            for locale in locales:
                if locale == settings.LANGUAGE_CODE:
                    text = " ".join([asset.title, getattr(asset, "description", ""), asset.caption,
                                     getattr(asset, "transcript", "")])
                else:
                    text = " ".join(asset.localized_text[locale].values())
                items.append(Item(
                    text=fold(text),
                    kind=asset.kind, locale=locale, pillar="", licence=asset.licence,
                    year=str(timezone.localtime(asset.captured_at or asset.created_at).year),
                    ethnic_group=frozenset(group.slug for group in asset.ethnic_groups.all()),
                    place=frozenset([asset.place.slug] if asset.place_id else []),
                ))
    return items


def expected(items: list[Item], filters: dict[str, tuple], word: str = "") -> tuple[int, dict[str, dict[str, int]]]:
    """Total and per-facet counts, each facet counted under every filter but its own."""
    if word:
        pattern = re.compile(rf"(?<!\w){re.escape(fold(word))}(?!\w)")
        items = [item for item in items if pattern.search(item.text)]

    def passes(item: Item, skip: str = "") -> bool:
        return all(item.values(name) & {str(value) for value in values}
                   for name, values in filters.items() if name != skip)

    counts = {}
    for facet in FACETS:
        counter: Counter[str] = Counter()
        for item in items:
            if passes(item, skip=facet):
                counter.update(item.values(facet))
        counts[facet] = dict(counter)
    return sum(1 for item in items if passes(item)), counts


def actual(query: SearchQuery) -> tuple[int, dict[str, dict[str, int]]]:
    results = search(query)
    return results.total, {
        facet.name: {value.value: value.count for value in facet.values if value.count} for facet in results.facets
    }


FILTERS = [
    {},
    {"kind": ("image",)},
    {"locale": ("vi",)},
    {"kind": ("story", "culture"), "locale": ("en",)},
    {"ethnic_group": ("hmong",)},
    {"ethnic_group": ("hmong", "dao"), "place": ("sa-pa",)},
    {"place": ("bac-ha", "sa-pa"), "kind": ("image",)},
    {"pillar": ("sapa",)},
    {"licence": ("cc-by-4.0", "gov-reuse"), "locale": ("en",)},
    {"year": (timezone.now().year,), "kind": ("product",)},
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda filters: "&".join(f"{k}={','.join(map(str, v))}"
                                                                           for k, v in filters.items()) or "all")
def test_facet_counts_equal_the_database(search_backend, filters):
    items = database_items()
    assert len(items) > 100  # the demo really is searched
    assert actual(SearchQuery(**filters)) == expected(items, filters)


@pytest.mark.parametrize("filters", [{}, {"locale": ("vi",)}, {"kind": ("image",), "place": ("bac-ha",)},
                                     {"ethnic_group": ("hmong",), "locale": ("vi", "en")}])
def test_facet_counts_with_words_equal_the_database(search_backend, filters):
    items = database_items()
    # Vietnamese words (no stemming on either backend) that no taxonomy name or credit holds
    for word in ("rượu", "ruou", "thổ", "ruộng", "ruong"):
        total, counts = expected(items, filters, word)
        assert total > 0 or filters
        assert actual(SearchQuery(text=word, **filters)) == (total, counts), word


def test_facet_counts_follow_withdrawals_consent_and_rights_expiry(search_backend, index_now):
    from storybank.stories.models import StoryPage

    StoryPage.objects.live().filter(locale__language_code="vi").order_by("pk").first().unpublish()
    image = LaoCaiImage.objects.order_by("pk")[1]
    image.consent_status = ConsentStatus.MISSING
    image.save()
    expiring = LaoCaiImage.objects.order_by("pk")[2]
    expiring.rights_expire_on = timezone.localdate()  # usable today, not tomorrow
    expiring.save()
    index_now()

    today = timezone.now()
    assert actual(SearchQuery()) == expected(database_items(today), {})
    tomorrow = today + datetime.timedelta(days=1)
    assert actual(SearchQuery(at=tomorrow)) == expected(database_items(tomorrow), {})
    assert actual(SearchQuery(at=tomorrow))[0] < actual(SearchQuery(at=today))[0]


def test_with_words_the_facets_add_up_to_the_total(search_backend):
    results = search(SearchQuery(text="Sa Pa"))
    assert results.total > 10
    for name in ("kind", "locale"):
        assert sum(value.count for value in results.facet(name).values) == results.total
    kinds = {value.value: value.count for value in results.facet("kind").values}
    undated = kinds.get("place", 0) + kinds.get("section", 0)  # place pages and listings have no year
    assert undated and sum(value.count for value in results.facet("year").values) == results.total - undated
    filtered = search(SearchQuery(text="Sa Pa", kind=("image",)))
    kind_counts = {value.value: value.count for value in filtered.facet("kind").values}
    assert filtered.total == kind_counts["image"]
    assert sum(kind_counts.values()) == results.total  # the kind facet ignores its own filter


def test_cached_counts_never_outlive_a_change(demo, index_now, settings):
    from search.backends.embedded import _next_visibility_change
    from search.documents import end_of_rights
    from storybank.stories.models import StoryPage
    from tests.search.factories import make_image

    settings.SEARCH_FACET_CACHE_SECONDS = 300
    query = SearchQuery(text="Fansipan")
    before = search(query)
    assert search(query).facets == before.facets  # served from the cache
    StoryPage.objects.live().get(title="Chinh phục Fansipan – nóc nhà Đông Dương").unpublish()
    after = search(query)
    assert after.total == before.total - 1
    assert actual(SearchQuery()) == expected(database_items(), {})

    make_image("Ảnh hết quyền cuối ngày", rights_expire_on=timezone.localdate())
    from django.db import connection

    with connection.cursor() as cursor:
        assert _next_visibility_change(timezone.now(), cursor) <= end_of_rights(timezone.localdate())
