"""Everything the site holds about one commune, ward or landmark, in the
visitor's language: stories, OCOP products, culture entries, photos taken
there and the units that contribute from there."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from wagtail.models import Locale

from storybank.core.visibility import public_pages, usable_assets
from storybank.taxonomy.models import Place

PLACE_IMAGES = 12


@dataclass
class PlaceSummary:
    place: Place
    stories: int = 0
    products: int = 0
    culture: int = 0

    @property
    def total(self) -> int:
        return self.stories + self.products + self.culture


@dataclass
class PlaceContent:
    place: Place
    stories: list[Any] = field(default_factory=list)
    products: list[Any] = field(default_factory=list)
    culture: list[Any] = field(default_factory=list)
    images: list[Any] = field(default_factory=list)
    units: list[Any] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.stories or self.products or self.culture or self.images)


def public_places() -> QuerySet:
    """Places have one page each, addressed by the slug of their Vietnamese row."""
    return Place.in_default_locale()


def _story_pages(locale: Locale) -> QuerySet:
    from storybank.stories.models import StoryPage

    return public_pages(StoryPage.objects.filter(locale=locale))


def _culture_pages(locale: Locale) -> QuerySet:
    from storybank.culture.models import CultureEntryPage

    return public_pages(CultureEntryPage.objects.filter(locale=locale))


def _product_pages(locale: Locale) -> QuerySet:
    from storybank.products.models import OCOPProductPage

    return public_pages(OCOPProductPage.objects.filter(locale=locale))


def place_summaries(locale: Locale) -> list[PlaceSummary]:
    """Every place with how many public items of ``locale`` it has, by name."""
    summaries = {place.pk: PlaceSummary(place) for place in public_places()}

    def count(queryset: QuerySet, link: str, attribute: str) -> None:
        for row in queryset.values(link).annotate(n=Count("pk", distinct=True)):
            summary = summaries.get(row[link])
            if summary is not None:
                setattr(summary, attribute, row["n"])

    count(_story_pages(locale), "place_links__place", "stories")
    count(_culture_pages(locale), "place_links__place", "culture")
    count(_product_pages(locale), "commune", "products")
    return sorted(summaries.values(), key=lambda summary: summary.place.localized_name)


def place_content(place: Place, locale: Locale) -> PlaceContent:
    from storybank.assets.models import LaoCaiImage
    from storybank.taxonomy.models import ContributingUnit

    return PlaceContent(
        place=place,
        stories=list(_story_pages(locale).filter(place_links__place=place).distinct()
                     .select_related("hero_image").order_by("-first_published_at")),
        products=list(_product_pages(locale).filter(commune=place).select_related("hero_image")
                      .order_by("-star_rating", "title")),
        culture=list(_culture_pages(locale).filter(place_links__place=place).distinct()
                     .select_related("hero_image").order_by("title")),
        images=list(usable_assets(LaoCaiImage.objects.filter(place=place)).order_by("-created_at")[:PLACE_IMAGES]),
        units=list(ContributingUnit.objects.filter(place=place).order_by("name")),
    )


def openstreetmap_url(latitude: Decimal, longitude: Decimal, zoom: int = 13) -> str:
    return f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map={zoom}/{latitude}/{longitude}"


def geo_uri(latitude: Decimal, longitude: Decimal) -> str:
    """RFC 5870: opens the visitor's own maps app, offline maps included."""
    return f"geo:{latitude},{longitude}"


def map_marker(place: Place, url: str) -> dict[str, Any]:
    return {"name": place.localized_name, "lat": float(place.latitude), "lon": float(place.longitude), "url": url}
