"""What a public page says about itself to search engines and social
networks: canonical URL, hreflang alternates, Open Graph and Twitter card
tags with the Facebook-size rendition, and schema.org JSON-LD.

Every value comes from what the page shows (title, lede, hero image while it
is public, places, ethnic groups), so a test can compare one with the other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language, get_language_info, override
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from media_pipeline.renditions import PRESETS
from storybank.core.i18n import LanguageChoice, PageTranslation, live_translations
from storybank.core.visibility import is_asset_public

#: Open Graph wants language_TERRITORY; languages without one (H'Mông) are left out.
OG_LOCALES = {"vi": "vi_VN", "en": "en_US", "zh-hans": "zh_CN", "fr": "fr_FR", "ko": "ko_KR", "ja": "ja_JP"}
SHARE_PRESET = "facebook"
GOOGLE_HEADLINE_LIMIT = 110
DESCRIPTION_LIMIT = 200


@dataclass
class ShareImage:
    url: str
    width: int
    height: int
    alt: str
    credit: str
    licence_url: str
    credit_url: str


@dataclass
class PageMeta:
    """Everything ``includes/seo_head.html`` prints."""

    title: str
    description: str
    canonical: str
    language: str
    alternates: list[PageTranslation] = field(default_factory=list)
    og_type: str = "website"
    image: ShareImage | None = None
    jsonld: dict[str, Any] | None = None
    noindex: bool = False
    #: The language switcher: every language of the site, those the page is not in yet leading to a
    #: fallback (``storybank.core.i18n.language_choices``); by default the alternates.
    switcher: list[LanguageChoice] | None = None

    @property
    def languages(self) -> list[LanguageChoice]:
        if self.switcher is not None:
            return self.switcher
        return [LanguageChoice(t.language_code, t.name_local, t.url, t.is_current, True, t.language_code)
                for t in self.alternates]

    @property
    def og_locale(self) -> str:
        return OG_LOCALES.get(self.language, "")

    @property
    def og_locale_alternates(self) -> list[str]:
        return [OG_LOCALES[t.language_code] for t in self.alternates
                if not t.is_current and t.language_code in OG_LOCALES]

    @property
    def jsonld_text(self) -> str:
        return jsonld_dumps(self.jsonld) if self.jsonld else ""


def jsonld_dumps(data: Any) -> str:
    """JSON safe inside ``<script>``: ``<``, ``>`` and ``&`` escaped as in Django's json_script."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


# --- addresses -----------------------------------------------------------------
def site_root_url(request: HttpRequest | None) -> str:
    site = Site.find_for_request(request) if request is not None else None
    site = site or Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return site.root_url
    return request.build_absolute_uri("/").rstrip("/") if request is not None else ""


def absolute(request: HttpRequest | None, path: str) -> str:
    return path if path.startswith(("http://", "https://")) else site_root_url(request) + path


def share_image(image: Any, request: HttpRequest | None) -> ShareImage | None:
    """The Facebook-size (1200 × 630) JPEG rendition, through the press download address."""
    if image is None or not is_asset_public(image):
        return None
    width, height = PRESETS[SHARE_PRESET].size
    return ShareImage(
        url=absolute(request, reverse("press:rendition", args=[image.pk, SHARE_PRESET])),
        width=width, height=height, alt=image.alt_for(), credit=image.credit_name,  # creditText: a name
        licence_url=image.licence_url,
        credit_url=absolute(request, reverse("press:credit", args=[image.pk]) + f"?locale={get_language()}"),
    )


def describe(text: str) -> str:
    """A one-line description (the fields it comes from are plain text)."""
    text = " ".join((text or "").split())
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1].rstrip() + "…"


# --- schema.org pieces -------------------------------------------------------------
def image_object(image: ShareImage) -> dict[str, Any]:
    data = {"@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height,
            "caption": image.alt, "creditText": image.credit, "acquireLicensePage": image.credit_url}
    if image.licence_url:
        data["license"] = image.licence_url
    return data


def publisher(request: HttpRequest | None) -> dict[str, Any]:
    return {"@type": "Organization", "name": _("Lào Cai Story"), "url": site_root_url(request) + "/"}


def place_node(place: Any, request: HttpRequest | None) -> dict[str, Any]:
    return {
        "@type": "Place",
        "name": place.localized_name,
        "url": absolute(request, place_url(place)),
        "geo": {"@type": "GeoCoordinates", "latitude": float(place.latitude), "longitude": float(place.longitude)},
    }


def place_url(place: Any, language: str | None = None) -> str:
    with override(language or get_language()):
        return reverse("public:place", args=[place.slug])


