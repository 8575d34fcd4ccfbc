"""What the home page shows: the three pillars, this week's highlights, the
latest stories, top OCOP products, culture and places."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from wagtail.models import Page

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


def home_context(home: Page, request: HttpRequest) -> dict[str, Any]:
    locale = home.locale
    sections = locale_sections(home)
    stories = public_pages(StoryPage.objects.filter(locale=locale))
    pillar_counts: dict[str, int] = {}
    for pillar in stories.values_list("pillar", flat=True):
        pillar_counts[pillar] = pillar_counts.get(pillar, 0) + 1
    story_index = sections.get("stories")
    pillars = [
        {
            "block": block.value,
            "count": pillar_counts.get(block.value["pillar"], 0),
            "url": f"{story_index.url}?pillar={block.value['pillar']}" if story_index else "",
        }
        for block in home.pillars
    ]
    return {
        "sections": sections,
        "pillars": pillars,
        "highlights": weekly_highlights(locale),  # the editors' picks (storybank.governance)
        "latest_stories": list(stories.select_related("hero_image").order_by("-first_published_at")[:6]),
        "top_products": list(
            public_pages(OCOPProductPage.objects.filter(locale=locale)).select_related("hero_image", "commune")
            .order_by("-star_rating", "-first_published_at")[:4]
        ),
        "culture_entries": list(
            public_pages(CultureEntryPage.objects.filter(locale=locale)).select_related("hero_image")
            .order_by("-first_published_at")[:4]
        ),
    }
