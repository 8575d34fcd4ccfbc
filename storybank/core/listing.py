"""Queries the public templates share: latest content of a locale, children
of an index page."""

from __future__ import annotations

from wagtail.models import Locale, Page


def content_page_models() -> list[type[Page]]:
    from storybank.culture.models import CultureEntryPage
    from storybank.products.models import OCOPProductPage
    from storybank.stories.models import StoryPage

    return [StoryPage, OCOPProductPage, CultureEntryPage]


def latest_content(locale: Locale, limit: int = 6) -> list[Page]:
    """The most recently published public content pages of ``locale``."""
    return list(
        Page.objects.live().public().filter(locale=locale)
        .type(*content_page_models())
        .order_by("-first_published_at")
        .specific()[:limit]
    )