def content_common(page: Any, meta: PageMeta, request: HttpRequest | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "name": page.title,
        "description": meta.description,
        "url": meta.canonical,
        "inLanguage": page.locale.language_code,
    }
    if meta.image:
        data["image"] = [image_object(meta.image)]
    return data


def dated(page: Any, data: dict[str, Any]) -> dict[str, Any]:
    if page.first_published_at:
        data["datePublished"] = page.first_published_at.isoformat()
    if page.last_published_at:
        data["dateModified"] = page.last_published_at.isoformat()
    return data


def author_of(page: Any, request: HttpRequest | None) -> dict[str, Any]:
    unit = page.contributing_unit
    return {"@type": "Organization", "name": unit.name} if unit else publisher(request)


def ethnic_group_node(group: Any) -> dict[str, Any]:
    node = {"@type": "Thing", "name": group.localized_name}
    if group.autonym:
        node["alternateName"] = group.autonym
    return node


class SchemaOrg:
    """The schema.org pieces a page type builds its JSON-LD from
    (``structured_data``; see ``storybank.core.protocols.SchemaOrg``), bound to
    the page described and its meta."""

    def __init__(self, page: Any, meta: PageMeta, request: HttpRequest | None) -> None:
        self.page, self.meta, self.request = page, meta, request
        self.canonical = meta.canonical
        self.description = meta.description

    def common(self) -> dict[str, Any]:
        return content_common(self.page, self.meta, self.request)

    def dated(self, data: dict[str, Any]) -> dict[str, Any]:
        return dated(self.page, data)

    def headline(self) -> str:
        return self.page.title[:GOOGLE_HEADLINE_LIMIT]

    def author(self) -> dict[str, Any]:
        return author_of(self.page, self.request)

    def publisher(self) -> dict[str, Any]:
        return publisher(self.request)

    def place(self, place: Any) -> dict[str, Any]:
        return place_node(place, self.request)

    def ethnic_group(self, group: Any) -> dict[str, Any]:
        return ethnic_group_node(group)

    def absolute(self, path: str) -> str:
        return absolute(self.request, path)


def collection_jsonld(title: str, meta: PageMeta, items: list[tuple[str, str]], offset: int = 0) -> dict[str, Any]:
    """A listing: ``items`` are (name, absolute url) of what the page lists, in order."""
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": title,
        "description": meta.description,
        "url": meta.canonical,
        "inLanguage": meta.language,
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "ListItem", "position": offset + number, "name": name, "url": url}
                for number, (name, url) in enumerate(items, start=1)
            ],
        },
    }


# --- whole pages ----------------------------------------------------------------------
def page_meta(page: Page, request: HttpRequest | None, context: dict[str, Any] | None = None) -> PageMeta:
    """Meta of a Wagtail page; listings pass their context (the listed items).
    The page type says what it is (``og_type``, ``structured_data``); a page
    that says nothing and lists pages is a ``CollectionPage``."""
    context = context or {}
    language = page.locale.language_code
    description = page.search_description or getattr(page, "lede", "") or getattr(page, "intro", "") \
        or getattr(page, "hero_text", "")
    meta = PageMeta(
        title=page.seo_title or page.title,
        description=describe(description),
        canonical=page.get_full_url(request),
        language=language,
        alternates=live_translations(page, request),
    )
    listing = context.get("listing")
    if listing is not None and listing.page_number > 1:
        meta.canonical += f"?page={listing.page_number}"
    meta.image = share_image(getattr(page, "hero_image", None), request)
    meta.og_type = getattr(page, "og_type", meta.og_type)
    describe_itself = getattr(page, "structured_data", None)
    meta.jsonld = describe_itself(SchemaOrg(page, meta, request)) if describe_itself else None
    if meta.jsonld is not None:
        meta.jsonld.update(correction_jsonld(page))
    if meta.jsonld is None and listing is not None:
        meta.jsonld = collection_jsonld(
            meta.title, meta, [(item.title, item.get_full_url(request)) for item in listing.items],
            offset=listing.offset,
        )
    if listing is not None and listing.filtered:
        meta.noindex = True  # filtered views are many; the unfiltered listing is the one to index
    return meta


def correction_jsonld(page: Page) -> dict[str, Any]:
    """schema.org ``correction``: the notes published under the text (``CorrectionComment``)."""
    corrections = getattr(page, "published_corrections", None) or []
    if not corrections:
        return {}
    return {"correction": [
        {"@type": "CorrectionComment", "text": correction.note, "datePublished": correction.published_at.isoformat()}
        for correction in corrections
    ]}


def language_name(code: str) -> str:
    """The language's name in itself (Tiếng Việt, 简体中文…), for the switcher."""
    return get_language_info(code)["name_local"]
