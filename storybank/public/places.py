"""Everything the site holds about one commune, ward or landmark, in the
visitor's language: stories, OCOP products, culture entries, photos taken
there and the units that contribute from there."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from wagtail.models import Locale

from storybank.assets.models import LaoCaiImage
from storybank.core.visibility import public_pages, usable_assets
from storybank.culture.models import CultureEntryPage
from storybank.products.models import OCOPProductPage
from storybank.stories.models import StoryPage
from storybank.taxonomy.models import ContributingUnit, Place

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


def _public(model: type, locale: Locale) -> QuerySet:
    return public_pages(model.objects.filter(locale=locale))


def _at(model: type, locale: Locale, place: Place) -> QuerySet:
    """Public pages of ``model`` in ``locale`` about ``place`` (each type says how it names its places)."""
    return _public(model, locale).filter(**{model.term_paths["places"]: place})


def place_summaries(locale: Locale) -> list[PlaceSummary]:
    """Every place with how many public items of ``locale`` it has, by name."""
    summaries = {place.pk: PlaceSummary(place) for place in public_places()}

    def count(queryset: QuerySet, link: str, attribute: str) -> None:
        for row in queryset.values(link).annotate(n=Count("pk", distinct=True)):
            summary = summaries.get(row[link])
            if summary is not None:
                setattr(summary, attribute, row["n"])

    count(_public(StoryPage, locale), StoryPage.term_paths["places"], "stories")
    count(_public(CultureEntryPage, locale), CultureEntryPage.term_paths["places"], "culture")
    count(_public(OCOPProductPage, locale), OCOPProductPage.term_paths["places"], "products")
    return sorted(summaries.values(), key=lambda summary: summary.place.localized_name)


def place_content(place: Place, locale: Locale) -> PlaceContent:
    return PlaceContent(
        place=place,
        stories=list(_at(StoryPage, locale, place).distinct()
                     .select_related("hero_image").order_by("-first_published_at")),
        products=list(_at(OCOPProductPage, locale, place).select_related("hero_image")
                      .order_by("-star_rating", "title")),
        culture=list(_at(CultureEntryPage, locale, place).distinct()
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
