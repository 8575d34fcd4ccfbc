"""Template tags of the public site: page meta (SEO and sharing), responsive
images, the site navigation and small formatting helpers."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from storybank.core.i18n import language_choices
from storybank.core.visibility import is_asset_public, is_press_account
from storybank.home.sections import locale_sections
from storybank.public import images, seo
from storybank.public.views import live_locale_homes, view_meta

register = template.Library()


@register.simple_tag(takes_context=True)
def page_meta(context: template.Context) -> seo.PageMeta | None:
    """The view's ``meta``, or the meta of the Wagtail ``page`` being served,
    or a plain one for other views (the search page)."""
    if context.get("meta") is not None:
        return context["meta"]
    request = context.get("request")
    page = context.get("page")
    if page is not None and hasattr(page, "locale"):
        meta = seo.page_meta(page, request, context.flatten())
        meta.switcher = language_choices(page, live_locale_homes(request), request)
        return meta
    if request is None:
        return None
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "search:search":
        meta = view_meta(request, _("Search"), _("Search stories, products, culture, photos and media"),
                         noindex=True)
        meta.jsonld = {"@context": "https://schema.org", "@type": "SearchResultsPage", "name": meta.title,
                       "url": meta.canonical, "inLanguage": meta.language}
        return meta
    return view_meta(request, _("Lào Cai Story"), "")


@register.simple_tag
def responsive_image(image: Any, shape: str, css_class: str = "", loading: str = "lazy") -> SafeString | str:
    """A ``srcset`` image, or nothing when the image is missing or not public."""
    if not is_asset_public(image):
        return ""
    return images.responsive_img(image, shape, css_class=css_class, loading=loading)


@register.simple_tag(takes_context=True)
def site_nav(context: template.Context) -> dict[str, Any]:
    """The home page and sections of the language being shown (for the header and footer)."""
    request = context.get("request")
    if request is None:
        return {}
    cached = getattr(request, "_public_site_nav", None)
    if cached is not None:
        return cached
    home = live_locale_homes(request).get(get_language())
    nav = {"home": home, "sections": locale_sections(home) if home else {}, "lightboxes": offers_lightboxes(request)}
    request._public_site_nav = nav
    return nav


def offers_lightboxes(request: Any) -> bool:
    """Does the header offer "My lightboxes"? Only to a signed-in press account. A request
    without a session cookie is anonymous and is not asked who it is (no session or group
    lookup for the pages everyone shares); signed-in pages are never cached
    (``storybank.public.cache``), so the link reaches no one else."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and is_press_account(getattr(request, "user", None))


@register.filter
def place_url(place: Any) -> str:
    return seo.place_url(place)


@register.filter
def star_range(count: int) -> range:
    return range(int(count or 0))
