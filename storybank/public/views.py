"""Public views that are not Wagtail pages: place pages, photo pages and the sitemaps."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.models import Locale, Page, Site

from storybank.assets.models import LaoCaiImage
from storybank.core.i18n import PageTranslation
from storybank.core.visibility import PRESS_ONLY, may_download, withheld_reason
from storybank.press.forms import AccessRequestForm
from storybank.public import images
from storybank.public import photos as photo_data
from storybank.public import places as place_data
from storybank.public.seo import (
    PageMeta,
    absolute,
    collection_jsonld,
    describe,
    language_name,
    place_url,
    share_image,
    site_root_url,
)


def live_locale_homes(request: HttpRequest | None) -> dict[str, Page]:
    """The live public home page of each language of the site, by language code (once per request)."""
    cached = getattr(request, "_public_locale_homes", None)
    if cached is not None:
        return cached
    site = (Site.find_for_request(request) if request is not None else None) or Site.objects.filter(
        is_default_site=True).first()
    homes = {}
    if site is not None:
        pages = site.root_page.get_translations(inclusive=True).live().public().select_related("locale")
        homes = {home.locale.language_code: home for home in pages}
    if request is not None:
        request._public_locale_homes = homes
    return homes


def current_home(request: HttpRequest) -> Page:
    """The home page of the language in the address; 404 when that language has none."""
    home = live_locale_homes(request).get(get_language())
    if home is None:
        raise Http404
    return home.specific


def view_alternates(request: HttpRequest, path_for: Any) -> list[PageTranslation]:
    """Alternates of a view that exists in every language with a home page;
    ``path_for(code)`` gives its path in that language."""
    current = get_language()
    homes = live_locale_homes(request)
    found = []
    for code, _name in settings.LANGUAGES:
        home = homes.get(code)
        if home is None:
            continue
        with override(code):
            url = absolute(request, path_for(code))
        found.append(PageTranslation(code, language_name(code), url, home, code == current))
    return found


def path_in_language(request: HttpRequest) -> Any:
    """``/vi/places/bac-ha/`` → the same path under another language prefix."""
    current = get_language()

    def path_for(code: str) -> str:
        return f"/{code}/" + request.path[len(f"/{current}/"):]

    return path_for


def view_meta(request: HttpRequest, title: str, description: str, *, noindex: bool = False) -> PageMeta:
    alternates = view_alternates(request, path_in_language(request))
    return PageMeta(title=title, description=describe(description), canonical=absolute(request, request.path),
                    language=get_language(), alternates=alternates, noindex=noindex)


def map_context() -> dict[str, str]:
    return {"map_tile_url": settings.PUBLIC_MAP_TILE_URL, "map_attribution": settings.PUBLIC_MAP_ATTRIBUTION}


@require_safe
def place_index(request: HttpRequest) -> HttpResponse:
    home = current_home(request)
    summaries = place_data.place_summaries(home.locale)
    title = _("Places")
    meta = view_meta(request, title, _("Communes, wards and landmarks of Lào Cai, and what the site holds about each."))
    items = [(summary.place.localized_name, absolute(request, place_url(summary.place))) for summary in summaries]
    meta.jsonld = collection_jsonld(title, meta, items)
    markers = [place_data.map_marker(summary.place, place_url(summary.place)) for summary in summaries]
    return render(request, "public/place_index.html", {
        "meta": meta, "home": home, "summaries": summaries, "markers": markers, "title": title, **map_context(),
    })


@require_safe
def place_detail(request: HttpRequest, slug: str) -> HttpResponse:
    home = current_home(request)
    place = place_data.public_places().filter(slug=slug).first()
    if place is None:
        raise Http404
    content = place_data.place_content(place, home.locale)
    localized = place.localized
    name = localized.name
    meta = view_meta(request, name, localized.description or _("%(place)s, Lào Cai province") % {"place": name})
    meta.og_type = "place"
    meta.jsonld = {
        "@context": "https://schema.org",
        "@type": "Place",
        "name": name,
        "description": meta.description,
        "url": meta.canonical,
        "geo": {"@type": "GeoCoordinates", "latitude": float(place.latitude), "longitude": float(place.longitude)},
        "hasMap": place_data.openstreetmap_url(place.latitude, place.longitude),
        "containedInPlace": {"@type": "AdministrativeArea", "name": "Lào Cai", "address": {
            "@type": "PostalAddress", "addressRegion": "Lào Cai", "addressCountry": "VN"}},
    }
    return render(request, "public/place_detail.html", {
        "meta": meta, "home": home, "place": place, "localized": localized, "content": content,
        "markers": [place_data.map_marker(place, meta.canonical)],
        "osm_url": place_data.openstreetmap_url(place.latitude, place.longitude),
        "geo_uri": place_data.geo_uri(place.latitude, place.longitude), **map_context(),
    })


@require_safe
def photo_detail(request: HttpRequest, image_id: int) -> HttpResponse:
    """``/<lang>/photos/<id>/``: the picture large, its credit and rights, and the download box.
    A press-only picture answers 403 to those who may not have it, with its title and the form that asks
    the editors for access; 404 for any other picture the visitor may not have (withdrawn, awaiting review)."""
    home = current_home(request)
    image = (LaoCaiImage.objects.select_related("source_unit", "place").prefetch_related("ethnic_groups")
             .filter(pk=image_id).first())
    if image is None:
        raise Http404
    if not may_download(request.user, image):
        if withheld_reason(image) != PRESS_ONLY:
            raise Http404
        return restricted_photo(request, image)
    language = get_language()
    caption = image.caption_for(language)
    withheld = withheld_reason(image)
    public = withheld is None
    meta = view_meta(request, image.title, caption or image.alt_for(language), noindex=not public)
    meta.og_type = "article"
    meta.image = share_image(image, request)
    web = reverse("press:rendition", args=[image.pk, "web"])
    meta.jsonld = photo_data.image_object(image, request, meta.canonical, web)
    response = render(request, "public/photo_detail.html", {
        "meta": meta, "home": home, "image": image, "caption": caption, "public": public,
        "press_only": withheld == PRESS_ONLY,
        "picture": images.responsive_img(image, "photo", css_class="photo-picture", loading="eager"),
        "zoom_url": web, "licence_link": photo_data.licence_link(image),
        "ethnic_groups": [group.localized_name for group in image.ethnic_groups.all()],
        "stories": photo_data.stories_using(image), "rows": photo_data.download_rows(image),
        "original": photo_data.original_download(image),
        "credit_url": reverse("press:credit", args=[image.pk]) + f"?locale={language}",
        "place_link": place_url(image.place) if place_data.public_places().filter(pk=image.place_id).exists() else "",
    })
    if not public:  # a press-only page is for the signed-in journalist alone
        response["Cache-Control"] = "private, no-store"
    return response


def restricted_photo(request: HttpRequest, image: LaoCaiImage) -> HttpResponse:
    """403: the photo is for approved press accounts; its title and the access request form, nothing of the picture."""
    meta = view_meta(request, image.title, "", noindex=True)
    response = render(request, "public/photo_restricted.html", {
        "meta": meta, "home": current_home(request), "image": image,
        "form": AccessRequestForm(user=request.user),
    }, status=403)
    response["Cache-Control"] = "private, no-store"
    return response


# --- sitemaps -----------------------------------------------------------------------------
def public_pages_of_locale(site: Site, locale: Locale) -> list[Page]:
    root = site.root_page.get_translations(inclusive=True).filter(locale=locale).live().public().first()
    if root is None:
        return []
    return list(root.get_descendants(inclusive=True).live().public().select_related("locale").order_by("path"))


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """``/sitemap.xml``: one sitemap per language that has a home page."""
    homes = live_locale_homes(request)
    root = site_root_url(request)
    sitemaps = [f"{root}/sitemap-{code}.xml" for code, _name in settings.LANGUAGES if code in homes]
    xml = render_to_string("public/sitemap_index.xml", {"sitemaps": sitemaps})
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


@require_safe
def sitemap_locale(request: HttpRequest, code: str) -> HttpResponse:
    """``/sitemap-<code>.xml``: the pages and place pages of one language, each with
    its translations as ``xhtml:link`` alternates (Google's hreflang-in-sitemap form)."""
    homes = live_locale_homes(request)
    if code not in homes:
        raise Http404
    site = Site.find_for_request(request) or Site.objects.get(is_default_site=True)
    pages = public_pages_of_locale(site, homes[code].locale)
    translations: dict[Any, list[Page]] = defaultdict(list)
    keys = [page.translation_key for page in pages]
    for other in Page.objects.filter(translation_key__in=keys).live().public().select_related("locale"):
        translations[other.translation_key].append(other)
    entries = []
    for page in pages:
        alternates = sorted(
            (other.locale.language_code, other.get_full_url(request)) for other in translations[page.translation_key]
        )
        entries.append({"location": page.get_full_url(request), "lastmod": page.last_published_at,
                        "alternates": alternates})
    place_languages = sorted(homes)
    for place in place_data.public_places():
        urls = {}
        for other in place_languages:
            with override(other):
                urls[other] = absolute(request, place_url(place))
        entries.append({"location": urls[code], "lastmod": None, "alternates": sorted(urls.items())})
    xml = render_to_string("core/sitemap.xml", {"entries": entries})
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")
