"""What gets indexed: one :class:`IndexEntry` per item per locale.

Stories, OCOP products and culture entries are Wagtail pages, and every
translation is a page of its own, so a page gives one entry in its locale.
Images and media assets give one entry for Vietnamese (their own title,
alt text and caption) and one for each other language that has alt text or a
caption in ``localized_text``.

Every other page a visitor reaches from the sitemap is found too: the home
and listing pages (kind ``section``, one entry each) and the place pages
(kind ``place``, one entry per language with a home page, named in that
language), so typing their title finds them.

Entries are denormalised: they carry everything filters, facets and result
cards need, so a search never goes back to the content tables. Both
backends index the same entries.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from wagtail.models import Locale, Page

from search.query import PLACE_KIND, SECTION_KIND
from storybank.assets.models import LaoCaiImage, MediaAsset
from storybank.core.models import NormalizedTextPage, content_page_models
from storybank.core.visibility import is_asset_public, is_page_public
from storybank.taxonomy.models import ContributingUnit, EthnicGroup, Place, Topic

logger = logging.getLogger(__name__)

#: Wagtail filter spec of result-card thumbnails (the media pipeline's ``thumbnail`` preset, in WebP).
THUMBNAIL_SPEC = "fill-400x300|format-webp"
#: Longest text indexed per item; keeps PostgreSQL's tsvector under its 1 MB limit.
MAX_TEXT_LENGTH = 100_000


@dataclass
class IndexEntry:
    """One searchable document: an item in one locale."""

    object_type: str  # "page", "image", "media"
    object_id: int
    locale: str
    kind: str
    title: str
    summary: str = ""
    body: str = ""
    #: Searchable but not shown: credit, taxonomy names, producer, contributing unit…
    meta: str = ""
    url: str = ""
    thumbnail_url: str = ""
    thumbnail_image_id: int | None = None
    credit: str = ""
    licence: str = ""
    pillar: str = ""
    date: datetime.datetime | None = None
    ethnic_groups: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    is_public: bool = False
    public_from: datetime.datetime | None = None
    public_until: datetime.datetime | None = None
    rights_expire_on: datetime.date | None = None
    status: str = "draft"
    #: When the source was read (ns); Elasticsearch keeps the newest write.
    version: int = field(default_factory=time.time_ns)

    @property
    def year(self) -> int | None:
        return timezone.localtime(self.date).year if self.date else None

    @property
    def doc_id(self) -> str:
        return f"{self.object_type}-{self.object_id}-{self.locale}"


# --- which objects are indexed ----------------------------------------------
def is_section_page(page: Any) -> bool:
    """The home page and the listings: every page type of ours that is not an item."""
    return isinstance(page, NormalizedTextPage) and type(page) not in content_page_models()


def object_key(instance: Any) -> tuple[str, int] | None:
    """("page" | "image" | "media" | "place", pk) for an indexable object, else None."""
    if isinstance(instance, LaoCaiImage):
        return "image", instance.pk
    if isinstance(instance, MediaAsset):
        return "media", instance.pk
    if isinstance(instance, Page) and (type(instance) in content_page_models() or is_section_page(instance)):
        return "page", instance.pk
    if isinstance(instance, Place):  # a translated row stands for its place
        default = Place.in_default_locale().filter(translation_key=instance.translation_key).first()
        return ("place", default.pk) if default is not None else None
    return None


def load_object(object_type: str, object_id: int) -> Any | None:
    """The object behind a key, or None when it no longer exists."""
    if object_type == "page":
        page = Page.objects.filter(pk=object_id).first()
        page = page.specific if page else None
        return page if page is not None and object_key(page) is not None else None
    model = {"image": LaoCaiImage, "media": MediaAsset, "place": Place}.get(object_type)
    return model.objects.filter(pk=object_id).first() if model else None


def keys_showing(term: Any) -> list[tuple[str, int]]:
    """Keys of the items that show ``term`` (a place, ethnic group or topic,
    through any of its translations, or a contributing unit), and of the
    place's own page: what a renamed term changes."""
    if isinstance(term, ContributingUnit):
        rows: Any = [term]
        page_lookups, asset_lookups = ["contributing_unit"], ["source_unit"]
    else:
        rows = type(term).objects.filter(translation_key=term.translation_key)
        page_lookups, asset_lookups = {
            Place: (["place_links__place", "commune"], ["place"]),
            EthnicGroup: (["ethnic_group_links__ethnic_group"], ["ethnic_groups"]),
            Topic: (["topic_links__topic"], []),
        }[type(term)]
    keys: set[tuple[str, int]] = set()
    for models_of_kind, object_type, lookups in (
        (content_page_models(), "page", page_lookups), ([LaoCaiImage], "image", asset_lookups),
        ([MediaAsset], "media", asset_lookups),
    ):
        for model in models_of_kind:
            for lookup in lookups:
                if _has_field(model, lookup.split("__")[0]):
                    found = model.objects.filter(**{f"{lookup}__in": rows}).values_list("pk", flat=True)
                    keys.update((object_type, pk) for pk in found)
    own = object_key(term)
    if own is not None:
        keys.add(own)
    return sorted(keys)


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _section_pages() -> models.QuerySet:
    return Page.objects.type(NormalizedTextPage).not_type(*content_page_models()).filter(alias_of__isnull=True)


