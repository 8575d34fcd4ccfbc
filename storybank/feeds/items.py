"""Items as they leave the bank: one JSON-ready dict per page or asset.

An item's payload is the same for every feed (feeds differ in *which* items
they hold, not in what an item says), so it is built once per change and
stored with each feed entry; every format is rendered from it.

What an item may show follows :mod:`storybank.core.visibility`: a page item
only exists while the page is public, and its images and media appear only
while they are redistributable (rights, consent and licence). Nothing here
decides visibility on its own.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail.images.models import Filter
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import expand_db_html

from media_pipeline.renditions import MIME_TYPES, PRESETS
from storybank.assets.models import LaoCaiImage, MediaAsset
from storybank.core.choices import LICENCE_URLS, Licence, Pillar
from storybank.core.visibility import is_asset_public, public_pages, redistributable_assets
from storybank.taxonomy.models import ContributingUnit, EthnicGroup, Place, Topic
from storybank.translations.status import translation_status

from .corrections import correction_fields

logger = logging.getLogger(__name__)

ITEM_URN = "urn:laocai-story:"
PAGE, IMAGE, MEDIA = "page", "image", "media"

MEDIA_MIME_TYPES = {
    "mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime", "mp3": "audio/mpeg", "m4a": "audio/mp4",
    "ogg": "audio/ogg", "wav": "audio/wav", "pdf": "application/pdf", "txt": "text/plain",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
}


# --- keys and identifiers -------------------------------------------------------


def page_key(pk: int) -> str:
    return f"{PAGE}:{pk}"


def image_key(pk: int) -> str:
    return f"{IMAGE}:{pk}"


def media_key(pk: int) -> str:
    return f"{MEDIA}:{pk}"


def key_for(instance: Any) -> str:
    if isinstance(instance, LaoCaiImage):
        return image_key(instance.pk)
    if isinstance(instance, MediaAsset):
        return media_key(instance.pk)
    return page_key(instance.pk)


def split_key(key: str) -> tuple[str, int]:
    space, _colon, pk = key.partition(":")
    return space, int(pk)


def item_id(key: str) -> str:
    """The item's permanent public identifier (a URN: the same in every format)."""
    return ITEM_URN + key


def iso(moment: Any) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


# --- the built item ---------------------------------------------------------------


