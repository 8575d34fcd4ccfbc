"""Which items a feed holds right now: its rules as database queries.

Every query starts from :mod:`storybank.core.visibility` (``public_pages``
for pages, ``redistributable_assets`` for images and media) and narrows it
with the feed's rules, so no rule can let out what the core rule keeps in.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from wagtail.models import Page

from storybank.assets.models import LaoCaiImage, MediaAsset
from storybank.core.choices import MediaKind
from storybank.core.models import content_page_models
from storybank.core.visibility import public_pages, redistributable_assets
from storybank.governance.highlights import highlighted_translation_keys

from .items import IMAGE, MEDIA, PAGE, image_key, media_key, page_key, split_key
from .models import Feed

MEDIA_KINDS = tuple(MediaKind.values)
NOTHING = Q(pk__in=[])


#: The feed's taxonomy rules; each page type says how it reaches them (``term_paths``).
TERM_RULES = ("places", "ethnic_groups", "topics")


def _by_rules(feed: Feed, model: type, chosen: dict[str, list[int]]) -> QuerySet:
    """Pages of ``model`` matching the feed's pillar and taxonomy rules."""
    pages = model.in_pillars(feed.pillars) if feed.pillars else model.objects.all()
    for rule, ids in chosen.items():
        if not ids:
            continue
        path = model.term_paths.get(rule)
        if path is None:
            return model.objects.none()
        pages = pages.filter(**{f"{path}__in": ids})
    return pages


def _existing(models: list[type]) -> Q:
    """Pages whose specific row exists (a page being deleted loses it first)."""
    query = NOTHING
    for model in models:
        query |= Q(pk__in=model.objects.values("pk"))
    return query


def selected_pages(feed: Feed, ids: Iterable[int] | None = None) -> QuerySet:
    """Public content pages the feed holds (by its rules or pinned)."""
    page_models = content_page_models()
    page_kinds = [model.kind for model in page_models]
    kinds = [kind for kind in feed.kinds if kind in page_kinds] or ([] if feed.kinds else page_kinds)
    models = [model for model in page_models if model.kind in kinds]
    pages = public_pages(Page.objects.all())
    if ids is not None:
        pages = pages.filter(pk__in=list(ids))
    if feed.locales:
        pages = pages.filter(locale__language_code__in=feed.locales)
    chosen = {rule: list(getattr(feed, rule).values_list("pk", flat=True)) for rule in TERM_RULES}
    by_rules = NOTHING
    for model in models:
        by_rules |= Q(pk__in=_by_rules(feed, model, chosen).values("pk"))
    if feed.weekly_highlights_only:
        by_rules &= Q(translation_key__in=highlighted_translation_keys())
    pinned = Page.objects.filter(pk__in=feed.pins.values("page_id")).values("translation_key")
    by_pin = Q(translation_key__in=pinned) & _existing(page_models)
    return pages.filter(by_rules | by_pin)


def _asset_rules(feed: Feed, assets: QuerySet) -> QuerySet:
    assets = redistributable_assets(assets)
    if feed.licences:
        assets = assets.filter(licence__in=feed.licences)
    if feed.pillars or feed.topics.exists():
        return assets.none()  # assets have neither pillar nor topic
    groups = list(feed.ethnic_groups.values_list("pk", flat=True))
    if groups:
        assets = assets.filter(pk__in=assets.model.objects.filter(ethnic_groups__in=groups).values("pk"))
    places = list(feed.places.values_list("pk", flat=True))
    if places:
        assets = assets.filter(place__in=places)
    return assets


def selected_images(feed: Feed, ids: Iterable[int] | None = None) -> QuerySet:
    if "image" not in feed.kinds:
        return LaoCaiImage.objects.none()
    images = LaoCaiImage.objects.all() if ids is None else LaoCaiImage.objects.filter(pk__in=list(ids))
    return _asset_rules(feed, images)


def selected_media(feed: Feed, ids: Iterable[int] | None = None) -> QuerySet:
    kinds = [kind for kind in feed.kinds if kind in MEDIA_KINDS]
    if not kinds:
        return MediaAsset.objects.none()
    media = MediaAsset.objects.filter(media_kind__in=kinds)
    if ids is not None:
        media = media.filter(pk__in=list(ids))
    return _asset_rules(feed, media)


def selected_keys(feed: Feed, keys: Iterable[str] | None = None) -> set[str]:
    """Keys of the items ``feed`` holds now; only among ``keys`` when given."""
    wanted: dict[str, list[int]] | None = None
    if keys is not None:
        wanted = {PAGE: [], IMAGE: [], MEDIA: []}
        for key in keys:
            space, pk = split_key(key)
            wanted[space].append(pk)

    def ids(space: str) -> list[int] | None:
        return None if wanted is None else wanted[space]

    found: set[str] = set()
    if wanted is None or wanted[PAGE]:
        found.update(page_key(pk) for pk in selected_pages(feed, ids(PAGE)).values_list("pk", flat=True))
    if wanted is None or wanted[IMAGE]:
        found.update(image_key(pk) for pk in selected_images(feed, ids(IMAGE)).values_list("pk", flat=True))
    if wanted is None or wanted[MEDIA]:
        found.update(media_key(pk) for pk in selected_media(feed, ids(MEDIA)).values_list("pk", flat=True))
    return found