def iter_objects(batch_size: int = 200) -> Iterator[Any]:
    """Every indexable object: content pages (all locales, drafts too), section pages, images, media, places."""
    for model in content_page_models():
        queryset = (
            model.objects.filter(alias_of__isnull=True)
            .select_related("locale", "hero_image", "contributing_unit")
            .order_by("pk")
        )
        yield from queryset.iterator(chunk_size=batch_size)
    yield from _section_pages().select_related("locale").order_by("pk").specific().iterator(chunk_size=batch_size)
    for model in (LaoCaiImage, MediaAsset):
        queryset = model.objects.select_related("place", "source_unit").prefetch_related("ethnic_groups")
        yield from queryset.order_by("pk").iterator(chunk_size=batch_size)
    yield from Place.in_default_locale().order_by("pk")


def count_objects() -> int:
    pages = sum(model.objects.filter(alias_of__isnull=True).count() for model in content_page_models())
    return (pages + _section_pages().count() + LaoCaiImage.objects.count() + MediaAsset.objects.count()
            + Place.in_default_locale().count())


def entries_for(instance: Any) -> list[IndexEntry]:
    """The entries of ``instance`` (none for alias pages and non-indexed objects)."""
    key = object_key(instance)
    if key is None:
        return []
    try:
        if key[0] == "page" and is_section_page(instance):
            return [] if instance.alias_of_id else [_section_entry(instance)]
        if key[0] == "page":
            return [] if instance.alias_of_id else [_page_entry(instance)]
        if key[0] == "place":
            return _place_entries(load_object(*key))
        return _asset_entries(instance, key[0])
    except Exception:  # a broken item must never stop a reindex or a publish
        logger.exception("Could not build the search entries of %s %s", *key)
        return []


# --- pages ---------------------------------------------------------------------
def _page_entry(page: Any) -> IndexEntry:
    now = timezone.now()
    content = page
    if not page.live and page.has_unpublished_changes and page.latest_revision_id:
        content = page.get_latest_revision_as_object()  # editors search the draft they are writing
    language = page.locale.language_code
    is_public = page.live and is_page_public(page, at=max(now, page.go_live_at or now))
    status = _page_status(page, is_public)

    with translation.override(language):
        places = content.get_places()
        groups = content.get_ethnic_groups()
        topics = content.get_topics()
        place_names = _localized_names(places, page.locale)
        meta = [
            *place_names, *place_name_variants(place_names), *_localized_names(groups, page.locale),
            *_localized_names(topics, page.locale),
            content.contributing_unit.name if content.contributing_unit else "",
            *content.search_facts(),
        ]
        thumbnail = _first_usable_image(content)
        date = page.first_published_at or page.last_published_at or page.latest_revision_created_at
        return IndexEntry(
            object_type="page",
            object_id=page.pk,
            locale=language,
            kind=page.kind,
            title=content.title,
            summary=content.lede or "",
            body=_truncate(content.search_text()),
            meta=" \n".join(part for part in meta if part),
            url=_page_url(page),
            thumbnail_url=_thumbnail_url(thumbnail),
            thumbnail_image_id=thumbnail.pk if thumbnail else None,
            credit=content.contributing_unit.name if content.contributing_unit else "",
            pillar=content.pillar_value,
            date=date,
            ethnic_groups=tuple(group.slug for group in groups),
            places=tuple(place.slug for place in places),
            is_public=is_public,
            public_from=page.go_live_at,
            public_until=page.expire_at,
            status=status,
        )