@dataclass
class BuiltItem:
    key: str
    kind: str = ""
    locale: str = ""
    payload: dict[str, Any] | None = None
    reason: str = ""
    #: What the item shows that can change on its own: assets and taxonomy terms.
    refs: tuple[str, ...] = field(default_factory=tuple)
    #: A tombstone's retraction notice (``{"retraction": {...}}``), stored as the entry's payload.
    retraction: dict[str, Any] | None = None

    @property
    def present(self) -> bool:
        return self.payload is not None

    @cached_property
    def content_hash(self) -> str:
        if self.payload is None:
            return ""
        return hashlib.sha256(json.dumps(self.payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    @property
    def refs_text(self) -> str:
        return f" {' '.join(self.refs)} " if self.refs else ""


def base_url() -> str:
    configured = getattr(settings, "FEEDS_BASE_URL", "")
    if configured:
        return configured.rstrip("/")
    site = Site.objects.filter(is_default_site=True).first()
    return (site.root_url if site else settings.WAGTAILADMIN_BASE_URL).rstrip("/")


_RELATIVE_LINK = re.compile(r'(\s(?:href|src)=")(/[^"]*)"')


class ItemBuilder:
    """Builds item payloads, remembering what items of one batch share
    (taxonomy names, image renditions, locales)."""

    def __init__(self) -> None:
        self.base = base_url()
        self.presets: list[str] = list(getattr(settings, "FEEDS_RENDITION_PRESETS", ["thumbnail", "web"]))
        self.text_licence: str = getattr(settings, "FEEDS_TEXT_LICENCE", Licence.GOV_REUSE)
        self._locales = {locale.pk: locale.language_code for locale in Locale.objects.all()}
        self._names: dict[type, dict[tuple[Any, str], str]] = {}
        self._renditions: dict[tuple[int, str], dict[str, Any] | None] = {}
        self._image_public: dict[int, bool] = {}

    # --- entry point --------------------------------------------------------
    def build(self, key: str) -> BuiltItem:
        space, pk = split_key(key)
        if space == PAGE:
            page = content_page(pk)
            if page is None:
                return BuiltItem(key, reason="deleted")
            return self.build_page(page)
        model = LaoCaiImage if space == IMAGE else MediaAsset
        asset = model.objects.filter(pk=pk).first()
        if asset is None:
            return BuiltItem(key, reason="deleted")
        return self.build_asset(asset)

    def absence_reason(self, key: str) -> str:
        """Why an item that left a feed left it (for its tombstone)."""
        space, pk = split_key(key)
        if space == PAGE:
            if content_page(pk) is None:
                return "deleted"
            return "not-selected" if public_pages(Page.objects.filter(pk=pk)).exists() else "withdrawn"
        model = LaoCaiImage if space == IMAGE else MediaAsset
        asset = model.objects.filter(pk=pk).first()
        if asset is None:
            return "deleted"
        if not is_asset_public(asset):
            return "rights-expired" if asset.rights_expired() else "withdrawn"
        if not redistributable_assets(model.objects.filter(pk=pk)).exists():
            return "licence"
        return "not-selected"

    # --- shared pieces ------------------------------------------------------
    def absolute(self, url: str) -> str:
        return url if "://" in url else f"{self.base}{url}"

    def term_name(self, term: Any, language: str) -> str:
        model = type(term)
        names = self._names.get(model)
        if names is None:
            names = {
                (key, self._locales.get(locale_id, "")): name
                for key, locale_id, name in model.objects.values_list("translation_key", "locale_id", "name")
            }
            self._names[model] = names
        return names.get((term.translation_key, language)) or term.name

    def place(self, place: Place, language: str) -> dict[str, Any]:
        return {
            "id": place.slug, "name": self.term_name(place, language), "kind": place.kind,
            "latitude": float(place.latitude), "longitude": float(place.longitude),
        }

    def ethnic_group(self, group: EthnicGroup, language: str) -> dict[str, Any]:
        return {"id": group.slug, "name": self.term_name(group, language), "autonym": group.autonym}

    def topic(self, topic: Topic, language: str) -> dict[str, Any]:
        return {"id": topic.slug, "name": self.term_name(topic, language)}

    def licence(self, code: str, language: str) -> dict[str, Any]:
        with translation.override(language):
            name = str(Licence(code).label) if code in Licence.values else code
        return {"id": code, "name": name, "url": LICENCE_URLS.get(code, "")}

    def image_is_public(self, image: LaoCaiImage) -> bool:
        """Redistributable right now (the core rule, asked once per image)."""
        if image.pk not in self._image_public:
            self._image_public[image.pk] = redistributable_assets(LaoCaiImage.objects.filter(pk=image.pk)).exists()
        return self._image_public[image.pk]

    def media_is_public(self, asset: MediaAsset) -> bool:
        return redistributable_assets(MediaAsset.objects.filter(pk=asset.pk)).exists()

    def rendition(self, image: LaoCaiImage, preset: str) -> dict[str, Any] | None:
        cache_key = (image.pk, preset)
        if cache_key not in self._renditions:
            self._renditions[cache_key] = self._make_rendition(image, preset)
        return self._renditions[cache_key]

    def _make_rendition(self, image: LaoCaiImage, preset: str) -> dict[str, Any] | None:
        """The press download of ``preset``: a stable address that answers 410
        once the image is withdrawn. Its size is computed from the preset's
        filter, so nothing is rendered until a partner asks."""
        try:
            width, height = Filter(PRESETS[preset].spec).get_transform(image).size
        except Exception:  # an image without dimensions must not stop a publish
            logger.warning("No %s rendition size for image %s", preset, image.pk, exc_info=True)
            return None
        url = reverse("press:rendition", args=(image.pk, preset)) + "?format=jpeg"
        return {"preset": preset, "url": self.absolute(url), "width": width, "height": height,
                "mime_type": MIME_TYPES["jpeg"]}

    def renditions(self, image: LaoCaiImage) -> list[dict[str, Any]]:
        return [r for r in (self.rendition(image, preset) for preset in self.presets) if r]

    def image(self, image: LaoCaiImage, language: str, caption: str = "", credit: str = "") -> dict[str, Any]:
        """An image as shown inside a page item (or as its own item): alt
        text and caption in ``language`` or, failing that, in Vietnamese (the
        ``*_language`` fields say which); the credit with the label of ``language``."""
        alt, alt_language = image.localized("alt", language)
        own_caption, caption_language = (caption, language) if caption else image.localized("caption", language)
        return {
            "id": item_id(image_key(image.pk)),
            "title": image.title,
            "alt": alt,
            "alt_language": alt_language,
            "caption": own_caption,
            "caption_language": caption_language,
            "credit": credit or image.credit_name,
            "credit_line": image.credit_line(language),
            "licence": self.licence(image.licence, language),
            "width": image.width,
            "height": image.height,
            "renditions": self.renditions(image),
        }

    def media(self, asset: MediaAsset, language: str) -> dict[str, Any]:
        extension = asset.file_extension.lower()
        data = {
            "id": item_id(media_key(asset.pk)),
            "kind": asset.kind,
            "title": asset.title,
            "caption": asset.caption_for(language),
            "credit": asset.credit_name,
            "credit_line": asset.credit_line(language),
            "licence": self.licence(asset.licence, language),
            "url": self.absolute(asset.url),
            "mime_type": MEDIA_MIME_TYPES.get(extension, "application/octet-stream"),
            "duration_seconds": asset.duration_seconds,
        }
        try:
            data["size_in_bytes"] = asset.get_file_size()
        except Exception:  # missing file: leave the size out
            data["size_in_bytes"] = None
        return data

    # --- pages ----------------------------------------------------------------
    def build_page(self, page: Page) -> BuiltItem:
        key = page_key(page.pk)
        if not hasattr(page, "lede"):  # not a content page
            return BuiltItem(key, reason="not-selected")
        language = self._locales.get(page.locale_id, settings.LANGUAGE_CODE)
        referenced = [img for img in page.get_images()]
        places, groups, topics = page.get_places(), page.get_ethnic_groups(), page.get_topics()
        unit = page.contributing_unit if page.contributing_unit_id else None
        refs = {image_key(img.pk) for img in referenced} | {term_ref(t) for t in [*places, *groups, *topics] if t}
        if unit:
            refs.add(term_ref(unit))
        with translation.override(language):
            images = [self.image(img, language) for img in referenced if self.image_is_public(img)]
            parts = ItemParts(self, language)
            body_html = page.feed_body(parts)
            media = parts.media_items
            payload: dict[str, Any] = {
                "id": item_id(key),
                "kind": page.kind,
                "language": language,
                "title": page.title,
                "summary": page.lede,
                "content_html": body_html,
                "url": page.get_full_url(),
                "published": iso(page.first_published_at),
                "modified": iso(page.last_published_at),
                "pillar": self.pillar(page.pillar_value, language),
                "places": [self.place(p, language) for p in places],
                "ethnic_groups": [self.ethnic_group(g, language) for g in groups],
                "topics": [self.topic(t, language) for t in topics],
                "contributor": unit.name if unit else "",
                "licence": self.licence(self.text_licence, language),
                "credits": list(dict.fromkeys(image["credit_line"] for image in images + media)),
                "images": images,
                "media": media,
                "translations": self.translations(page),
                "translation": self.translation_status_of(page, language),
            }
            payload.update(page.feed_details(parts))
            payload.update(correction_fields(page, iso))
        return BuiltItem(key, kind=page.kind, locale=language, payload=payload, refs=tuple(sorted(refs)))

    def pillar(self, code: str, language: str) -> dict[str, str] | None:
        if not code:
            return None
        with translation.override(language):
            return {"id": code, "name": str(Pillar(code).label)}

    def translations(self, page: Page) -> list[dict[str, Any]]:
        """The page's other public languages, as links to their own items."""
        others = (
            public_pages(page.get_translations(inclusive=False))
            .filter(pk__in=type(page).objects.values("pk"))  # not one being deleted
            .select_related("locale")
            .order_by("locale_id")
        )
        return [
            {"id": item_id(page_key(other.pk)), "language": other.locale.language_code, "title": other.title,
             "url": other.get_full_url()}
            for other in others
        ]

    def translation_status_of(self, page: Page, language: str) -> dict[str, Any]:
        """Whether the item is an original or a translation, and if so of
        which item, how it was made, whether a person reviewed it and whether
        its source changed since (``storybank.translations``)."""
        status = translation_status(page, record=True)
        if status is None:
            return {"original": True, "source_language": language}
        source = status.source_page
        return {
            "original": False,
            # A source partners may not see (a draft, a restricted page) is not named, not even by its id.
            "source_id": item_id(page_key(source.pk)) if status.source_public else "",
            "source_language": status.source_language,
            "source_url": status.source_url,
            "method": status.method,
            "machine_tool": status.machine_tool,
            "reviewed": status.reviewed,
            "reviewed_at": iso(status.reviewed_at),
            "translated_at": iso(status.translated_at),
            "source_changed": status.out_of_date,
            "source_changed_at": iso(status.source_changed_at),
            "changed_segments": status.changed_segments,
            "segments": status.segments,
        }

    def rich_text(self, source: str) -> str:
        return _RELATIVE_LINK.sub(lambda m: f'{m.group(1)}{self.absolute(m.group(2))}"', expand_db_html(source))

    def figure(self, image: LaoCaiImage | None, language: str, caption: str = "", credit: str = "") -> str:
        if image is None or not self.image_is_public(image):
            return ""
        web = self.rendition(image, "web")
        if not web:
            return ""
        caption, caption_language = (caption, language) if caption else image.localized("caption", language)
        credit = credit or image.credit_label(language)
        alt, alt_language = image.localized("alt", language)
        figcaption = html.escape(credit)
        if caption:  # a caption in Vietnamese inside another language's item says so
            marked = html.escape(caption) if caption_language == language else \
                f'<span lang="{caption_language}">{html.escape(caption)}</span>'
            figcaption = f"{marked} — {figcaption}" if credit else marked
        lang = f' lang="{alt_language}"' if alt_language != language else ""
        return (
            f'<figure><img src="{html.escape(web["url"])}" alt="{html.escape(alt)}"{lang}'
            f' width="{web["width"]}" height="{web["height"]}" />'
            f"<figcaption>{figcaption}</figcaption></figure>"
        )

    # --- assets -----------------------------------------------------------------
    def build_asset(self, asset: LaoCaiImage | MediaAsset) -> BuiltItem:
        key = key_for(asset)
        language = settings.LANGUAGE_CODE
        with translation.override(language):
            if isinstance(asset, LaoCaiImage):
                details = self.image(asset, language)
                renditions = details["renditions"]
                web = [r["url"] for r in renditions if r["preset"] == "web"] or [r["url"] for r in renditions]
                url = web[0] if web else ""
                extra: dict[str, Any] = {"width": asset.width, "height": asset.height, "renditions": renditions}
            else:
                details = self.media(asset, language)
                url = details["url"]
                extra = {
                    "mime_type": details["mime_type"], "duration_seconds": asset.duration_seconds,
                    "size_in_bytes": details["size_in_bytes"],
                    "poster": self.image(asset.poster, language) if asset.poster and self.image_is_public(asset.poster)
                    else None,
                    "transcript": asset.transcript,
                }
            groups = list(asset.ethnic_groups.all())
            captions = {language: asset.caption}
            alts = {language: asset.alt_for(language)} if isinstance(asset, LaoCaiImage) else {}
            for code, texts in sorted((asset.localized_text or {}).items()):
                if texts.get("caption"):
                    captions[code] = texts["caption"]
                if texts.get("alt") and isinstance(asset, LaoCaiImage):
                    alts[code] = texts["alt"]
            payload = {
                "id": item_id(key),
                "kind": asset.kind,
                "language": language,
                "title": asset.title,
                "summary": asset.caption,
                "content_html": f"<p>{html.escape(asset.caption)}</p>" if asset.caption else "",
                "url": url,
                "published": iso(asset.created_at),
                "modified": None,
                "captured_at": iso(asset.captured_at),
                "pillar": None,
                "places": [self.place(asset.place, language)] if asset.place_id else [],
                "ethnic_groups": [self.ethnic_group(g, language) for g in groups],
                "topics": [],
                "contributor": asset.source_unit.name if asset.source_unit_id else "",
                "credit": asset.credit_name,
                "licence": self.licence(asset.licence, language),
                "credits": [asset.credit_line(language)],
                "captions": captions,
                "alt_texts": alts,
                "translations": [],
                **extra,
            }
        refs = {term_ref(group) for group in groups}
        if asset.place_id:
            refs.add(term_ref(asset.place))
        if asset.source_unit_id:
            refs.add(term_ref(asset.source_unit))
        if isinstance(asset, MediaAsset) and asset.poster_id:
            refs.add(image_key(asset.poster_id))
        return BuiltItem(key, kind=asset.kind, locale="", payload=payload, refs=tuple(sorted(refs)))


class ItemParts:
    """The pieces a page type and its blocks build their feed HTML from
    (``storybank.core.protocols.FeedParts``), in one item's language; media
    the body links to are collected in ``media_items``."""

    def __init__(self, builder: ItemBuilder, language: str) -> None:
        self.builder, self.language = builder, language
        self.media_items: list[dict[str, Any]] = []

    def rich_text(self, source: str) -> str:
        return self.builder.rich_text(source)

    def figure(self, image: LaoCaiImage | None, caption: str = "", credit: str = "") -> str:
        return self.builder.figure(image, self.language, caption, credit)

    def media(self, asset: MediaAsset) -> dict[str, Any] | None:
        if not self.builder.media_is_public(asset):
            return None
        item = self.builder.media(asset, self.language)
        self.media_items.append(item)
        return item

    def place(self, place: Place) -> dict[str, Any]:
        return self.builder.place(place, self.language)


def term_ref(term: Any) -> str:
    """How items refer to a taxonomy term or unit: by the translation key a
    term shares with its translations, so renaming any of them finds the items."""
    if isinstance(term, ContributingUnit):
        return f"unit:{term.pk}"
    prefix = {Place: "place", EthnicGroup: "group", Topic: "topic"}[type(term)]
    return f"{prefix}:{term.translation_key}"


def content_page(pk: int) -> Page | None:
    """The specific page ``pk``, or ``None`` once its specific row is gone
    (Django deletes a page's own table row before the base ``Page`` row)."""
    base = Page.objects.filter(pk=pk).select_related("content_type").first()
    model = base.specific_class if base is not None else None
    if model is None:
        return None
    return model.objects.filter(pk=pk).select_related("locale").first()


def translation_group_keys(page: Page) -> list[str]:
    """Keys of a page and all its translations: one changes the others'
    ``translations`` links."""
    pks = Page.objects.filter(translation_key=page.translation_key).values_list("pk", flat=True)
    return sorted({page_key(page.pk), *(page_key(pk) for pk in pks)})
