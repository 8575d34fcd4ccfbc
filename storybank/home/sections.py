"""What the home page shows: the three pillars, this week's highlights, the
latest stories, top OCOP products, culture and places.

A young language's home page is never empty: its sections show its own
items first, then, labelled, those of its fallback languages
(``storybank.core.i18n.with_fallbacks``)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.http import HttpRequest
from wagtail.models import Locale, Page

from storybank.core.choices import Pillar
from storybank.core.i18n import fallback_chain, with_fallbacks
from storybank.core.visibility import public_pages
from storybank.culture.models import CultureEntryPage, CultureIndexPage
from storybank.governance.highlights import weekly_highlights
from storybank.products.models import OCOPIndexPage, OCOPProductPage
from storybank.stories.models import StoryIndexPage, StoryPage


def locale_sections(home: Page) -> dict[str, Page]:
    """The home page's live public index pages by kind: ``stories``, ``products``, ``culture``."""
    kinds = {StoryIndexPage: "stories", OCOPIndexPage: "products", CultureIndexPage: "culture"}
    sections: dict[str, Page] = {}
    for child in public_pages(home.get_children()).specific().order_by("path"):
        kind = kinds.get(type(child))
        if kind and kind not in sections:
            sections[kind] = child
    return sections


def in_language(model: type[Page], language: str) -> QuerySet:
    """Public pages of ``model`` in ``language`` and, after them, its fallback languages' others."""

    def pages_in(locale: Locale) -> QuerySet:
        return model.objects.filter(locale=locale)

    return with_fallbacks(pages_in, language).select_related("hero_image", "locale")


def home_context(home: Page, request: HttpRequest) -> dict[str, Any]:
    locale = home.locale
    language = locale.language_code
    sections = locale_sections(home)
    stories = in_language(StoryPage, language)
    pillar_counts: dict[str, int] = {}
    for pillar in stories.values_list("pillar", flat=True):
        pillar_counts[pillar] = pillar_counts.get(pillar, 0) + 1
    story_index = sections.get("stories")
    pillars = [
        {
            "block": block.value,
            "name": Pillar(block.value["pillar"]).label,
            "count": pillar_counts.get(block.value["pillar"], 0),
            "url": f"{story_index.url}?pillar={block.value['pillar']}" if story_index else "",
        }
        for block in home.pillars
    ]
    newest = (F("first_published_at").desc(nulls_last=True), "pk")
    return {
        "sections": sections,
        "pillars": pillars,
        "highlights": weekly_highlights(locale, fallbacks=fallback_chain(language)),  # the editors' picks
        "latest_stories": list(stories.order_by("fallback_rank", *newest)[:6]),
        "top_products": list(
            in_language(OCOPProductPage, language).select_related("commune")
            .order_by("fallback_rank", "-star_rating", *newest)[:4]
        ),
        "culture_entries": list(in_language(CultureEntryPage, language).order_by("fallback_rank", *newest)[:4]),
    }