def _page_status(page: Any, is_public: bool) -> str:
    if is_public:
        return "public"
    if page.live:
        return "restricted"
    return "withdrawn" if page.first_published_at else "draft"


def _section_entry(page: Any) -> IndexEntry:
    """The home page or a listing: found by its title and introduction."""
    is_public = page.live and is_page_public(page)
    introduction = getattr(page, "intro", "") or getattr(page, "hero_text", "") or ""
    return IndexEntry(
        object_type="page", object_id=page.pk, locale=page.locale.language_code, kind=SECTION_KIND,
        title=page.title, summary=introduction, meta=getattr(page, "hero_title", "") or "", url=_page_url(page),
        is_public=is_public, public_from=page.go_live_at, public_until=page.expire_at,
        status=_page_status(page, is_public),
    )


# --- place pages ---------------------------------------------------------------
def _place_entries(place: Place | None) -> list[IndexEntry]:
    """One entry per language of the site (each has its place page), named in that language."""
    if place is None:
        return []
    languages = [code for code, _name in settings.LANGUAGES]
    rows = {row.locale.language_code: row for row in
            Place.objects.filter(translation_key=place.translation_key).select_related("locale")}
    entries = []
    for code in languages:
        row = rows.get(code, place)
        with translation.override(code):
            kind = str(place.get_kind_display())
            try:
                url = reverse("public:place", args=[place.slug])
            except NoReverseMatch:  # the public site is not installed
                url = ""
        entries.append(IndexEntry(
            object_type="place", object_id=place.pk, locale=code, kind=PLACE_KIND, title=row.name,
            summary=row.description, meta=" \n".join([kind, *place_name_variants([row.name, place.name])]),
            url=url, places=(place.slug,), is_public=True, status="public",
        ))
    return entries


def place_name_variants(names: Iterable[str]) -> list[str]:
    """Place names written as one word as well as two ("Sa Pa" → "SaPa", "Lào Cai" → "LàoCai"),
    as visitors and foreign texts write them."""
    return list(dict.fromkeys(name.replace(" ", "") for name in names if " " in name.strip()))


def _page_url(page: Any) -> str:
    try:
        return page.get_url() or ""
    except Exception:  # a page outside any site has no URL
        return ""


def _first_usable_image(page: Any) -> LaoCaiImage | None:
    if page.hero_image and is_asset_public(page.hero_image):
        return page.hero_image
    return next((image for image in page.get_images() if is_asset_public(image)), None)


# --- images and media -------------------------------------------------------------
def _asset_entries(asset: Any, object_type: str) -> list[IndexEntry]:
    default_language = settings.LANGUAGE_CODE
    languages = [code for code, _name in settings.LANGUAGES]
    is_public = is_asset_public(asset)
    groups = list(asset.ethnic_groups.all()) if asset.pk else []
    places = [asset.place] if asset.place_id else []
    alt = getattr(asset, "description", "") or ""
    transcript = getattr(asset, "transcript", "") or ""
    texts = {default_language: _asset_texts(asset.title, alt, asset.caption, transcript)}
    for code, values in (asset.localized_text or {}).items():
        if code == default_language or code not in languages or not isinstance(values, dict):
            continue
        caption, local_alt = values.get("caption") or "", values.get("alt") or ""
        title = values.get("title") or caption or local_alt
        if title:
            texts[code] = _asset_texts(title, local_alt, caption)

    thumbnail = asset if object_type == "image" else getattr(asset, "poster", None)
    thumbnail_url = _thumbnail_url(thumbnail if thumbnail is not None and is_asset_public(thumbnail) else None)
    date = asset.captured_at or asset.created_at
    entries = []
    for code, (title, summary, body) in texts.items():
        locale = _locale(code)
        with translation.override(code):
            place_names = _localized_names(places, locale)
            meta = [
                asset.credit_name, asset.source_unit.name if asset.source_unit else "",
                *place_names, *place_name_variants(place_names), *_localized_names(groups, locale),
            ]
        entries.append(
            IndexEntry(
                object_type=object_type,
                object_id=asset.pk,
                locale=code,
                kind=asset.kind,
                title=title,
                summary=summary,
                body=_truncate(body),
                meta=" \n".join(part for part in meta if part),
                url=_asset_url(asset, object_type),
                thumbnail_url=thumbnail_url,
                thumbnail_image_id=thumbnail.pk if thumbnail is not None and thumbnail_url else None,
                credit=asset.credit_label(code),  # labelled in the entry's language ("Photo: …", "Ảnh: …")
                licence=asset.licence,
                date=date,
                ethnic_groups=tuple(group.slug for group in groups),
                places=tuple(place.slug for place in places),
                is_public=is_public,
                public_until=end_of_rights(asset.rights_expire_on),
                rights_expire_on=asset.rights_expire_on,
                status="public" if is_public else ("draft" if asset.awaiting_review else "restricted"),
            )
        )
    return entries


def _asset_texts(title: str, alt: str, caption: str, transcript: str = "") -> tuple[str, str, str]:
    """(title, summary, body) of an asset: the summary is the caption, or the
    alt text when the caption only repeats the title."""
    summary = caption if caption and caption.strip() != title.strip() else alt
    body = "\n".join(part for part in _unique([alt, caption, transcript]) if part not in (title.strip(), summary))
    return title, summary, body


def end_of_rights(day: datetime.date | None) -> datetime.datetime | None:
    """The moment an asset whose rights end on ``day`` stops being usable:
    the start of the next day, in the province's time zone."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _asset_url(asset: Any, object_type: str) -> str:
    if object_type == "image":
        try:  # the media pipeline's download with credit, once it is installed
            return reverse("press:original", args=(asset.pk,))
        except NoReverseMatch:
            return asset.file.url if asset.file else ""
    return asset.url


def _thumbnail_url(image: LaoCaiImage | None) -> str:
    """A 400×300 WebP thumbnail: the media pipeline's ``thumbnail`` preset when it
    is installed (rendered on first request), else a Wagtail rendition."""
    if image is None:
        return ""
    try:
        return reverse("press:rendition", args=(image.pk, "thumbnail")) + "?format=webp"
    except NoReverseMatch:
        pass
    try:
        return image.get_rendition(THUMBNAIL_SPEC).url
    except Exception:  # missing or unreadable source file: index without a thumbnail
        logger.warning("No thumbnail for image %s", image.pk, exc_info=True)
        return ""


# --- helpers -------------------------------------------------------------------------
def _locale(code: str) -> Any:
    return Locale.objects.filter(language_code=code).first()


def _localized_names(terms: Iterable[Any], locale: Any) -> list[str]:
    """Names of taxonomy ``terms`` in ``locale`` (one query per model), falling back to their own."""
    terms = [term for term in terms if term is not None]
    if not terms:
        return []
    if locale is None:
        return [term.name for term in terms]
    model: type[models.Model] = type(terms[0])
    translated = dict(
        model.objects.filter(translation_key__in=[term.translation_key for term in terms], locale=locale)
        .values_list("translation_key", "name")
    )
    return [translated.get(term.translation_key, term.name) for term in terms]


def _unique(parts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in parts if part and part.strip()))


def _truncate(text: str) -> str:
    return text[:MAX_TEXT_LENGTH]
